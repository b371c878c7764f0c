"""The site's scheduled work, run by the worker (`livingwell worker`) with no cron.

Each periodic task does its work and then queues its own next run (``core.background.
run_again_after``), so one run is always waiting; ``schedule.ensure_scheduled`` (called when a
worker starts) queues any that has none, e.g. on a new site or after a failed run. A run that
fails still queues the next one.
"""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from livingwell.core.background import run_again_after


@task()
def refresh_insight() -> int:
    """Recalculate the network dashboard's stored figures for the standard views (ADR 0008) and
    delete old ones; comes round at half the site's ``insight_refresh_minutes``, so viewers are
    served stored figures that are never older than that setting."""
    from livingwell.core.models import SiteConfig
    from livingwell.insight import snapshots

    site = SiteConfig.current()
    try:
        views = snapshots.standard_views()
        for view in views:
            snapshots.compute(view.filters, site)
        snapshots.prune()
    finally:
        run_again_after(refresh_insight, insight_interval(site))
    return len(views)


def insight_interval(site) -> timedelta:
    return timedelta(minutes=max(1, site.insight_refresh_minutes // 2))


AUDIT_VERIFY_EVERY = timedelta(hours=24)


@task()
def verify_audit() -> bool:
    """Walk the audit trail's hash chain and keep the outcome for /health/ (once a day)."""
    from livingwell.access.audit import verify_chain
    from livingwell.operations.actions import record_audit_verification

    try:
        result = verify_chain()
        record_audit_verification(by=None, result=result)
    finally:
        run_again_after(verify_audit, AUDIT_VERIFY_EVERY)
    return result.ok


CHECKPOINT_EVERY = timedelta(hours=1)


@task()
def write_audit_checkpoint() -> bool:
    """Sign the audit chain's head and append it outside the database (access/checkpoints.py,
    ADR 0021), hourly. A site without a checkpoint key and place writes none (the deploy check
    refuses production without them); the reason goes to the log, and the next run still comes."""
    import logging

    from django.conf import settings

    from livingwell.access.checkpoints import CheckpointError, write_checkpoint

    try:
        if not (
            settings.LIVINGWELL_AUDIT_CHECKPOINT_KEY and settings.LIVINGWELL_AUDIT_CHECKPOINT_DIR
        ):
            return False
        try:
            write_checkpoint()
        except CheckpointError as exc:
            logging.getLogger(__name__).warning("No audit checkpoint written: %s", exc)
            return False
        return True
    finally:
        run_again_after(write_audit_checkpoint, CHECKPOINT_EVERY)


ALERTS_EVERY = timedelta(hours=24)


@task()
def send_work_alerts() -> int:
    """E-mail each worker with handovers waiting past their reply date or overdue safety
    actions (operations/alerts.py), once a day."""
    from livingwell.operations.alerts import send_due_alerts

    try:
        sent = send_due_alerts()
    finally:
        run_again_after(send_work_alerts, ALERTS_EVERY)
    return sent


PRUNE_EVERY = timedelta(hours=24)


@task()
def prune_finished_tasks() -> None:
    """Delete finished tasks' rows after 14 days, failed ones after 60 (the administrators'
    page shows them until then), with django-tasks-db's own command, daily."""
    from django.core.management import call_command

    try:
        call_command(
            "prune_db_task_results",
            queue_name="*",
            min_age_days=14,
            failed_min_age_days=60,
            verbosity=0,
        )
    finally:
        run_again_after(prune_finished_tasks, PRUNE_EVERY)
