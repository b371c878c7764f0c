"""`livingwell insight import-population FILE.csv`: load the local population table."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from livingwell.insight.actions import PopulationImportError, import_population


class Command(BaseCommand):
    help = "Insight tasks: import-population FILE.csv loads the local population table."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="task", required=True)
        population = sub.add_parser(
            "import-population", help="Replace the population table from a CSV file."
        )
        population.add_argument("file", help="CSV with the header dimension,group,count")

    def handle(self, *args, task, **options):
        if task == "import-population":
            path = Path(options["file"])
            try:
                text = path.read_text(encoding="utf-8-sig")
            except OSError as exc:
                raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
            try:
                summary = import_population(by=None, text=text)
            except PopulationImportError as exc:
                raise CommandError(str(exc)) from exc
            for dimension, groups in summary.items():
                self.stdout.write(f"{dimension}: {groups} groups")
