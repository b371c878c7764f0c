from django.urls import path

from livingwell.access import views

app_name = "access"
urlpatterns = [
    path("emergency/", views.emergency, name="emergency"),
    path("emergency/break-glass/", views.break_glass, name="break_glass"),
    path("introductions/<str:introduction_id>/sharing/", views.sharing, name="sharing"),
    path("introductions/<str:introduction_id>/override/", views.override, name="override"),
    path("people/<str:person_id>/log/", views.person_log, name="person_log"),
    path("privacy/", views.privacy_workspace, name="privacy_workspace"),
    path(
        "privacy/break-glass/<str:grant_id>/", views.review_break_glass, name="review_break_glass"
    ),
    path("privacy/overrides/<str:override_id>/", views.review_override, name="review_override"),
    path("privacy/report/", views.access_report, name="access_report"),
]
