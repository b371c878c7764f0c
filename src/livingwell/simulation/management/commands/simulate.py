"""``livingwell simulate``: the what-if simulation from the command line.

livingwell simulate mmc --arrival-rate L --service-rate M --servers C --horizon T --warmup W
                        --replications R --seed S [--json]
    the plain M/M/c queue: simulated mean wait in queue with its 95% interval, and Erlang C
livingwell simulate scenario FILE --replications N --seed S [--workers W] [--json]
    a scenario file (docs/simulation-scenario-format.md) against this site's own data, its
    replications in W processes (default: the SIMULATION_WORKERS setting)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from livingwell.simulation import scenario as scenario_format
from livingwell.simulation.engine import mmc
from livingwell.simulation.presenters import known_tiers, text_summary
from livingwell.simulation.runner import run_scenario
from livingwell.simulation.scenario import ScenarioError


class Command(BaseCommand):
    help = "Run the what-if simulation: the M/M/c check against theory, or a scenario file."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        q = sub.add_parser("mmc", help="The M/M/c queue beside the Erlang C formula.")
        q.add_argument("--arrival-rate", type=float, required=True)
        q.add_argument("--service-rate", type=float, required=True)
        q.add_argument("--servers", type=int, required=True)
        q.add_argument("--horizon", type=float, required=True)
        q.add_argument("--warmup", type=float, default=0.0)
        q.add_argument("--replications", type=int, default=10)
        q.add_argument("--seed", type=int, default=1)
        q.add_argument("--json", action="store_true", help="Print the result as JSON.")
        s = sub.add_parser("scenario", help="Run a scenario file against this site's data.")
        s.add_argument("file")
        s.add_argument("--replications", type=int, default=None)
        s.add_argument("--seed", type=int, default=None)
        s.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Processes for the replications (the result does not depend on it).",
        )
        s.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "mmc":
            self._mmc(options)
        else:
            self._scenario(Path(options["file"]), options)

    def _mmc(self, options: dict) -> None:
        try:
            result = mmc(
                arrival_rate=options["arrival_rate"],
                service_rate=options["service_rate"],
                servers=options["servers"],
                horizon=options["horizon"],
                warmup=options["warmup"],
                replications=options["replications"],
                seed=options["seed"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), indent=2))
            return
        self.stdout.write(
            f"M/M/{result.servers} at load {result.load:.3f}: simulated mean wait in queue "
            f"{result.simulated_mean_wait:.4g} (95% CI {result.ci_low:.4g} to "
            f"{result.ci_high:.4g}, {result.replications} replications); Erlang C "
            f"{result.erlang_c_mean_wait:.4g}."
        )

    def _scenario(self, path: Path, options: dict) -> None:
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}.") from None
        for name in ("replications", "seed"):
            if options[name] is not None and not 0 <= options[name] <= 2_147_483_647:
                raise CommandError(f"--{name} must be a whole number from 0.")
        if options["replications"] is not None and options["replications"] < 2:
            raise CommandError("--replications must be at least 2 for a confidence interval.")
        if options["workers"] is not None and not 1 <= options["workers"] <= 256:
            raise CommandError("--workers must be a whole number from 1 to 256.")
        try:
            scenario = scenario_format.loads(text, known_tiers=set(known_tiers()))
            result = run_scenario(
                scenario,
                replications=options["replications"],
                seed=options["seed"],
                workers=options["workers"],
            )
        except ScenarioError as exc:
            raise CommandError(
                f"{path} was refused:\n" + "\n".join(f"- {e}" for e in exc.errors)
            ) from None
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2, default=str))
            return
        for line in text_summary(result):
            self.stdout.write(line)
