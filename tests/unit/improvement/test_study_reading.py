"""A prediction read against its measure's data: observed, met and the SPC signal, with every
expected figure worked out by hand.

The baseline used throughout: twelve weekly values from Monday 5 January 2026,
10, 12, 11, 13, 12, 10, 11, 12, 13, 11, 12, 11.
  sum 138, mean 138 / 12 = 11.5
  moving ranges 2, 1, 2, 1, 2, 1, 1, 1, 2, 1, 1: sum 15 over 11, MR-bar 15 / 11 = 1.3636
  upper process limit 11.5 + 2.66 x 15 / 11 = 15.1273; lower 11.5 - 3.6273 = 7.8727
  sigma 2.66 / 3 x 15 / 11 = 1.2091; two-sigma lines 13.9182 and 9.0818
The Do stage starts on Monday 30 March 2026 (the thirteenth week).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from livingwell.improvement.study import read_prediction

FIRST = date(2026, 1, 5)
BASELINE = [10, 12, 11, 13, 12, 10, 11, 12, 13, 11, 12, 11]
DO_START = date(2026, 3, 30)
STUDY = date(2026, 4, 20)


def weekly(values, start=FIRST):
    return [(start + timedelta(weeks=i), v) for i, v in enumerate(values)]


def read(window, *, direction="increase", low=13, high=16, improvement="increase", **kw):
    points = weekly(BASELINE) + weekly(window, start=DO_START)
    return read_prediction(
        points,
        do_start=kw.pop("do_start", DO_START),
        study_date=kw.pop("study_date", STUDY),
        direction=direction,
        expected_low=low,
        expected_high=high,
        improvement=improvement,
        **kw,
    )


def test_baseline_limits_are_worked_out_from_the_points_before_the_do_start_only():
    reading = read([16, 14, 15])
    assert reading.baseline_points == 12
    assert reading.baseline_mean == 11.5
    assert reading.upl == pytest.approx(15.12727, abs=1e-5)
    assert reading.lpl == pytest.approx(7.87273, abs=1e-5)


def test_observed_is_the_mean_of_the_window_and_inside_the_range_is_met():
    # 16, 14, 15: mean 15, inside 13..16.
    reading = read([16, 14, 15])
    assert reading.window_points == 3
    assert reading.observed == 15
    assert reading.met == "met"


def test_outside_the_range_on_the_predicted_side_of_the_baseline_mean_is_partly():
    # 15 is outside 16..20 but above the baseline mean 11.5, as an increase predicts.
    assert read([16, 14, 15], low=16, high=20).met == "partly"


def test_outside_the_range_on_the_other_side_is_not_met():
    # A decrease to 8..10 was predicted; 15 is above the mean.
    assert read([16, 14, 15], direction="decrease", low=8, high=10).met == "not_met"


def test_the_ends_of_the_range_count_as_inside():
    # 13, 13, 13: mean 13, exactly the top of 10..13.
    assert read([13, 13, 13], low=10, high=13).met == "met"


def test_exactly_on_the_baseline_mean_is_not_on_the_predicted_side():
    # 11 and 12: mean 11.5, the baseline mean itself; outside 13..16.
    assert read([11, 12]).met == "not_met"


def test_a_point_beyond_the_frozen_limit_and_two_of_three_near_it_is_improvement():
    # 16 > 15.127 (beyond the upper limit); 14 and 15 > 13.918 (two of three beyond two sigma).
    reading = read([16, 14, 15])
    assert reading.signal == "special_cause_improvement"
    assert set(reading.rules) == {"outside_limits", "two_of_three"}


def test_the_window_does_not_move_the_limits_it_is_read_against():
    # Read with xmr() over all 15 points the limits would widen (mean 183 / 15 = 12.2, MR-bar
    # 23 / 14 = 1.643, upper limit 16.57) and 16 would lie inside them; frozen, it stands out.
    reading = read([16, 14, 15])
    assert reading.upl < 16


def test_the_same_rise_on_a_measure_where_lower_is_better_is_concern():
    reading = read([16, 14, 15], improvement="decrease")
    assert reading.signal == "special_cause_concern"


def test_a_window_within_the_usual_variation_is_common_cause():
    # 12, 11, 12: mean 11.667, none beyond 13.918 or below 9.082, no run or trend of 7.
    reading = read([12, 11, 12])
    assert reading.signal == "common_cause"
    assert reading.observed == pytest.approx(35 / 3)
    assert reading.met == "partly"  # above 11.5, below the range 13..16


def test_concern_is_never_hidden_by_improvement_in_the_same_window():
    # 16 is beyond the upper limit (concern when lower is better); 7 is below the lower limit
    # 7.873 (improvement). The window's signal is concern, and the page can say both were seen.
    reading = read([16, 7, 12], improvement="decrease")
    assert reading.signal == "special_cause_concern"
    assert reading.improvement_seen and reading.concern_seen


def test_a_prediction_of_no_change_is_met_inside_its_range():
    # 11, 12, 12: mean 35 / 3 = 11.667, inside 11..12.
    reading = read([11, 12, 12], direction="no_change", low=11, high=12)
    assert reading.met == "met"
    assert reading.signal == "common_cause"


def test_a_prediction_of_no_change_has_no_side_so_outside_its_range_is_not_met():
    # 14, 14, 14: mean 14, above 11..12; two of three beyond 13.918 is a signal too.
    reading = read([14, 14, 14], direction="no_change", low=11, high=12)
    assert reading.met == "not_met"
    assert reading.signal == "special_cause_improvement"


def test_fewer_than_twelve_baseline_points_gives_no_signal_and_says_so():
    points = weekly(BASELINE[1:], start=FIRST + timedelta(weeks=1)) + weekly([16, 14, 15], DO_START)
    reading = read_prediction(
        points,
        do_start=DO_START,
        study_date=STUDY,
        direction="increase",
        expected_low=13,
        expected_high=16,
        improvement="increase",
    )
    assert reading.baseline_points == 11
    assert reading.too_few_for_baseline
    assert reading.signal is None
    # Observed and met do not need limits: 15, inside 13..16.
    assert reading.observed == 15
    assert reading.met == "met"


def test_a_window_with_no_points_is_not_judged():
    reading = read([], study_date=date(2026, 4, 5))
    assert reading.window_points == 0
    assert reading.no_points
    assert reading.observed is None
    assert reading.met is None
    assert reading.signal is None


def test_the_window_runs_from_the_do_start_to_the_study_date_inclusive():
    # Points on 30 March, 6 April and 13 April; a Study date of 6 April takes the first two.
    reading = read([16, 14, 15], study_date=date(2026, 4, 6))
    assert reading.window_points == 2
    assert reading.observed == 15  # (16 + 14) / 2


def test_periods_without_a_figure_are_skipped():
    reading = read([16, None, 14])
    assert reading.window_points == 2
    assert reading.observed == 15


def test_a_process_change_before_the_do_start_starts_a_new_baseline():
    # A change dated 16 February 2026 (the seventh week) leaves six baseline points:
    # 11, 12, 13, 11, 12, 11 (mean 70 / 6 = 11.667), too few for limits that can be trusted.
    reading = read([16, 14, 15], baseline_from=date(2026, 2, 16))
    assert reading.baseline_points == 6
    assert reading.signal is None
    assert reading.baseline_mean == pytest.approx(70 / 6)


def test_decimal_inputs_are_read_exactly():
    from decimal import Decimal

    reading = read(
        [Decimal("0.1"), Decimal("0.2")],
        low=Decimal("0.15"),
        high=Decimal("0.15"),
        direction="decrease",
    )
    assert reading.observed == pytest.approx(0.15)
    assert reading.met == "met"  # 0.15 exactly, not 0.15000000000000002
