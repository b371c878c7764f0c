"""The driver diagram, drawn on the server as SVG, and the same tree for an accessible list.

Aim -> primary drivers -> secondary drivers -> change ideas, left to right, each box joined to
the one it serves. Built with ElementTree (all text escaped), no script and no external font,
like the SPC charts. The page shows the same tree as a nested list, which is the diagram for
screen readers and narrow screens; the SVG's description says so.
"""

from __future__ import annotations

import textwrap
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from livingwell.insight.icons import SVG_NAMESPACE

BOX_W, BOX_H, GAP_X, ROW_H, TOP = 190, 70, 44, 84, 40
COLUMNS = 4
COLOURS = {"aim": "#005eb8", "primary": "#007f3b", "secondary": "#330072", "idea": "#425563"}


@dataclass
class Node:
    kind: str  # aim | primary | secondary | idea
    text: str
    children: list[Node] = field(default_factory=list)
    column: int = 0
    row: float = 0.0


def tree(project) -> Node:
    """The diagram as a tree. A change idea may serve a primary driver directly."""
    drivers = list(project.drivers.all())
    ideas = list(project.change_ideas.all())
    aim = Node("aim", project.aim_statement, column=0)
    primaries = {}
    for d in drivers:
        if d.level == "primary":
            primaries[d.pk] = Node("primary", d.text, column=1)
            aim.children.append(primaries[d.pk])
    secondaries = {}
    for d in drivers:
        if d.level == "secondary" and d.parent_id in primaries:
            secondaries[d.pk] = Node("secondary", d.text, column=2)
            primaries[d.parent_id].children.append(secondaries[d.pk])
    for idea in ideas:
        parent = secondaries.get(idea.driver_id) or primaries.get(idea.driver_id)
        if parent is not None:
            parent.children.append(Node("idea", idea.text, column=3))
    return aim


def _layout(node: Node, next_row: list[float]) -> None:
    if not node.children:
        node.row = next_row[0]
        next_row[0] += 1
        return
    for child in node.children:
        _layout(child, next_row)
    node.row = (node.children[0].row + node.children[-1].row) / 2


def _box(parent: ET.Element, node: Node) -> tuple[float, float]:
    x = node.column * (BOX_W + GAP_X) + 8
    y = TOP + node.row * ROW_H
    group = ET.SubElement(parent, "g", {"class": f"lw-driver lw-driver-{node.kind}"})
    ET.SubElement(group, "title").text = node.text
    ET.SubElement(
        group,
        "rect",
        {
            "x": str(x),
            "y": f"{y:.1f}",
            "width": str(BOX_W),
            "height": str(BOX_H),
            "rx": "4",
            "fill": "#ffffff",
            "stroke": COLOURS[node.kind],
            "stroke-width": "2",
        },
    )
    lines = textwrap.wrap(node.text, 28) or [""]
    if len(lines) > 4:
        lines = lines[:4]
        lines[-1] = lines[-1][:26].rstrip() + "…"
    start = y + BOX_H / 2 - (len(lines) - 1) * 7 + 4
    for i, line in enumerate(lines):
        ET.SubElement(
            group,
            "text",
            {
                "x": str(x + 8),
                "y": f"{start + i * 14:.1f}",
                "font-family": "sans-serif",
                "font-size": "12",
                "fill": "#212b32",
            },
        ).text = line
    return x, y


def render_svg(project) -> str:
    root = tree(project)
    _layout(root, [0.0])
    rows = max(1, _count_leaves(root))
    width = COLUMNS * BOX_W + (COLUMNS - 1) * GAP_X + 16
    height = TOP + rows * ROW_H
    svg = ET.Element(
        "svg",
        {
            "xmlns": SVG_NAMESPACE,
            "viewBox": f"0 0 {width} {height}",
            "width": str(width),
            "height": str(height),
            "role": "img",
            "aria-labelledby": "driver-diagram-title driver-diagram-desc",
            "class": "lw-driver-diagram",
        },
    )
    ET.SubElement(svg, "title", {"id": "driver-diagram-title"}).text = _("Driver diagram")
    ET.SubElement(svg, "desc", {"id": "driver-diagram-desc"}).text = _(
        "The aim, its primary and secondary drivers and the change ideas, left to right. The "
        "same diagram is listed in words below."
    )
    for column, heading in enumerate(
        (_("Aim"), _("Primary drivers"), _("Secondary drivers"), _("Change ideas"))
    ):
        ET.SubElement(
            svg,
            "text",
            {
                "x": str(column * (BOX_W + GAP_X) + 8),
                "y": "20",
                "font-family": "sans-serif",
                "font-size": "13",
                "font-weight": "bold",
                "fill": "#212b32",
            },
        ).text = heading
    links = ET.SubElement(svg, "g", {"class": "lw-driver-links", "aria-hidden": "true"})
    boxes = ET.SubElement(svg, "g", {"class": "lw-driver-boxes"})

    def draw(node: Node) -> None:
        x, y = _box(boxes, node)
        for child in node.children:
            cx, cy = _box_position(child)
            ET.SubElement(
                links,
                "path",
                {
                    "d": f"M{x + BOX_W} {y + BOX_H / 2:.1f} C{x + BOX_W + GAP_X / 2} "
                    f"{y + BOX_H / 2:.1f} {cx - GAP_X / 2} {cy + BOX_H / 2:.1f} {cx} "
                    f"{cy + BOX_H / 2:.1f}",
                    "fill": "none",
                    "stroke": "#768692",
                    "stroke-width": "1.5",
                },
            )
            draw(child)

    draw(root)
    return ET.tostring(svg, encoding="unicode")


def _box_position(node: Node) -> tuple[float, float]:
    return node.column * (BOX_W + GAP_X) + 8, TOP + node.row * ROW_H


def _count_leaves(node: Node) -> int:
    if not node.children:
        return 1
    return sum(_count_leaves(c) for c in node.children)
