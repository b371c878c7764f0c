from django.urls import path

from livingwell.hub import views

app_name = "hub"
urlpatterns = [
    path("", views.board, name="board"),
    path("board/<slug:section>/", views.board_section, name="board_section"),
    path("find/", views.find, name="find"),
    path("introductions/<str:introduction_id>/", views.record, name="record"),
    path(
        "introductions/<str:introduction_id>/history/<slug:section>/",
        views.record_history,
        name="record_history",
    ),
    path("introductions/<str:introduction_id>/own/", views.take_ownership, name="own"),
    path(
        "introductions/<str:introduction_id>/conversation/", views.conversation, name="conversation"
    ),
    path("introductions/<str:introduction_id>/allocate/", views.allocate, name="allocate"),
    path("introductions/<str:introduction_id>/tier/", views.change_tier, name="tier"),
    path("introductions/<str:introduction_id>/plan/", views.plan, name="plan"),
    path("introductions/<str:introduction_id>/contact/", views.contact, name="contact"),
    path("introductions/<str:introduction_id>/close/", views.close, name="close"),
    path("introductions/<str:introduction_id>/return/", views.return_open_door, name="return"),
    path("handover/new/", views.handover_new, name="handover_new"),
    path("handovers/<str:handover_id>/respond/", views.handover_respond, name="handover_respond"),
    path("handovers/<str:handover_id>/advance/", views.handover_advance, name="handover_advance"),
    path(
        "handovers/<str:handover_id>/acknowledge/",
        views.handover_acknowledge,
        name="handover_acknowledge",
    ),
]
