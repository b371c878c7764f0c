"""``livingwell rebuild_board [--check]``: the fields the huddle board reads, worked out again.

The actions keep them right as they go (ADR 0012): each introduction's last attended contact and
current key worker, the running totals of introductions received, new and in support, and the
table of measures due. This is for a site restored from a backup, data loaded outside the
actions, or a check after an upgrade. ``--check`` only reports what differs, and exits 1 if
anything does.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from livingwell.access import audit
from livingwell.hub import maintained


class Command(BaseCommand):
    help = "Rework the fields the huddle board reads from their sources (or --check them)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Only report what differs from the sources."
        )

    def handle(self, *args, check: bool = False, **options) -> None:
        if check:
            found = maintained.drift()
            for name, n in found.items():
                self.stdout.write(f"{name}: {n} out of step")
            if any(found.values()):
                raise CommandError("Some kept fields are out of step: run rebuild_board.")
            self.stdout.write("Everything the board reads is in step with its sources.")
            return
        written = maintained.rebuild()
        # An operator's maintenance, in the trail like every change (aggregate counts only).
        audit.record(by=None, action="board.rebuild", category="maintenance", detail=written)
        self.stdout.write(
            f"Reworked: last attended contact, current key worker, team and tier of "
            f"{written['current']} introductions, the running totals, and "
            f"{written['measures_due']} measure(s) due."
        )
