"""Every kind of chart is drawn by a template, so a label with markup in it comes out escaped.

The words on a chart can come from a person or a worker (a goal, a driver, a process change
note, an organisation's name). Nothing is marked safe: autoescape does the escaping, and these
tests fail if a template stops escaping (``|safe``, ``{% autoescape off %}``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string

from livingwell.improvement import diagram
from livingwell.insight.charts import xmr_figure
from livingwell.insight.icons import assurance_icon_figure, variation_icon_figure
from livingwell.insight.metrics import Disclosure
from livingwell.insight.network import network_figure
from livingwell.insight.spc import xmr
from livingwell.outcomes.chart import Series, chart_figure
from livingwell.outcomes.definitions import get_definition
from livingwell.simulation.charts import Line, line_chart_figure

NASTY = 'Tom & "Jerry" <script>alert(1)</script>'


def _spc() -> str:
    values = [8, 10, 8, 10, 8, 12, 11, 12, 11, 21, 22, 21, 18, 20, 18, 20, 20]
    figure = xmr_figure(
        xmr(values, target=15, rebase_at=[(9, NASTY)]),
        title=NASTY,
        labels=[NASTY] * len(values),
        markers=[(3, NASTY, NASTY)],
    )
    return render_to_string("insight/_xmr_chart.html", {"figure": figure})


def _icons() -> str:
    # Icon labels are the project's own words, but a translation is text too.
    variation = {**variation_icon_figure("concern_high"), "label": NASTY}
    assurance = {**assurance_icon_figure("hit_and_miss"), "label": NASTY}
    return "<g>{}{}</g>".format(
        render_to_string("insight/_spc_icon.html", {"icon": variation}),
        render_to_string("insight/_spc_icon.html", {"icon": assurance}),
    )


def _network() -> str:
    table = SimpleNamespace(rows=[[NASTY, "Hub", 12, 1, 1], ["Hub", NASTY, 2, 1, 1]])
    figure = network_figure(table, Disclosure(threshold=5, rounding=1))
    return render_to_string("insight/_network.html", {"network": figure})


def _driver_diagram() -> str:
    def many(*rows):
        return SimpleNamespace(all=lambda: list(rows))

    primary = SimpleNamespace(pk=1, level="primary", text=NASTY, parent_id=None)
    project = SimpleNamespace(
        aim_statement=NASTY,
        drivers=many(primary),
        change_ideas=many(SimpleNamespace(driver_id=1, text=NASTY)),
    )
    figure = diagram.figure(project)
    return render_to_string("improvement/_driver_diagram.html", {"diagram": figure})


def _simulation() -> str:
    figure = line_chart_figure(
        [Line(NASTY, [1, 2, 3], [0, 1, 2], [2, 3, 4]), Line("Baseline", [2, 2, 2], dashed=True)],
        title=NASTY,
        description=NASTY,
        labels=[NASTY] * 3,
    )
    return render_to_string("simulation/_line_chart.html", {"figure": figure})


def _outcomes() -> str:
    # A goal's words are the person's own, and they name the series.
    series = [Series(NASTY, [(date(2026, 1, 5), 4), (date(2026, 2, 2), 6)])]
    figure = chart_figure(
        get_definition("phq9"), series, chart_id="chart-phq9", title=NASTY, description=NASTY
    )
    return render_to_string("outcomes/_chart.html", {"figure": figure})


KINDS = {
    "spc chart": _spc,
    "spc icons": _icons,
    "handover network": _network,
    "driver diagram": _driver_diagram,
    "simulation chart": _simulation,
    "outcomes chart": _outcomes,
}


@pytest.mark.parametrize("kind", KINDS)
def test_a_label_with_markup_comes_out_escaped(kind):
    markup = KINDS[kind]()
    assert "<script" not in markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    assert "Tom &amp; &quot;Jerry&quot;" in markup
    # Still well-formed SVG, and the words read back exactly as they were written.
    root = ET.fromstring(markup)
    assert any(NASTY in (element.text or "") for element in root.iter())


def test_no_markup_is_built_in_python_and_marked_safe():
    # Templates do the HTML (and the SVG): Python hands them numbers and words.
    from pathlib import Path

    import livingwell

    banned = ("mark_safe", "format_html", "SafeString", "xml.etree", "ElementTree")
    found = [
        f"{path.relative_to(Path(livingwell.__file__).parent)}: {name}"
        for path in sorted(Path(livingwell.__file__).parent.rglob("*.py"))
        for name in banned
        if name in path.read_text(encoding="utf-8")
    ]
    assert found == []
