from django.urls import path

from livingwell.operations import views

app_name = "operations"

urlpatterns = [
    path("health/", views.health, name="health"),
    path("metrics", views.metrics, name="metrics"),
    path("operations/background-tasks/", views.background_tasks, name="background_tasks"),
]
