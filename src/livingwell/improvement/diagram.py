"""The driver diagram, laid out here and drawn as SVG by ``improvement/_driver_diagram.html``,
and the same tree for an accessible list.

Aim -> primary drivers -> secondary drivers -> change ideas, left to right, each box joined to
the one it serves. The template escapes every text (autoescape); no script and no external
font, like the SPC charts. The page shows the same tree as a nested list, which is the diagram for
screen readers and narrow screens; the SVG's description says so.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

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


def _box_lines(node: Node, x: float, y: float) -> list[dict]:
    lines = textwrap.wrap(node.text, 28) or [""]
    if len(lines) > 4:
        lines = lines[:4]
        lines[-1] = lines[-1][:26].rstrip() + "…"
    start = y + BOX_H / 2 - (len(lines) - 1) * 7 + 4
    return [{"x": str(x + 8), "y": f"{start + i * 14:.1f}", "text": t} for i, t in enumerate(lines)]


def figure(project) -> dict:
    """What ``improvement/_driver_diagram.html`` draws: boxes, their wrapped words and links."""
    root = tree(project)
    _layout(root, [0.0])
    rows = max(1, _count_leaves(root))
    width = COLUMNS * BOX_W + (COLUMNS - 1) * GAP_X + 16
    links: list[str] = []
    boxes: list[dict] = []

    def draw(node: Node) -> None:
        x, y = _box_position(node)
        boxes.append(
            {
                "kind": node.kind,
                "text": node.text,
                "x": str(x),
                "y": f"{y:.1f}",
                "colour": COLOURS[node.kind],
                "lines": _box_lines(node, x, y),
            }
        )
        for child in node.children:
            cx, cy = _box_position(child)
            links.append(
                f"M{x + BOX_W} {y + BOX_H / 2:.1f} C{x + BOX_W + GAP_X / 2} "
                f"{y + BOX_H / 2:.1f} {cx - GAP_X / 2} {cy + BOX_H / 2:.1f} {cx} "
                f"{cy + BOX_H / 2:.1f}"
            )
            draw(child)

    draw(root)
    headings = (_("Aim"), _("Primary drivers"), _("Secondary drivers"), _("Change ideas"))
    return {
        "width": str(width),
        "height": str(TOP + rows * ROW_H),
        "box_width": str(BOX_W),
        "box_height": str(BOX_H),
        "headings": [
            {"x": str(column * (BOX_W + GAP_X) + 8), "text": text}
            for column, text in enumerate(headings)
        ],
        "links": links,
        "boxes": boxes,
    }


def _box_position(node: Node) -> tuple[float, float]:
    return node.column * (BOX_W + GAP_X) + 8, TOP + node.row * ROW_H


def _count_leaves(node: Node) -> int:
    if not node.children:
        return 1
    return sum(_count_leaves(c) for c in node.children)
