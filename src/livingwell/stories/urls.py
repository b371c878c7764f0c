from django.urls import path

from livingwell.stories import views

app_name = "stories"

urlpatterns = [
    path("stories/", views.collections, name="collections"),
    path("stories/new/", views.collection_new, name="collection_new"),
    path("stories/<uuid:collection_id>/", views.pattern, name="pattern"),
    path("stories/<uuid:collection_id>/tell/", views.tell_with_worker, name="tell_with_worker"),
    path(
        "stories/<uuid:collection_id>/send-link/<uuid:introduction_id>/",
        views.send_link,
        name="send_link",
    ),
    path("stories/<uuid:collection_id>/panel/<str:level>/", views.panel, name="panel"),
    path("stories/<uuid:collection_id>/monitoring/", views.monitoring, name="monitoring"),
    path("stories/person/<uuid:introduction_id>/", views.person_stories, name="person"),
    path("stories/story/<uuid:story_id>/", views.story, name="story"),
    path("stories/story/<uuid:story_id>/consent/", views.story_consent, name="consent"),
    path("stories/story/<uuid:story_id>/public-text/", views.public_text, name="public_text"),
    path("stories/pdsa-cycle/<uuid:cycle_id>/", views.cycle_stories, name="cycle"),
    path("stories/selection/<uuid:selection_id>/feedback/", views.feedback, name="feedback"),
    # The person's own link: no login, the token is the only thing in the URL.
    path("tell/thank-you/", views.tell_done, name="tell_done"),
    path("tell/<str:token>/", views.tell, name="tell"),
    path("impact/", views.impact_page, name="impact"),
]
