"""/health/ (up or down to anyone, the detail to the monitoring) and /metrics (monitoring only)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.auth.signals import user_login_failed
from django.utils import timezone
from tests.operations_support import DATABASE_TASKS, broken_for_good

from livingwell.access.audit import VerifyResult
from livingwell.operations.actions import record_audit_verification
from livingwell.operations.models import AuditVerification

MONITORING = "10.0.5.7"
# The checks read the database from threads of their own, which see only what was committed.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def monitoring(settings):
    import ipaddress

    settings.LIVINGWELL_MONITORING_NETWORKS = [ipaddress.ip_network("10.0.5.0/24")]


def verified(intact=True, at=None):
    record_audit_verification(by=None, result=VerifyResult(intact, 3), at=at)


def detail(client):
    response = client.get("/health/", REMOTE_ADDR=MONITORING)
    return response.status_code, json.loads(response.content)


def test_anyone_gets_up_and_nothing_more(client, monitoring):
    verified()
    response = client.get("/health/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response.content == b"up\n"
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_monitoring_gets_each_check(client, monitoring):
    verified()
    status, checks = detail(client)
    assert status == 200
    assert {name.split("(")[0] for name in checks} == {
        "Database",
        "MigrationsApplied",
        "DiskSpace",
        "TaskQueue",
        "AuditVerified",
    }
    assert set(checks.values()) == {"OK"}


def test_a_full_disk_is_down(client, monitoring, settings):
    verified()
    settings.LIVINGWELL_HEALTH_MIN_FREE_DISK_PERCENT = 101
    response = client.get("/health/")
    assert response.status_code == 503 and response.content == b"down\n"
    status, checks = detail(client)
    assert status == 503 and "of the disk is free" in checks["DiskSpace()"]


def test_a_stuck_queue_and_an_old_or_broken_audit_check_are_warnings(client, monitoring, settings):
    settings.TASKS = DATABASE_TASKS
    settings.LIVINGWELL_HEALTH_MAX_TASK_WAIT_SECONDS = 1
    broken_for_good.using(run_after=timezone.now() - timedelta(minutes=5)).enqueue()
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=5))
    verified(intact=False)
    assert client.get("/health/").content == b"up\n"  # the site still takes work
    status, checks = detail(client)
    assert status == 200
    assert "is `livingwell worker` running?" in checks["TaskQueue()"]
    assert "BROKEN" in checks["AuditVerified()"]
    AuditVerification.objects.all().delete()
    verified(at=timezone.now() - timedelta(days=3))
    _status, checks = detail(client)
    assert "not been verified for over 48 hours" in checks["AuditVerified()"]


def test_metrics_are_for_the_monitoring_only(client, monitoring, personas):
    assert client.get("/metrics").status_code == 404
    from tests.factories import login

    login(client, personas.site_admin)
    assert client.get("/metrics").status_code == 404  # not even for an administrator


def test_metrics_show_requests_tasks_messages_and_sign_in_failures(client, monitoring, settings):
    settings.TASKS = DATABASE_TASKS
    broken_for_good.enqueue()
    user_login_failed.send(sender=__name__, credentials={"username": "x"}, request=None)
    client.get("/")
    response = client.get("/metrics", REMOTE_ADDR=MONITORING)
    assert response.status_code == 200
    text = response.content.decode()
    assert (
        'django_http_requests_latency_seconds_by_view_method_count{method="GET",view="core:home"}'
        in text
    )
    assert "django_http_responses_total_by_status_view_method_total" in text
    assert 'livingwell_tasks{status="ready"} 1.0' in text
    assert "livingwell_task_oldest_due_age_seconds" in text
    assert "livingwell_sign_in_failures_total" in text
    assert "# TYPE livingwell_messages gauge" in text
