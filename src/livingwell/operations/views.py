"""The administrators' page of background work; /health/ and /metrics."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from livingwell.access.permissions import Permission
from livingwell.access.policy import monitoring_only, public, staff
from livingwell.operations import queries
from livingwell.operations.health import SiteHealthView
from livingwell.operations.metrics import metrics_response

# Anyone (the load balancer) gets up or down; the site's monitoring the detail (health.py).
health = public(require_GET(SiteHealthView.as_view()))


@require_GET
@staff(Permission.VIEW_BACKGROUND_TASKS)
def background_tasks(request):
    return render(request, "operations/tasks.html", queries.tasks_page())


@require_GET
@monitoring_only
def metrics(request):
    return metrics_response()
