"""Which tasks come round on their own, and making sure each has its next run queued."""

from __future__ import annotations

from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from livingwell.core.background import can_run_later
from livingwell.operations import tasks

# Each periodic task queues its own next run when it finishes (operations/tasks.py). Add new ones
# here (work alerts, ...): a worker starting queues any that has no run waiting.
PERIODIC = [
    tasks.refresh_insight,
    tasks.verify_audit,
    tasks.write_audit_checkpoint,
    tasks.send_work_alerts,
    tasks.prune_finished_tasks,
]


def waiting(task_object) -> bool:
    return DBTaskResult.objects.filter(
        task_path=task_object.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    ).exists()


def ensure_scheduled() -> list[str]:
    """Queue, to run now, each periodic task with no run waiting; returns their names. Nothing
    is queued on a backend that cannot run work later (a periodic task would never stop)."""
    queued = []
    for task_object in PERIODIC:
        if can_run_later(task_object) and not waiting(task_object):
            task_object.enqueue()
            queued.append(task_object.name)
    return queued
