"""``livingwell measures``: analyst tools for the shipped measure definitions.

A thin wrapper: the work is done by the pure functions in livingwell.outcomes so it can be tested
without Django.

    livingwell measures score MEASURE FILE.csv [--output OUT.csv]
    livingwell measures import-wording FILE.csv
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from livingwell.outcomes import MEASURES, MeasureInputError, WordingFileError
from livingwell.outcomes.csvscore import score_csv
from livingwell.outcomes.wording import parse_wording_file


class Command(BaseCommand):
    help = "Score PROM responses from a CSV file, or import a licensed wording file."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        score = sub.add_parser("score", help="Score a CSV of responses (one row per response).")
        score.add_argument("measure", choices=MEASURES)
        score.add_argument(
            "file", help="CSV with one column per linkId (1..n); other columns are passed through."
        )
        score.add_argument("--output", "-o", help="Write here instead of standard output.")
        wording = sub.add_parser(
            "import-wording",
            help="Import a licensed item-wording CSV (docs/measures-wording-format.md).",
        )
        wording.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "score":
            self._score(options)
        else:
            self._import_wording(options)

    def _score(self, options: dict[str, Any]) -> None:
        try:
            if options.get("output"):
                with open(options["output"], "w", encoding="utf-8", newline="") as out:
                    summary = score_csv(options["measure"], options["file"], out)
            else:
                summary = score_csv(options["measure"], options["file"], self.stdout)
        except (MeasureInputError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        # The summary goes to stderr so that stdout stays a clean CSV for piping.
        print(
            f"{summary.rows} row(s): {summary.scored} scored, {summary.failed} with errors",
            file=sys.stderr,
        )

    def _import_wording(self, options: dict[str, Any]) -> None:
        try:
            wording = parse_wording_file(options["file"])
        except WordingFileError as exc:
            raise CommandError(f"wording file not imported:\n{exc}") from exc
        # Imported here: the command module must load even where the models are not needed.
        from livingwell.outcomes.actions import OutcomesError, import_wording

        try:
            counts = import_wording(by=None, wording=wording)
        except OutcomesError as exc:
            raise CommandError(f"wording file not imported: {exc}") from exc
        summary = ", ".join(f"{m} ({n} items)" for m, n in sorted(counts.items()))
        self.stdout.write(f"wording imported: {summary}. Forms now show this wording.")
