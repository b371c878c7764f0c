"""Small number suppression and rounding."""

import pytest

from livingwell.insight.disclosure import Suppressed, is_suppressed, suppress, suppress_rate


@pytest.mark.parametrize(
    ("count", "shown"),
    [
        (0, 0),  # nobody is not disclosive, and "bounced: 0" must be visible
        (8, 10),  # 8 / 5 = 1.6 -> 2 -> 10
        (12, 10),  # 2.4 -> 2 -> 10
        (13, 15),  # 2.6 -> 3 -> 15
        (15, 15),
        (17, 15),  # 3.4 -> 3
        (18, 20),  # 3.6 -> 4
        (1_000_002, 1_000_000),
        (1_000_003, 1_000_005),
    ],
)
def test_counts_are_rounded_to_the_nearest_five(count, shown):
    assert suppress(count) == shown


@pytest.mark.parametrize("count", [1, 2, 6, 7])
def test_counts_from_one_to_seven_are_hidden(count):
    figure = suppress(count)
    assert isinstance(figure, Suppressed)
    assert str(figure) == "*"
    assert figure.label == "fewer than 8"
    assert is_suppressed(figure)
    assert not figure  # never usable as a number by accident


def test_rounding_is_half_up_not_bankers():
    # With rounding 10, 15 and 25 are exact halves: half up gives 20 and 30 (round() would give
    # 20 and 20).
    assert suppress(15, rounding=10) == 20
    assert suppress(25, rounding=10) == 30
    assert suppress(14, rounding=10) == 10


def test_settings_change_the_threshold_and_rounding():
    assert isinstance(suppress(10, threshold=10), Suppressed)
    assert suppress(10, threshold=10).label == "fewer than 11"
    assert suppress(11, threshold=10) == 10
    assert suppress(8, rounding=1) == 8
    assert suppress(1, threshold=0, rounding=1) == 1


def test_a_nonzero_count_is_never_shown_as_zero():
    # Suppression off but rounding on: 1 and 2 would round to 0 and read as "nobody".
    assert suppress(1, threshold=0) == 5
    assert suppress(2, threshold=0) == 5
    assert suppress(3, threshold=0) == 5


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"count": -1}, "count cannot be negative"),
        ({"count": 2.5}, "count must be a whole number"),
        ({"count": "3"}, "count must be a whole number"),
        ({"count": True}, "count must be a whole number"),
        ({"count": 9, "threshold": -1}, "threshold cannot be negative"),
        ({"count": 9, "rounding": 0}, "rounding must be a whole number of at least 1"),
    ],
)
def test_bad_arguments(kwargs, message):
    count = kwargs.pop("count")
    with pytest.raises(ValueError, match=message):
        suppress(count, **kwargs)


def test_rate_from_rounded_counts():
    # 8 of 19: shown as 10 of 20, so the rate is 50%, not 42.1% (which would give away 8 of 19).
    assert suppress_rate(8, 19) == 50.0
    # 12 of 13 -> 10 of 15 -> 66.67%
    assert suppress_rate(12, 13) == pytest.approx(200 / 3)
    assert suppress_rate(40, 80, per=1000) == 500.0


def test_rate_is_hidden_when_either_count_is_hidden():
    assert isinstance(suppress_rate(5, 100), Suppressed)  # numerator hidden
    assert isinstance(suppress_rate(0, 3), Suppressed)  # denominator hidden
    assert isinstance(suppress_rate(3, 6), Suppressed)


def test_rate_edge_cases():
    assert suppress_rate(0, 20) == 0.0
    assert suppress_rate(0, 0) is None  # no denominator, no rate
    with pytest.raises(ValueError, match="cannot be larger than denominator"):
        suppress_rate(21, 20)
    with pytest.raises(ValueError, match="per must be"):
        suppress_rate(10, 20, per=0)
