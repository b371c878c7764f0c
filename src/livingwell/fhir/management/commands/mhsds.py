"""``livingwell mhsds export --from DATE --to DATE DIR``: the period's MHSDS-shaped tables as
CSV and Parquet with a manifest, then NHS England's CMH access and paired-scores measures
computed from those tables, beside insight's own figures for the same period."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from livingwell.fhir import mhsds


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"{text!r} is not a date (YYYY-MM-DD)") from exc


class Command(BaseCommand):
    help = "Export the MHSDS-shaped national return for a period."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="Write the period's tables and manifest.")
        export.add_argument("--from", dest="start", required=True)
        export.add_argument("--to", dest="end", required=True)
        export.add_argument("folder")

    def handle(self, *args: Any, **options: Any) -> None:
        start, end = _date(options["start"]), _date(options["end"])
        if end < start:
            raise CommandError("--to is before --from")
        tables = mhsds.build(start, end)
        manifest = mhsds.write(tables, Path(options["folder"]), start, end)
        for name, info in manifest["tables"].items():
            self.stdout.write(f"{name}: {info['rows']} rows")
        national = mhsds.measures(tables, start, end)
        ours = mhsds.insight_figures(start, end)
        self.stdout.write("measure\tfrom the MHSDS tables\tinsight")
        self.stdout.write(
            f"CMH access (2+ contacts, 12 months)\t{national.access_people}\t{ours.access_people}"
        )
        for measure in sorted(set(national.paired_referrals) | set(ours.paired_referrals)):
            self.stdout.write(
                f"paired scores: {measure}\t{national.paired_referrals.get(measure, 0)}"
                f"\t{ours.paired_referrals.get(measure, 0)}"
            )
