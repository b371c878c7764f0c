"""Read-side shaping of a run's stored result: words, table rows and the comparison."""

from __future__ import annotations

import math

from django.utils.translation import gettext as _

from livingwell.hub.models import Tier
from livingwell.simulation.models import Run

HEADLINES = (
    ("median_wait_days", _("Median wait to first conversation (days)")),
    ("p90_wait_days", _("90th centile wait to first conversation (days)")),
    ("urgent_same_day_share", _("Urgent introductions answered the same day")),
    ("stopped_waiting", _("People who stopped waiting")),
)


def known_tiers() -> list[str]:
    return list(Tier.objects.values_list("slug", flat=True))


def _figure(key: str, value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if key == "urgent_same_day_share":
        return f"{100 * value:.0f}%"
    if key == "stopped_waiting":
        return f"{value:.0f}"
    return f"{value:.1f}"


def headline_rows(result: dict) -> list[dict]:
    """Baseline beside scenario, each with its 95% interval across replications."""
    rows = []
    for key, label in HEADLINES:
        base, scen = result["baseline"][key], result["result"][key]
        rows.append(
            {
                "key": key,
                "label": str(label),
                "baseline": _figure(key, base["mean"]),
                "baseline_ci": f"{_figure(key, base['ci_low'])} to {_figure(key, base['ci_high'])}",
                "scenario": _figure(key, scen["mean"]),
                "scenario_ci": f"{_figure(key, scen['ci_low'])} to {_figure(key, scen['ci_high'])}",
            }
        )
    return rows


def weekly_rows(result: dict, key: str) -> list[dict]:
    out = []
    for k, week in enumerate(result["result"]["week_starts"]):
        base, scen = result["baseline"][key][k], result["result"][key][k]
        out.append(
            {
                "week": week,
                "baseline": _figure("", base["mean"]),
                "baseline_ci": f"{_figure('', base['ci_low'])} to {_figure('', base['ci_high'])}",
                "scenario": _figure("", scen["mean"]),
                "scenario_ci": f"{_figure('', scen['ci_low'])} to {_figure('', scen['ci_high'])}",
            }
        )
    return out


def text_summary(result: dict) -> list[str]:
    lines = [
        _(
            "{name}: {weeks} weeks from {start}, {reps} replications, seed {seed}, model {v}."
        ).format(
            name=result["scenario"]["name"],
            weeks=result["weeks"],
            start=result["data_period"][1],
            reps=result["replications"],
            seed=result["seed"],
            v=result["model_version"],
        )
    ]
    for row in headline_rows(result):
        lines.append(
            f"{row['label']}: baseline {row['baseline']} ({row['baseline_ci']}), "
            f"scenario {row['scenario']} ({row['scenario_ci']})"
        )
    check = result.get("backtest")
    if check and check.get("available") and check.get("mape_percent") is not None:
        lines.append(
            _("Back-test: mean absolute percentage error of weekly waits {mape:.0f}%.").format(
                mape=check["mape_percent"]
            )
        )
    elif check:
        lines.append(check.get("reason", ""))
    return lines


CHANGE_LABELS = {
    "demand_multiplier": _("Demand, as a multiple of today's"),
    "route_multipliers": _("Demand by route, as multiples"),
    "urgent_share": _("Share of introductions that are urgent"),
    "hub_rota": _("Hub workers on the rota"),
    "conversations_per_worker_day": _("First conversations a Hub worker holds in a day"),
    "tier_places": _("Places in tiers"),
    "new_tiers": _("New teams"),
    "open_door_days": _("Days the open door stays open"),
    "stop_waiting_multiplier": _("People stopping waiting, as a multiple of today's"),
    "month_multipliers": _("Introductions in a month, as a multiple of the pattern seen"),
    "urgent_line_hours": _("Hours the urgent line answers (replacing those seen)"),
}


def _words(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_words(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(_words(v) for v in value)
    return str(value)


def change_rows(document: dict) -> list[dict]:
    period = document.get("data_period", {})
    rows = [
        {"label": _("Data period"), "value": f"{period.get('start')} to {period.get('end')}"},
        {"label": _("Weeks simulated"), "value": str(document.get("weeks"))},
        {"label": _("Warm-up weeks"), "value": str(document.get("warmup_weeks"))},
    ]
    changes = document.get("changes", {})
    for key, value in changes.items():
        rows.append({"label": str(CHANGE_LABELS.get(key, key)), "value": _words(value)})
    if not changes:
        rows.append({"label": _("Changes"), "value": _("None: this is the baseline")})
    return rows


def latest_runs(scenarios) -> dict:
    """Each scenario's latest run, read in one statement (a scenario may have many runs)."""
    from django.db.models import OuterRef, Subquery

    from livingwell.simulation.models import Run, Scenario

    latest = Scenario.objects.filter(pk__in=[s.pk for s in scenarios]).annotate(
        latest=Subquery(
            Run.objects.filter(scenario=OuterRef("pk")).order_by("-requested_at").values("pk")[:1]
        )
    )
    ids = [row for row in latest.values_list("latest", flat=True) if row]
    return {run.scenario_id: run for run in Run.objects.filter(pk__in=ids)}


SERIES = (
    ("weekly_wait_days", _("Mean wait to first conversation by week of introduction"), "days"),
    ("weekly_queue", _("People waiting for a first conversation at 9am (weekly mean)"), ""),
    ("weekly_hub_utilisation", _("Hub first-conversation time in use"), "%"),
)


def _pct(series: list[dict], key: str) -> list[dict]:
    if key != "weekly_hub_utilisation":
        return series
    return [{k: (v * 100 if v is not None else v) for k, v in p.items()} for p in series]


def result_view(result: dict) -> dict:
    from livingwell.simulation.charts import Line, line_chart_figure

    labels = [w[5:] for w in result["result"]["week_starts"]]
    charts = []
    for n, (key, title, unit) in enumerate(SERIES):
        base, scen = _pct(result["baseline"][key], key), _pct(result["result"][key], key)
        figure = line_chart_figure(
            [
                Line(
                    str(_("Baseline")),
                    [p["mean"] for p in base],
                    [p["ci_low"] for p in base],
                    [p["ci_high"] for p in base],
                    colour="#5f6b73",
                    dashed=True,
                ),
                Line(
                    str(_("Scenario")),
                    [p["mean"] for p in scen],
                    [p["ci_low"] for p in scen],
                    [p["ci_high"] for p in scen],
                ),
            ],
            title=str(title),
            description=str(
                _(
                    "{title}, week by week: the baseline (dashed) and the scenario (solid), each "
                    "with its 95% interval as a band. The table below gives the figures."
                )
            ).format(title=title),
            labels=labels,
            unit=unit,
            id_prefix=f"sim-chart-{n}",
        )
        rows = [
            {
                "week": week,
                "baseline": _figure("", b["mean"]),
                "baseline_ci": f"{_figure('', b['ci_low'])} to {_figure('', b['ci_high'])}",
                "scenario": _figure("", s["mean"]),
                "scenario_ci": f"{_figure('', s['ci_low'])} to {_figure('', s['ci_high'])}",
            }
            for week, b, s in zip(result["result"]["week_starts"], base, scen, strict=False)
        ]
        chart = {"key": key, "title": str(title), "unit": unit, "figure": figure, "rows": rows}
        chart["table"] = chart_table(chart)
        charts.append(chart)
    tiers = [
        {
            "name": t["name"],
            "places_baseline": b["places"],
            "places_scenario": t["places"],
            "baseline": _figure("urgent_same_day_share", result["baseline"]["tier_utilisation"]
                                .get(t["slug"], {}).get("mean")),
            "scenario": _figure("urgent_same_day_share", result["result"]["tier_utilisation"]
                                .get(t["slug"], {}).get("mean")),
        }
        for t, b in zip(result["inputs"]["scenario"]["tiers"],
                        result["inputs"]["baseline"]["tiers"] + [{"places": "–"}] * 10,
                        strict=False)
    ]  # fmt: skip
    return {
        "headlines": headline_table(result),
        "charts": charts,
        "tiers": tier_table(tiers),
        "provenance": provenance_rows(result["calibration"]),
        "backtest": backtest_view(result),
    }


def provenance_rows(calibration: dict) -> list[dict]:
    return [
        {"input": key.replace("_", " "), "source": source}
        for key, source in calibration.get("sources", {}).items()
    ]


def backtest_view(result: dict) -> dict | None:
    from livingwell.simulation.charts import Line, line_chart_figure

    check = result.get("backtest")
    if not check:
        return None
    if not check.get("available"):
        return {"available": False, "reason": check.get("reason", "")}
    simulated = check["simulated_weekly_wait_days"]
    actual = check["actual_weekly_wait_days"]
    labels = [w[5:] for w in check["week_starts"]]
    figure = line_chart_figure(
        [
            Line(str(_("What happened")), actual, colour="#212b32", dashed=True),
            Line(
                str(_("Simulated")),
                [p["mean"] for p in simulated],
                [p["ci_low"] for p in simulated],
                [p["ci_high"] for p in simulated],
            ),
        ],
        title=str(_("Back-test: simulated and actual mean wait by week")),
        description=str(
            _(
                "Calibrated on data up to {cutoff}, the model's weekly mean wait for the next 12 "
                "weeks (solid, with its 95% band) beside what happened (dashed)."
            )
        ).format(cutoff=check["calibrated_on"][1]),
        labels=labels,
        unit="days",
        id_prefix="sim-backtest",
    )
    mape = check.get("mape_percent")
    urgent = check.get("simulated_urgent_same_day_share") or {}
    actual_urgent = check.get("actual_urgent_same_day_share")
    view = {
        "available": True,
        "mape": None if mape is None else f"{mape:.0f}%",
        "urgent": (
            {
                "simulated": f"{urgent['mean']:.0%}",
                "ci": f"{urgent['ci_low']:.0%} to {urgent['ci_high']:.0%}",
                "actual": f"{actual_urgent:.0%}",
            }
            if actual_urgent is not None
            and all(urgent.get(k) is not None for k in ("mean", "ci_low", "ci_high"))
            else None
        ),
        "calibrated_on": check["calibrated_on"],
        "compared_weeks": check["compared_weeks"],
        "figure": figure,
        "rows": [
            {
                "week": week,
                "simulated": _figure("", s["mean"]),
                "simulated_ci": f"{_figure('', s['ci_low'])} to {_figure('', s['ci_high'])}",
                "actual": _figure("", a),
            }
            for week, s, a in zip(check["week_starts"], simulated, actual, strict=False)
        ],
    }
    view["table"] = backtest_table(view)
    return view


def table(table_id: str, caption, headers, rows, *, hidden_caption=False, row_ids=None) -> dict:
    """A responsive table (NHS.UK pattern: each cell names its column on a narrow screen).
    A row's cell is a value, or (value, link)."""
    headers = [str(h) for h in headers]
    out = []
    for k, row in enumerate(rows):
        cells = []
        for header, cell in zip(headers, row, strict=True):
            value, link = cell if isinstance(cell, tuple) else (cell, None)
            cells.append((header, value, link))
        out.append({"id": row_ids[k] if row_ids else "", "cells": cells})
    return {
        "id": table_id,
        "caption": str(caption),
        "headers": headers,
        "rows": out,
        "hidden_caption": hidden_caption,
    }


def headline_table(result: dict) -> dict:
    rows = headline_rows(result)
    return table(
        "headlines",
        _("What changes, with 95% intervals across replications"),
        [_("Measure"), _("Baseline"), _("95% interval"), _("Scenario"), _("95% interval")],
        [
            [r["label"], r["baseline"], r["baseline_ci"], r["scenario"], r["scenario_ci"]]
            for r in rows
        ],
        row_ids=[f"headline-{r['key']}" for r in rows],
    )


def chart_table(chart: dict) -> dict:
    unit = f" ({chart['unit']})" if chart["unit"] else ""
    return table(
        f"table-{chart['key']}",
        chart["title"] + unit,
        [_("Week from"), _("Baseline"), _("95% interval"), _("Scenario"), _("95% interval")],
        [
            [r["week"], r["baseline"], r["baseline_ci"], r["scenario"], r["scenario_ci"]]
            for r in chart["rows"]
        ],
    )


def tier_table(tiers: list[dict]) -> dict:
    return table(
        "tiers",
        _("Places and share of places in use, per tier"),
        [
            _("Tier"),
            _("Places (baseline)"),
            _("In use (baseline)"),
            _("Places (scenario)"),
            _("In use (scenario)"),
        ],
        [
            [t["name"], t["places_baseline"], t["baseline"], t["places_scenario"], t["scenario"]]
            for t in tiers
        ],
        hidden_caption=True,
    )


def backtest_table(view: dict) -> dict:
    return table(
        "backtest-table",
        _("Mean wait in days by week of introduction"),
        [_("Week from"), _("Simulated"), _("95% interval"), _("What happened")],
        [[r["week"], r["simulated"], r["simulated_ci"], r["actual"]] for r in view["rows"]],
    )


def run_status(run) -> dict:
    """A run's state and progress in words, for its page and the JSON it polls (one wording)."""
    finished = run.state in (Run.State.DONE, Run.State.FAILED)
    percent = round(100 * run.progress) if not finished else 100
    if run.state == Run.State.QUEUED:
        text = _("Waiting to start.")
    elif run.state == Run.State.RUNNING:
        text = _("Running: {percent}% done.").format(percent=percent)
        if run.progress_note:
            text += " " + _("Now: {note}.").format(note=run.progress_note)
    elif run.state == Run.State.DONE:
        text = _("Finished.")
    else:
        text = _("Could not run.")
    return {
        "state": str(run.state),
        "finished": finished,
        "progress": run.progress if not finished else 1.0,
        "percent": percent,
        "text": str(text),
    }
