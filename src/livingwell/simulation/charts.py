"""Server-side SVG line charts of a run: baseline beside scenario, with the 95% interval as a band.

Built the way insight's charts are (``insight.charts``): ElementTree, which escapes every text,
the generic sans-serif font, ``role="img"`` with a ``<title>`` and a ``<desc>`` saying what the
chart shows, and the two series told apart by line style (solid, dashed) as well as colour. The
page shows the same figures as a table beside the chart.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

from livingwell.insight.charts import format_value
from livingwell.insight.icons import COLOURS, SVG_NAMESPACE

_TEXT, _GRID, _FONT = "#212b32", "#d8dde0", "sans-serif"


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


def render_lines(
    lines: Sequence[Line],
    *,
    title: str,
    description: str,
    labels: Sequence[str],
    unit: str = "",
    id_prefix: str = "sim-chart",
    width: int = 760,
    height: int = 360,
) -> str:
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

    svg = ET.Element(
        "svg",
        {
            "xmlns": SVG_NAMESPACE,
            "viewBox": f"0 0 {width} {height}",
            "width": "100%",
            "role": "img",
            "aria-labelledby": f"{id_prefix}-title {id_prefix}-desc",
            "class": "lw-sim-chart",
            "preserveAspectRatio": "xMidYMid meet",
        },
    )
    ET.SubElement(svg, "title", {"id": f"{id_prefix}-title"}).text = title
    ET.SubElement(svg, "desc", {"id": f"{id_prefix}-desc"}).text = description
    text_style = {"font-family": _FONT, "font-size": "12", "fill": _TEXT}
    for t in ticks:
        ET.SubElement(
            svg,
            "line",
            {"x1": str(left), "x2": str(width - right), "y1": f"{y(t):.1f}", "y2": f"{y(t):.1f}",
             "stroke": _GRID},
        )  # fmt: skip
        ET.SubElement(
            svg, "text", {**text_style, "x": str(left - 6), "y": f"{y(t) + 4:.1f}",
                          "text-anchor": "end"}
        ).text = format_value(t, unit)  # fmt: skip
    every = max(1, math.ceil(n / 8))
    for i, label in enumerate(labels):
        if i % every == 0:
            ET.SubElement(
                svg, "text", {**text_style, "x": f"{x(i):.1f}", "y": str(height - lower + 18),
                              "text-anchor": "middle"}
            ).text = label  # fmt: skip
    for line in lines:
        band = [
            (i, lo, hi)
            for i, (lo, hi) in enumerate(zip(line.lows, line.highs, strict=False))
            if _ok(lo) and _ok(hi)
        ]
        if len(band) > 1:
            points = [f"{x(i):.1f},{y(hi):.1f}" for i, _lo, hi in band]
            points += [f"{x(i):.1f},{y(lo):.1f}" for i, lo, _hi in reversed(band)]
            ET.SubElement(
                svg,
                "polygon",
                {"points": " ".join(points), "fill": line.colour, "fill-opacity": "0.15"},
            )
        path = [f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(line.means) if _ok(v)]
        if path:
            attrs = {
                "points": " ".join(path),
                "fill": "none",
                "stroke": line.colour,
                "stroke-width": "2.5",
            }
            if line.dashed:
                attrs["stroke-dasharray"] = "8 5"
            ET.SubElement(svg, "polyline", attrs)
    # Legend: a sample of each line's style beside its name.
    for k, line in enumerate(lines):
        lx = left + k * 220
        ly = height - 22
        attrs = {"x1": str(lx), "x2": str(lx + 30), "y1": str(ly), "y2": str(ly),
                 "stroke": line.colour, "stroke-width": "2.5"}  # fmt: skip
        if line.dashed:
            attrs["stroke-dasharray"] = "8 5"
        ET.SubElement(svg, "line", attrs)
        ET.SubElement(
            svg, "text", {**text_style, "x": str(lx + 36), "y": str(ly + 4)}
        ).text = line.label
    return ET.tostring(svg, encoding="unicode")
