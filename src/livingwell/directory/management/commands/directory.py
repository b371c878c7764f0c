"""``livingwell directory``: load and publish the directory of community support.

livingwell directory import FILE [--skip-invalid]     ORUK JSON, a datapackage folder,
                                                       its datapackage.json or one CSV table
livingwell directory export FOLDER [--include-private] services.json, taxonomies.json and
                                                       datapackage/*.csv
livingwell directory import-postcodes FILE.csv         postcode district centroids
                                                       (columns: outcode, latitude, longitude
                                                       [, name]); pcds/lat/long also accepted
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from livingwell.directory import actions, exporter, importer, postcodes


class Command(BaseCommand):
    help = "Import or export the directory (Open Referral UK), or import postcode centroids."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        imp = sub.add_parser("import", help="Import ORUK JSON or an HSDS tabular datapackage.")
        imp.add_argument("file")
        imp.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the good rows and report the bad ones, instead of refusing the file.",
        )
        exp = sub.add_parser("export", help="Write ORUK JSON and the tabular datapackage.")
        exp.add_argument("folder")
        exp.add_argument(
            "--include-private", action="store_true", help="Also export non-public listings."
        )
        pc = sub.add_parser("import-postcodes", help="Import postcode district centroids (CSV).")
        pc.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        handler = {
            "import": self._import,
            "export": self._export,
            "import-postcodes": self._postcodes,
        }[options["subcommand"]]
        handler(options)

    def _progress(self, stage: str, done: int, total: int) -> None:
        if total >= 1000:
            self.stderr.write(f"  {done}/{total} rows {stage}")

    def _import(self, options: dict[str, Any]) -> None:
        try:
            bundle = importer.read(options["file"])
            result = actions.import_directory(
                by=None,
                bundle=bundle,
                source=str(options["file"]),
                skip_invalid=options["skip_invalid"],
                progress=self._progress,
            )
        except (importer.FileUnreadable, actions.DirectoryError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        for problem in result.problems:
            self.stderr.write(f"skipped {problem}")
        self.stdout.write(
            f"Imported {options['file']}: {result.created} created, {result.updated} updated"
            + (f", {result.skipped} skipped" if result.skipped else "")
        )

    def _export(self, options: dict[str, Any]) -> None:
        counts = exporter.export(options["folder"], include_private=options["include_private"])
        self.stdout.write(
            f"Exported {counts.get('service', 0)} services to {options['folder']} "
            f"(services.json, taxonomies.json, datapackage/)"
        )

    def _postcodes(self, options: dict[str, Any]) -> None:
        try:
            n = postcodes.import_centroids(by=None, path=options["file"])
        except (postcodes.CentroidFileError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Imported {n} postcode districts")
