"""Properties of the XmR calculation that must hold for any series."""

from hypothesis import given
from hypothesis import strategies as st

from livingwell.insight.spc import xmr

series = st.lists(st.integers(min_value=-1000, max_value=1000), min_size=2, max_size=40)
improvements = st.sampled_from(["increase", "decrease", "neutral"])


@given(series, st.booleans())
def test_limits_bracket_the_mean_symmetrically(values, screen):
    result = xmr(values, screen_outliers=screen)
    for point in result.points:
        assert point.lpl <= point.lower_two_sigma <= point.mean
        assert point.mean <= point.upper_two_sigma <= point.upl
        # Floats of exact values: equal to well within a part in a billion of the spread.
        assert abs((point.upl - point.mean) - (point.mean - point.lpl)) <= 1e-9 * (
            1 + abs(point.upl)
        )


@given(series, st.integers(min_value=-10_000, max_value=10_000), improvements, st.booleans())
def test_adding_a_constant_shifts_mean_and_limits_and_changes_no_reading(
    values, shift, improvement, screen
):
    base = xmr(values, improvement=improvement, screen_outliers=screen)
    moved = xmr([v + shift for v in values], improvement=improvement, screen_outliers=screen)
    for a, b in zip(base.points, moved.points, strict=True):
        assert abs(b.mean - a.mean - shift) < 1e-6
        assert abs(b.upl - a.upl - shift) < 1e-6
        assert abs(b.lpl - a.lpl - shift) < 1e-6
        assert b.moving_range == a.moving_range
        # Exact arithmetic makes the rules blind to the shift, even at the boundaries.
        assert (b.variation, b.signals) == (a.variation, a.signals)


@given(series, st.booleans())
def test_mirroring_the_values_and_the_direction_mirrors_the_reading(values, screen):
    # Lower-is-better on -x must read exactly like higher-is-better on x.
    up = xmr(values, improvement="increase", screen_outliers=screen)
    down = xmr([-v for v in values], improvement="decrease", screen_outliers=screen)
    flip = {"high": "low", "low": "high", None: None}
    for a, b in zip(up.points, down.points, strict=True):
        assert b.variation == a.variation
        assert b.side == flip[a.side]
        assert b.rules == a.rules


@given(series, improvements)
def test_every_point_has_a_known_variation_and_consistent_signals(values, improvement):
    result = xmr(values, improvement=improvement)
    for point in result.points:
        assert point.variation in {
            "common_cause",
            "special_cause_improvement",
            "special_cause_concern",
            "special_cause_neutral",
        }
        assert (point.variation == "common_cause") == (not point.signals)
        if improvement == "neutral":
            assert point.variation in {"common_cause", "special_cause_neutral"}
