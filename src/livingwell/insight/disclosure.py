"""Statistical disclosure control for figures shown outside the care team.

Small counts can identify people ("the one person of Somali heritage aged 75+ who was referred
by their GP this month"), so counts from 1 to ``threshold`` are hidden and every other count is
rounded to the nearest ``rounding``. Zero is shown as 0: "nobody" does not identify anybody, and
hiding it would also hide good news such as "introductions bounced: 0".

Both parameters become site settings; the defaults (hide 1-7, round to 5) follow the NHS England
mental health statistics convention named in issue 6. Pure Python, no Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from livingwell.insight.icons import translate as _

__all__ = ["SUPPRESSED_SYMBOL", "Suppressed", "is_suppressed", "suppress", "suppress_rate"]

SUPPRESSED_SYMBOL = "*"


@dataclass(frozen=True)
class Suppressed:
    """Stands in for a hidden figure. ``str()`` gives the table symbol, ``label`` the words."""

    threshold: int

    def __str__(self) -> str:
        return SUPPRESSED_SYMBOL

    @property
    def label(self) -> str:
        # "fewer than 8" reads better than "1 to 7" and does not reveal that the count is nonzero
        # any more than the symbol already does.
        return _("fewer than {n}").format(n=self.threshold + 1)

    def __bool__(self) -> bool:
        # A hidden count must never be mistaken for a usable number in an `if figure:` test.
        return False


def _count(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} must be a whole number, not {value!r}")
    if value < 0:
        raise ValueError(f"{what} cannot be negative, got {value}")
    return value


def _settings(threshold: object, rounding: object) -> tuple[int, int]:
    threshold = _count(threshold, "threshold")
    if isinstance(rounding, bool) or not isinstance(rounding, int) or rounding < 1:
        raise ValueError(f"rounding must be a whole number of at least 1, not {rounding!r}")
    return threshold, rounding


def _round_half_up(count: int, rounding: int) -> int:
    # Integer arithmetic, half up: with rounding=10, 15 -> 20 and 25 -> 30. Python's round() would
    # give 20 and 20 (banker's rounding), which is surprising in a published table.
    return (2 * count + rounding) // (2 * rounding) * rounding


def suppress(count: int, *, threshold: int = 7, rounding: int = 5) -> int | Suppressed:
    """Make a count safe to show outside the care team.

    0 stays 0; 1..threshold becomes :class:`Suppressed`; anything larger is rounded half up to
    the nearest multiple of ``rounding`` (so 8 -> 10, 12 -> 10, 13 -> 15), but never down to 0.
    ``rounding=1`` turns rounding off and ``threshold=0`` turns hiding off.
    """
    count = _count(count, "count")
    threshold, rounding = _settings(threshold, rounding)
    if count == 0:
        return 0
    if count <= threshold:
        return Suppressed(threshold)
    # A nonzero count never shows as 0: "nobody" is a claim (no introductions bounced) and must
    # stay true. Only reachable when the threshold is below half the rounding.
    return max(rounding, _round_half_up(count, rounding))


def is_suppressed(figure: object) -> bool:
    return isinstance(figure, Suppressed)


def suppress_rate(
    numerator: int,
    denominator: int,
    *,
    threshold: int = 7,
    rounding: int = 5,
    per: int = 100,
) -> float | Suppressed | None:
    """A rate (by default a percentage) that is safe to show next to its suppressed counts.

    Hidden when the numerator or the denominator is hidden. Otherwise it is worked out from the
    *rounded* counts: a rate from the true counts, shown beside a rounded denominator, would let
    a reader work back to the exact numerator (e.g. 42.1% of "20" can only be 8 of 19). Returns
    None when the rounded denominator is 0 (no rate exists).
    """
    numerator = _count(numerator, "numerator")
    denominator = _count(denominator, "denominator")
    if numerator > denominator:
        raise ValueError(
            f"numerator ({numerator}) cannot be larger than denominator ({denominator})"
        )
    if isinstance(per, bool) or not isinstance(per, int) or per < 1:
        raise ValueError(f"per must be a whole number of at least 1, not {per!r}")
    shown_numerator = suppress(numerator, threshold=threshold, rounding=rounding)
    shown_denominator = suppress(denominator, threshold=threshold, rounding=rounding)
    if isinstance(shown_denominator, Suppressed):
        return shown_denominator
    if isinstance(shown_numerator, Suppressed):
        return shown_numerator
    if shown_denominator == 0:
        return None
    return float(Fraction(shown_numerator * per, shown_denominator))
