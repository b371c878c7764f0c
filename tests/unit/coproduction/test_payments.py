"""Involvement payment arithmetic, against values worked out by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from livingwell.coproduction.payments import (
    HOURLY,
    SESSIONAL,
    Line,
    PaymentError,
    Rates,
    fee,
    money,
    rate_in_force,
    reaches_warning,
    tax_year_bounds,
    tax_year_label,
    tax_year_of,
    total,
    totals_by_tax_year,
)

V1 = Rates(
    date(2026, 1, 1),
    D("12.00"),
    D("75.00"),
    D("150.00"),
    D("15.00"),
    D("90.00"),
    D("180.00"),
    version=1,
)
V2 = Rates(
    date(2026, 10, 1),
    D("13.50"),
    D("80.00"),
    D("160.00"),
    D("17.00"),
    D("95.00"),
    D("190.00"),
    version=2,
)
CARDS = [V2, V1]


def test_a_rate_change_mid_year_prices_each_day_at_the_rate_in_force():
    # 3 hours the day before the change at £12.00 = £36.00; the day it starts at £13.50 = £40.50
    assert fee(rate_in_force(CARDS, date(2026, 9, 30)), hours=D("3"), basis=HOURLY) == D("36.00")
    assert fee(rate_in_force(CARDS, date(2026, 10, 1)), hours=D("3"), basis=HOURLY) == D("40.50")
    # Both in the 2026/27 tax year: 36.00 + 40.50 = 76.50
    lines = [Line(date(2026, 9, 30), D("36.00")), Line(date(2026, 10, 1), D("40.50"))]
    assert totals_by_tax_year(lines) == {2026: D("76.50")}


def test_no_rate_card_before_the_first_version():
    with pytest.raises(PaymentError):
        rate_in_force(CARDS, date(2025, 12, 31))


def test_half_day_up_to_and_including_four_hours_then_a_day():
    assert fee(V1, hours=D("0.5"), basis=SESSIONAL) == D("75.00")
    assert fee(V1, hours=D("4"), basis=SESSIONAL) == D("75.00")
    assert fee(V1, hours=D("4.01"), basis=SESSIONAL) == D("150.00")
    assert fee(V1, hours=D("7.5"), basis=SESSIONAL) == D("150.00")
    assert fee(V1, hours=D("4"), basis=SESSIONAL, enhanced=True) == D("90.00")
    assert fee(V1, hours=D("4.25"), basis=SESSIONAL, enhanced=True) == D("180.00")


def test_hourly_rounds_half_up_to_the_penny():
    # 2.25 h x £13.50 = £30.375 -> £30.38; 1.33 h x £12.00 = £15.96; enhanced 2 h x £17 = £34
    assert fee(V2, hours=D("2.25"), basis=HOURLY) == D("30.38")
    assert fee(V1, hours=D("1.33"), basis=HOURLY) == D("15.96")
    assert fee(V2, hours=D("2"), basis=HOURLY, enhanced=True) == D("34.00")


def test_hours_and_amounts_are_never_floats_and_never_zero():
    with pytest.raises(TypeError):
        fee(V1, hours=2.5, basis=HOURLY)
    with pytest.raises(TypeError):
        money(0.1)
    with pytest.raises(PaymentError):
        fee(V1, hours=D("0"), basis=SESSIONAL)
    with pytest.raises(PaymentError):
        fee(V1, hours=D("1"), basis="piecework")


def test_declined_payments_count_nothing():
    # £75.00 accepted, £150.00 declined, £36.00 accepted: 75.00 + 36.00 = £111.00
    lines = [
        Line(date(2026, 5, 1), D("75.00")),
        Line(date(2026, 5, 8), D("150.00"), declined=True),
        Line(date(2026, 5, 15), D("36.00")),
    ]
    assert total(lines) == D("111.00")
    assert totals_by_tax_year(lines) == {2026: D("111.00")}


def test_tax_years_run_from_6_april_to_5_april():
    assert tax_year_of(date(2026, 4, 5)) == 2025
    assert tax_year_of(date(2026, 4, 6)) == 2026
    assert tax_year_of(date(2027, 4, 5)) == 2026
    assert tax_year_of(date(2027, 1, 1)) == 2026
    assert tax_year_bounds(2026) == (date(2026, 4, 6), date(2027, 4, 5))
    assert tax_year_label(2026) == "2026/27"
    lines = [
        Line(date(2026, 4, 5), D("75.00")),
        Line(date(2026, 4, 6), D("150.00")),
        Line(date(2027, 4, 5), D("36.00")),
        Line(date(2027, 4, 6), D("80.00")),
    ]
    # 2025/26: 75.00; 2026/27: 150.00 + 36.00 = 186.00; 2027/28: 80.00
    assert totals_by_tax_year(lines) == {2025: D("75.00"), 2026: D("186.00"), 2027: D("80.00")}


def test_the_benefits_warning_applies_when_the_year_reaches_the_amount():
    assert reaches_warning(D("950.00"), D("50.00"), D("1000.00"))
    assert not reaches_warning(D("949.99"), D("50.00"), D("1000.00"))
    assert reaches_warning(D("0"), D("75.00"), D("0"))
