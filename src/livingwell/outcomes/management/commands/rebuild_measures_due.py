"""``livingwell rebuild_measures_due``: rework the table of measures due from scratch.

The actions keep the table right as they go; this is for a site restored from a backup, data
loaded outside the actions, or a check after an upgrade.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from livingwell.outcomes.due import rebuild


class Command(BaseCommand):
    help = "Rebuild the table of outcome measures due (what the huddle board lists)."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            written = rebuild()
        self.stdout.write(f"{written} measure(s) due or coming up, for the board.")
