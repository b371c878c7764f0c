"""Event markers on an XmR chart (PDSA cycles starting), and limits frozen from a baseline."""

import pytest
from django.template.loader import render_to_string

from livingwell.insight.charts import xmr_figure
from livingwell.insight.spc import read_against_baseline, xmr


def render_xmr_svg(result, **options) -> str:
    return render_to_string("insight/_xmr_chart.html", {"figure": xmr_figure(result, **options)})


def test_a_marker_is_drawn_before_its_period_with_its_description():
    result = xmr([10, 12, 11, 13, 12, 10])
    svg = render_xmr_svg(result, title="Calls", markers=[(3, "C1", "C1 started its Do stage")])
    assert svg.count('class="lw-event-marker"') == 1
    assert "<title>C1 started its Do stage</title>" in svg
    assert ">C1</text>" in svg


def test_a_marker_outside_the_chart_is_refused():
    with pytest.raises(ValueError, match="outside the chart's 6 values"):
        render_xmr_svg(xmr([10, 12, 11, 13, 12, 10]), title="Calls", markers=[(6, "C1", "x")])


def test_frozen_limits_come_from_the_baseline_only():
    # Baseline 10, 12: mean 11, one moving range of 2; limits 11 +/- 2.66 x 2 = 5.68 to 16.32.
    reading = read_against_baseline([10, 12], [17, 11], improvement="increase")
    assert reading.n_baseline == 2 and reading.trial_limits
    assert reading.upl == pytest.approx(16.32) and reading.lpl == pytest.approx(5.68)
    assert reading.variations == ("special_cause_improvement", "common_cause")
    assert reading.points[0].rules == ("outside_limits",)
