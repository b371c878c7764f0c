"""`livingwell worker`: runs the background work (django-tasks-db's own `db_worker`), after
queueing the first run of any periodic task that has none waiting (operations/schedule.py)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from livingwell.operations.schedule import ensure_scheduled


class Command(BaseCommand):
    help = "Run the background worker (messages, scheduled refreshes, alerts)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Run what is due now, then stop.")
        parser.add_argument(
            "--interval", type=float, default=1, help="Seconds between looks at an empty queue."
        )

    def handle(self, *args, batch, interval, verbosity, **options):
        queued = ensure_scheduled()
        if queued:
            self.stdout.write(f"Scheduled: {', '.join(queued)}")
        call_command(
            "db_worker",
            queue_name="*",
            batch=batch,
            interval=interval,
            reload=False,
            verbosity=verbosity,
        )
