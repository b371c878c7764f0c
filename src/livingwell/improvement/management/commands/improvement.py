"""``livingwell improvement``: share an improvement project with another site as JSON.

livingwell improvement export PROJECT FILE   PROJECT is the project's id or its exact title
livingwell improvement import FILE           refused whole, with the field named, if anything
                                             in it is wrong; what the platform works out
                                             (observed, met, signal, fidelity) is worked out
                                             again, never read from the file
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from livingwell.improvement import exchange
from livingwell.improvement.models import ImprovementProject


class Command(BaseCommand):
    help = "Export an improvement project as JSON, or import one."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        exp = sub.add_parser("export", help="Write one project as JSON.")
        exp.add_argument("project", help="The project's id, or its exact title.")
        exp.add_argument("file")
        imp = sub.add_parser("import", help="Read a project from JSON.")
        imp.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "export":
            self._export(options["project"], Path(options["file"]))
        else:
            self._import(Path(options["file"]))

    def _export(self, name: str, path: Path) -> None:
        try:
            key = uuid.UUID(name)
        except ValueError:
            matches = list(ImprovementProject.objects.filter(title=name)[:2])
        else:
            matches = list(ImprovementProject.objects.filter(pk=key))
        if len(matches) != 1:
            raise CommandError(
                f"No project has the id or title {name!r}."
                if not matches
                else f"More than one project is called {name!r}: give its id instead."
            )
        body = exchange.export_project(matches[0], by=None)
        try:
            path.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n", "utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot write {path}: {exc.strerror}.") from None
        self.stdout.write(f"Wrote {matches[0].title} ({len(body['cycles'])} cycles) to {path}.")

    def _import(self, path: Path) -> None:
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None
        try:
            project = exchange.import_project(content, by=None)
        except exchange.ExchangeError as exc:
            raise CommandError(f"{path} was not imported; nothing changed. {exc}") from None
        self.stdout.write(f"Imported {project.title} as project {project.pk}.")
