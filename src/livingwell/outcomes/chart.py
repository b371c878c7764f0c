"""Server-side SVG line charts of one measure over time (no JavaScript, no inline styles).

Bands are shaded rectangles with their names written in, the clinical cut-off is a dashed line
with a label, and each series has its own marker shape and dash pattern, so nothing depends on
colour alone. Colours come from CSS classes (frontend/livingwell.scss, "Outcomes charts").
The chart is drawn beside a table with the same numbers, which is the accessible equivalent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape

from .definitions import Definition
from .records import format_points

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 52, 150, 20, 48
MARKERS = ("circle", "square", "triangle", "diamond")


@dataclass(frozen=True)
class Series:
    label: str
    points: list[tuple[date, float]]


@dataclass(frozen=True)
class Scale:
    low: float
    high: float
    label: str  # what the y axis shows, e.g. "Total score"


def scale_for(defn: Definition) -> Scale:
    """The full possible range of what is charted for this measure."""
    lows = [min(i.values) for i in defn.items]
    highs = [max(i.values) for i in defn.items]
    if defn.metric_table is not None:
        return Scale(
            min(defn.metric_table.values()), max(defn.metric_table.values()), "Metric score"
        )
    if defn.total_method == "sum":
        return Scale(sum(lows), sum(highs), "Total score")
    if defn.total_method == "mean" or defn.subscales:
        return Scale(min(lows), max(highs), "Mean item score")
    return Scale(min(lows), max(highs), "Rating")


def _marker(kind: str, x: float, y: float, css: str, title: str) -> str:
    tip = f"<title>{escape(title)}</title>"
    if kind == "square":
        return (
            f'<rect class="{css}" x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8">{tip}</rect>'
        )
    if kind == "triangle":
        pts = f"{x:.1f},{y - 5:.1f} {x - 5:.1f},{y + 4:.1f} {x + 5:.1f},{y + 4:.1f}"
        return f'<polygon class="{css}" points="{pts}">{tip}</polygon>'
    if kind == "diamond":
        pts = f"{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} {x - 5:.1f},{y:.1f}"
        return f'<polygon class="{css}" points="{pts}">{tip}</polygon>'
    return f'<circle class="{css}" cx="{x:.1f}" cy="{y:.1f}" r="4">{tip}</circle>'


def _date_label(value: date) -> str:
    return f"{value.day} {value.strftime('%b %Y')}"


def render_chart(
    defn: Definition, series: list[Series], *, chart_id: str, title: str, description: str
) -> str:
    """An accessible SVG (role="img", <title>, <desc>) of ``series`` on the measure's scale."""
    scale = scale_for(defn)
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    dates = sorted({d for s in series for d, _ in s.points})
    span = (dates[-1] - dates[0]).days if len(dates) > 1 else 0

    def x_of(value: date) -> float:
        if span == 0:
            return LEFT + plot_w / 2
        return LEFT + plot_w * (value - dates[0]).days / span

    def y_of(value: float) -> float:
        rng = (scale.high - scale.low) or 1
        return TOP + plot_h * (1 - (value - scale.low) / rng)

    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="lw-chart__svg" viewBox="0 0 {WIDTH} '
        f'{HEIGHT}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    # Bands (severity ranges), drawn only where the chart shows totals.
    if defn.bands and scale.label == "Total score":
        for index, band in enumerate(defn.bands):
            upper = defn.bands[index + 1].start if index + 1 < len(defn.bands) else scale.high + 1
            y_top = y_of(min(upper - 0.5, scale.high))
            y_bottom = y_of(max(band.start - 0.5, scale.low))
            out.append(
                f'<rect class="lw-chart__band lw-chart__band--{index % 2}" x="{LEFT}" '
                f'y="{y_top:.1f}" width="{plot_w}" height="{max(y_bottom - y_top, 0):.1f}"/>'
            )
            out.append(
                f'<text class="lw-chart__band-label" x="{LEFT + plot_w + 6}" '
                f'y="{(y_top + y_bottom) / 2 + 4:.1f}">{escape(band.label)} '
                f"({format_points(band.start)}+)</text>"
            )
    if defn.clinical_cutoff is not None and scale.label == "Total score":
        cut = defn.clinical_cutoff
        y = y_of(cut.value)
        out.append(
            f'<line class="lw-chart__cutoff" x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y:.1f}" '
            f'y2="{y:.1f}"/>'
        )
        out.append(
            f'<text class="lw-chart__cutoff-label" x="{LEFT + 4}" y="{y - 4:.1f}">'
            f"Cut-off {format_points(cut.value)}</text>"
        )
    # Axes and ticks.
    out.append(
        f'<line class="lw-chart__axis" x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{TOP + plot_h}"/>'
        f'<line class="lw-chart__axis" x1="{LEFT}" x2="{LEFT + plot_w}" y1="{TOP + plot_h}" '
        f'y2="{TOP + plot_h}"/>'
    )
    steps = 4
    for i in range(steps + 1):
        value = scale.low + (scale.high - scale.low) * i / steps
        if scale.high - scale.low >= 8:
            value = round(value)  # whole-number ticks for totals (0, 7, 14, 20, 27)
        y = y_of(value)
        out.append(
            f'<text class="lw-chart__tick" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{format_points(round(value, 1))}</text>"
        )
    out.append(
        f'<text class="lw-chart__axis-label" x="12" y="{TOP + plot_h / 2:.1f}" '
        f'transform="rotate(-90 12 {TOP + plot_h / 2:.1f})" text-anchor="middle">'
        f"{escape(scale.label)}</text>"
    )
    shown = (
        dates
        if len(dates) <= 5
        else [dates[0], *dates[1 : -1 : max(1, len(dates) // 4)], dates[-1]]
    )
    for value in dict.fromkeys(shown):
        out.append(
            f'<text class="lw-chart__tick" x="{x_of(value):.1f}" y="{TOP + plot_h + 18}" '
            f'text-anchor="middle">{escape(_date_label(value))}</text>'
        )
    # Series: line, markers, and a legend line at the bottom.
    for index, s in enumerate(series):
        css = f"lw-chart__series--{index % len(MARKERS)}"
        coords = [(x_of(d), y_of(v)) for d, v in sorted(s.points)]
        if len(coords) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
            out.append(f'<polyline class="lw-chart__line {css}" points="{path}"/>')
        kind = MARKERS[index % len(MARKERS)]
        for (d, v), (x, y) in zip(sorted(s.points), coords, strict=True):
            tip = f"{s.label}, {_date_label(d)}: {format_points(v)}"
            out.append(_marker(kind, x, y, f"lw-chart__marker {css}", tip))
        legend_x = LEFT + (index % 3) * 190
        legend_y = HEIGHT - 8
        if index < 3:
            out.append(
                _marker(kind, legend_x + 5, legend_y - 4, f"lw-chart__marker {css}", s.label)
            )
            out.append(
                f'<text class="lw-chart__legend" x="{legend_x + 14}" y="{legend_y}">'
                f"{escape(s.label[:28])}</text>"
            )
    out.append("</svg>")
    return "".join(out)
