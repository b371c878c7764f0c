"""Turning process changes and targets into xmr() arguments (hand-worked week indices)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from livingwell.insight.annotations import settings_for
from livingwell.insight.models import ChartAnnotation

WEEKS = [date(2026, 1, 5) + timedelta(weeks=i) for i in range(4)]  # 5, 12, 19, 26 January
END = date(2026, 2, 1)


def _a(chart, kind, day, note, value=None, added=0):
    return ChartAnnotation(
        chart=chart,
        kind=kind,
        effective_date=day,
        note=note,
        target_value=None if value is None else Decimal(value),
        created_at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=added),
    )


def test_process_change_starts_at_the_first_week_on_or_after_its_date():
    notes = [
        _a("wait", "process_change", date(2026, 1, 12), "Monday change"),  # week 1 exactly
        _a("wait", "process_change", date(2026, 1, 20), "Tuesday change"),  # -> 26 Jan, week 3
        _a("wait", "process_change", date(2026, 1, 25), "Sunday change"),  # -> 26 Jan, week 3
    ]
    s = settings_for("wait", WEEKS, END, notes)
    assert s.rebase_at == ((1, "Monday change"), (3, "Tuesday change; Sunday change"))


def test_changes_outside_the_weeks_shown_and_other_charts_are_ignored():
    notes = [
        _a("wait", "process_change", date(2025, 12, 1), "Before"),  # index 0: no rebase needed
        _a("wait", "process_change", date(2026, 1, 5), "First week"),  # index 0 as well
        _a("wait", "process_change", date(2026, 1, 27), "After the last week began"),
        _a("introductions", "process_change", date(2026, 1, 12), "Other chart"),
    ]
    assert settings_for("wait", WEEKS, END, notes).rebase_at == ()


def test_latest_target_in_force_at_the_end_of_the_period_applies():
    notes = [
        _a("wait", "target", date(2025, 6, 1), "Old", "7", added=1),
        _a("wait", "target", date(2026, 1, 10), "Newer", "5", added=0),
        _a("wait", "target", date(2026, 1, 10), "Newest same day", "4", added=2),
        _a("wait", "target", date(2026, 3, 1), "Not yet in force", "2", added=3),
    ]
    s = settings_for("wait", WEEKS, END, notes)
    assert s.target == Decimal("4") and s.target_note == "Newest same day"
    assert settings_for("wait", WEEKS, date(2026, 1, 9), notes).target == Decimal("7")


def test_neutral_chart_never_takes_a_target():
    notes = [_a("introductions", "target", date(2026, 1, 1), "Ten", "10")]
    s = settings_for("introductions", WEEKS, END, notes)
    assert s.target is None and s.target_note == ""
