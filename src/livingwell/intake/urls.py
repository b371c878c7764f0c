from django.urls import path

from livingwell.intake import views

app_name = "intake"
urlpatterns = [
    path("", views.start, name="start"),
    path("for-myself/", views.self_introduction, name="self"),
    path("for-someone-else/", views.family_introduction, name="family"),
    path("thank-you/", views.done, name="done"),
    path("staff/new/", views.staff_new, name="staff_new"),
]
