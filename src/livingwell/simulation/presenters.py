"""Read-side shaping of a run's stored result: words, table rows and the comparison."""

from __future__ import annotations

import math

from django.utils.translation import gettext as _

from livingwell.hub.models import Tier

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
