"""Insight tasks.

``livingwell insight import-population FILE.csv`` loads the local population table.
``livingwell insight refresh`` recalculates the dashboard's stored figures for the standard views
(no filter, each team, each organisation, each tier; the default period) and deletes stored
figures older than a few days. Run it from cron a little more often than the site's
``insight_refresh_minutes`` so viewers are always served stored figures.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from livingwell.insight.actions import PopulationImportError, import_population


class Command(BaseCommand):
    help = (
        "Insight tasks: import-population FILE.csv loads the local population table; refresh "
        "recalculates the dashboard's stored figures for the standard views."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="task", required=True)
        population = sub.add_parser(
            "import-population", help="Replace the population table from a CSV file."
        )
        population.add_argument("file", help="CSV with the header dimension,group,count")
        sub.add_parser(
            "refresh",
            help="Recalculate the stored dashboard figures for the standard views; prune old ones.",
        )

    def handle(self, *args, task, **options):
        if task == "refresh":
            self._refresh()
            return
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

    def _refresh(self):
        from livingwell.core.models import SiteConfig
        from livingwell.insight import snapshots

        site = SiteConfig.current()
        views = snapshots.standard_views()
        for view in views:
            snapshot = snapshots.compute(view.filters, site)
            self.stdout.write(f"{view.label}: {snapshot.compute_ms} ms")
        pruned = snapshots.prune()
        self.stdout.write(
            f"Recalculated {len(views)} dashboard views; deleted {pruned} stored older than "
            f"{snapshots.KEEP_DAYS} days."
        )
