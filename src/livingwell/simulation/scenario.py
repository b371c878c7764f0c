"""Scenario files: what to change, over which data, for how long.

The format is documented in docs/simulation-scenario-format.md.

A file is checked whole before anything runs: JSON syntax, then the JSON Schema
(``scenario.schema.json``, every error collected with where it is), then the checks a schema
cannot make (dates, a data period that ends after it starts, tiers the site has, new tiers'
shares). Any error refuses the whole file, with every message at once.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator

from livingwell.simulation.calibration import Calibration
from livingwell.simulation.network import WEEKDAYS, ModelInputs, Tier, weekday_rota

FORMAT = "livingwell-scenario/1"
MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
DEFAULT_WEEKS, DEFAULT_WARMUP_WEEKS, DEFAULT_REPLICATIONS, DEFAULT_SEED = 52, 13, 10, 1


class ScenarioError(ValueError):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("; ".join(errors))


@cache
def _validator() -> Draft202012Validator:
    schema = json.loads((Path(__file__).with_name("scenario.schema.json")).read_text("utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    data_start: date
    data_end: date
    weeks: int
    warmup_weeks: int
    replications: int
    seed: int
    changes: dict = field(default_factory=dict)

    def as_document(self) -> dict:
        return {
            "format": FORMAT,
            "name": self.name,
            "description": self.description,
            "data_period": {"start": self.data_start.isoformat(), "end": self.data_end.isoformat()},
            "weeks": self.weeks,
            "warmup_weeks": self.warmup_weeks,
            "replications": self.replications,
            "seed": self.seed,
            "changes": self.changes,
        }


def _where(error) -> str:
    path = ".".join(str(p) for p in error.absolute_path)
    return path or _("the file")


def default_period(today: date | None = None) -> tuple[date, date]:
    """The last 52 whole weeks before today."""
    today = today or timezone.localdate()
    return today - timedelta(weeks=52), today


def parse(body: object, *, known_tiers: set[str] | None = None) -> Scenario:
    """A scenario from a decoded document, or ScenarioError with every problem in it."""
    errors = [
        _("{where}: {message}").format(where=_where(e), message=e.message)
        for e in sorted(_validator().iter_errors(body), key=lambda e: list(e.absolute_path))
    ]
    if errors:
        raise ScenarioError(errors)
    assert isinstance(body, dict)
    start, end = default_period()
    if "data_period" in body:
        try:
            start = date.fromisoformat(body["data_period"]["start"])
            end = date.fromisoformat(body["data_period"]["end"])
        except ValueError:
            errors.append(_("data_period: the start and end must be real dates (YYYY-MM-DD)."))
        else:
            if end <= start:
                errors.append(_("data_period: the end must come after the start."))
            elif (end - start).days < 14:
                errors.append(_("data_period: the period must be at least two weeks long."))
    changes = body.get("changes", {})
    if known_tiers is not None:
        for slug in changes.get("tier_places", {}):
            if slug not in known_tiers and slug not in {
                t["slug"] for t in changes.get("new_tiers", [])
            }:
                errors.append(
                    _("changes.tier_places.{slug}: this site has no such tier.").format(slug=slug)
                )
        for k, tier in enumerate(changes.get("new_tiers", [])):
            if tier["slug"] in known_tiers:
                errors.append(
                    _("changes.new_tiers.{k}.slug: the site already has a tier {slug}.").format(
                        k=k, slug=tier["slug"]
                    )
                )
    slugs = [t["slug"] for t in changes.get("new_tiers", [])]
    if len(slugs) != len(set(slugs)):
        errors.append(_("changes.new_tiers: two new tiers have the same slug."))
    if sum(t["first_tier_share"] for t in changes.get("new_tiers", [])) >= 1:
        errors.append(_("changes.new_tiers: the new tiers' shares must add up to less than 1."))
    rota = changes.get("hub_rota")
    if rota is not None and len(rota) == 7 and not any(rota.values()):
        errors.append(_("changes.hub_rota: a rota with nobody on any day holds no conversation."))
    for k, hours in enumerate(changes.get("urgent_line_hours", [])):
        if hours["to"] <= hours["from"]:
            errors.append(
                _(
                    "changes.urgent_line_hours.{k}: 'to' ({to}) must come after 'from' ({start}); "
                    "hours across midnight are two ranges, e.g. 20 to 24 and 0 to 8."
                ).format(k=k, to=hours["to"], start=hours["from"])
            )
    if errors:
        raise ScenarioError(errors)
    return Scenario(
        name=body["name"],
        description=body.get("description", ""),
        data_start=start,
        data_end=end,
        weeks=body.get("weeks", DEFAULT_WEEKS),
        warmup_weeks=body.get("warmup_weeks", DEFAULT_WARMUP_WEEKS),
        replications=body.get("replications", DEFAULT_REPLICATIONS),
        seed=body.get("seed", DEFAULT_SEED),
        changes=changes,
    )


def loads(text: str, *, known_tiers: set[str] | None = None) -> Scenario:
    try:
        body = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError(
            [
                _("The file is not valid JSON: {msg} at line {line}, column {col}.").format(
                    msg=exc.msg, line=exc.lineno, col=exc.colno
                )
            ]
        ) from None
    return parse(body, known_tiers=known_tiers)


def baseline_inputs(calibration: Calibration, *, start: date, weeks: int, warmup_weeks: int):
    """The network as the data show it, simulated from `start`."""
    return ModelInputs(
        start=start,
        weeks=weeks,
        warmup_weeks=warmup_weeks,
        arrivals_per_day=sum(calibration.arrivals_per_week.values()) / 7,
        seasonality=list(calibration.seasonality),
        arrivals_by_hour_of_week=list(calibration.arrivals_by_hour_of_week),
        urgent_share=calibration.urgent_share,
        hub_rota=weekday_rota(calibration.hub_workers_by_weekday),
        conversations_per_worker_day=calibration.conversations_per_worker_day,
        attempt_failure_share=calibration.attempt_failure_share,
        first_attempt_days=list(calibration.first_attempt_days),
        stop_waiting_per_day=calibration.stop_waiting_per_day,
        tiers=[
            Tier(
                slug=slug,
                name=name,
                places=calibration.tier_places.get(slug, 0),
                first_share=calibration.first_tier_shares.get(slug, 0.0),
                support_days=list(calibration.support_days.get(slug, [])),
                steps=dict(calibration.tier_transitions.get(slug, {})),
            )
            for slug, name in calibration.tier_names.items()
        ],
        handover_share=calibration.handover_share,
        handover_days=list(calibration.handover_days),
        open_door_return_per_day=calibration.open_door_return_per_day,
        open_door_days=calibration.open_door_days,
        urgent_line_hours=list(calibration.urgent_line_hours),
        urgent_answer_days={b: list(d) for b, d in calibration.urgent_answer_days.items()},
        urgent_unanswered_share=calibration.urgent_unanswered_share,
    )


def apply_changes(inputs: ModelInputs, calibration: Calibration, changes: dict) -> ModelInputs:
    """The baseline with a scenario's changes: everything not named stays as the data show."""
    per_route = dict(calibration.arrivals_per_week)
    for route, factor in changes.get("route_multipliers", {}).items():
        per_route[route] = per_route.get(route, 0.0) * factor
    arrivals = sum(per_route.values()) / 7 * changes.get("demand_multiplier", 1.0)
    rota = list(inputs.hub_rota)
    for k, day in enumerate(WEEKDAYS):
        if day in changes.get("hub_rota", {}):
            rota[k] = changes["hub_rota"][day]
    seasonality = [
        factor * changes.get("month_multipliers", {}).get(month, 1.0)
        for factor, month in zip(inputs.seasonality, MONTHS, strict=True)
    ]
    line = list(inputs.urgent_line_hours)
    if "urgent_line_hours" in changes:  # the scenario's hours replace the observed ones
        line = [0] * 24
        for hours in changes["urgent_line_hours"]:
            for hour in range(hours["from"], hours["to"]):
                line[hour] = 1
    tiers = [
        replace(t, places=changes.get("tier_places", {}).get(t.slug, t.places))
        for t in inputs.tiers
    ]
    new = changes.get("new_tiers", [])
    if new:
        keep = 1 - sum(t["first_tier_share"] for t in new)
        tiers = [replace(t, first_share=t.first_share * keep) for t in tiers]
        tiers += [
            Tier(
                slug=t["slug"],
                name=t["name"],
                places=changes.get("tier_places", {}).get(t["slug"], t["places"]),
                first_share=t["first_tier_share"],
                support_days=[7.0 * t["support_weeks"]],
            )
            for t in new
        ]
    return replace(
        inputs,
        arrivals_per_day=arrivals,
        seasonality=seasonality,
        urgent_line_hours=line,
        urgent_share=changes.get("urgent_share", inputs.urgent_share),
        hub_rota=rota,
        conversations_per_worker_day=changes.get(
            "conversations_per_worker_day", inputs.conversations_per_worker_day
        ),
        stop_waiting_per_day=inputs.stop_waiting_per_day
        * changes.get("stop_waiting_multiplier", 1.0),
        tiers=tiers,
        open_door_days=changes.get("open_door_days", inputs.open_door_days),
    )


def check_runnable(inputs: ModelInputs) -> None:
    """Refuse what Ciw cannot run, in words: no conversations at all, or no demand."""
    errors = []
    if not any(inputs.hub_rota) or inputs.conversations_per_worker_day <= 0:
        errors.append(_("The Hub holds no first conversations on any day: set a hub_rota."))
    if inputs.arrivals_per_day <= 0 or math.isnan(inputs.arrivals_per_day):
        errors.append(_("No introductions arrive: the data period holds none, or demand is 0."))
    if errors:
        raise ScenarioError(errors)
