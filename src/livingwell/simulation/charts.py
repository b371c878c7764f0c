"""Server-side SVG line charts of a run: baseline beside scenario, with the 95% interval as a band.

Built the way insight's charts are (``insight.charts``): the numbers are worked out here and the
template ``simulation/_line_chart.html`` draws them (autoescaped, so every text is escaped), in
the generic sans-serif font, ``role="img"`` with a ``<title>`` and a ``<desc>`` saying what the
chart shows, and the two series told apart by line style (solid, dashed) as well as colour. The
page shows the same figures as a table beside the chart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from livingwell.insight.charts import format_value
from livingwell.insight.icons import COLOURS


@dataclass(frozen=True)
class Line:
    label: str
    means: Sequence[float | None]
    lows: Sequence[float | None] = ()
    highs: Sequence[float | None] = ()
    colour: str = COLOURS["improvement"]
    dashed: bool = False


def _ok(v) -> bool:
    return v is not None and not (isinstance(v, float) and math.isnan(v))


def _ticks(top: float) -> list[float]:
    if top <= 0:
        return [0.0, 1.0]
    raw = top / 5
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return [step * k for k in range(int(math.ceil(top / step)) + 1)]


def line_chart_figure(
    lines: Sequence[Line],
    *,
    title: str,
    description: str,
    labels: Sequence[str],
    unit: str = "",
    id_prefix: str = "sim-chart",
    width: int = 760,
    height: int = 360,
) -> dict:
    """What ``simulation/_line_chart.html`` draws: coordinates as strings, and words."""
    n = len(labels)
    values = [v for line in lines for seq in (line.means, line.highs) for v in seq if _ok(v)] or [
        1.0
    ]
    ticks = _ticks(max(values))
    top = ticks[-1] or 1.0
    left, right, upper, lower = 64, 16, 40, 72
    plot_w, plot_h = width - left - right, height - upper - lower

    def x(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return upper + plot_h * (1 - max(0.0, v) / top)

    every = max(1, math.ceil(n / 8))
    drawn = []
    for line in lines:
        band = [
            (i, lo, hi)
            for i, (lo, hi) in enumerate(zip(line.lows, line.highs, strict=False))
            if _ok(lo) and _ok(hi)
        ]
        points = []
        if len(band) > 1:
            points = [f"{x(i):.1f},{y(hi):.1f}" for i, _lo, hi in band]
            points += [f"{x(i):.1f},{y(lo):.1f}" for i, lo, _hi in reversed(band)]
        path = [f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(line.means) if _ok(v)]
        drawn.append(
            {
                "colour": line.colour,
                "dashed": line.dashed,
                "band": " ".join(points),
                "path": " ".join(path),
            }
        )
    return {
        "id": id_prefix,
        "width": str(width),
        "height": str(height),
        "title": title,
        "description": description,
        "grid_left": str(left),
        "grid_right": str(width - right),
        "tick_x": str(left - 6),
        "ticks": [
            {"y": f"{y(t):.1f}", "label_y": f"{y(t) + 4:.1f}", "label": format_value(t, unit)}
            for t in ticks
        ],
        "periods_y": str(height - lower + 18),
        "periods": [
            {"x": f"{x(i):.1f}", "label": label} for i, label in enumerate(labels) if i % every == 0
        ],
        "lines": drawn,
        # Legend: a sample of each line's style beside its name.
        "legend": [
            {
                "x1": str(left + k * 220),
                "x2": str(left + k * 220 + 30),
                "text_x": str(left + k * 220 + 36),
                "y": str(height - 22),
                "text_y": str(height - 22 + 4),
                "colour": line.colour,
                "dashed": line.dashed,
                "label": line.label,
            }
            for k, line in enumerate(lines)
        ],
    }
