"""What the network dashboard shows: its headline figures and its two weekly XmR charts.

Shared by the page (views.py), the stored figures it is served from (snapshots.py) and the
quarterly board report (reports.py).
"""

from __future__ import annotations

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from livingwell.insight import annotations, metrics
from livingwell.insight.annotations import ChartSettings
from livingwell.insight.charts import render_xmr_svg, summarise
from livingwell.insight.icons import (
    assurance_icon,
    assurance_label,
    variation_icon,
    variation_icon_key,
    variation_label,
)
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
        "svg": mark_safe(
            render_xmr_svg(result, title=title, unit=unit, labels=labels, id_prefix=f"chart-{key}")
        ),  # noqa: S308 - built with ElementTree, text escaped
        "summary": summarise(result, title, unit),
        "variation_icon": mark_safe(variation_icon(icon_key, id_prefix=f"icon-{key}"))
        if icon_key
        else "",  # noqa: S308
        "variation_label": variation_label(icon_key) if icon_key else "",
        "assurance_icon": mark_safe(assurance_icon(result.assurance, id_prefix=f"assure-{key}"))
        if result.assurance
        else "",  # noqa: S308
        "assurance_label": assurance_label(result.assurance) if result.assurance else "",
        "rows": [
            (label, "–" if v is None else format_value(v), p.mean, p.upl, p.lpl, p.variation)
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


def weekly_charts(
    data: metrics.Dataset, disclosure: metrics.Disclosure, run_length: int
) -> list[dict]:
    """The two dashboard XmR charts, from counts made safe to show (hidden weeks are gaps).

    Process changes and targets (insight.annotations) rebase the limits and set the target.
    """
    intro_weeks = metrics.weekly_introductions(data)
    week_starts = [w for w, _n in intro_weeks]
    notes = annotations.load()

    def settings(key: str) -> ChartSettings:
        return annotations.settings_for(key, week_starts, data.filters.end, notes)

    labels = [w.strftime("%d %b %Y") for w, _n in intro_weeks]
    intro_values = []
    for _w, n in intro_weeks:
        shown = metrics.suppress(n, threshold=disclosure.threshold, rounding=disclosure.rounding)
        intro_values.append(shown if isinstance(shown, int) else None)
    wait_values = [
        (round(m, 1) if m is not None and n > disclosure.threshold else None)
        for _w, m, n in metrics.weekly_median_wait(data)
    ]
    return [
        _chart(
            "introductions",
            "introductions",
            _("Introductions per week"),
            "",
            labels,
            intro_values,
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
            wait_values,
            CHART_IMPROVEMENT["wait"],
            run_length,
            settings("wait"),
        ),
    ]


HEADLINES = [
    ("waits", 0, 2, gettext_lazy("Median days to first conversation")),
    ("waits", 1, 2, gettext_lazy("Median days to start of support")),
    ("urgent", 0, 3, gettext_lazy("Urgent introductions answered the same day")),
    ("handovers", 0, 6, gettext_lazy("Handovers accepted of those answered")),
    ("returns", 0, 1, gettext_lazy("Returns within the open door")),
    ("bounced", 0, 1, gettext_lazy("Introductions bounced")),
    ("access", 0, 1, gettext_lazy("People accessing support (two attended contacts)")),
]
