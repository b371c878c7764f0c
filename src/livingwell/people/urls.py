from django.urls import path

from livingwell.people import views

app_name = "people"
urlpatterns = [
    path("matches/<str:match_id>/", views.match, name="match"),
    path("matches/<str:match_id>/decide/", views.decide, name="match_decide"),
]
