"""A simple network of handovers between organisations, worked out here and drawn as SVG by the
template ``insight/_network.html`` (autoescaped, so organisation names are escaped there).

Organisations sit on a circle; an arrow from one to another is as thick as the (rounded) number
of handovers. Pairs whose count is hidden by disclosure control are drawn as a thin dotted line
with no number. The table on the same page carries the same figures for screen readers.
"""

from __future__ import annotations

import math

from livingwell.insight.icons import translate as _


def network_figure(table, disclosure, *, size: int = 560) -> dict:
    """``table`` is metrics.relationships(); rows are [from, to, count, days, rate]."""
    names: list[str] = []
    for row in table.rows:
        for name in row[:2]:
            if name not in names:
                names.append(name)
    figure: dict = {
        "size": str(size),
        "middle": str(size // 2),
        "edges": [],
        "nodes": [],
    }
    if not names:
        return figure
    centre, radius = size / 2, size / 2 - 110
    positions = {}
    for i, name in enumerate(names):
        angle = -math.pi / 2 + 2 * math.pi * i / len(names)
        positions[name] = (centre + radius * math.cos(angle), centre + radius * math.sin(angle))
    for row in table.rows:
        (x1, y1), (x2, y2) = positions[row[0]], positions[row[1]]
        shown = disclosure.count(row[2])
        length = math.hypot(x2 - x1, y2 - y1) or 1
        # Stop short of the node circles so the arrowhead shows.
        ux, uy = (x2 - x1) / length, (y2 - y1) / length
        # Offset the pair sideways so A->B and B->A do not overlap.
        ox, oy = -uy * 6, ux * 6
        figure["edges"].append(
            {
                "x1": f"{x1 + ux * 22 + ox:.1f}",
                "y1": f"{y1 + uy * 22 + oy:.1f}",
                "x2": f"{x2 - ux * 22 + ox:.1f}",
                "y2": f"{y2 - uy * 22 + oy:.1f}",
                # Hidden counts are a thin dotted line: no thickness to read a number from.
                "width": f"{min(10, 1 + math.log2(1 + int(shown))):.1f}"
                if shown.isdigit()
                else "1",
                "dotted": not shown.isdigit(),
                "title": _("{a} to {b}: {n} handovers").format(a=row[0], b=row[1], n=shown),
                "label_x": f"{(x1 + x2) / 2 + ox * 2:.1f}",
                "label_y": f"{(y1 + y2) / 2 + oy * 2:.1f}",
                "label": shown,
            }
        )
    for name, (x, y) in positions.items():
        below = y >= centre
        figure["nodes"].append(
            {
                "x": f"{x:.1f}",
                "y": f"{y:.1f}",
                "label_y": f"{y + (36 if below else -26):.1f}",
                "name": name if len(name) <= 30 else name[:29] + "…",
            }
        )
    return figure
