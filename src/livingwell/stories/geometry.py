"""Triad geometry: shares of three anchors as a point in a triangle, their mean and their zone.

Pure Python, no Django, so that an analyst can use it in a notebook::

    from livingwell.stories.geometry import to_xy, mean, zone

A triad answer is a composition: three shares that only mean anything relative to each other.
Every function closes its input (divides by the total) first, so 60/30/10 and 0.6/0.3/0.1 are
the same answer. The mean of compositions is the *closed geometric mean* (Aitchison): the
arithmetic mean of shares is biased towards the centre and is deliberately not offered.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterable, Sequence

__all__ = ["GeometryError", "closed", "dyad_bin", "mean", "to_xy", "zone", "ZONES"]

# Comparisons at the zone boundaries allow for the rounding of shares that were typed exactly
# (0.6 + 0.3 + 0.1 is 0.9999999999999999 in binary floating point), so that an answer written
# on a boundary falls on the side the definition says, not on the side the rounding says.
_TOLERANCE = 1e-9
_DOMINANT = 0.6
_ABSENT = 0.2
_HEIGHT = math.sqrt(3) / 2

ZONES = ("first", "second", "third", "first+second", "first+third", "second+third", "centre")


class GeometryError(ValueError):
    """The shares cannot be read as a composition (negative, not a number, or all zero)."""


def closed(a: float, b: float, c: float) -> tuple[float, float, float]:
    """The shares divided by their total, so that they sum to 1."""
    shares = (a, b, c)
    for share in shares:
        if isinstance(share, bool) or not isinstance(share, int | float):
            raise GeometryError(f"a share must be a number, not {share!r}")
        if not math.isfinite(share):
            raise GeometryError(f"a share must be a finite number, not {share!r}")
        if share < 0:
            raise GeometryError(f"a share cannot be negative ({share!r})")
    total = math.fsum(shares)
    if total <= 0:
        raise GeometryError("at least one share must be above zero")
    return (a / total, b / total, c / total)


def to_xy(a: float, b: float, c: float) -> tuple[float, float]:
    """The point for shares (a, b, c): first anchor at (0, 0), second at (1, 0), third at the
    apex (1/2, sqrt(3)/2). x = b + c/2 and y = c * sqrt(3)/2 after closing the shares."""
    _, b, c = closed(a, b, c)
    return (b + c / 2, c * _HEIGHT)


def mean(points: Iterable[Sequence[float]], zero: float = 1e-5) -> tuple[float, float, float]:
    """The closed geometric mean of triad answers.

    Each point is closed, its zero shares replaced by ``zero`` (a logarithm of zero has no
    value), each part's geometric mean taken, and the result closed to sum 1.
    """
    if isinstance(zero, bool) or not isinstance(zero, int | float) or not 0 < zero < 1:
        raise GeometryError(f"the zero replacement must be between 0 and 1, not {zero!r}")
    logs: list[list[float]] = [[], [], []]
    for point in points:
        if len(point) != 3:
            raise GeometryError(f"a triad answer has three shares, not {len(point)}")
        for part, share in enumerate(closed(*point)):
            logs[part].append(math.log(share if share > 0 else zero))
    if not logs[0]:
        raise GeometryError("the mean of no answers is undefined")
    parts = [math.exp(math.fsum(part) / len(part)) for part in logs]
    return closed(*parts)


def zone(a: float, b: float, c: float) -> str:
    """Where an answer sits: one anchor when its share is >= 0.6 ("first", "second", "third");
    otherwise a pair when the remaining share is < 0.2 ("first+second", "first+third",
    "second+third"); otherwise "centre"."""
    shares = closed(a, b, c)
    names = ("first", "second", "third")
    for name, share in zip(names, shares, strict=True):
        if share >= _DOMINANT - _TOLERANCE:
            return name
    for left in range(3):
        if shares[left] < _ABSENT - _TOLERANCE:
            others = [names[i] for i in range(3) if i != left]
            return "+".join(others)
    return "centre"


# A dyad's five zones: left (up to 0.2), centre-left (to 0.4), centre (to 0.6), centre-right
# (to 0.8), right (above 0.8); each upper edge belongs to the zone below it.
DYAD_EDGES = (0.2, 0.4, 0.6, 0.8)


def dyad_bin(value: float) -> int:
    """The zone (0 to 4, left to right) of a dyad position from 0 to 1."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise GeometryError(f"a dyad position must be from 0 to 1, not {value!r}")
    return bisect_left(DYAD_EDGES, value)
