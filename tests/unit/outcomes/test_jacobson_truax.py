"""Jacobson & Truax reliable change index, checked against hand arithmetic."""

from __future__ import annotations

import math

import pytest

from livingwell.outcomes import MeasureInputError, jacobson_truax


def test_hand_computed_example():
    # SD1 = 5, r = 0.8: SEM = 5 x sqrt(0.2) = 5 x 0.447214 = 2.236068
    # Sdiff = 1.414214 x 2.236068 = 3.162278; RC = (10 - 20) / 3.162278 = -3.162278
    result = jacobson_truax(20, 10, 5, 0.8)
    assert result.sem == pytest.approx(2.236068, abs=1e-6)
    assert result.s_diff == pytest.approx(3.162278, abs=1e-6)
    assert result.rc == pytest.approx(-3.162278, abs=1e-6)
    assert result.reliable is True


def test_small_change_is_not_reliable():
    # (16 - 20) / 3.162278 = -1.264911
    result = jacobson_truax(20, 16, 5, 0.8)
    assert result.rc == pytest.approx(-1.264911, abs=1e-6)
    assert result.reliable is False


def test_criterion_is_strictly_beyond_1_96():
    # SD1 = 1, r = 0.5: SEM = sqrt(0.5) = 0.7071; Sdiff = sqrt(2) x 0.7071 = 1, so RC = x2 - x1
    assert jacobson_truax(0, 1.96, 1, 0.5).reliable is False
    assert jacobson_truax(0, 1.97, 1, 0.5).reliable is True
    assert jacobson_truax(0, -1.97, 1, 0.5).reliable is True


def test_another_hand_computed_case():
    # SD1 = 7.5, r = 0.9: SEM = 7.5 x sqrt(0.1) = 2.371708; Sdiff = 3.354102
    # RC = (12 - 20) / 3.354102 = -2.385139
    result = jacobson_truax(20, 12, 7.5, 0.9)
    assert result.rc == pytest.approx(-2.385139, abs=1e-6)
    assert result.reliable is True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((1, 2, 0, 0.8), "sd1"),
        ((1, 2, -1, 0.8), "sd1"),
        ((1, 2, 5, 1.0), "reliability"),
        ((1, 2, 5, -0.1), "reliability"),
        ((1, 2, 5, math.nan), "reliability"),
        ((True, 2, 5, 0.8), "x1"),
        (("1", 2, 5, 0.8), "x1"),
    ],
)
def test_invalid_arguments(args, message):
    with pytest.raises(MeasureInputError, match=message):
        jacobson_truax(*args)
