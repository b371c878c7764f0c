from django.urls import path

from livingwell.insight import annotation_views, views

app_name = "insight"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("board-report.pdf", views.board_report, name="board_report"),
    path("measures/<slug:key>/", views.metric, name="metric"),
    path("tables/<slug:key>.csv", views.table_csv, name="csv"),
    path("people-behind/<slug:name>/", views.drilldown, name="drilldown"),
    path("process-changes-and-targets/", annotation_views.chart_annotations, name="annotations"),
    path(
        "process-changes-and-targets/<uuid:annotation_id>/change/",
        annotation_views.edit_annotation,
        name="annotation_edit",
    ),
    path(
        "process-changes-and-targets/<uuid:annotation_id>/withdraw/",
        annotation_views.withdraw_annotation,
        name="annotation_withdraw",
    ),
    path("feedback/<uuid:introduction_id>/", views.closure_feedback, name="feedback"),
]
