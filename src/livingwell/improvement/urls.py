from django.urls import path

from livingwell.improvement import learning_views, views

app_name = "improvement"

P = "<uuid:project_id>/"
C = P + "cycles/<uuid:cycle_id>/"

urlpatterns = [
    path("", views.portfolio, name="portfolio"),
    path("new/", views.project_new, name="project_new"),
    path(P, views.project, name="project"),
    path(P + "export.json", views.export, name="export"),
    path(P + "aim/", views.aim_edit, name="aim"),
    path(P + "team/", views.member_add, name="member_add"),
    path(P + "progress/", views.progress_set, name="progress"),
    path(P + "drivers/", views.driver_add, name="driver_add"),
    path(P + "change-ideas/", views.idea_add, name="idea_add"),
    path(P + "measures/", views.measure_add, name="measure_add"),
    path(P + "measures/<uuid:measure_id>/values/", views.point_add, name="point_add"),
    path(P + "cycles/", views.cycle_new, name="cycle_new"),
    path(C, views.cycle, name="cycle"),
    path(C + "plan/", views.plan_edit, name="plan"),
    path(C + "predictions/", views.prediction_add, name="prediction_add"),
    path(C + "predictions/<uuid:prediction_id>/", views.prediction_edit, name="prediction"),
    path(
        C + "predictions/<uuid:prediction_id>/remove/",
        views.prediction_remove,
        name="prediction_remove",
    ),
    path(C + "start-do/", views.start_do, name="start_do"),
    path(C + "do/", views.do_record, name="do"),
    path(C + "study/", views.study_record, name="study"),
    path(C + "act/", views.act_record, name="act"),
    # Learning from failure
    path("learning/", learning_views.responses, name="responses"),
    path("learning/new/", learning_views.response_new, name="response_new"),
    path("learning/themes/", learning_views.themes, name="themes"),
    path("learning/my-safety-actions/", learning_views.my_actions, name="my_actions"),
    path("learning/<uuid:response_id>/", learning_views.response, name="response"),
    path("learning/<uuid:response_id>/answers/", learning_views.answers, name="answers"),
    path("learning/<uuid:response_id>/factors/", learning_views.factor_add, name="factor_add"),
    path(
        "learning/<uuid:response_id>/safety-actions/",
        learning_views.action_add,
        name="action_add",
    ),
    path("learning/<uuid:response_id>/summary/", learning_views.summary, name="summary"),
    path(
        "learning/safety-actions/<uuid:action_id>/done/",
        learning_views.action_done,
        name="action_done",
    ),
    path(
        "learning/safety-actions/<uuid:action_id>/change-idea/",
        learning_views.action_to_idea,
        name="action_to_idea",
    ),
]
