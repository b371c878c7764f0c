"""Server-side SVG line charts of one measure over time (no JavaScript, no inline styles).

The chart is worked out here as coordinates and words and drawn by ``outcomes/_chart.html``,
whose autoescaping escapes every label (a goal's text is the person's own words).

Bands are shaded rectangles with their names written in, the clinical cut-off is a dashed line
with a label, and each series has its own marker shape and dash pattern, so nothing depends on
colour alone. Colours come from CSS classes (frontend/livingwell.scss, "Outcomes charts").
The chart is drawn beside a table with the same numbers, which is the accessible equivalent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

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
    kind: str  # "metric", "total", "mean" or "rating": what is charted

    @property
    def label(self) -> str:
        """What the y axis shows, in the reader's language."""
        return str(SCALE_LABELS[self.kind])


SCALE_LABELS = {
    "metric": _("Metric score"),
    "total": _("Total score"),
    "mean": _("Mean item score"),
    "rating": _("Rating"),
}


def scale_for(defn: Definition) -> Scale:
    """The full possible range of what is charted for this measure."""
    lows = [min(i.values) for i in defn.items]
    highs = [max(i.values) for i in defn.items]
    if defn.metric_table is not None:
        return Scale(min(defn.metric_table.values()), max(defn.metric_table.values()), "metric")
    if defn.total_method == "sum":
        return Scale(sum(lows), sum(highs), "total")
    if defn.total_method == "mean" or defn.subscales:
        return Scale(min(lows), max(highs), "mean")
    return Scale(min(lows), max(highs), "rating")


def _marker(kind: str, x: float, y: float, css: str, title: str) -> dict:
    marker = {"shape": kind, "css": css, "title": title, "x": f"{x:.1f}", "y": f"{y:.1f}"}
    if kind == "square":
        marker.update(x=f"{x - 4:.1f}", y=f"{y - 4:.1f}")
    elif kind == "triangle":
        marker["points"] = f"{x:.1f},{y - 5:.1f} {x - 5:.1f},{y + 4:.1f} {x + 5:.1f},{y + 4:.1f}"
    elif kind == "diamond":
        marker["points"] = (
            f"{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} {x - 5:.1f},{y:.1f}"
        )
    return marker


def _date_label(value: date) -> str:
    return f"{value.day} {value.strftime('%b %Y')}"


def chart_figure(
    defn: Definition, series: list[Series], *, chart_id: str, title: str, description: str
) -> dict:
    """What ``outcomes/_chart.html`` draws (role="img", <title>, <desc>): ``series`` on the
    measure's scale, as coordinates (strings) and words the template escapes."""
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

    figure: dict = {
        "id": chart_id,
        "width": str(WIDTH),
        "height": str(HEIGHT),
        "title": title,
        "description": description,
        "left": str(LEFT),
        "right": str(LEFT + plot_w),
        "top": str(TOP),
        "bottom": str(TOP + plot_h),
        "plot_width": str(plot_w),
        "bands": [],
        "cutoff": None,
    }
    # Bands (severity ranges), drawn only where the chart shows totals.
    if defn.bands and scale.kind == "total":
        for index, band in enumerate(defn.bands):
            upper = defn.bands[index + 1].start if index + 1 < len(defn.bands) else scale.high + 1
            y_top = y_of(min(upper - 0.5, scale.high))
            y_bottom = y_of(max(band.start - 0.5, scale.low))
            figure["bands"].append(
                {
                    "css": f"lw-chart__band--{index % 2}",
                    "y": f"{y_top:.1f}",
                    "height": f"{max(y_bottom - y_top, 0):.1f}",
                    "label_x": str(LEFT + plot_w + 6),
                    "label_y": f"{(y_top + y_bottom) / 2 + 4:.1f}",
                    "label": f"{band.label} ({format_points(band.start)}+)",
                }
            )
    if defn.clinical_cutoff is not None and scale.kind == "total":
        y = y_of(defn.clinical_cutoff.value)
        figure["cutoff"] = {
            "y": f"{y:.1f}",
            "label_x": str(LEFT + 4),
            "label_y": f"{y - 4:.1f}",
            "value": format_points(defn.clinical_cutoff.value),
        }
    # Ticks.
    steps = 4
    figure["y_ticks"] = []
    for i in range(steps + 1):
        value = scale.low + (scale.high - scale.low) * i / steps
        if scale.high - scale.low >= 8:
            value = round(value)  # whole-number ticks for totals (0, 7, 14, 20, 27)
        figure["y_ticks"].append(
            {
                "x": str(LEFT - 6),
                "y": f"{y_of(value) + 4:.1f}",
                "label": format_points(round(value, 1)),
            }
        )
    middle = f"{TOP + plot_h / 2:.1f}"
    figure["axis_label"] = {"y": middle, "rotate": f"rotate(-90 12 {middle})", "text": scale.label}
    shown = (
        dates
        if len(dates) <= 5
        else [dates[0], *dates[1 : -1 : max(1, len(dates) // 4)], dates[-1]]
    )
    figure["x_ticks_y"] = str(TOP + plot_h + 18)
    figure["x_ticks"] = [
        {"x": f"{x_of(value):.1f}", "label": _date_label(value)} for value in dict.fromkeys(shown)
    ]
    # Series: line, markers, and a legend line at the bottom.
    figure["series"] = []
    for index, s in enumerate(series):
        css = f"lw-chart__series--{index % len(MARKERS)}"
        coords = [(x_of(d), y_of(v)) for d, v in sorted(s.points)]
        kind = MARKERS[index % len(MARKERS)]
        legend_x = LEFT + (index % 3) * 190
        legend_y = HEIGHT - 8
        figure["series"].append(
            {
                "css": css,
                "path": " ".join(f"{x:.1f},{y:.1f}" for x, y in coords) if len(coords) > 1 else "",
                "markers": [
                    _marker(
                        kind,
                        x,
                        y,
                        f"lw-chart__marker {css}",
                        f"{s.label}, {_date_label(d)}: {format_points(v)}",
                    )
                    for (d, v), (x, y) in zip(sorted(s.points), coords, strict=True)
                ],
                "legend": {
                    "marker": _marker(
                        kind, legend_x + 5, legend_y - 4, f"lw-chart__marker {css}", s.label
                    ),
                    "x": str(legend_x + 14),
                    "y": str(legend_y),
                    "label": s.label[:28],
                }
                if index < 3
                else None,
            }
        )
    return figure
