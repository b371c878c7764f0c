"""Involvement payments: the arithmetic, in one place, with no Django.

Amounts are ``Decimal`` pounds, never floats, rounded half up to the penny once per line (a
spreadsheet's rounding, and the one people check by hand). Totals are sums of the rounded lines,
so a payroll total always reconciles to the activity lines it lists.

- A **rate card** is versioned: the version in force on the day of the activity prices it, so a
  rate change part-way through a tax year prices the earlier activities at the old rate.
- **Hourly** pays hours times the hourly rate. **Sessional** pays the half-day fee for up to and
  including ``half_day_hours`` (4 by default, the common NHS England convention) and the day fee
  above that. Enhanced roles (chairing, training, leading) use the enhanced rates.
- A **declined** payment is kept on the record (the person was there) at zero.
- The **UK tax year** runs from 6 April to 5 April; running totals per person are per tax year,
  for the warning that payments may affect benefits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")
ZERO = Decimal("0.00")

HOURLY = "hourly"
SESSIONAL = "sessional"
BASES = (HOURLY, SESSIONAL)


class PaymentError(ValueError):
    """Input the arithmetic cannot price (no rate card in force, a negative length...)."""


def money(value) -> Decimal:
    """A pound amount rounded half up to the penny; a float is refused (it is already wrong)."""
    if isinstance(value, float):
        raise TypeError("Amounts are Decimal, never float")
    return Decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Rates:
    """One version of the site's rate card."""

    effective_from: date
    hourly: Decimal
    half_day: Decimal
    day: Decimal
    enhanced_hourly: Decimal
    enhanced_half_day: Decimal
    enhanced_day: Decimal
    half_day_hours: Decimal = Decimal("4")
    version: int = 0


def rate_in_force(cards: Iterable[Rates], on: date) -> Rates:
    """The latest version that took effect on or before ``on``."""
    eligible = [c for c in cards if c.effective_from <= on]
    if not eligible:
        raise PaymentError(f"No rate card is in force on {on.isoformat()}")
    return max(eligible, key=lambda c: (c.effective_from, c.version))


def fee(rates: Rates, *, hours, basis: str, enhanced: bool = False) -> Decimal:
    """The involvement payment for one person at one activity."""
    if isinstance(hours, float):
        raise TypeError("Hours are Decimal, never float")
    hours = Decimal(hours)
    if hours <= 0:
        raise PaymentError("The hours must be more than zero")
    if basis == HOURLY:
        rate = rates.enhanced_hourly if enhanced else rates.hourly
        return money(hours * rate)
    if basis == SESSIONAL:
        if hours <= rates.half_day_hours:
            return money(rates.enhanced_half_day if enhanced else rates.half_day)
        return money(rates.enhanced_day if enhanced else rates.day)
    raise PaymentError(f"Unknown payment basis {basis!r}")


def tax_year_of(on: date) -> int:
    """The year the UK tax year containing ``on`` starts in (6 April to 5 April)."""
    return on.year if (on.month, on.day) >= (4, 6) else on.year - 1


def tax_year_bounds(start_year: int) -> tuple[date, date]:
    return date(start_year, 4, 6), date(start_year + 1, 4, 5)


def tax_year_label(start_year: int) -> str:
    return f"{start_year}/{str(start_year + 1)[-2:]}"


@dataclass(frozen=True)
class Line:
    """One activity's payment for one person: the amount it would pay, and whether declined."""

    on: date
    amount: Decimal
    declined: bool = False

    @property
    def payable(self) -> Decimal:
        return ZERO if self.declined else money(self.amount)


def totals_by_tax_year(lines: Iterable[Line]) -> dict[int, Decimal]:
    """Payable totals per tax year (declined lines count nothing)."""
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        totals[tax_year_of(line.on)] += line.payable
    return dict(totals)


def total(lines: Iterable[Line]) -> Decimal:
    return sum((line.payable for line in lines), ZERO)


def reaches_warning(total_before: Decimal, this_payment: Decimal, threshold: Decimal) -> bool:
    """Would accepting this payment bring the tax year's total to the site's benefits warning
    amount or over it? (A threshold of 0 warns on every payment.)"""
    return money(total_before) + money(this_payment) >= money(threshold)
