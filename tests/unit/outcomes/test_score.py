"""score(): totals, subscales, bands, metric, missing-item rules and invalid input.

Expected values are worked by hand from the published methods (arithmetic in comments).
"""

from __future__ import annotations

import math

import pytest
from outcomes_helpers import answers, spread

from livingwell.outcomes import MeasureInputError, UnknownMeasureError, score
from livingwell.outcomes.definitions import definition_from_dict
from livingwell.outcomes.scoring import _score

# --- PHQ-9 ----------------------------------------------------------------------------------


def test_phq9_total_is_the_sum_of_the_nine_items():
    # 0+1+2+3+0+1+2+3+0 = 12 -> moderate (10-14), a case (>= 10)
    result = score("phq9", answers(0, 1, 2, 3, 0, 1, 2, 3, 0))
    assert result.total == 12
    assert result.band == "moderate"
    assert result.band_label == "Moderate"
    assert result.clinical is True
    assert result.prorated is False and result.missing == ()
    assert result.metric is None and result.subscales == {}


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "none_minimal"),
        (4, "none_minimal"),
        (5, "mild"),  # bands start at 5, 10, 15, 20 (Kroenke et al. 2001)
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_band_boundaries(total, band):
    assert score("phq9", spread(total, 9, 3)).band == band


@pytest.mark.parametrize(("total", "case"), [(9, False), (10, True)])
def test_phq9_caseness_starts_at_10(total, case):
    assert score("phq9", spread(total, 9, 3)).clinical is case


def test_phq9_with_a_missing_item_is_refused_and_names_the_item():
    with pytest.raises(MeasureInputError, match="item\\(s\\) 7 missing") as info:
        score("phq9", answers(1, 1, 1, 1, 1, 1, None, 1, 1))
    assert info.value.item == "7"


# --- GAD-7 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "band", "case"),
    [
        (4, "minimal", False),
        (5, "mild", False),  # bands start at 5, 10, 15 (Spitzer et al. 2006)
        (7, "mild", False),
        (8, "mild", True),  # NHS Talking Therapies caseness: 8 or more
        (10, "moderate", True),
        (14, "moderate", True),
        (15, "severe", True),
        (21, "severe", True),
    ],
)
def test_gad7_bands_and_caseness(total, band, case):
    result = score("gad7", spread(total, 7, 3))
    assert (result.total, result.band, result.clinical) == (total, band, case)


def test_gad7_with_a_missing_item_is_refused():
    with pytest.raises(MeasureInputError, match="missing"):
        score("gad7", answers(1, 1, 1, 1, 1, 1))


# --- CORE-10 --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "band", "clinical"),
    [
        (0, "healthy", False),
        (10, "healthy", False),
        (11, "mild", True),  # clinical cut-off 11
        (14, "mild", True),
        (15, "moderate", True),
        (19, "moderate", True),
        (20, "moderate_severe", True),
        (24, "moderate_severe", True),
        (25, "severe", True),
        (40, "severe", True),
    ],
)
def test_core10_bands_and_cut_off(total, band, clinical):
    result = score("core10", spread(total, 10, 4))
    assert (result.total, result.band, result.clinical) == (total, band, clinical)
    assert result.prorated is False


def test_core10_one_missing_item_is_prorated_and_says_so():
    # Nine answered items summing to 18: item mean 18 / 9 = 2.0; clinical score 2.0 x 10 = 20.0
    result = score("core10", answers(2, 2, 2, 2, 2, None, 2, 2, 2, 2))
    assert result.total == pytest.approx(20.0)
    assert result.prorated is True
    assert result.missing == ("6",)
    assert result.band == "moderate_severe"
    assert result.clinical is True


def test_core10_prorated_score_can_fall_between_whole_numbers():
    # Nine answered items summing to 10: 10 / 9 x 10 = 11.11..., above the cut-off of 11
    result = score("core10", answers(None, 2, 1, 1, 1, 1, 1, 1, 1, 1))
    assert result.total == pytest.approx(100 / 9)
    assert result.band == "mild"
    assert result.clinical is True


def test_core10_two_missing_items_are_refused():
    with pytest.raises(MeasureInputError, match="at most 1 missing") as info:
        score("core10", answers(2, None, 2, 2, 2, 2, 2, None, 2, 2))
    assert "2, 8" in str(info.value)


# --- ReQoL-10 -------------------------------------------------------------------------------


def test_reqol10_total_and_clinical_range():
    # 4+4+3+3+2+2+1+1+0+4 = 24 -> below the cut-off of 25, so in the clinical range
    result = score("reqol10", answers(4, 4, 3, 3, 2, 2, 1, 1, 0, 4))
    assert result.total == 24
    assert result.clinical is True
    assert result.band is None


def test_reqol10_at_the_cut_off_is_not_clinical():
    assert score("reqol10", spread(25, 10, 4)).clinical is False


def test_reqol10_missing_item_is_refused():
    with pytest.raises(MeasureInputError, match="missing"):
        score("reqol10", answers(4, 4, 3, 3, 2, 2, 1, 1, 0))


# --- SWEMWBS --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw_answers", "raw", "metric"),
    [
        ((1, 1, 1, 1, 1, 1, 1), 7, 7.00),  # lowest raw score
        ((2, 1, 1, 1, 1, 1, 1), 8, 9.51),
        ((3, 3, 3, 3, 3, 3, 3), 21, 19.25),  # middle: raw 21 is the 15th entry
        ((5, 5, 5, 5, 5, 5, 4), 34, 32.55),
        ((5, 5, 5, 5, 5, 5, 5), 35, 35.00),  # highest raw score
    ],
)
def test_swemwbs_raw_to_metric(raw_answers, raw, metric):
    result = score("swemwbs", answers(*raw_answers))
    assert result.total == raw
    assert result.metric == metric


def test_swemwbs_requires_every_item():
    with pytest.raises(MeasureInputError, match="missing"):
        score("swemwbs", answers(3, 3, 3, None, 3, 3, 3))


def test_swemwbs_item_score_of_zero_is_out_of_range():
    with pytest.raises(MeasureInputError, match="item 2: 0 is out of range \\(1 to 5\\)"):
        score("swemwbs", answers(3, 0, 3, 3, 3, 3, 3))


# --- DIALOG ---------------------------------------------------------------------------------


def test_dialog_subscales_are_means_of_items_1_to_8_and_9_to_11():
    # life domains: (1+2+3+4+5+6+7+7) / 8 = 35 / 8 = 4.375
    # treatment:    (2+3+5) / 3 = 10 / 3 = 3.333...
    result = score("dialog", answers(1, 2, 3, 4, 5, 6, 7, 7, 2, 3, 5))
    assert result.subscales["sqol"] == pytest.approx(4.375)
    assert result.subscales["treatment_satisfaction"] == pytest.approx(10 / 3)
    assert result.total is None and result.band is None


def test_dialog_missing_item_is_refused():
    with pytest.raises(MeasureInputError, match="11 missing"):
        score("dialog", answers(4, 4, 4, 4, 4, 4, 4, 4, 4, 4))


def test_dialog_item_of_8_is_out_of_range():
    with pytest.raises(MeasureInputError, match="item 3: 8 is out of range \\(1 to 7\\)"):
        score("dialog", answers(4, 4, 8, 4, 4, 4, 4, 4, 4, 4, 4))


# --- GBO ------------------------------------------------------------------------------------


def test_gbo_accepts_one_to_three_goals_without_calling_them_missing():
    result = score("gbo", {"1": 3, "2": 10})
    assert result.answers == {"1": 3, "2": 10}
    assert result.missing == () and result.prorated is False
    assert result.total is None


def test_gbo_with_no_goal_is_refused():
    with pytest.raises(MeasureInputError, match="at least 1"):
        score("gbo", {})


def test_gbo_fourth_goal_is_an_unknown_item():
    with pytest.raises(MeasureInputError, match="unknown item '4'"):
        score("gbo", {"1": 3, "4": 5})


# --- invalid input --------------------------------------------------------------------------


def test_unknown_measure():
    with pytest.raises(UnknownMeasureError, match="'honos'"):
        score("honos", {"1": 1})


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"10": 1}, "unknown item '10'"),
        ({"q1": 1}, "unknown item 'q1'"),
        ({"3": 4}, "item 3: 4 is out of range \\(0 to 3\\)"),
        ({"3": -1}, "item 3: -1 is out of range"),
        ({"4": 2.5}, "item 4: 2.5 is not a whole-number"),
        ({"5": True}, "item 5: True is not an item score"),
        ({"6": "2"}, "item 6: '2' is not a whole-number"),
        ({1: 2}, "linkId 1 must be a string"),
    ],
)
def test_invalid_answers_raise_a_value_error_naming_the_item(bad, message):
    full = {str(i): 1 for i in range(1, 10)}
    full.update(bad)
    with pytest.raises(MeasureInputError, match=message) as info:
        score("phq9", full)
    assert isinstance(info.value, ValueError)


def test_answers_must_be_a_mapping():
    with pytest.raises(MeasureInputError, match="mapping"):
        score("phq9", [1, 1, 1, 1, 1, 1, 1, 1, 1])


def test_whole_floats_are_accepted_and_none_or_nan_mean_unanswered():
    # pandas gives 1.0 for whole numbers and NaN for empty cells
    data = {str(i): 1.0 for i in range(1, 11)}
    data["4"] = math.nan
    result = score("core10", data)
    # nine answered items of 1: 9 / 9 x 10 = 10.0
    assert result.total == pytest.approx(10.0)
    assert result.missing == ("4",)
    data["4"] = None
    assert score("core10", data).missing == ("4",)


# --- the engine is generic: a new measure is a new file -------------------------------------


def test_a_new_measure_defined_only_by_data_is_scored():
    options = [{"valueInteger": v} for v in range(0, 3)]
    raw = {
        "resourceType": "Questionnaire",
        "id": "demo3",
        "url": "urn:livingwell:measure:demo3",
        "name": "Demo3",
        "title": "Three-item demonstration",
        "status": "draft",
        "item": [
            {
                "linkId": str(i),
                "type": "choice",
                "text": f"Demonstration item {i} - not the real wording",
                "answerOption": options,
            }
            for i in (1, 2, 3)
        ],
        "livingwell:scoring": {
            "direction": "lower_is_better",
            "total": {"method": "mean"},
            "subscales": [{"code": "first_two", "label": "", "method": "sum", "items": ["1", "2"]}],
            "missing": {"rule": "prorate", "max_missing": 1, "source": "test"},
            "bands": [
                {"from": 0, "code": "low", "label": "Low"},
                {"from": 1.5, "code": "high", "label": "High"},
            ],
            "change": {"method": "total_threshold", "threshold": 1, "source": "test"},
            "licence": "test",
            "citation": ["test"],
        },
    }
    defn = definition_from_dict("demo3", raw)
    # mean of (2, 2, 0) = 4 / 3 = 1.33 -> below 1.5 -> low; subscale 2 + 2 = 4
    result = _score(defn, {"1": 2, "2": 2, "3": 0})
    assert result.total == pytest.approx(4 / 3)
    assert result.band == "low"
    assert result.subscales == {"first_two": 4}
    # item 3 missing: mean of (2, 1) = 1.5 -> high, prorated
    result = _score(defn, {"1": 2, "2": 1})
    assert (result.total, result.band, result.prorated) == (1.5, "high", True)
