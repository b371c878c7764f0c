"""A simple server-side SVG network of handovers between organisations.

Organisations sit on a circle; an arrow from one to another is as thick as the (rounded) number
of handovers. Pairs whose count is hidden by disclosure control are drawn as a thin dotted line
with no number. The table on the same page carries the same figures for screen readers.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

from livingwell.insight.icons import SVG_NAMESPACE
from livingwell.insight.icons import translate as _

_LINE = "#425563"
_NODE = "#005eb8"
_TEXT = "#212b32"


def render_network_svg(table, disclosure, *, size: int = 560) -> str:
    """``table`` is metrics.relationships(); rows are [from, to, count, days, rate]."""
    names: list[str] = []
    for row in table.rows:
        for name in row[:2]:
            if name not in names:
                names.append(name)
    svg = ET.Element(
        "svg",
        {
            "xmlns": SVG_NAMESPACE,
            "viewBox": f"0 0 {size} {size}",
            "width": str(size),
            "height": str(size),
            "role": "img",
            "aria-labelledby": "network-title network-desc",
            "class": "lw-network",
        },
    )
    ET.SubElement(svg, "title", {"id": "network-title"}).text = _("Handovers between organisations")
    ET.SubElement(svg, "desc", {"id": "network-desc"}).text = _(
        "Each arrow goes from the organisation offering handovers to the one receiving them; "
        "the thicker the arrow, the more handovers. The table below gives the figures."
    )
    defs = ET.SubElement(svg, "defs")
    marker = ET.SubElement(
        defs,
        "marker",
        {
            "id": "network-arrow",
            "viewBox": "0 0 10 10",
            "refX": "10",
            "refY": "5",
            "markerWidth": "6",
            "markerHeight": "6",
            "orient": "auto-start-reverse",
        },
    )
    ET.SubElement(marker, "path", {"d": "M 0 0 L 10 5 L 0 10 z", "fill": _LINE})
    if not names:
        ET.SubElement(
            svg,
            "text",
            {
                "x": str(size // 2),
                "y": str(size // 2),
                "text-anchor": "middle",
                "font-family": "sans-serif",
                "font-size": "14",
                "fill": _TEXT,
            },
        ).text = _("No handovers in this period")
        return ET.tostring(svg, encoding="unicode")
    centre, radius = size / 2, size / 2 - 110
    positions = {}
    for i, name in enumerate(names):
        angle = -math.pi / 2 + 2 * math.pi * i / len(names)
        positions[name] = (centre + radius * math.cos(angle), centre + radius * math.sin(angle))
    edges = ET.SubElement(svg, "g", {"class": "lw-network-edges"})
    for row in table.rows:
        (x1, y1), (x2, y2) = positions[row[0]], positions[row[1]]
        shown = disclosure.count(row[2])
        length = math.hypot(x2 - x1, y2 - y1) or 1
        # Stop short of the node circles so the arrowhead shows.
        ux, uy = (x2 - x1) / length, (y2 - y1) / length
        # Offset the pair sideways so A->B and B->A do not overlap.
        ox, oy = -uy * 6, ux * 6
        attrs = {
            "x1": f"{x1 + ux * 22 + ox:.1f}",
            "y1": f"{y1 + uy * 22 + oy:.1f}",
            "x2": f"{x2 - ux * 22 + ox:.1f}",
            "y2": f"{y2 - uy * 22 + oy:.1f}",
            "stroke": _LINE,
            "marker-end": "url(#network-arrow)",
        }
        if shown.isdigit():
            attrs["stroke-width"] = f"{min(10, 1 + math.log2(1 + int(shown))):.1f}"
        else:
            attrs["stroke-width"] = "1"
            attrs["stroke-dasharray"] = "2 3"
        line = ET.SubElement(edges, "line", attrs)
        ET.SubElement(line, "title").text = _("{a} to {b}: {n} handovers").format(
            a=row[0], b=row[1], n=shown
        )
        ET.SubElement(
            edges,
            "text",
            {
                "x": f"{(x1 + x2) / 2 + ox * 2:.1f}",
                "y": f"{(y1 + y2) / 2 + oy * 2:.1f}",
                "font-family": "sans-serif",
                "font-size": "12",
                "fill": _TEXT,
                "text-anchor": "middle",
            },
        ).text = shown
    nodes = ET.SubElement(svg, "g", {"class": "lw-network-nodes"})
    for name, (x, y) in positions.items():
        ET.SubElement(
            nodes, "circle", {"cx": f"{x:.1f}", "cy": f"{y:.1f}", "r": "18", "fill": _NODE}
        )
        below = y >= centre
        ET.SubElement(
            nodes,
            "text",
            {
                "x": f"{x:.1f}",
                "y": f"{y + (36 if below else -26):.1f}",
                "text-anchor": "middle",
                "font-family": "sans-serif",
                "font-size": "12",
                "fill": _TEXT,
            },
        ).text = name if len(name) <= 30 else name[:29] + "…"
    return ET.tostring(svg, encoding="unicode")
