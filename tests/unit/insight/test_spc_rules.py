"""The four special cause rules, in both directions, against hand-worked series."""

from fractions import Fraction

import pytest

from livingwell.insight.spc import Signal, xmr

# A single high outlier.
# 9 11 9 11 9 11 9 11 9 11 9 23: sum 54 + 55 + 23 = 132, mean 11 (the 11s sit on the mean).
# Moving ranges: ten of 2 and 9 -> 23 = 14: sum 34, MR-bar 34 / 11 = 3.0909.
# UPL = 11 + 2.66 * 3.0909 = 19.2218; LPL = 2.7782. Two sigma: 16.4812 / 5.5188.
HIGH_OUTLIER = [9, 11, 9, 11, 9, 11, 9, 11, 9, 11, 9, 23]
# Its mirror image (22 - x): mean 11, same MR-bar, the last point (-1) below the LPL.
LOW_OUTLIER = [22 - v for v in HIGH_OUTLIER]

# A run of exactly seven above the mean.
# 8 10 8 10 8 | 11 12 11 12 11 12 11 | 10 8 10 8 10: sum 44 + 80 + 46 = 170, 17 points, mean 10.
# Moving ranges 2 2 2 2 3 1 1 1 1 1 1 1 2 2 2 2: sum 26, MR-bar 26 / 16 = 1.625.
# UPL 10 + 4.3225 = 14.3225; two sigma 12.8817 / 7.1183, so no point is near a limit.
RUN_OF_7 = [8, 10, 8, 10, 8, 11, 12, 11, 12, 11, 12, 11, 10, 8, 10, 8, 10]
RUN_OF_7_BELOW = [20 - v for v in RUN_OF_7]  # mean 10, seven below it at indices 5-11

# A run of six above the mean.
# 8 10 8 10 8 | 11 12 11 12 11 13 | 10 8 10 8 10: sum 44 + 70 + 46 = 160, 16 points, mean 10.
# Moving ranges 2 2 2 2 3 1 1 1 1 2 3 2 2 2 2: sum 28, MR-bar 28 / 15 = 1.8667;
# upper two sigma 10 + 3.3102 = 13.3102, so 13 is not beyond it.
RUN_OF_6 = [8, 10, 8, 10, 8, 11, 12, 11, 12, 11, 13, 10, 8, 10, 8, 10]

# A trend of exactly seven rising points, 7 8 9 10 11 12 13 (indices 3-9), crossing the mean.
# 13 7 13 | 7 8 9 10 11 12 13 | 7 13 7: sum 33 + 70 + 27 = 130, 13 points, mean 10.
# Moving ranges 6 6 6 1 1 1 1 1 1 6 6 6: sum 42, MR-bar 3.5; UPL 19.31, two sigma 16.2067 /
# 3.7933: all values 7-13 are well inside. Sides: + - + - - - 0 + + + - + -, no run.
TREND_OF_7 = [13, 7, 13, 7, 8, 9, 10, 11, 12, 13, 7, 13, 7]
# Six rising points, 7 8 9 10 11 12 (indices 3-8), ended by 12 -> 7.
# 13 7 13 | 7 8 9 10 11 12 | 7 13 7 13: sum 33 + 57 + 40 = 130, mean 10.
# Moving ranges 6 6 6 1 1 1 1 1 5 6 6 6: sum 46, MR-bar 3.8333; two sigma 16.7978 / 3.2022.
TREND_OF_6 = [13, 7, 13, 7, 8, 9, 10, 11, 12, 7, 13, 7, 13]

# Two of three beyond two sigma, high side.
# 10 11 10 11 10 11 10 11 | 14 11 14 | 11 10 11 10 11 10 11 10 11
# sum 84 + 39 + 95 = 218, 20 points, mean 10.9.
# Moving ranges: seven of 1, 3 3 3 3, eight of 1: sum 27, MR-bar 27 / 19 = 1.4211.
# UPL = 10.9 + 2.66 * 27 / 19 = 14.68; upper two sigma = 10.9 + (2/3) * 3.78 = 13.42.
# Window 14 11 14: all above 10.9, both 14s beyond 13.42 and inside 14.68 -> flag the two 14s,
# not the 11 between them.
BASE_START = [10, 11, 10, 11, 10, 11, 10, 11]
BASE_END = [11, 10, 11, 10, 11, 10, 11, 10, 11]
TWO_OF_THREE_HIGH = BASE_START + [14, 11, 14] + BASE_END
TWO_OF_THREE_LOW = [21 - v for v in TWO_OF_THREE_HIGH]  # mean 10.1, lower two sigma 7.58


def special(result):
    return [p.index for p in result.points if p.is_special_cause]


# Rule 1: outside the process limits -----------------------------------------------------------


def test_single_high_outlier_is_improvement_when_higher_is_better():
    result = xmr(HIGH_OUTLIER, improvement="increase")
    assert result.segments[0].mean == 11
    assert result.segments[0].upl == pytest.approx(19.221818, abs=1e-6)
    assert special(result) == [11]
    assert result.points[11].signals == (Signal("outside_limits", "high"),)
    assert result.points[11].variation == "special_cause_improvement"
    assert result.points[11].side == "high"


def test_single_high_outlier_is_concern_when_lower_is_better():
    result = xmr(HIGH_OUTLIER, improvement="decrease")
    assert result.points[11].variation == "special_cause_concern"
    assert result.points[11].side == "high"


def test_single_low_outlier_both_directions():
    assert xmr(LOW_OUTLIER).segments[0].lpl == pytest.approx(2.778182, abs=1e-6)
    assert xmr(LOW_OUTLIER, improvement="increase").points[11].variation == (
        "special_cause_concern"
    )
    decrease = xmr(LOW_OUTLIER, improvement="decrease")
    assert special(decrease) == [11]
    assert decrease.points[11].variation == "special_cause_improvement"
    assert decrease.points[11].side == "low"


def test_outlier_with_neutral_direction():
    high = xmr(HIGH_OUTLIER, improvement="neutral").points[11]
    low = xmr(LOW_OUTLIER, improvement="neutral").points[11]
    assert (high.variation, high.side) == ("special_cause_neutral", "high")
    assert (low.variation, low.side) == ("special_cause_neutral", "low")


def test_a_point_exactly_on_the_upper_limit_is_not_outside_but_just_above_is():
    # Base 0 1 0 1 0 1 0 1 0 1 (sum 5, nine moving ranges of 1) followed by x > 1:
    #   mean = (5 + x) / 11, MR-bar = (9 + (x - 1)) / 10 = (8 + x) / 10.
    # x sits exactly on the UPL when x = (5 + x) / 11 + 2.66 * (8 + x) / 10, i.e.
    #   x * (1 - 1/11 - 0.266) = 5/11 + 2.128  ->  x = (5/11 + 2.128) / (1 - 1/11 - 0.266)
    #   = 4.0159... (exact arithmetic keeps it exactly on the limit).
    x = (Fraction(5, 11) + Fraction("2.128")) / (1 - Fraction(1, 11) - Fraction("0.266"))
    base = [0, 1] * 5
    on_limit = xmr(base + [x])
    assert on_limit.points[10].value == pytest.approx(on_limit.segments[0].upl)
    assert "outside_limits" not in on_limit.points[10].rules
    # Raising x moves it faster than the limit it drags along (slope 1 - 1/11 - 0.266 > 0).
    above = xmr(base + [x + Fraction(1, 10**6)])
    assert "outside_limits" in above.points[10].rules


# Rule 2: runs ---------------------------------------------------------------------------------


def test_run_of_seven_above_the_mean_flags_all_seven_points():
    result = xmr(RUN_OF_7, improvement="increase")
    assert result.segments[0].mean == 10
    assert result.segments[0].mean_moving_range == 1.625
    assert special(result) == [5, 6, 7, 8, 9, 10, 11]
    assert {p.rules for p in result.points if p.is_special_cause} == {("run",)}
    assert {p.variation for p in result.points if p.is_special_cause} == {
        "special_cause_improvement"
    }


def test_run_above_the_mean_is_concern_when_lower_is_better():
    result = xmr(RUN_OF_7, improvement="decrease")
    assert special(result) == [5, 6, 7, 8, 9, 10, 11]
    assert result.points[5].variation == "special_cause_concern"
    assert result.points[5].side == "high"


def test_run_below_the_mean_both_directions():
    decrease = xmr(RUN_OF_7_BELOW, improvement="decrease")
    assert special(decrease) == [5, 6, 7, 8, 9, 10, 11]
    assert decrease.points[8].variation == "special_cause_improvement"
    assert decrease.points[8].signals == (Signal("run", "low"),)
    increase = xmr(RUN_OF_7_BELOW, improvement="increase")
    assert increase.points[8].variation == "special_cause_concern"


def test_run_with_neutral_direction():
    result = xmr(RUN_OF_7, improvement="neutral")
    assert {(p.variation, p.side) for p in result.points if p.is_special_cause} == {
        ("special_cause_neutral", "high")
    }


def test_run_of_six_is_not_a_signal_with_the_default_length():
    result = xmr(RUN_OF_6)
    assert result.segments[0].mean == 10
    assert result.segments[0].mean_moving_range == pytest.approx(28 / 15)
    assert special(result) == []


def test_run_length_six_flags_a_run_of_six():
    result = xmr(RUN_OF_6, run_length=6)
    assert special(result) == [5, 6, 7, 8, 9, 10]
    assert result.run_length == 6


def test_a_point_on_the_mean_breaks_a_run():
    # 8 10 8 10 8 | 11 12 11 10 12 11 13 | 10 8 10 8 10: sum 44 + 80 + 46 = 170, mean 10.
    # Seven points in a row are at or above the mean, but the 10 in the middle is *on* it, which
    # leaves two runs of three. MR-bar = 30 / 16 = 1.875, upper two sigma 13.325 (13 is inside).
    result = xmr([8, 10, 8, 10, 8, 11, 12, 11, 10, 12, 11, 13, 10, 8, 10, 8, 10])
    assert result.segments[0].mean == 10
    assert special(result) == []


# Rule 3: trends -------------------------------------------------------------------------------


def test_trend_of_seven_rising_flags_all_seven_including_the_first():
    result = xmr(TREND_OF_7, improvement="increase")
    assert (result.segments[0].mean, result.segments[0].mean_moving_range) == (10, 3.5)
    assert special(result) == [3, 4, 5, 6, 7, 8, 9]
    assert {p.signals for p in result.points if p.is_special_cause} == {(Signal("trend", "high"),)}
    # The trend starts below the mean (7, 8, 9) but it is a rise, so all of it is improvement.
    assert {p.variation for p in result.points if p.is_special_cause} == {
        "special_cause_improvement"
    }


def test_rising_trend_is_concern_when_lower_is_better():
    result = xmr(TREND_OF_7, improvement="decrease")
    assert special(result) == [3, 4, 5, 6, 7, 8, 9]
    assert {p.variation for p in result.points if p.is_special_cause} == {"special_cause_concern"}


def test_falling_trend_both_directions():
    falling = [20 - v for v in TREND_OF_7]  # 13 12 11 10 9 8 7 at indices 3-9, mean 10
    decrease = xmr(falling, improvement="decrease")
    assert special(decrease) == [3, 4, 5, 6, 7, 8, 9]
    assert decrease.points[3].signals == (Signal("trend", "low"),)
    assert decrease.points[3].variation == "special_cause_improvement"
    assert xmr(falling, improvement="increase").points[3].variation == "special_cause_concern"
    neutral = xmr(falling, improvement="neutral").points[9]
    assert (neutral.variation, neutral.side) == ("special_cause_neutral", "low")


def test_trend_of_six_is_not_a_signal_with_the_default_length():
    result = xmr(TREND_OF_6)
    assert result.segments[0].mean_moving_range == pytest.approx(46 / 12)
    assert special(result) == []


def test_trend_length_six_flags_a_trend_of_six():
    result = xmr(TREND_OF_6, trend_length=6)
    assert special(result) == [3, 4, 5, 6, 7, 8]


def test_equal_neighbours_break_a_trend():
    # 13 7 13 | 7 8 9 9 10 11 12 13 | 7 13 7: eight points from 7 to 13 never fall, but 9 -> 9
    # is no rise, leaving 7 8 9 (three) and 9 10 11 12 13 (five).
    # Mean 139 / 14 = 9.93, MR-bar 42 / 13 = 3.23: values stay inside two sigma (4.20 - 15.66).
    result = xmr([13, 7, 13, 7, 8, 9, 9, 10, 11, 12, 13, 7, 13, 7])
    assert result.segments[0].mean == pytest.approx(139 / 14)
    assert special(result) == []


# Rule 4: two out of three beyond two sigma ---------------------------------------------------


def test_two_of_three_high_flags_only_the_points_beyond_two_sigma():
    result = xmr(TWO_OF_THREE_HIGH, improvement="increase")
    segment = result.segments[0]
    assert segment.mean == pytest.approx(10.9)
    assert segment.upl == pytest.approx(14.68)
    assert segment.upper_two_sigma == pytest.approx(13.42)
    assert special(result) == [8, 10]
    assert result.points[8].signals == (Signal("two_of_three", "high"),)
    assert result.points[8].variation == "special_cause_improvement"
    assert xmr(TWO_OF_THREE_HIGH, improvement="decrease").points[10].variation == (
        "special_cause_concern"
    )


def test_two_of_three_low_both_directions():
    decrease = xmr(TWO_OF_THREE_LOW, improvement="decrease")
    assert decrease.segments[0].lower_two_sigma == pytest.approx(7.58)
    assert special(decrease) == [8, 10]
    assert decrease.points[8].signals == (Signal("two_of_three", "low"),)
    assert decrease.points[8].variation == "special_cause_improvement"
    assert xmr(TWO_OF_THREE_LOW).points[8].variation == "special_cause_concern"


def test_two_of_three_needs_all_three_points_on_the_same_side_of_the_mean():
    # BASE_START + 14 10 14 + BASE_END: sum 84 + 38 + 95 = 217, mean 10.85.
    # Moving ranges: seven of 1, 3 4 4 3, eight of 1: sum 29, MR-bar 29 / 19 = 1.5263.
    # Upper two sigma = 10.85 + (2/3) * 2.66 * 1.5263 = 13.5567: both 14s are beyond it, but the
    # 10 between them is below the mean, so no signal.
    result = xmr(BASE_START + [14, 10, 14] + BASE_END)
    assert result.segments[0].upper_two_sigma == pytest.approx(13.556667, abs=1e-6)
    assert special(result) == []


def test_a_point_beyond_the_process_limit_counts_towards_two_of_three():
    # 10 11 x6 | 14 12 17 | 11 10 11 10 11 10 11 10 11: sum 126 + 43 + 95 = 264, 24 points,
    # mean 11 (the 11s sit on it). Moving ranges: eleven of 1, 3 2 5 6, eight of 1: sum 35,
    # MR-bar 35 / 23 = 1.5217. UPL = 11 + 2.66 * 35 / 23 = 15.0478; upper two sigma 13.6986.
    # Window 14 12 17: all above 11; 14 is beyond two sigma, 17 beyond the limit -> both count.
    result = xmr([10, 11] * 6 + [14, 12, 17] + BASE_END)
    segment = result.segments[0]
    assert segment.mean == 11
    assert segment.upl == pytest.approx(15.047826, abs=1e-6)
    assert segment.upper_two_sigma == pytest.approx(13.698551, abs=1e-6)
    assert special(result) == [12, 14]
    assert result.points[12].signals == (Signal("two_of_three", "high"),)
    assert result.points[14].signals == (
        Signal("outside_limits", "high"),
        Signal("two_of_three", "high"),
    )
    assert result.points[14].rules == ("outside_limits", "two_of_three")


# Conflicts and the latest point ---------------------------------------------------------------


def test_point_in_both_an_improving_and_a_worsening_pattern_shows_improvement():
    # 0 1 2 3 4 5 6 7 6 5 4 3 2 1: sum 28 + 21 = 49, mean 3.5; every moving range is 1, so
    # MR-bar 1, UPL 6.16, LPL 0.84. With lower-is-better the peak (7) is above the UPL (concern)
    # and also starts the falling trend 7 6 5 4 3 2 1 (improvement); the Making Data Count tool
    # shows improvement for such a point.
    result = xmr([0, 1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1], improvement="decrease")
    peak = result.points[7]
    assert Signal("outside_limits", "high") in peak.signals
    assert Signal("trend", "low") in peak.signals
    assert Signal("trend", "high") in peak.signals
    assert (peak.variation, peak.side) == ("special_cause_improvement", "low")
    # The first point (0, below the LPL) is improvement for lower-is-better too...
    assert result.points[0].variation == "special_cause_improvement"
    # ...while the rising stretch 1..6 is concern.
    assert result.points[3].variation == "special_cause_concern"


def test_latest_variation_follows_the_last_point():
    assert xmr(HIGH_OUTLIER).latest_variation == "special_cause_improvement"
    assert xmr(HIGH_OUTLIER[:-1]).latest_variation == "common_cause"
    assert xmr(LOW_OUTLIER, improvement="decrease").latest_variation == (
        "special_cause_improvement"
    )
