from django.urls import path

from livingwell.simulation import views

app_name = "simulation"

urlpatterns = [
    path("", views.scenarios, name="scenarios"),
    path("new/", views.scenario_new, name="scenario_new"),
    path("<uuid:scenario_id>/", views.scenario, name="scenario"),
    path("<uuid:scenario_id>/runs/", views.run_new, name="run_new"),
    path("runs/<uuid:run_id>/", views.run, name="run"),
    path("runs/<uuid:run_id>/progress/", views.run_progress, name="run_progress"),
    path("runs/<uuid:run_id>/report/", views.report, name="report"),
    path("runs/<uuid:run_id>/predict/", views.predict, name="predict"),
]
