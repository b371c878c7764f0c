"""Prometheus metrics for the site's monitoring.

django-prometheus measures every request (latency by view, responses by status, exceptions)
through its middleware; this module adds what only the site knows, read from the database at
each scrape (so every worker process reports the same): the task queue's depth by status and the
oldest due task's age, messages by kind and status; and counts sign-in failures as they happen.
Under several gunicorn workers, set PROMETHEUS_MULTIPROC_DIR (an empty directory) so that the
per-process counts are added up (prometheus_client's multiprocess mode).
"""

from __future__ import annotations

import os

import prometheus_client
from django.contrib.auth.signals import user_login_failed
from django.db.models import Count
from django.dispatch import receiver
from django.http import HttpResponse
from prometheus_client import multiprocess
from prometheus_client.core import GaugeMetricFamily

SIGN_IN_FAILURES = prometheus_client.Counter(
    "livingwell_sign_in_failures",
    "Failed sign-in steps (a wrong password or a wrong authenticator code).",
)


@receiver(user_login_failed, dispatch_uid="livingwell.operations.sign_in_failure")
def count_sign_in_failure(sender, **kwargs):
    SIGN_IN_FAILURES.inc()


class SiteCollector:
    """Figures read from the database at each scrape."""

    def collect(self):
        from livingwell.notifications.models import Message
        from livingwell.operations import queries

        depth = GaugeMetricFamily(
            "livingwell_tasks", "Background tasks by status.", labels=["status"]
        )
        for status, n in queries.totals().items():
            depth.add_metric([status.lower()], n)
        yield depth
        yield GaugeMetricFamily(
            "livingwell_task_oldest_due_age_seconds",
            "How long the oldest task that is due has waited (0 when none).",
            value=queries.oldest_waiting_age_seconds(),
        )
        messages = GaugeMetricFamily(
            "livingwell_messages", "Messages sent by kind and status.", labels=["kind", "status"]
        )
        rows = Message.objects.values_list("kind", "status").annotate(n=Count("id")).order_by()
        for kind, status, n in rows:
            messages.add_metric([kind, status], n)
        yield messages


SITE_REGISTRY = prometheus_client.CollectorRegistry(auto_describe=False)
SITE_REGISTRY.register(SiteCollector())


def exposition() -> bytes:
    """The metrics page: the process's (or all processes', in multiprocess mode) and the site's."""
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        registry = prometheus_client.CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = prometheus_client.REGISTRY
    return prometheus_client.generate_latest(registry) + prometheus_client.generate_latest(
        SITE_REGISTRY
    )


def metrics_response() -> HttpResponse:
    return HttpResponse(exposition(), content_type=prometheus_client.CONTENT_TYPE_LATEST)
