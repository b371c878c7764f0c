from django.urls import path

from livingwell.operations import views

app_name = "operations"

urlpatterns = [
    path("operations/background-tasks/", views.background_tasks, name="background_tasks"),
]
