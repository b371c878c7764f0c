"""livingwell.stories.geometry: hand-worked values, the zone boundaries and properties.

Expected values are worked by hand in the comments (sqrt(3)/2 = 0.8660254...).
"""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from livingwell.stories.geometry import GeometryError, closed, mean, to_xy, zone

HEIGHT = math.sqrt(3) / 2


@pytest.mark.parametrize(
    ("shares", "xy"),
    [
        ((1, 0, 0), (0.0, 0.0)),  # the first anchor
        ((0, 1, 0), (1.0, 0.0)),  # the second anchor
        ((0, 0, 1), (0.5, HEIGHT)),  # the apex
        ((1, 1, 1), (0.5, HEIGHT / 3)),  # all equal: the centroid, x = 1/3 + 1/6
        ((50, 30, 20), (0.4, 0.2 * HEIGHT)),  # x = 0.3 + 0.2/2, y = 0.2 * 0.866 = 0.1732
        ((0.5, 0.5, 0), (0.5, 0.0)),  # a zero share: on the base, half way
    ],
)
def test_to_xy_places_hand_worked_points(shares, xy):
    x, y = to_xy(*shares)
    assert x == pytest.approx(xy[0], abs=1e-12)
    assert y == pytest.approx(xy[1], abs=1e-12)


@pytest.mark.parametrize(
    "shares", [(-0.1, 0.6, 0.5), (0, 0, 0), (math.nan, 1, 1), (math.inf, 1, 1)]
)
def test_to_xy_refuses_shares_that_are_not_a_composition(shares):
    with pytest.raises(GeometryError):
        to_xy(*shares)


def test_geometry_error_is_a_value_error():
    assert issubclass(GeometryError, ValueError)


def test_mean_is_the_closed_geometric_mean_not_the_arithmetic_mean():
    # a: sqrt(0.7 * 0.1) = 0.264575; b: sqrt(0.2 * 0.2) = 0.2; c: 0.264575; total 0.729150
    # closed: 0.264575 / 0.729150 = 0.362854 and 0.2 / 0.729150 = 0.274292. The arithmetic
    # mean would be (0.4, 0.2, 0.4): biased towards the edges the points sit near.
    result = mean([(0.7, 0.2, 0.1), (0.1, 0.2, 0.7)])
    assert result == pytest.approx((0.362854, 0.274292, 0.362854), abs=1e-6)


def test_mean_of_two_hand_worked_points():
    # a, b: sqrt(0.5 * 0.25) = 0.353553; c: 0.25; total 0.957107
    # closed: 0.353553 / 0.957107 = 0.369398; 0.25 / 0.957107 = 0.261204
    result = mean([(0.5, 0.25, 0.25), (0.25, 0.5, 0.25)])
    assert result == pytest.approx((0.369398, 0.369398, 0.261204), abs=1e-6)


def test_mean_replaces_a_zero_share_by_the_given_value():
    # a, b: sqrt(1 * 1e-5) = 0.00316228; c: 1e-5; total 0.00633456
    # closed: 0.00316228 / 0.00633456 = 0.499211; 1e-5 / 0.00633456 = 0.00157864
    result = mean([(1, 0, 0), (0, 1, 0)])
    assert result == pytest.approx((0.499211, 0.499211, 0.00157864), abs=1e-6)
    # a bigger replacement pulls the mean further in: c = 0.01 / (2 * 0.1 + 0.01) = 0.047619
    assert mean([(1, 0, 0), (0, 1, 0)], zero=0.01)[2] == pytest.approx(0.047619, abs=1e-6)


def test_mean_closes_each_answer_first():
    assert mean([(60, 30, 10)]) == pytest.approx((0.6, 0.3, 0.1))


@pytest.mark.parametrize("points", [[], [(1, 2)], [(1, -1, 1)], [(0, 0, 0)]])
def test_mean_refuses_what_has_no_mean(points):
    with pytest.raises(GeometryError):
        mean(points)


@pytest.mark.parametrize("zero", [0, -1, 1, math.nan])
def test_mean_refuses_a_replacement_outside_zero_and_one(zero):
    with pytest.raises(GeometryError):
        mean([(1, 1, 1)], zero=zero)


@pytest.mark.parametrize(
    ("shares", "expected"),
    [
        ((0.6, 0.3, 0.1), "first"),  # exactly 0.6 is the anchor's zone (>= 0.6)
        ((60, 30, 10), "first"),
        ((0.3, 0.6, 0.1), "second"),
        ((0.2, 0.2, 0.6), "third"),
        ((0.59, 0.3, 0.11), "first+second"),  # none >= 0.6; the third (0.11) < 0.2
        ((0.5, 0.5, 0), "first+second"),  # a zero share
        ((0.45, 0.1, 0.45), "first+third"),
        ((0.1, 0.45, 0.45), "second+third"),
        ((0.5, 0.3, 0.2), "centre"),  # exactly 0.2 is not < 0.2
        ((0.4, 0.4, 0.2), "centre"),
        ((0.5, 0.31, 0.19), "first+second"),  # 0.19 < 0.2
        ((1, 1, 1), "centre"),  # all equal
        ((1, 0, 0), "first"),
    ],
)
def test_zone_hand_worked_including_the_boundaries(shares, expected):
    assert zone(*shares) == expected


def test_zone_refuses_all_zero():
    with pytest.raises(GeometryError):
        zone(0, 0, 0)


shares = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)
answers = st.tuples(shares, shares, shares).filter(lambda t: sum(t) > 1e-6)


@given(answers)
def test_closed_shares_always_sum_to_one(point):
    assert math.fsum(closed(*point)) == pytest.approx(1.0, abs=1e-12)


@given(st.lists(answers, min_size=1, max_size=20))
def test_the_mean_always_sums_to_one_and_lies_inside_the_triangle(points):
    result = mean(points)
    assert math.fsum(result) == pytest.approx(1.0, abs=1e-12)
    assert all(share > 0 for share in result)


@given(answers, st.integers(min_value=1, max_value=30))
def test_the_mean_of_identical_points_is_that_point(point, n):
    a, b, c = closed(*point)
    assume(min(a, b, c) >= 1e-5)  # a share below the zero replacement is replaced, by design
    assert mean([point] * n) == pytest.approx((a, b, c), rel=1e-9, abs=1e-12)


@given(answers)
def test_the_point_is_inside_the_triangle(point):
    x, y = to_xy(*point)
    assert -1e-12 <= y <= HEIGHT + 1e-12
    # inside both slanted sides: y <= sqrt(3) * x and y <= sqrt(3) * (1 - x)
    assert y <= math.sqrt(3) * x + 1e-9
    assert y <= math.sqrt(3) * (1 - x) + 1e-9


@given(answers)
def test_every_answer_has_exactly_one_known_zone(point):
    assert zone(*point) in {
        "first",
        "second",
        "third",
        "first+second",
        "first+third",
        "second+third",
        "centre",
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.0, 0),
        (0.2, 0),  # left: up to and including 20
        (0.21, 1),
        (0.4, 1),
        (0.5, 2),
        (0.6, 2),
        (0.8, 3),  # centre-right: up to and including 80
        (0.81, 4),  # right: above 80
        (1.0, 4),
    ],
)
def test_dyad_bins_follow_the_usual_five_zones(value, expected):
    from livingwell.stories.geometry import dyad_bin

    assert dyad_bin(value) == expected


@pytest.mark.parametrize("value", [-0.01, 1.01, math.nan])
def test_dyad_bin_refuses_a_position_off_the_line(value):
    from livingwell.stories.geometry import dyad_bin

    with pytest.raises(GeometryError):
        dyad_bin(value)
