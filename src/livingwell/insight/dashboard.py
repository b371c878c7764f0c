"""What the network dashboard shows: its headline figures and its two weekly XmR charts.

Shared by the page (views.py), the stored figures it is served from (snapshots.py) and the
quarterly board report (reports.py). Split in two: the figures computed from a Dataset (plain
data, stored by snapshots.py) and the charts worked out from them with the process changes and
targets in force (in each request: nothing rendered is stored; the templates draw the charts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from livingwell.insight import annotations, metrics
from livingwell.insight.annotations import ChartSettings
from livingwell.insight.charts import summarise, xmr_figure
from livingwell.insight.icons import (
    assurance_icon_figure,
    assurance_label,
    point_variation_label,
    variation_icon_figure,
    variation_icon_key,
    variation_label,
)
from livingwell.insight.lenses import tables_for
from livingwell.insight.models import CHART_IMPROVEMENT
from livingwell.insight.spc import xmr


def _chart(
    key: str,
    def_key: str,
    title: str,
    unit: str,
    labels,
    values,
    improvement: str,
    run_length: int,
    settings: ChartSettings | None = None,
) -> dict:
    settings = settings or ChartSettings()
    result = xmr(
        values,
        improvement=improvement,
        target=settings.target,
        rebase_at=settings.rebase_at,
        run_length=run_length,
        trend_length=run_length,
    )
    icon_key = variation_icon_key(result.latest_point)
    return {
        "key": key,
        "def_key": def_key,
        "title": title,
        "figure": xmr_figure(
            result, title=title, unit=unit, labels=labels, id_prefix=f"chart-{key}"
        ),
        "summary": summarise(result, title, unit),
        "variation_icon": variation_icon_figure(icon_key, id_prefix=f"icon-{key}")
        if icon_key
        else None,
        "variation_label": variation_label(icon_key) if icon_key else "",
        "assurance_icon": assurance_icon_figure(result.assurance, id_prefix=f"assure-{key}")
        if result.assurance
        else None,
        "assurance_label": assurance_label(result.assurance) if result.assurance else "",
        "rows": [
            (
                label,
                "–" if v is None else format_value(v),
                p.mean,
                p.upl,
                p.lpl,
                point_variation_label(p.variation),
            )
            for label, v, p in zip(labels, values, result.points, strict=True)
        ],
        "result": result,
        "rebases": [note for _i, note in settings.rebase_at],
        "target_note": settings.target_note,
        "values": values,
        "labels": labels,
        "unit": unit,
    }


def format_value(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def weekly_series(data: metrics.Dataset, disclosure: metrics.Disclosure) -> dict:
    """The two charts' weekly values, made safe to show (a hidden week is None, drawn as a gap).

    Plain data (ISO dates, numbers and None) so it can be stored as JSON (insight.snapshots):
    this is the slow part, reading the period's introductions from the Dataset.
    """
    intro_weeks = metrics.weekly_introductions(data)
    intro_values = []
    for _w, n in intro_weeks:
        shown = metrics.suppress(n, threshold=disclosure.threshold, rounding=disclosure.rounding)
        intro_values.append(shown if isinstance(shown, int) else None)
    wait_values = [
        (round(m, 1) if m is not None and n > disclosure.threshold else None)
        for _w, m, n in metrics.weekly_median_wait(data)
    ]
    return {
        "week_starts": [w.isoformat() for w, _n in intro_weeks],
        "series": {"introductions": intro_values, "wait": wait_values},
    }


def charts_from_series(figures: dict, end: date, run_length: int) -> list[dict]:
    """The two dashboard XmR charts from weekly values (``weekly_series``), built per request.

    Process changes and targets (insight.annotations, read now: one query) rebase the limits and
    set the target; titles and week labels are in the viewer's language.
    """
    week_starts = [date.fromisoformat(w) for w in figures["week_starts"]]
    labels = [w.strftime("%d %b %Y") for w in week_starts]
    notes = annotations.load()
    series = figures["series"]

    def settings(key: str) -> ChartSettings:
        return annotations.settings_for(key, week_starts, end, notes)

    return [
        _chart(
            "introductions",
            "introductions",
            _("Introductions per week"),
            "",
            labels,
            series["introductions"],
            CHART_IMPROVEMENT["introductions"],
            run_length,
            settings("introductions"),
        ),
        _chart(
            "wait",
            "waits",
            _("Median days from introduction to first conversation, by week of introduction"),
            "days",
            labels,
            series["wait"],
            CHART_IMPROVEMENT["wait"],
            run_length,
            settings("wait"),
        ),
    ]


def weekly_charts(
    data: metrics.Dataset, disclosure: metrics.Disclosure, run_length: int
) -> list[dict]:
    """The two dashboard XmR charts computed now from the Dataset (the board report's)."""
    return charts_from_series(weekly_series(data, disclosure), data.filters.end, run_length)


@dataclass(frozen=True)
class Headline:
    id: str  # stable: the stored figures name a headline by it
    key: str  # the lens it comes from, its definition and table
    row: int
    col: int
    label: str


HEADLINES = [
    Headline(
        "first_conversation", "waits", 0, 2, gettext_lazy("Median days to first conversation")
    ),
    Headline("start_of_support", "waits", 1, 2, gettext_lazy("Median days to start of support")),
    Headline(
        "urgent_same_day",
        "urgent",
        0,
        3,
        gettext_lazy("Urgent introductions answered the same day"),
    ),
    Headline(
        "handovers_accepted",
        "handovers",
        0,
        6,
        gettext_lazy("Handovers accepted of those answered"),
    ),
    Headline("returns", "returns", 0, 1, gettext_lazy("Returns within the open door")),
    Headline("bounced", "bounced", 0, 1, gettext_lazy("Introductions bounced")),
    Headline(
        "access", "access", 0, 1, gettext_lazy("People accessing support (two attended contacts)")
    ),
]


def headline_figures(data: metrics.Dataset, disclosure: metrics.Disclosure) -> list[dict]:
    """Each headline's figure as shown after disclosure control, named by its id (plain data)."""
    tables = {key: tables_for(key, data)[0] for key in {h.key for h in HEADLINES}}
    return [
        {
            "id": h.id,
            "value": disclosure.cell(
                tables[h.key].columns[h.col], tables[h.key].rows[h.row][h.col]
            ),
        }
        for h in HEADLINES
    ]


def headlines_from_figures(stored: list[dict]) -> list[dict]:
    """The headlines to show, labelled in the viewer's language, from stored figures."""
    by_id = {h.id: h for h in HEADLINES}
    return [
        {"key": by_id[f["id"]].key, "label": by_id[f["id"]].label, "value": f["value"]}
        for f in stored
    ]
