from django.urls import path

from livingwell.outcomes import views

app_name = "outcomes"
urlpatterns = [
    # Staff pages: introductions are addressed by their opaque UUID only.
    path("outcomes/framework/", views.framework, name="framework"),
    path("outcomes/<uuid:introduction_id>/", views.person_outcomes, name="person"),
    path(
        "outcomes/<uuid:introduction_id>/record/<slug:measure>/",
        views.record_measure,
        name="record",
    ),
    path("outcomes/<uuid:introduction_id>/send-link/", views.send_link, name="send_link"),
    path(
        "outcomes/<uuid:introduction_id>/links/<uuid:link_id>/send-again/",
        views.send_link_again,
        name="send_link_again",
    ),
    # The person's own link: no login, the token is the only thing in the URL.
    path("measure/thank-you/", views.respond_done, name="respond_done"),
    path("measure/<str:token>/", views.respond, name="respond"),
]
