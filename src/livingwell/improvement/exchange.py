"""A project as JSON, for sites to learn from each other's tests.

The format is in docs/improvement-exchange-format.md. Export writes the project, its measures
with their points, its cycles with their predictions and, for the reader's convenience, what the
platform worked out (per prediction ``observed``, ``met`` and ``signal``; per series
``fidelity``). Import checks the file against the JSON Schema (``data/exchange.schema.json``),
then against the project's own rules, and builds the project through the same actions as the
pages, in one transaction: a bad file changes nothing and the message names the field. What the
platform works out is never read from a file: it is worked out again from the imported data.
"""

from __future__ import annotations

import json
from datetime import UTC, date
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from livingwell.access import audit
from livingwell.core.statemachine import TransitionError
from livingwell.improvement import actions, queries
from livingwell.improvement.models import Measure

SCHEMA_PATH = Path(__file__).parent / "data" / "exchange.schema.json"
FORMAT = "livingwell.improvement-project"
MAX_BYTES = 5 * 1024 * 1024


class ExchangeError(ValueError):
    """The file cannot be imported; the message names the field at fault."""


@cache
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _number(value):
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


# --------------------------------------------------------------------------------------------
# Export


def export_project(project, *, by=None) -> dict:
    project = queries.project_queryset().get(pk=project.pk)
    pic = queries.picture(project)
    measures = list(project.measures.all())
    drivers = {d.pk: d for d in project.drivers.all()}
    ideas = {i.pk: i for i in project.change_ideas.all()}
    body = {
        "format": FORMAT,
        "version": 1,
        "exported_at": timezone.now().astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "project": {
            "title": project.title,
            "aim": {
                "statement": project.aim_statement,
                "measure": project.aim_measure.key if project.aim_measure_id else None,
                "target": _number(project.aim_target),
                "date": _day(project.aim_date),
            },
            "data_from": project.data_from.isoformat(),
            "drivers": [
                {
                    "key": d.key,
                    "level": d.level,
                    "parent": drivers[d.parent_id].key if d.parent_id else None,
                    "text": d.text,
                }
                for d in drivers.values()
            ],
            "change_ideas": [
                {"key": i.key, "driver": drivers[i.driver_id].key, "text": i.text}
                for i in ideas.values()
            ],
            "team": [
                {"role": m.role, "lived_experience": m.lived_experience}
                for m in project.members.all()
            ],
            "progress_scores": [
                {"score": float(s.score), "date": s.on.isoformat(), "note": s.note}
                for s in sorted(project.progress_scores.all(), key=lambda s: (s.on, s.set_at))
            ],
        },
        "measures": [
            {
                "key": m.key,
                "name": m.name,
                "kind": m.kind,
                "improvement": m.improvement,
                "unit": m.unit,
                "definition": m.definition,
                "source": m.source if m.is_manual else f"network:{m.source}",
                "points": [
                    {"date": d.isoformat(), "value": _number(Decimal(str(v)))}
                    for d, v in sorted(pic.points.get(m.pk, []), key=lambda p: p[0])
                    if v is not None
                ],
            }
            for m in measures
        ],
        "cycles": [],
        "fidelity": {s.idea.key: s.fidelity.as_dict() for s in pic.series},
    }
    for cycle in project.cycles.all():
        predictions = []
        for p in cycle.predictions.all():
            reading = pic.readings[p.pk].reading if p.pk in pic.readings else None
            studied = reading is not None and cycle.study_date is not None
            predictions.append(
                {
                    "measure": p.measure.key,
                    "direction": p.direction,
                    "expected_low": _number(p.expected_low),
                    "expected_high": _number(p.expected_high),
                    "rationale": p.rationale,
                    "observed": _round(reading.observed) if studied else None,
                    "met": reading.met if studied else None,
                    "signal": reading.signal if studied else None,
                    "baseline_points": reading.baseline_points if studied else 0,
                    "window_points": reading.window_points if studied else 0,
                }
            )
        body["cycles"].append(
            {
                "key": cycle.key,
                "parent": cycle.parent.key if cycle.parent_id else None,
                "change_idea": ideas[cycle.change_idea_id].key,
                "purpose": cycle.purpose,
                "questions": cycle.questions,
                "scale_who": cycle.scale_who,
                "scale_where": cycle.scale_where,
                "scale_people": cycle.scale_people,
                "scale_duration": cycle.scale_duration,
                "data_plan": cycle.data_plan,
                "predictions": predictions,
                "do_started": _day(cycle.do_started_on),
                "ran_as_planned": cycle.ran_as_planned,
                "deviations": cycle.deviations,
                "observations": cycle.observations,
                "surprises": cycle.surprises,
                "stopped_for_harm": cycle.stopped_for_harm,
                "study_date": _day(cycle.study_date),
                "learning": cycle.learning,
                "decision": cycle.decision,
                "decision_rationale": cycle.decision_rationale,
            }
        )
    audit.record(
        by=by,
        action="improvement.project_export",
        category="improvement",
        purpose="service_improvement",
        obj=project,
        detail={"cycles": len(body["cycles"]), "measures": len(measures)},
    )
    return body


def _round(value):
    return None if value is None else round(value, 4)


# --------------------------------------------------------------------------------------------
# Import


def _path(parts) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or _("the file")


def parse(text: str | bytes) -> dict:
    """The file's content, checked against the JSON Schema, or ExchangeError naming the field."""
    from jsonschema import Draft202012Validator, FormatChecker
    from jsonschema.exceptions import best_match

    if isinstance(text, bytes):
        if len(text) > MAX_BYTES:
            raise ExchangeError(_("The file is larger than 5 MB."))
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise ExchangeError(_("The file is not UTF-8 text.")) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ExchangeError(
            _("The file is not valid JSON (line {line}, column {col}: {msg}).").format(
                line=exc.lineno, col=exc.colno, msg=exc.msg
            )
        ) from None
    validator = Draft202012Validator(schema(), format_checker=FormatChecker())
    error = best_match(validator.iter_errors(data))
    if error is not None:
        raise ExchangeError(f"{_path(error.absolute_path)}: {error.message}")
    return data


def _check_references(data: dict) -> None:
    """The rules a schema cannot say: keys unique, every reference to something in the file,
    and each cycle's stages in order."""

    def unique(items, where):
        seen = set()
        for i, item in enumerate(items):
            if item["key"] in seen:
                raise ExchangeError(
                    _("{where}[{i}].key: {key!r} is used twice.").format(
                        where=where, i=i, key=item["key"]
                    )
                )
            seen.add(item["key"])
        return seen

    project = data["project"]
    driver_levels = {}
    for i, d in enumerate(project["drivers"]):
        if d["key"] in driver_levels:
            raise ExchangeError(f"project.drivers[{i}].key: {d['key']!r} " + _("is used twice."))
        parent = d.get("parent")
        if d["level"] == "secondary" and driver_levels.get(parent) != "primary":
            raise ExchangeError(
                f"project.drivers[{i}].parent: "
                + _("a secondary driver needs an earlier primary driver as its parent.")
            )
        if d["level"] == "primary" and parent is not None:
            raise ExchangeError(
                f"project.drivers[{i}].parent: " + _("a primary driver has no parent.")
            )
        driver_levels[d["key"]] = d["level"]
    ideas = unique(project["change_ideas"], "project.change_ideas")
    for i, idea in enumerate(project["change_ideas"]):
        if idea["driver"] not in driver_levels:
            raise ExchangeError(
                f"project.change_ideas[{i}].driver: {idea['driver']!r} " + _("is not a driver.")
            )
    measures = unique(data["measures"], "measures")
    aim_measure = project["aim"].get("measure")
    if aim_measure is not None and aim_measure not in measures:
        raise ExchangeError(f"project.aim.measure: {aim_measure!r} " + _("is not a measure."))
    for i, m in enumerate(data["measures"]):
        dates = [p["date"] for p in m["points"]]
        if len(set(dates)) != len(dates):
            raise ExchangeError(f"measures[{i}].points: " + _("a date appears twice."))
    earlier: set[str] = set()
    for i, c in enumerate(data["cycles"]):
        where = f"cycles[{i}]"
        if c["key"] in earlier:
            raise ExchangeError(f"{where}.key: {c['key']!r} " + _("is used twice."))
        if c["change_idea"] not in ideas:
            raise ExchangeError(
                f"{where}.change_idea: {c['change_idea']!r} " + _("is not a change idea.")
            )
        if c.get("parent") is not None and c["parent"] not in earlier:
            raise ExchangeError(
                f"{where}.parent: " + _("a cycle can only build on an earlier cycle in the file.")
            )
        for j, p in enumerate(c["predictions"]):
            if p["measure"] not in measures:
                raise ExchangeError(
                    f"{where}.predictions[{j}].measure: {p['measure']!r} " + _("is not a measure.")
                )
            if p["expected_low"] > p["expected_high"]:
                raise ExchangeError(
                    f"{where}.predictions[{j}].expected_high: "
                    + _("must be at least expected_low.")
                )
        started, ran, studied, decided = (
            c.get("do_started"),
            c.get("ran_as_planned"),
            c.get("study_date"),
            c.get("decision"),
        )
        if ran and not started:
            raise ExchangeError(f"{where}.ran_as_planned: " + _("needs do_started."))
        if studied and not ran:
            raise ExchangeError(f"{where}.study_date: " + _("needs ran_as_planned."))
        if studied and started and studied < started:
            raise ExchangeError(f"{where}.study_date: " + _("is before do_started."))
        if decided and not studied:
            raise ExchangeError(f"{where}.decision: " + _("needs study_date."))
        earlier.add(c["key"])


def _date(text):
    return date.fromisoformat(text) if text else None


def import_project(content, *, by=None):
    """Build the project in the file. ``content``: the file's text or bytes."""
    data = parse(content)
    _check_references(data)
    return _build(data, by=by)


# The actions' names for a few fields, as the file names them.
FILE_FIELDS = {
    "on": "date",
    "aim_statement": "aim.statement",
    "aim_target": "aim.target",
    "aim_date": "aim.date",
    "rationale": "decision_rationale",
}


@transaction.atomic
def _build(data: dict, *, by):
    source = data["project"]
    where = "project"
    try:
        project = actions.create_project(
            by=by,
            title=source["title"],
            aim_statement=source["aim"]["statement"],
            aim_target=source["aim"].get("target"),
            aim_date=_date(source["aim"].get("date")),
            data_from=_date(source["data_from"]),
            lead=by,
            imported=True,
        )
        for i, member in enumerate(source.get("team", [])):
            where = f"project.team[{i}]"
            actions.add_member(
                by=by,
                project=project,
                name=member["role"],
                role=member["role"],
                lived_experience=member["lived_experience"],
            )
        drivers = {}
        for i, d in enumerate(source["drivers"]):
            where = f"project.drivers[{i}]"
            drivers[d["key"]] = actions.add_driver(
                by=by,
                project=project,
                level=d["level"],
                text=d["text"],
                parent=drivers.get(d.get("parent")),
                key=d["key"],
            )
        ideas = {}
        for i, idea in enumerate(source["change_ideas"]):
            where = f"project.change_ideas[{i}]"
            ideas[idea["key"]] = actions.add_change_idea(
                by=by,
                project=project,
                driver=drivers[idea["driver"]],
                text=idea["text"],
                key=idea["key"],
            )
        for i, score in enumerate(source.get("progress_scores", [])):
            where = f"project.progress_scores[{i}]"
            actions.set_progress_score(
                by=by,
                project=project,
                score=Decimal(str(score["score"])).quantize(Decimal("0.1")),
                on=_date(score["date"]),
                note=score.get("note", ""),
            )
        measures = {}
        for i, m in enumerate(data["measures"]):
            where = f"measures[{i}]"
            origin = m.get("source") or Measure.MANUAL
            definition = m.get("definition", "")
            if origin != Measure.MANUAL:
                definition = (
                    _(
                        "Imported: the values another site showed for its measure “{source}”."
                    ).format(source=origin)
                    + (f" {definition}" if definition else "")
                )[:4000]
            measures[m["key"]] = actions.add_measure(
                by=by,
                project=project,
                name=m["name"],
                kind=m["kind"],
                improvement=m["improvement"],
                unit=m.get("unit", ""),
                definition=definition,
                key=m["key"],
            )
            for j, point in enumerate(m["points"]):
                where = f"measures[{i}].points[{j}]"
                actions.record_point(
                    by=by,
                    measure=measures[m["key"]],
                    on=_date(point["date"]),
                    value=Decimal(str(point["value"])),
                )
        aim_measure = source["aim"].get("measure")
        if aim_measure:
            project.aim_measure = measures[aim_measure]
            project.save(update_fields=["aim_measure"])
        cycles = {}
        for i, c in enumerate(data["cycles"]):
            where = f"cycles[{i}]"
            cycle = actions.plan_cycle(
                by=by,
                project=project,
                change_idea=ideas[c["change_idea"]],
                parent=cycles.get(c.get("parent")),
                key=c["key"],
                imported=True,
                purpose=c["purpose"],
                questions=c.get("questions", ""),
                scale_who=c.get("scale_who", ""),
                scale_where=c.get("scale_where", ""),
                scale_people=c.get("scale_people"),
                scale_duration=c.get("scale_duration", ""),
                data_plan=c.get("data_plan", ""),
            )
            cycles[c["key"]] = cycle
            for j, p in enumerate(c["predictions"]):
                where = f"cycles[{i}].predictions[{j}]"
                actions.add_prediction(
                    by=by,
                    cycle=cycle,
                    measure=measures[p["measure"]],
                    direction=p["direction"],
                    expected_low=Decimal(str(p["expected_low"])),
                    expected_high=Decimal(str(p["expected_high"])),
                    rationale=p.get("rationale", ""),
                )
            where = f"cycles[{i}]"
            if c.get("do_started"):
                actions.start_do(by=by, cycle=cycle, on=_date(c["do_started"]))
            if c.get("ran_as_planned"):
                actions.record_do(
                    by=by,
                    cycle=cycle,
                    ran_as_planned=c["ran_as_planned"],
                    deviations=c.get("deviations", ""),
                    observations=c.get("observations", ""),
                    surprises=c.get("surprises", ""),
                    stopped_for_harm=c.get("stopped_for_harm", False),
                )
            if c.get("study_date"):
                actions.record_study(
                    by=by,
                    cycle=cycle,
                    study_date=_date(c["study_date"]),
                    learning=c.get("learning", ""),
                )
            if c.get("decision"):
                actions.record_act(
                    by=by,
                    cycle=cycle,
                    decision=c["decision"],
                    rationale=c.get("decision_rationale", ""),
                )
    except actions.ImprovementError as exc:
        field = f".{FILE_FIELDS.get(exc.field, exc.field)}" if exc.field else ""
        if where.startswith("cycles[") and ".predictions[" in where and exc.field == "rationale":
            field = ".rationale"
        raise ExchangeError(f"{where}{field}: {exc}") from None
    except TransitionError as exc:
        raise ExchangeError(f"{where}: {exc}") from None
    _log_import(by, project, data)
    return project


def _log_import(by, project, data) -> None:
    audit.record(
        by=by,
        action="improvement.project_import",
        category="improvement",
        purpose="service_improvement",
        obj=project,
        detail={"cycles": len(data["cycles"]), "measures": len(data["measures"])},
    )
