"""Tasks and helpers for the background-work tests (module-level, so the worker finds them)."""

from __future__ import annotations

from datetime import timedelta

from django.core.management import call_command

from livingwell.core.background import TryAgainLater, task_with_retries

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}

GIVEN_UP: list = []


@task_with_retries(attempts=3, first_delay=timedelta(seconds=10), factor=3)
def always_fails_for_now(label: str) -> None:
    raise TryAgainLater(f"gateway down ({label})")


def _record_giving_up(exc, label):
    GIVEN_UP.append((label, str(exc)))


@task_with_retries(attempts=2, first_delay=timedelta(seconds=0), on_give_up=_record_giving_up)
def fails_twice(label: str) -> None:
    raise TryAgainLater("still down")


@task_with_retries()
def broken_for_good() -> None:
    raise ValueError("a bug, not a passing failure")


def run_worker():
    """What is due now, as `livingwell worker` runs it. The worker closes the database connection
    between tasks, as a server does between requests: the tests that call it are transactional."""
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
