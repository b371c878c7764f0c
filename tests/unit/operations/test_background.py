"""Background work: retries with backoff, periodic tasks that come round, the worker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from tests.operations_support import (
    DATABASE_TASKS,
    GIVEN_UP,
    always_fails_for_now,
    broken_for_good,
    fails_twice,
    run_worker,
)

from livingwell.core.background import backoff
from livingwell.operations import schedule, tasks


def test_backoff_grows_by_the_factor():
    first = timedelta(seconds=30)
    assert [backoff(n, first, 4) for n in (1, 2, 3)] == [
        timedelta(seconds=30),
        timedelta(minutes=2),
        timedelta(minutes=8),
    ]


WORKER = pytest.mark.django_db(transaction=True)


@WORKER
def test_a_passing_failure_is_queued_again_later_with_the_next_attempt(settings):
    settings.TASKS = DATABASE_TASKS
    always_fails_for_now.enqueue("a")
    before = timezone.now()
    run_worker()
    failed = DBTaskResult.objects.get(status=TaskResultStatus.FAILED)
    assert failed.exception_class_path == "livingwell.core.background.TryAgainLater"
    again = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert again.args_kwargs == {"args": ["a"], "kwargs": {"attempt": 2}}
    assert (
        before + timedelta(seconds=10) <= again.run_after <= timezone.now() + timedelta(seconds=10)
    )


@WORKER
def test_retries_stop_after_the_last_attempt_and_say_so(settings):
    settings.TASKS = DATABASE_TASKS
    GIVEN_UP.clear()
    fails_twice.enqueue("b")
    run_worker()  # attempt 1 fails, attempt 2 is queued to run at once, runs and fails
    run_worker()
    assert DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count() == 2
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
    assert GIVEN_UP == [("b", "still down")]


@WORKER
def test_an_error_that_is_not_passing_is_not_retried(settings):
    settings.TASKS = DATABASE_TASKS
    broken_for_good.enqueue()
    run_worker()
    assert DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count() == 1
    assert DBTaskResult.objects.count() == 1


@pytest.mark.django_db
def test_the_immediate_backend_does_not_retry_or_reschedule(personas):
    result = always_fails_for_now.enqueue("c")
    assert result.status == TaskResultStatus.FAILED
    assert schedule.ensure_scheduled() == []
    assert DBTaskResult.objects.count() == 0


@WORKER
def test_each_periodic_task_is_queued_once_and_comes_round_again(personas, settings):
    settings.TASKS = DATABASE_TASKS
    from livingwell.core.models import SiteConfig

    site = SiteConfig.current()
    site.insight_refresh_minutes = 40
    site.save(update_fields=["insight_refresh_minutes"])
    assert sorted(schedule.ensure_scheduled()) == [
        "prune_finished_tasks",
        "refresh_insight",
        "send_work_alerts",
        "verify_audit",
        "write_audit_checkpoint",
    ]
    assert schedule.ensure_scheduled() == []  # one run waiting each: nothing more
    start = timezone.now()
    run_worker()
    waiting = {r.task_name: r for r in DBTaskResult.objects.filter(status=TaskResultStatus.READY)}
    assert set(waiting) == {t.name for t in schedule.PERIODIC}
    # Half the site's interval, so stored figures are never older than the interval itself.
    refresh_at = waiting["refresh_insight"].run_after
    assert start + timedelta(minutes=20) <= refresh_at <= timezone.now() + timedelta(minutes=20)
    assert waiting["verify_audit"].run_after >= start + timedelta(hours=24)
    assert waiting["send_work_alerts"].run_after >= start + timedelta(hours=24)
    assert waiting["write_audit_checkpoint"].run_after >= start + timedelta(hours=1)
    assert DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == 5


@pytest.mark.django_db
def test_the_audit_verification_is_kept_for_the_health_page(personas):
    from livingwell.operations.models import AuditVerification

    assert tasks.verify_audit.enqueue().status == TaskResultStatus.SUCCESSFUL
    latest = AuditVerification.objects.get()
    assert latest.intact and latest.events_checked >= 0


@pytest.mark.django_db
def test_the_hourly_checkpoint_is_signed_and_written_outside_the_database(
    personas, settings, tmp_path
):
    from livingwell.access import audit, checkpoints

    audit.record(by=personas.hub_worker, action="read", category="record", detail={})
    settings.LIVINGWELL_AUDIT_CHECKPOINT_KEY = "k" * 40
    settings.LIVINGWELL_AUDIT_CHECKPOINT_DIR = str(tmp_path)
    assert tasks.write_audit_checkpoint.enqueue().return_value is True
    assert tasks.write_audit_checkpoint.enqueue().return_value is True
    written = checkpoints.read_checkpoints()
    head = checkpoints.current()
    assert len(written) == 2
    assert (written[-1].count, written[-1].last_hash) == (head.count, head.last_hash)


@pytest.mark.django_db
def test_a_site_without_a_checkpoint_place_writes_none_and_does_not_fail(personas, settings):
    settings.LIVINGWELL_AUDIT_CHECKPOINT_DIR = ""
    result = tasks.write_audit_checkpoint.enqueue()
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value is False


@WORKER
def test_the_worker_command_schedules_then_runs_what_is_due(personas, settings):
    settings.TASKS = DATABASE_TASKS
    call_command("worker", batch=True, verbosity=0)
    names = set(
        DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).values_list(
            "task_path", flat=True
        )
    )
    assert names == {task.module_path for task in schedule.PERIODIC}


@WORKER
def test_finished_tasks_are_pruned_after_their_time(personas, settings):
    settings.TASKS = DATABASE_TASKS
    broken_for_good.enqueue()
    tasks.refresh_insight.enqueue()
    run_worker()
    DBTaskResult.objects.exclude(status=TaskResultStatus.READY).update(
        finished_at=timezone.now() - timedelta(days=30)
    )
    tasks.prune_finished_tasks.enqueue()
    run_worker()
    left = set(DBTaskResult.objects.values_list("task_path", "status"))
    # The failed one stays (60 days); the refresh done 30 days ago goes; this run's prune stays.
    assert (broken_for_good.module_path, "FAILED") in left
    assert (tasks.refresh_insight.module_path, "SUCCESSFUL") not in left
    assert (tasks.prune_finished_tasks.module_path, "SUCCESSFUL") in left
