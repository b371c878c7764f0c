from django.urls import path

from livingwell.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("urgent-help/", views.urgent_help, name="urgent_help"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
]
