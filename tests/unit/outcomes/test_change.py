"""change(): NHS England community mental health method and per-measure thresholds.

Each expected category is worked by hand: difference in the good direction against the
definition's threshold (arithmetic in comments).
"""

from __future__ import annotations

import copy

import pytest
from outcomes_helpers import answers, spread

from livingwell.outcomes import (
    DETERIORATION,
    IMPROVEMENT,
    NO_CHANGE,
    MeasureInputError,
    change,
    get_definition,
)
from livingwell.outcomes.definitions import definition_from_dict
from livingwell.outcomes.scoring import _change

# --- PHQ-9 / GAD-7 (lower is better; Talking Therapies thresholds) --------------------------


@pytest.mark.parametrize(
    ("first", "latest", "category"),
    [
        (16, 10, IMPROVEMENT),  # fall of exactly 6 = threshold
        (16, 11, NO_CHANGE),  # fall of 5
        (10, 16, DETERIORATION),  # rise of exactly 6
        (10, 15, NO_CHANGE),  # rise of 5
        (27, 0, IMPROVEMENT),
        (12, 12, NO_CHANGE),
    ],
)
def test_phq9_reliable_change_is_6_points(first, latest, category):
    result = change("phq9", spread(first, 9, 3), spread(latest, 9, 3))
    assert result.category == category
    assert (result.first, result.latest, result.difference) == (first, latest, latest - first)
    assert result.items is None
    assert result.reliable_recovery is None  # recovery is defined jointly with GAD-7


@pytest.mark.parametrize(
    ("first", "latest", "category"),
    [(12, 8, IMPROVEMENT), (12, 9, NO_CHANGE), (8, 12, DETERIORATION), (9, 12, NO_CHANGE)],
)
def test_gad7_reliable_change_is_4_points(first, latest, category):
    assert change("gad7", spread(first, 7, 3), spread(latest, 7, 3)).category == category


# --- ReQoL-10 (higher is better; NHS England 5 points; cut-off 25) --------------------------


@pytest.mark.parametrize(
    ("first", "latest", "category", "recovery"),
    [
        (24, 29, IMPROVEMENT, True),  # +5 and from below 25 to 25 or more
        (24, 28, NO_CHANGE, False),  # crosses 25 but +4 is not reliable
        (25, 30, IMPROVEMENT, False),  # +5 but first was not below 25
        (20, 25, IMPROVEMENT, True),  # latest exactly at the cut-off counts as recovered
        (20, 24, NO_CHANGE, False),
        (30, 25, DETERIORATION, False),  # -5
        (30, 26, NO_CHANGE, False),
        (10, 20, IMPROVEMENT, False),  # reliable but still below 25
    ],
)
def test_reqol10_change_and_reliable_recovery(first, latest, category, recovery):
    result = change("reqol10", spread(first, 10, 4), spread(latest, 10, 4))
    assert result.category == category
    assert result.reliable_recovery is recovery


def test_reqol10_missing_item_refuses_change():
    complete = spread(20, 10, 4)
    incomplete = dict(complete)
    del incomplete["10"]
    with pytest.raises(MeasureInputError, match="10 missing"):
        change("reqol10", complete, incomplete)


# --- CORE-10 (lower is better; RCI 6; cut-off 11) -------------------------------------------


@pytest.mark.parametrize(
    ("first", "latest", "category", "recovery"),
    [
        (15, 9, IMPROVEMENT, True),  # -6, from 11 or more to below 11
        (20, 14, IMPROVEMENT, False),  # -6, still 11 or more
        (12, 8, NO_CHANGE, False),  # crosses the cut-off, but -4 is not reliable
        (16, 11, NO_CHANGE, False),  # -5
        (5, 11, DETERIORATION, False),  # +6
    ],
)
def test_core10_change_and_reliable_recovery(first, latest, category, recovery):
    result = change("core10", spread(first, 10, 4), spread(latest, 10, 4))
    assert (result.category, result.reliable_recovery) == (category, recovery)


def test_core10_change_uses_a_prorated_score_and_it_stays_visible():
    # first: 20 (complete). latest: nine items summing to 13 -> 13 / 9 x 10 = 14.44...
    # fall 20 - 14.44 = 5.56 < 6 -> no reliable change
    latest = answers(2, 2, 2, 2, 1, None, 1, 1, 1, 1)
    result = change("core10", spread(20, 10, 4), latest)
    assert result.category == NO_CHANGE
    assert result.latest == pytest.approx(130 / 9)


# --- SWEMWBS (metric score; more than 2.87) -------------------------------------------------


@pytest.mark.parametrize(
    ("first_raw", "latest_raw", "category"),
    [
        # table: raw 20 = 18.59, 23 = 20.73, 24 = 21.54, 25 = 22.35, 21 = 19.25
        (20, 24, IMPROVEMENT),  # metric 18.59 -> 21.54 = +2.95 > 2.87
        (20, 23, NO_CHANGE),  # 18.59 -> 20.73 = +2.14
        (7, 8, NO_CHANGE),  # 7.00 -> 9.51 = +2.51
        (7, 9, IMPROVEMENT),  # 7.00 -> 11.25 = +4.25
        (25, 21, DETERIORATION),  # 22.35 -> 19.25 = -3.10
        (24, 21, NO_CHANGE),  # 21.54 -> 19.25 = -2.29
        (35, 34, NO_CHANGE),  # 35.00 -> 32.55 = -2.45
    ],
)
def test_swemwbs_change_is_on_the_metric_score(first_raw, latest_raw, category):
    result = change("swemwbs", spread(first_raw, 7, 5, 1), spread(latest_raw, 7, 5, 1))
    assert result.category == category
    assert result.reliable_recovery is None


# --- DIALOG (per item, 1 point) -------------------------------------------------------------


def test_dialog_each_item_is_paired_and_one_point_is_reliable():
    first = answers(3, 5, 4, 4, 4, 4, 4, 4, 4, 4, 4)
    latest = answers(4, 5, 4, 4, 4, 4, 4, 4, 4, 4, 2)
    result = change("dialog", first, latest)
    assert result.items["1"] == IMPROVEMENT  # 3 -> 4 = +1
    assert result.items["2"] == NO_CHANGE
    assert result.items["11"] == DETERIORATION  # 4 -> 2 = -2
    assert len(result.items) == 11
    # Only life domains (1-8) decide the overall category: item 1 improved, none of 1-8 worse
    assert result.category == IMPROVEMENT


def test_dialog_improvement_and_deterioration_together_is_no_reliable_change():
    first = answers(3, 5, 4, 4, 4, 4, 4, 4, 4, 4, 4)
    latest = answers(4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4)  # item 1 +1, item 2 -1
    result = change("dialog", first, latest)
    assert (result.items["1"], result.items["2"]) == (IMPROVEMENT, DETERIORATION)
    assert result.category == NO_CHANGE


def test_dialog_only_deterioration_is_reliable_deterioration():
    first = answers(*[5] * 11)
    latest = answers(5, 5, 5, 5, 5, 5, 5, 4, 5, 5, 5)  # item 8 -1
    assert change("dialog", first, latest).category == DETERIORATION


def test_dialog_treatment_items_alone_do_not_decide_the_category():
    first = answers(*[4] * 11)
    latest = answers(4, 4, 4, 4, 4, 4, 4, 4, 7, 7, 7)
    result = change("dialog", first, latest)
    assert result.items["9"] == IMPROVEMENT
    assert result.category == NO_CHANGE


def test_dialog_pairs_only_items_answered_both_times():
    first = {"1": 2, "2": 3}
    latest = {"1": 3, "3": 6}
    result = change("dialog", first, latest)
    assert result.items == {"1": IMPROVEMENT}
    assert result.category == IMPROVEMENT


# --- GBO (per goal, 3 points; only goals in both) -------------------------------------------


def test_gbo_pairs_goals_present_in_both_and_uses_3_points():
    first = {"1": 2, "2": 5, "3": 7}
    latest = {"1": 5, "2": 7}  # goal 1 +3, goal 2 +2, goal 3 not rated again
    result = change("gbo", first, latest)
    assert result.items == {"1": IMPROVEMENT, "2": NO_CHANGE}
    assert result.category == IMPROVEMENT
    assert result.reliable_recovery is None


def test_gbo_fall_of_3_is_deterioration():
    result = change("gbo", {"1": 8}, {"1": 5})
    assert result.items == {"1": DETERIORATION}
    assert result.category == DETERIORATION


def test_gbo_with_no_goal_in_common_cannot_be_counted():
    with pytest.raises(MeasureInputError, match="both occasions"):
        change("gbo", {"1": 2}, {"2": 8})


def test_change_validates_both_responses():
    with pytest.raises(MeasureInputError, match="item 2: 11 is out of range"):
        change("gbo", {"1": 2, "2": 11}, {"1": 5})


# --- Jacobson-Truax through a definition ----------------------------------------------------


def _phq9_with_jacobson_truax():
    raw = copy.deepcopy(get_definition("phq9").raw)
    raw["livingwell:scoring"]["change"] = {
        "method": "jacobson_truax",
        "sd": 5,
        "reliability": 0.8,
        "source": "test",
    }
    return definition_from_dict("phq9", raw)


@pytest.mark.parametrize(
    ("first", "latest", "category"),
    [
        # SEM = 5 x sqrt(1 - 0.8) = 5 x 0.44721 = 2.23607; Sdiff = sqrt(2) x 2.23607 = 3.16228
        (20, 10, IMPROVEMENT),  # RC = -10 / 3.16228 = -3.162; lower is better
        (10, 20, DETERIORATION),  # RC = +3.162
        (20, 13, IMPROVEMENT),  # RC = -7 / 3.16228 = -2.214, beyond 1.96
        (20, 14, NO_CHANGE),  # RC = -6 / 3.16228 = -1.897, within 1.96
    ],
)
def test_definition_with_sd_and_reliability_uses_jacobson_truax(first, latest, category):
    result = _change(_phq9_with_jacobson_truax(), spread(first, 9, 3), spread(latest, 9, 3))
    assert result.category == category
    assert result.method == "jacobson_truax"
    assert result.rc_index == pytest.approx((latest - first) / 3.16228, abs=1e-4)
