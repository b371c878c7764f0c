"""The project's own variation and assurance icons."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string

from livingwell.insight.icons import (
    ASSURANCE_KEYS,
    VARIATION_KEYS,
    assurance_icon_figure,
    assurance_label,
    variation_icon_figure,
    variation_icon_key,
    variation_label,
)
from livingwell.insight.spc import xmr

NS = {"svg": "http://www.w3.org/2000/svg"}


def variation_icon(key: str, **options) -> str:
    """The icon as a page draws it: its figure through ``insight/_spc_icon.html``."""
    return render_to_string(
        "insight/_spc_icon.html", {"icon": variation_icon_figure(key, **options)}
    )


def assurance_icon(key: str, **options) -> str:
    return render_to_string(
        "insight/_spc_icon.html", {"icon": assurance_icon_figure(key, **options)}
    )


def shape_only(svg: str) -> str:
    """The markup with colours removed, to compare what is drawn."""
    return re.sub(r"#[0-9a-f]{6}", "#", svg)


@pytest.mark.parametrize("key", VARIATION_KEYS)
def test_variation_icons_are_labelled_svg(key):
    root = ET.fromstring(variation_icon(key))
    assert root.get("role") == "img"
    assert root.find("svg:title", NS).text == variation_label(key)
    assert "http" not in variation_icon(key).replace('xmlns="http://www.w3.org/2000/svg"', "")


@pytest.mark.parametrize("key", ASSURANCE_KEYS)
def test_assurance_icons_are_labelled_svg(key):
    root = ET.fromstring(assurance_icon(key, size=24, id_prefix="a1"))
    assert root.get("width") == "24"
    assert root.get("aria-labelledby") == "a1-title"
    assert root.find("svg:title", NS).text == assurance_label(key)


def test_every_icon_differs_in_drawing_not_just_colour():
    drawings = [shape_only(variation_icon(k, id_prefix="x")) for k in VARIATION_KEYS]
    drawings += [shape_only(assurance_icon(k, id_prefix="x")) for k in ASSURANCE_KEYS]
    # Titles differ too, so compare the drawing without the title.
    bodies = [re.sub(r"<title.*?</title>", "", d) for d in drawings]
    assert len(set(bodies)) == len(bodies)


def test_labels():
    assert variation_label("improvement_low") == "Special cause improvement (lower values)"
    assert assurance_label("hit_and_miss") == "Target hit and miss"


def test_unknown_icons_are_refused():
    with pytest.raises(ValueError, match="unknown variation icon"):
        variation_icon("improvement")
    with pytest.raises(ValueError, match="unknown assurance icon"):
        assurance_icon("consistent_pass")


# 9 11 ... 23: the last point is above the UPL (see test_spc_rules); its mirror is below the LPL.
HIGH_OUTLIER = [9, 11, 9, 11, 9, 11, 9, 11, 9, 11, 9, 23]
LOW_OUTLIER = [22 - v for v in HIGH_OUTLIER]


@pytest.mark.parametrize(
    ("values", "improvement", "key"),
    [
        (HIGH_OUTLIER, "increase", "improvement_high"),
        (LOW_OUTLIER, "decrease", "improvement_low"),
        (HIGH_OUTLIER, "decrease", "concern_high"),
        (LOW_OUTLIER, "increase", "concern_low"),
        (HIGH_OUTLIER, "neutral", "neutral_high"),
        (LOW_OUTLIER, "neutral", "neutral_low"),
        (HIGH_OUTLIER[:-1], "increase", "common_cause"),
    ],
)
def test_icon_for_the_latest_point(values, improvement, key):
    assert variation_icon_key(xmr(values, improvement=improvement).latest_point) == key


def test_no_icon_without_data():
    assert variation_icon_key(xmr([]).latest_point) is None
    assert variation_icon_key(xmr([1, None]).points[1]) is None


def test_a_points_reading_reads_as_words_in_the_tables_of_values():
    from livingwell.insight.icons import point_variation_label

    assert point_variation_label("special_cause_improvement") == "Special cause: improvement"
    assert point_variation_label("common_cause") == "Common cause"
    assert point_variation_label(None) == ""
