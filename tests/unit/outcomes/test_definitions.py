"""The shipped definition files: structure, published numbers, and no publisher wording."""

from __future__ import annotations

import copy
import json
from importlib import resources

import pytest

from livingwell.outcomes import MEASURES, DefinitionError, UnknownMeasureError, get_definition
from livingwell.outcomes.definitions import SCORING_KEY, definition_from_dict

EXPECTED_ITEMS = {
    "dialog": (11, 1, 7),
    "reqol10": (10, 0, 4),
    "gbo": (3, 0, 10),
    "swemwbs": (7, 1, 5),
    "phq9": (9, 0, 3),
    "gad7": (7, 0, 3),
    "core10": (10, 0, 4),
}


def raw_file(measure: str) -> dict:
    path = resources.files("livingwell.outcomes").joinpath("measures", f"{measure}.json")
    return json.loads(path.read_text("utf-8"))


def test_the_seven_measures_of_issue_4_are_shipped():
    assert set(MEASURES) == set(EXPECTED_ITEMS)


@pytest.mark.parametrize("measure", MEASURES)
def test_items_are_numbered_in_published_order_with_published_ranges(measure):
    n, low, high = EXPECTED_ITEMS[measure]
    defn = get_definition(measure)
    assert defn.link_ids == tuple(str(i) for i in range(1, n + 1))
    for item in defn.items:
        assert item.values == frozenset(range(low, high + 1)), item.link_id


@pytest.mark.parametrize("measure", MEASURES)
def test_file_is_a_fhir_questionnaire_with_the_scoring_beside_it(measure):
    raw = raw_file(measure)
    questionnaire = get_definition(measure).questionnaire()
    assert questionnaire["resourceType"] == "Questionnaire"
    assert questionnaire["id"] == measure
    for key in ("url", "name", "title", "status", "item"):
        assert questionnaire[key]
    assert SCORING_KEY not in questionnaire
    scoring = raw[SCORING_KEY]
    for key in ("licence", "citation", "missing", "change", "direction"):
        assert scoring[key], key
    assert scoring["missing"]["source"] and scoring["change"]["source"]


def _all_texts(node):
    """Every human-readable string a form could show: item text and option display."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("text", "display") and isinstance(value, str):
                yield value
            else:
                yield from _all_texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from _all_texts(value)


@pytest.mark.parametrize("measure", MEASURES)
def test_every_item_and_option_text_says_it_is_demonstration_wording(measure):
    questionnaire = get_definition(measure).questionnaire()
    texts = list(_all_texts(questionnaire["item"]))
    n_items, low, high = EXPECTED_ITEMS[measure]
    # one text per item plus one display per answer option
    assert len(texts) == n_items * (1 + high - low + 1)
    for text in texts:
        assert "not the real wording" in text, text
    for item in questionnaire["item"]:
        assert "do not use clinically" in item["text"]


def test_dialog_items_carry_the_domain_names_as_labels():
    labels = [item.label for item in get_definition("dialog").items]
    assert labels == [
        "Mental health",
        "Physical health",
        "Job situation",
        "Accommodation",
        "Leisure activities",
        "Relationship with partner/family",
        "Friendships",
        "Personal safety",
        "Medication",
        "Practical help",
        "Meetings with professionals",
    ]


def test_swemwbs_table_is_exactly_the_published_one():
    # Copied from the domain brief (living-well.md section 4), raw 7..35 in order.
    published = (
        "7.00, 9.51, 11.25, 12.40, 13.33, 14.08, 14.75, 15.32, 15.84, 16.36, 16.88, 17.43, "
        "17.98, 18.59, 19.25, 19.98, 20.73, 21.54, 22.35, 23.21, 24.11, 25.03, 26.02, 27.03, "
        "28.13, 29.31, 30.70, 32.55, 35.00"
    )
    expected = dict(zip(range(7, 36), (float(v) for v in published.split(",")), strict=True))
    assert get_definition("swemwbs").metric_table == expected


def test_unknown_measure_is_a_value_error_naming_the_measure():
    with pytest.raises(UnknownMeasureError, match="phq-9") as info:
        get_definition("phq-9")
    assert isinstance(info.value, ValueError)


def test_definitions_are_loaded_once():
    assert get_definition("phq9") is get_definition("phq9")


# --- the loader refuses malformed files --------------------------------------------------


def _broken(mutate):
    raw = copy.deepcopy(raw_file("phq9"))
    mutate(raw)
    return raw


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda r: r["item"][1].update(linkId="3"), "expected '2'"),
        (lambda r: r["item"][0].update(text="Some real-looking question"), "not the real wording"),
        (lambda r: r[SCORING_KEY]["missing"].pop("source"), "missing.source"),
        (lambda r: r[SCORING_KEY]["change"].update(threshold=0), "positive"),
        (lambda r: r[SCORING_KEY].update(direction="up"), "direction"),
        (lambda r: r.update(resourceType="Observation"), "Questionnaire"),
        (lambda r: r[SCORING_KEY].pop("licence"), "licence"),
        (lambda r: r[SCORING_KEY]["bands"].reverse(), "ascending"),
    ],
)
def test_malformed_definition_is_refused(mutate, message):
    with pytest.raises(DefinitionError, match=message):
        definition_from_dict("phq9", _broken(mutate))


def test_incomplete_metric_table_is_refused():
    raw = copy.deepcopy(raw_file("swemwbs"))
    del raw[SCORING_KEY]["metric"]["table"]["20"]
    with pytest.raises(DefinitionError, match="metric table"):
        definition_from_dict("swemwbs", raw)
