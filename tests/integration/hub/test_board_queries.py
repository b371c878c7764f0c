"""The board's outcome measures section: what it lists, who sees it, and a fixed query count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tests import factories
from tests.outcomes_support import in_support

from livingwell.hub import queries
from livingwell.hub.actions import allocate_key_worker
from livingwell.outcomes.actions import record_response

pytestmark = pytest.mark.django_db

DIALOG = {str(i): 4 for i in range(1, 12)}


def _people(personas, n: int, *, days_ago: int = 40):
    return [in_support(personas.hub_worker, days_ago=days_ago) for _ in range(n)]


def _board_queries(user) -> int:
    with CaptureQueriesContext(connection) as captured:
        queries.huddle_board(user)
    return len(captured)


def test_due_measures_listed_overdue_first(personas):
    today = timezone.localdate()
    late = in_support(personas.hub_worker, days_ago=40)  # baseline 40 days ago: overdue
    recent = in_support(personas.hub_worker, days_ago=3)  # baseline 3 days ago: due, in grace
    record_response(
        by=personas.hub_worker,
        introduction=late,
        measure="dialog",
        answers=DIALOG,
        completed_at=today - timedelta(days=2),
        occasion="baseline",
    )
    board = queries.huddle_board(personas.hub_worker)
    rows = [(r.introduction, r.title, r.overdue) for r in board.due_measures]
    # DIALOG was recorded for `late`, so only its other baseline measures are due.
    late_rows = [r for r in board.due_measures if r.introduction == late]
    assert {r.title for r in late_rows} == {
        "Recovering Quality of Life (ReQoL-10)",
        "Goal-Based Outcomes (GBO)",
    }
    assert all(r.overdue for r in late_rows)
    assert all(r.due_on == today - timedelta(days=40) for r in late_rows)
    recent_rows = [r for r in board.due_measures if r.introduction == recent]
    assert len(recent_rows) == 3 and not any(r.overdue for r in recent_rows)
    assert rows[0][2] is True and rows[-1][2] is False  # overdue first
    assert late_rows[0].record_url == f"/hub/introductions/{late.pk}/"


def test_board_page_shows_due_section(personas, client):
    intro = in_support(
        personas.hub_worker,
        days_ago=40,
        person=factories.person_details(given_name="Morgan", family_name="Achebe"),
    )
    factories.login(client, personas.hub_worker)
    html = client.get("/hub/").content.decode()
    section = html.split('aria-labelledby="due-heading"', 1)[1].split("</section>", 1)[0]
    assert "Outcome measures due (3)" in section
    assert f'href="/hub/introductions/{intro.pk}/"' in section
    assert "Morgan Achebe" in section
    assert "Baseline (start of support)" in section
    assert "Overdue" in section
    assert (timezone.localdate() - timedelta(days=40)).strftime("%-d %b %Y") in section


def test_due_measures_only_for_people_on_the_users_board(personas, client):
    mine = in_support(personas.hub_worker, days_ago=40)
    allocate_key_worker(
        by=personas.hub_worker,
        introduction=mine,
        key_worker=personas.key_worker,
        team=personas.community_team,
        reason="",
    )
    other = in_support(
        personas.hub_worker,
        days_ago=40,
        person=factories.person_details(given_name="Hidden", family_name="Person"),
    )
    board = queries.huddle_board(personas.key_worker)
    assert {r.introduction for r in board.due_measures} == {mine}
    assert not queries.huddle_board(personas.unrelated_worker).due_measures
    factories.login(client, personas.unrelated_worker)
    html = client.get("/hub/").content.decode()
    assert "No outcome measures due." in html and "Hidden Person" not in html
    assert other.pk  # the other person exists, just not on these boards


def test_board_query_count_does_not_grow_with_people(personas, django_assert_max_num_queries):
    _people(personas, 3)
    small = _board_queries(personas.hub_worker)
    assert len(queries.huddle_board(personas.hub_worker).due_measures) == 9
    _people(personas, 9)
    with django_assert_max_num_queries(small):
        board = queries.huddle_board(personas.hub_worker)
    assert len(board.due_measures) == 36  # 12 people x 3 scheduled measures


def test_board_page_query_count_does_not_grow(personas, client, django_assert_max_num_queries):
    factories.login(client, personas.hub_worker)
    _people(personas, 3)
    client.get("/hub/")  # warm the session and caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/hub/").status_code == 200
    _people(personas, 9)
    with django_assert_max_num_queries(len(captured)):
        html = client.get("/hub/").content.decode()
    assert "Outcome measures due (36)" in html


def test_due_list_is_capped_and_says_so(personas, monkeypatch):
    _people(personas, 2)
    monkeypatch.setattr(queries, "BOARD_DUE_LIMIT", 4)
    board = queries.huddle_board(personas.hub_worker)
    assert len(board.due_measures) == 4 and board.due_hidden == 2
