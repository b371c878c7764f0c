"""The record panel include and due_measures() for the Hub board."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tests.outcomes_support import PHQ9_12, in_support

from livingwell.hub.actions import close
from livingwell.outcomes.actions import record_response
from livingwell.outcomes.models import MeasureSchedule
from livingwell.outcomes.panel import outcomes_summary
from livingwell.outcomes.queries import due_measures

pytestmark = pytest.mark.django_db

DIALOG = {str(i): 4 for i in range(1, 12)}
REQOL = {str(i): 2 for i in range(1, 11)}


def _panel(intro) -> str:
    """The record's outcomes panel as the record shows it."""
    return render_to_string(
        "outcomes/_record_panel.html", {"intro": intro, "summary": outcomes_summary(intro)}
    )


def _record(by, intro, measure, answers, days_ago, occasion="baseline"):
    return record_response(
        by=by,
        introduction=intro,
        measure=measure,
        answers=answers,
        completed_at=timezone.localdate() - timedelta(days=days_ago),
        source="worker",
        occasion=occasion,
    )


def test_due_measures_baseline_review_and_overdue(personas):
    worker = personas.hub_worker
    intro = in_support(worker, days_ago=90)
    today = timezone.localdate()
    _record(worker, intro, "dialog", DIALOG, days_ago=90)  # review due 90 - 84 = 6 days ago
    _record(worker, intro, "reqol10", REQOL, days_ago=10)  # review due in 74 days: not listed
    fresh = in_support(worker, days_ago=3)  # baseline due 3 days ago, within 14 days' grace
    in_support(worker, days_ago=0)  # another person: limited away below

    with CaptureQueriesContext(connection) as queries:
        result = due_measures(introductions=[intro, fresh])
    assert len(queries) <= 3
    assert [d.introduction for d in result] == [intro, fresh]  # overdue first
    first = {m.measure: m for m in result[0].measures}
    assert set(first) == {"dialog", "gbo"}
    assert first["dialog"].occasion == "review"
    assert first["dialog"].due_on == today - timedelta(days=6)
    assert first["dialog"].overdue is False
    assert first["gbo"].occasion == "baseline"
    assert first["gbo"].due_on == today - timedelta(days=90)
    assert first["gbo"].overdue is True
    assert result[0].overdue is True
    second = result[1].measures
    assert {m.measure for m in second} == {"dialog", "reqol10", "gbo"}
    assert all(m.occasion == "baseline" and not m.overdue for m in second)


def test_due_measures_follow_the_site_schedule_and_closure(personas):
    worker = personas.hub_worker
    MeasureSchedule.objects.exclude(measure="reqol10").update(is_active=False)
    intro = in_support(worker, days_ago=60)
    _record(worker, intro, "reqol10", REQOL, days_ago=60)
    assert due_measures(introductions=[intro]) == []
    close(by=worker, introduction=intro, reason="supported")
    result = due_measures(introductions=[intro])
    assert [(m.measure, m.occasion, m.overdue) for m in result[0].measures] == [
        ("reqol10", "closure", False)
    ]
    _record(worker, intro, "reqol10", REQOL, days_ago=0, occasion="closure")
    assert due_measures(introductions=[intro]) == []


def test_record_panel_lists_latest_scores_and_links(personas, rf):
    worker = personas.hub_worker
    intro = in_support(worker, days_ago=30)
    _record(worker, intro, "phq9", PHQ9_12, days_ago=20)
    _record(worker, intro, "phq9", {**PHQ9_12, "1": 0}, days_ago=2, occasion="review")
    with CaptureQueriesContext(connection) as queries:
        html = _panel(intro)
    assert len(queries) <= 5
    # Latest PHQ-9: 12 - 3 = 9, mild (5-9); two responses.
    assert "Total 9 (Mild)" in html and "2 responses" in html
    assert f"/outcomes/{intro.pk}/" in html
    assert f"/outcomes/{intro.pk}/record/dialog/" in html
    assert f"/outcomes/{intro.pk}/send-link/" in html
    # Baseline DIALOG, ReQoL-10 and GBO are overdue 30 days after the first conversation.
    assert "Overdue: DIALOG scale" in html
