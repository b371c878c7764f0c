"""due_for_introduction() (the record panel's path) agrees with due_measures()."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tests.outcomes_support import in_support

from livingwell.hub.actions import close
from livingwell.intake.models import Introduction
from livingwell.outcomes.actions import record_response
from livingwell.outcomes.panel import outcomes_summary
from livingwell.outcomes.queries import due_for_introduction, due_measures, responses_for

pytestmark = pytest.mark.django_db

DIALOG = {str(i): 4 for i in range(1, 12)}
REQOL = {str(i): 2 for i in range(1, 11)}


def _panel(intro) -> str:
    """The record's outcomes panel as the record shows it."""
    return render_to_string(
        "outcomes/_record_panel.html", {"intro": intro, "summary": outcomes_summary(intro)}
    )


def _record(by, intro, measure, answers, days_ago, occasion="baseline"):
    record_response(
        by=by,
        introduction=intro,
        measure=measure,
        answers=answers,
        completed_at=timezone.localdate() - timedelta(days=days_ago),
        source="worker",
        occasion=occasion,
    )


def _both(intro):
    intro = Introduction.objects.get(pk=intro.pk)
    listed = due_measures(introductions=[intro])
    return (listed[0].measures if listed else []), due_for_introduction(intro, responses_for(intro))


def test_agrees_with_due_measures_for_baseline_review_closure_and_none(personas):
    worker = personas.hub_worker
    reviewed = in_support(worker, days_ago=90)
    _record(worker, reviewed, "dialog", DIALOG, days_ago=90)  # review due 6 days ago
    _record(worker, reviewed, "reqol10", REQOL, days_ago=10)  # review not yet due
    fresh = in_support(worker, days_ago=3)  # baseline due, in grace
    closing = in_support(worker, days_ago=60)
    close(by=worker, introduction=closing, reason="supported")  # closure measures due
    old = in_support(worker, days_ago=200)
    close(by=worker, introduction=old, reason="supported", at=timezone.now() - timedelta(days=60))
    cases = {"reviewed": reviewed, "fresh": fresh, "closing": closing, "old": old}
    answers = {name: _both(intro) for name, intro in cases.items()}
    for name, (expected, got) in answers.items():
        assert got == expected, name
    assert {m.occasion for m in answers["reviewed"][1]} == {"review", "baseline"}
    assert {m.occasion for m in answers["closing"][1]} == {"closure"}
    assert answers["old"][1] == []  # closed outside the closure window: nothing due


def test_record_panel_takes_two_queries_however_many_responses(personas):
    """The latest response of each measure with its count, and the schedule."""
    intro = in_support(personas.hub_worker, days_ago=30)
    _record(personas.hub_worker, intro, "dialog", DIALOG, days_ago=20)
    with CaptureQueriesContext(connection) as queries:
        html = _panel(intro)
    assert len(queries) == 2
    for days_ago in (15, 10, 12):
        _record(personas.hub_worker, intro, "dialog", DIALOG, days_ago=days_ago, occasion="review")
    with CaptureQueriesContext(connection) as queries:
        more = _panel(intro)
    assert len(queries) == 2
    assert "(4 responses)" in more
    latest = timezone.localdate() - timedelta(days=10)
    assert f"{latest.day} {latest:%b %Y} <span" in more  # the latest completed, not the last typed
    assert "Overdue: Recovering Quality of Life" in html  # baseline ReQoL-10, 30 days on
