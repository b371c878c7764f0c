"""Server-side SVG of an XmR chart, and its plain-English reading."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string

from livingwell.insight.charts import format_value, summarise, xmr_figure
from livingwell.insight.spc import xmr

NS = {"svg": "http://www.w3.org/2000/svg"}
# 9 11 ... 23: mean 11, UPL 19.22, the last point above it (see test_spc_rules).
HIGH_OUTLIER = [9, 11, 9, 11, 9, 11, 9, 11, 9, 11, 9, 23]
REBASED = [8, 10, 8, 10, 8, 12, 11, 12, 11, 21, 22, 21, 18, 20, 18, 20, 20]


def render_xmr_svg(result, **options) -> str:
    """The chart as a page draws it: its figure through ``insight/_xmr_chart.html``."""
    return render_to_string("insight/_xmr_chart.html", {"figure": xmr_figure(result, **options)})


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def markers(root: ET.Element, variation: str) -> list[ET.Element]:
    data = root.find("svg:g[@class='lw-data']", NS)
    return [e for e in data if e.get("data-variation") == variation]


def test_chart_is_well_formed_svg_with_title_and_description():
    result = xmr(HIGH_OUTLIER, target=15)
    svg = render_xmr_svg(result, title="Introductions per week", id_prefix="intro")
    root = parse(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "intro-title intro-desc"
    assert root.find("svg:title", NS).text == "Introductions per week"
    assert root.find("svg:title", NS).get("id") == "intro-title"
    desc = root.find("svg:desc", NS)
    assert desc.get("id") == "intro-desc"
    assert desc.text == summarise(result, "Introductions per week")


def test_chart_references_nothing_outside_itself():
    result = xmr(REBASED, target=15, rebase_at=[(9, "New Hub rota")])
    svg = render_xmr_svg(result, title="Same-day answers", unit="%")
    # The namespace identifier is the only http string and is never fetched.
    without_namespace = svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert not re.search(r"https?:", without_namespace)
    for forbidden in ("href", "url(", "@import", "@font-face", "<script", "<image", "<style"):
        assert forbidden not in svg
    assert {e.get("font-family") for e in parse(svg).iter() if e.get("font-family")} == {
        "sans-serif"
    }


def test_improvement_and_concern_markers_differ_in_shape_not_only_colour():
    up = parse(render_xmr_svg(xmr(HIGH_OUTLIER, improvement="increase"), title="t"))
    down = parse(render_xmr_svg(xmr(HIGH_OUTLIER, improvement="decrease"), title="t"))
    (improvement,) = markers(up, "special_cause_improvement")
    (concern,) = markers(down, "special_cause_concern")
    common = markers(up, "common_cause")
    assert len(common) == 11
    shapes = {
        improvement.tag,
        concern.tag + str(len(concern.get("points", "").split())),
        common[0].tag,
    }
    # A square, a three-cornered polygon and a circle: three different shapes.
    assert shapes == {
        "{http://www.w3.org/2000/svg}rect",
        "{http://www.w3.org/2000/svg}polygon3",
        "{http://www.w3.org/2000/svg}circle",
    }
    assert improvement.get("fill") != concern.get("fill")


def test_neutral_markers_are_diamonds_and_the_legend_offers_neutral():
    root = parse(render_xmr_svg(xmr(HIGH_OUTLIER, improvement="neutral"), title="t"))
    (neutral,) = markers(root, "special_cause_neutral")
    assert len(neutral.get("points").split()) == 4
    legend = " ".join(t.text for t in root.find("svg:g[@class='lw-legend']", NS).iter() if t.text)
    assert "neither good nor bad" in legend
    assert "improvement" not in legend


def test_every_point_has_a_title_naming_its_period_value_and_reading():
    labels = [f"Week {i}" for i in range(1, 13)]
    root = parse(render_xmr_svg(xmr(HIGH_OUTLIER), title="t", labels=labels))
    (outlier,) = markers(root, "special_cause_improvement")
    assert outlier.find("svg:title", NS).text == (
        "Week 12: 23, special cause improvement (above the upper process limit)"
    )
    first = markers(root, "common_cause")[0]
    assert first.find("svg:title", NS).text == "Week 1: 9, common cause"


def test_missing_periods_break_the_data_line_and_have_no_marker():
    root = parse(render_xmr_svg(xmr([1, 2, 3, None, 4, 5, 6]), title="t"))
    lines = root.findall("svg:g[@class='lw-data']/svg:polyline", NS)
    assert [len(line.get("points").split()) for line in lines] == [3, 3]
    assert len(root.findall("svg:g[@class='lw-data']/*[@data-variation]", NS)) == 6


def test_rebase_marker_shows_the_change_note():
    result = xmr(REBASED, rebase_at=[(9, "New Hub rota")])
    root = parse(render_xmr_svg(result, title="t"))
    rebase = root.find("svg:g[@class='lw-rebase']", NS)
    assert rebase.find("svg:text", NS).text == "New Hub rota"
    assert rebase.find("svg:title", NS).text == "Limits recalculated from value 10: New Hub rota"
    # Mean and limit lines are drawn per segment: two means, four limits.
    limits = root.find("svg:g[@class='lw-limits']", NS)
    assert len(limits.findall("svg:line[@class='lw-mean']", NS)) == 2
    assert len(limits.findall("svg:line[@class='lw-process-limit']", NS)) == 4


def test_target_line_only_when_there_is_a_target():
    with_target = parse(render_xmr_svg(xmr(HIGH_OUTLIER, target=15), title="t", unit="%"))
    without = parse(render_xmr_svg(xmr(HIGH_OUTLIER), title="t"))
    target_xpath = ".//svg:line[@class='lw-target']"
    assert len(with_target.findall(target_xpath, NS)) == 1
    assert without.findall(target_xpath, NS) == []
    texts = [t.text for t in with_target.iter("{http://www.w3.org/2000/svg}text")]
    assert "Target 15%" in texts


def test_trial_limits_note_only_for_short_segments():
    short = parse(render_xmr_svg(xmr(HIGH_OUTLIER[:11]), title="t"))
    firm = parse(render_xmr_svg(xmr(HIGH_OUTLIER), title="t"))
    assert len(short.findall("svg:text[@class='lw-trial-note']", NS)) == 1
    assert firm.findall("svg:text[@class='lw-trial-note']", NS) == []


def test_text_is_escaped():
    result = xmr(REBASED, rebase_at=[(9, 'Rota <b>&</b> "triage"')])
    svg = render_xmr_svg(result, title="Waits <90 days> & more")
    root = parse(svg)
    assert root.find("svg:title", NS).text == "Waits <90 days> & more"
    assert "<b>" not in svg


@pytest.mark.parametrize("values", [[], [5], [None, None], [5] * 12, [3, None, 4]])
def test_degenerate_series_still_render(values):
    root = parse(render_xmr_svg(xmr(values, target=4), title="Edge"))
    assert root.find("svg:title", NS).text == "Edge"


def test_bad_render_arguments():
    with pytest.raises(ValueError, match="labels has 2 entries but the chart has 12 values"):
        render_xmr_svg(xmr(HIGH_OUTLIER), title="t", labels=["a", "b"])
    with pytest.raises(ValueError, match="at least 300 x 200"):
        render_xmr_svg(xmr(HIGH_OUTLIER), title="t", width=100)


# summarise ------------------------------------------------------------------------------------


def test_summary_common_cause_and_hit_and_miss():
    # 10 12 11 13 12 14 12 11 13 12 11 12: no signal; target 12 lies between the limits.
    result = xmr([10, 12, 11, 13, 12, 14, 12, 11, 13, 12, 11, 12], target=12)
    text = summarise(result, "Same-day answers", "%")
    assert text.startswith("Same-day answers: the latest value is 12%.")
    assert "Common cause variation only" in text
    assert "cannot be relied on to meet it" in text
    assert "trial limits" not in text


def test_summary_pass_and_fail():
    series = [10, 12, 11, 13, 12, 14]  # limits 7.744 - 16.256
    assert "can be relied on to meet the target of 7 days" in summarise(
        xmr(series, target=7), "Wait", "days"
    )
    assert "cannot meet the target of 17 days as it stands" in summarise(
        xmr(series, target=17), "Wait", "days"
    )


def test_summary_names_the_rule_behind_a_special_cause_latest_point():
    text = summarise(xmr(HIGH_OUTLIER), "Introductions")
    assert "The latest value shows special cause improvement" in text
    assert "above the upper process limit" in text
    concern = summarise(xmr(HIGH_OUTLIER, improvement="decrease"), "Waits")
    assert "special cause concern" in concern


def test_summary_mentions_earlier_signals_when_the_latest_is_common_cause():
    text = summarise(xmr(HIGH_OUTLIER + [11]), "Introductions")
    assert "1 earlier value(s)" in text


def test_summary_neutral_target_rebase_and_trial():
    result = xmr(REBASED, improvement="neutral", target=15, rebase_at=[(9, "New Hub rota")])
    text = summarise(result, "Handovers")
    assert "no assurance is given" in text
    assert "recalculated from value 10 (New Hub rota)" in text
    assert "trial limits: they rest on 8 value(s), fewer than the 12" in text


def test_summary_of_empty_and_single_value_series():
    assert summarise(xmr([]), "Returns") == (
        "Returns: no values have been recorded yet, so there is nothing to read."
    )
    single = summarise(xmr([4]), "Returns")
    assert single.startswith("Returns: the latest value is 4.")
    assert "cannot be worked out" in single


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (80, "%", "80%"),
        (83.125, "%", "83.1%"),
        (12, "days", "12 days"),
        (0.192, "", "0.19"),
        (-0.0001, "", "0"),
        (16.256, "", "16.3"),
    ],
)
def test_format_value(value, unit, text):
    assert format_value(value, unit) == text


@pytest.mark.parametrize("n", [2, 9, 10, 12, 13, 17, 26, 52, 53])
def test_period_labels_are_spaced_and_include_the_last(n):
    labels = [f"W{i}" for i in range(n)]
    root = parse(render_xmr_svg(xmr(list(range(n))), title="t", labels=labels))
    axis = root.find("svg:g[@class='lw-axis']", NS)
    shown = [(float(t.get("x")), t.text) for t in axis.iter("{http://www.w3.org/2000/svg}text")]
    shown = sorted((x, text) for x, text in shown if text.startswith("W"))
    assert shown[-1][1] == f"W{n - 1}" and shown[0][1] == "W0"
    step = (shown[-1][0] - shown[0][0]) / (n - 1) if n > 1 else 0
    gaps = [b[0] - a[0] for a, b in zip(shown, shown[1:], strict=False)]
    # No two labels closer than the regular spacing between labels (they would overprint).
    assert min(gaps) >= step * max(1, -(-n // 8)) - 0.01
