"""/health/ for the load balancer, on django-health-check.

The load balancer needs one answer, up (200) or down (503), and nothing more: anyone may ask, so
anyone else gets only that word. The site's monitoring (LIVINGWELL_MONITORING_ADDRESSES) gets
each check by name with its reason, as django-health-check gives it.

Down means the site cannot keep what people tell it: the database unreachable, migrations not
applied, the disk almost full. A worker that has stopped (the oldest due task waiting too long)
or an audit trail not verified lately, or broken, are warnings: the site still takes work, and
the monitoring shows them.
"""

from __future__ import annotations

import dataclasses
import shutil
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.conf import settings
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable, ServiceWarning
from health_check.views import HealthCheckView

from livingwell.access.policy import from_monitoring


@dataclasses.dataclass
class MigrationsApplied(HealthCheck):
    def run(self):
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise ServiceUnavailable("Migrations are not all applied: run `livingwell migrate`.")


@dataclasses.dataclass
class TaskQueue(HealthCheck):
    def run(self):
        from livingwell.operations.queries import oldest_waiting_age_seconds

        age = oldest_waiting_age_seconds()
        if age > settings.LIVINGWELL_HEALTH_MAX_TASK_WAIT_SECONDS:
            raise ServiceWarning(
                f"The oldest due task has waited {int(age)} s: is `livingwell worker` running?"
            )


@dataclasses.dataclass
class DiskSpace(HealthCheck):
    def run(self):
        usage = shutil.disk_usage(settings.VAR_DIR)
        free = 100 * usage.free / usage.total
        if free < settings.LIVINGWELL_HEALTH_MIN_FREE_DISK_PERCENT:
            raise ServiceUnavailable(f"Only {free:.1f}% of the disk is free.")


AUDIT_VERIFIED_WITHIN = timedelta(hours=48)


@dataclasses.dataclass
class AuditVerified(HealthCheck):
    def run(self):
        from livingwell.operations.models import AuditVerification

        latest = AuditVerification.objects.order_by("-at").first()
        if latest is None:
            raise ServiceWarning("The audit trail has not been verified yet.")
        if not latest.intact:
            raise ServiceWarning("The audit trail's last verification found it BROKEN.")
        if timezone.now() - latest.at > AUDIT_VERIFIED_WITHIN:
            raise ServiceWarning("The audit trail has not been verified for over 48 hours.")


class ClosingExecutor(ThreadPoolExecutor):
    """Threads for the checks that close their database connections when each check ends:
    Django opens one per thread, and a thread of the event loop's default executor would keep
    it open after the request (one more open connection for each call of /health/)."""

    def submit(self, fn, /, *args, **kwargs):
        def run():
            try:
                return fn(*args, **kwargs)
            finally:
                connections.close_all()

        return super().submit(run)


class SiteHealthView(HealthCheckView):
    checks = (
        "health_check.checks.Database",
        MigrationsApplied,
        DiskSpace,
        TaskQueue,
        AuditVerified,
    )

    def get_executor(self):
        return ClosingExecutor(max_workers=len(self.checks))

    async def get(self, request, *args, **kwargs):
        await super().get(request, *args, **kwargs)  # runs the checks into self.results
        up = all(
            result.error is None or isinstance(result.error, ServiceWarning)
            for result in self.results
        )
        if from_monitoring(request):
            # Each check by name, "OK" or its reason (JSON); 503 only when down, so that a
            # warning is not logged as a server error at every scrape.
            return self.render_to_response_json(200 if up else 503)
        return HttpResponse(
            "up\n" if up else "down\n",
            status=200 if up else 503,
            content_type="text/plain; charset=utf-8",
        )
