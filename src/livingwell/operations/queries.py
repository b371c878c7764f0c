"""The background work as the administrators' page shows it (django-tasks-db's task table)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Min
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

SHOWN = 50


@dataclass(frozen=True)
class TaskRow:
    id: str
    name: str
    enqueued_at: object
    run_after: object | None
    started_at: object | None
    finished_at: object | None
    attempt: int
    error: str  # the exception's class only: a traceback may quote anything


def _row(result: DBTaskResult) -> TaskRow:
    kwargs = (result.args_kwargs or {}).get("kwargs") or {}
    attempt = kwargs.get("attempt", 1)
    return TaskRow(
        id=str(result.id),
        name=result.task_name,
        enqueued_at=result.enqueued_at,
        run_after=None if result.run_after.year == 9999 else result.run_after,
        started_at=result.started_at,
        finished_at=result.finished_at,
        attempt=attempt if isinstance(attempt, int) else 1,
        error=result.exception_class_path.rpartition(".")[2],
    )


def totals() -> dict[str, int]:
    counts = dict(DBTaskResult.objects.values_list("status").annotate(n=Count("id")).order_by())
    return {status: counts.get(status, 0) for status in TaskResultStatus.values}


def oldest_waiting_age_seconds(now=None) -> float:
    """How long the oldest task that is due has waited (0 when none): a stuck worker shows."""
    now = now or timezone.now()
    oldest = DBTaskResult.objects.ready().aggregate(at=Min("enqueued_at"))["at"]
    if oldest is None:
        return 0.0
    return max(0.0, (now - oldest).total_seconds())


def tasks_page() -> dict:
    queued = DBTaskResult.objects.filter(status=TaskResultStatus.READY).order_by(
        "run_after", "enqueued_at"
    )
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).order_by("started_at")
    failed = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).order_by("-finished_at")
    return {
        "totals": totals(),
        "queued": [_row(r) for r in queued[:SHOWN]],
        "running": [_row(r) for r in running[:SHOWN]],
        "failed": [_row(r) for r in failed[:SHOWN]],
        "shown": SHOWN,
        "oldest_waiting_seconds": int(oldest_waiting_age_seconds()),
    }
