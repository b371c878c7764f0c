"""XmR limits, screening, rebasing, missing values and edge cases, against hand-worked values."""

from decimal import Decimal

import pytest

from livingwell.insight.spc import xmr


def test_limits_of_a_small_series():
    # values 10 12 11 13 12 14: sum 72, mean 72 / 6 = 12
    # moving ranges 2 1 2 1 2: sum 8, MR-bar 8 / 5 = 1.6
    # UPL = 12 + 2.66 * 1.6 = 12 + 4.256 = 16.256; LPL = 12 - 4.256 = 7.744
    # sigma = 4.256 / 3; two sigma = 2.837333..., so 14.837333... and 9.162666...
    result = xmr([10, 12, 11, 13, 12, 14])
    segment = result.segments[0]
    assert segment.mean == 12
    assert segment.mean_moving_range == pytest.approx(1.6)
    assert segment.upl == pytest.approx(16.256)
    assert segment.lpl == pytest.approx(7.744)
    assert segment.upper_two_sigma == pytest.approx(14.837333, abs=1e-6)
    assert segment.lower_two_sigma == pytest.approx(9.162667, abs=1e-6)
    assert [p.moving_range for p in result.points] == [None, 2, 1, 2, 1, 2]
    # Every point carries its segment's mean and limits.
    assert {(p.mean, p.upl, p.lpl) for p in result.points} == {(12, segment.upl, segment.lpl)}
    assert result.variations == ("common_cause",) * 6


def test_screening_off_by_default_keeps_every_moving_range():
    # values 4 6 4 6 4 6 20 6 4 6 4 6: sum 76, mean 76 / 12 = 6.3333
    # moving ranges: nine of 2 and two of 14 (6->20, 20->6): sum 18 + 28 = 46, MR-bar 46 / 11
    #   = 4.1818; UPL = 6.3333 + 2.66 * 4.1818 = 6.3333 + 11.1236 = 17.4570
    values = [4, 6, 4, 6, 4, 6, 20, 6, 4, 6, 4, 6]
    result = xmr(values)
    segment = result.segments[0]
    assert segment.mean == pytest.approx(6.333333, abs=1e-6)
    assert segment.mean_moving_range == pytest.approx(46 / 11)
    assert segment.upl == pytest.approx(17.456970, abs=1e-6)
    assert segment.n_moving_ranges_excluded == 0
    assert result.points[6].rules == ("outside_limits",)


def test_screening_on_drops_large_moving_ranges_and_narrows_the_limits():
    # Same series. Cut-off 3.267 * 4.1818 = 13.662, so both ranges of 14 go.
    # Screened MR-bar = 18 / 9 = 2; UPL = 6.3333 + 2.66 * 2 = 11.6533; LPL = 1.0133.
    # The mean is not screened: still 6.3333.
    values = [4, 6, 4, 6, 4, 6, 20, 6, 4, 6, 4, 6]
    result = xmr(values, screen_outliers=True)
    segment = result.segments[0]
    assert segment.mean == pytest.approx(6.333333, abs=1e-6)
    assert segment.mean_moving_range == 2
    assert segment.upl == pytest.approx(11.653333, abs=1e-6)
    assert segment.lpl == pytest.approx(1.013333, abs=1e-6)
    assert segment.n_moving_ranges == 11
    assert segment.n_moving_ranges_excluded == 2
    assert [p.index for p in result.points if p.moving_range_excluded] == [6, 7]
    # The excluded ranges are still reported, only left out of MR-bar.
    assert result.points[6].moving_range == 14
    assert [p.index for p in result.points if p.is_special_cause] == [6]


def test_screening_keeps_a_range_exactly_at_the_cut_off():
    # Moving ranges 0 0 0 0 0 1 ... the cut-off is strict ("above"), so with MR-bar 0 nothing is
    # dropped and nothing divides by zero.
    result = xmr([5, 5, 5, 5], screen_outliers=True)
    assert result.segments[0].mean_moving_range == 0
    assert result.segments[0].n_moving_ranges_excluded == 0


def test_rebase_gives_each_segment_its_own_mean_and_limits():
    # Segment A (indices 0-8): 8 10 8 10 8 12 11 12 11: sum 90, mean 10.
    #   moving ranges 2 2 2 2 4 1 1 1: sum 15, MR-bar 15 / 8 = 1.875
    #   UPL = 10 + 2.66 * 1.875 = 14.9875; LPL = 5.0125
    # Segment B (indices 9-16): 21 22 21 18 20 18 20 20: sum 160, mean 20.
    #   moving ranges 1 1 3 2 2 2 0: sum 11, MR-bar 11 / 7 = 1.5714
    #   UPL = 20 + 2.66 * 11 / 7 = 24.18; LPL = 15.82
    # The jump 11 -> 21 across the rebase is not a moving range of either segment.
    values = [8, 10, 8, 10, 8, 12, 11, 12, 11, 21, 22, 21, 18, 20, 18, 20, 20]
    result = xmr(values, rebase_at=[(9, "New Hub rota")])
    a, b = result.segments
    assert (a.start, a.stop, a.note) == (0, 9, None)
    assert (b.start, b.stop, b.note) == (9, 17, "New Hub rota")
    assert (a.mean, a.mean_moving_range) == (10, 1.875)
    assert a.upl == pytest.approx(14.9875)
    assert a.lpl == pytest.approx(5.0125)
    assert b.mean == 20
    assert b.mean_moving_range == pytest.approx(11 / 7)
    assert b.upl == pytest.approx(24.18)
    assert b.lpl == pytest.approx(15.82)
    assert result.points[9].moving_range is None
    assert result.points[9].segment == 1 and result.points[8].segment == 0
    assert result.points[9].mean == 20 and result.points[8].mean == 10


def test_a_run_does_not_cross_a_rebase():
    # Same series. Indices 5-8 are above A's mean (12 11 12 11 > 10) and 9-11 above B's mean
    # (21 22 21 > 20): seven in a row "above their own mean", but split by the rebase, so no run.
    values = [8, 10, 8, 10, 8, 12, 11, 12, 11, 21, 22, 21, 18, 20, 18, 20, 20]
    rebased = xmr(values, rebase_at=[9])
    assert rebased.variations == ("common_cause",) * 17
    # Without the rebase the step change dominates: one mean of 250 / 17 = 14.7 puts all nine
    # points of A below it, a run.
    single = xmr(values)
    assert all("run" in p.rules for p in single.points[:9])


def test_rebase_indices_may_come_unsorted_and_as_bare_ints():
    result = xmr(list(range(10)), rebase_at=[7, (3, "Change")])
    assert [(s.start, s.stop, s.note) for s in result.segments] == [
        (0, 3, None),
        (3, 7, "Change"),
        (7, 10, None),
    ]


def test_missing_values_leave_gaps_in_the_moving_ranges():
    # values 10 12 None 11 13: recorded 10 12 11 13, mean 46 / 4 = 11.5.
    # Moving ranges only between adjacent recorded periods: 12-10 = 2 and 13-11 = 2; the ranges
    # either side of the gap do not exist. MR-bar = 2, UPL = 11.5 + 5.32 = 16.82.
    result = xmr([10, 12, None, 11, 13])
    assert [p.moving_range for p in result.points] == [None, 2, None, None, 2]
    assert result.segments[0].n_points == 4
    assert result.segments[0].mean == 11.5
    assert result.segments[0].upl == pytest.approx(16.82)
    missing = result.points[2]
    assert missing.value is None and missing.variation is None and missing.signals == ()


def test_a_missing_period_neither_breaks_nor_extends_a_run():
    # The seven-point run of test_spc_rules with a missing period inside it:
    # 8 10 8 10 8 | 11 12 11 None 12 11 12 11 | 10 8 10 8 10. Recorded mean still 170 / 17 = 10.
    values = [8, 10, 8, 10, 8, 11, 12, 11, None, 12, 11, 12, 11, 10, 8, 10, 8, 10]
    result = xmr(values)
    assert [p.index for p in result.points if p.is_special_cause] == [5, 6, 7, 9, 10, 11, 12]
    assert result.points[8].variation is None


def test_latest_point_skips_trailing_missing_periods():
    result = xmr([10, 12, 11, None, None])
    assert result.latest_point is not None
    assert result.latest_point.index == 2


def test_empty_series():
    result = xmr([])
    assert result.points == () and result.segments == ()
    assert result.latest_point is None and result.latest_variation is None
    assert result.assurance is None
    assert result.trial_limits is False


def test_empty_series_with_a_target_has_no_assurance():
    assert xmr([], target=5).assurance is None


def test_one_point_has_a_mean_but_no_limits():
    # One value gives no moving range, so no estimate of variation: limits are None rather than
    # a misleading zero-width band.
    result = xmr([42], target=40)
    point = result.points[0]
    assert point.mean == 42
    assert (point.upl, point.lpl, point.moving_range) == (None, None, None)
    assert point.variation == "common_cause"
    assert result.assurance is None
    assert result.trial_limits is True


def test_all_equal_values_give_zero_width_limits_and_no_signals():
    # MR-bar = 0 so UPL = LPL = mean = 5. Every point sits on the mean (not beyond a limit, and
    # on-the-mean breaks runs; equal neighbours break trends): all common cause.
    result = xmr([5] * 15)
    segment = result.segments[0]
    assert (segment.mean, segment.mean_moving_range, segment.upl, segment.lpl) == (5, 0, 5, 5)
    assert result.variations == ("common_cause",) * 15


def test_short_series_has_trial_limits():
    # Fewer than 12 points: trial limits; 12 or more: firm.
    assert xmr(list(range(11))).trial_limits is True
    assert xmr([1, 2] * 6).trial_limits is False


def test_missing_values_do_not_count_towards_the_twelve_points():
    assert xmr([1, 2] * 5 + [None, None]).trial_limits is True


def test_a_short_segment_after_a_rebase_is_trial():
    result = xmr([1, 2] * 10, rebase_at=[(15, "Rota change")])
    assert [s.trial_limits for s in result.segments] == [False, True]
    assert result.trial_limits is True


def test_exact_decimal_inputs_are_supported():
    result = xmr([Decimal("0.1"), Decimal("0.2"), Decimal("0.3")])
    # mean 0.6 / 3 = 0.2 exactly; MR-bar 0.1; UPL 0.2 + 0.266 = 0.466
    assert result.segments[0].mean == pytest.approx(0.2)
    assert result.segments[0].upl == pytest.approx(0.466)
