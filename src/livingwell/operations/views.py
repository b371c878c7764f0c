"""The administrators' page of background work."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from livingwell.access.permissions import Permission
from livingwell.access.policy import staff
from livingwell.operations import queries


@require_GET
@staff(Permission.VIEW_BACKGROUND_TASKS)
def background_tasks(request):
    return render(request, "operations/tasks.html", queries.tasks_page())
