"""Assurance against a target, and refusal of bad arguments."""

from decimal import Decimal

import pytest

from livingwell.insight.spc import xmr

# 10 12 11 13 12 14: mean 12, MR-bar 1.6, UPL 16.256, LPL 7.744 (see test_spc_limits).
SERIES = [10, 12, 11, 13, 12, 14]


@pytest.mark.parametrize(
    ("improvement", "target", "expected"),
    [
        # Higher is better: a target below the LPL is always met, above the UPL never.
        ("increase", 7, "pass"),
        ("increase", 17, "fail"),
        ("increase", 12, "hit_and_miss"),
        # Lower is better: the reverse.
        ("decrease", 7, "fail"),
        ("decrease", 17, "pass"),
        ("decrease", 12, "hit_and_miss"),
        # A target exactly on a limit can still go either way.
        ("increase", Decimal("16.256"), "hit_and_miss"),
        ("increase", Decimal("7.744"), "hit_and_miss"),
        ("decrease", Decimal("16.256"), "hit_and_miss"),
        # Just beyond the limits.
        ("increase", Decimal("16.257"), "fail"),
        ("increase", Decimal("7.743"), "pass"),
    ],
)
def test_assurance(improvement, target, expected):
    assert xmr(SERIES, improvement=improvement, target=target).assurance == expected


def test_no_target_gives_no_assurance():
    assert xmr(SERIES).assurance is None


def test_neutral_measures_give_no_assurance_even_with_a_target():
    result = xmr(SERIES, improvement="neutral", target=7)
    assert result.assurance is None
    assert result.target == 7


def test_assurance_reads_the_latest_segment_only():
    # Target 15. Segment A alone (mean 10, limits 5.0125 - 14.9875) has both limits below it:
    # fail. After the rebase, segment B (mean 20, limits 15.82 - 24.18) has both limits above
    # it: pass, whatever segment A said.
    values = [8, 10, 8, 10, 8, 12, 11, 12, 11, 21, 22, 21, 18, 20, 18, 20, 20]
    assert xmr(values[:9], target=15).assurance == "fail"
    assert xmr(values, target=15, rebase_at=[9]).assurance == "pass"


def test_latest_segment_without_limits_gives_no_assurance():
    # The last segment holds a single value: no moving range, no limits, nothing to judge.
    assert xmr([1, 2, 3, 4, 5], target=0, rebase_at=[4]).assurance is None


def test_all_equal_series_assurance():
    # MR-bar 0: the limits collapse onto the mean (5).
    assert xmr([5] * 12, target=4).assurance == "pass"
    assert xmr([5] * 12, target=5).assurance == "hit_and_miss"
    assert xmr([5] * 12, target=6).assurance == "fail"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"values": "12345"}, "values must be a sequence"),
        ({"values": 5}, "values must be a sequence"),
        ({"values": [1, "2"]}, r"values\[1\] must be a number"),
        ({"values": [1, True]}, r"values\[1\] must be a number"),
        ({"values": [1, float("nan")]}, r"values\[1\] must be a finite number"),
        ({"values": [1, float("inf")]}, "finite"),
        ({"improvement": "up"}, "improvement must be one of increase, decrease, neutral"),
        ({"target": "80%"}, "target must be a number"),
        ({"target": float("nan")}, "target must be a finite number"),
        ({"screen_outliers": "yes"}, "screen_outliers must be True or False"),
        ({"run_length": 1}, "run_length must be a whole number of at least 2"),
        ({"run_length": 6.5}, "run_length must be a whole number"),
        ({"run_length": True}, "run_length must be a whole number"),
        ({"trend_length": 2}, "trend_length must be a whole number of at least 3"),
        ({"rebase_at": 3}, "rebase_at must be a sequence"),
        ({"rebase_at": [0]}, "rebase_at index 0 is out of range"),
        ({"rebase_at": [6]}, "rebase_at index 6 is out of range"),
        ({"rebase_at": [-1]}, "out of range"),
        ({"rebase_at": [2, (2, "again")]}, "the same index more than once"),
        ({"rebase_at": [(2, 3)]}, r"an index or an \(index, note\) pair"),
        ({"rebase_at": [(2, "a", "b")]}, r"an index or an \(index, note\) pair"),
        ({"rebase_at": ["2"]}, "indices must be whole numbers"),
    ],
)
def test_invalid_arguments_raise_value_error_with_a_clear_message(kwargs, message):
    arguments = {"values": SERIES, **kwargs}
    with pytest.raises(ValueError, match=message):
        xmr(**arguments)
