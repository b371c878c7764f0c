"""The board's outcome measures section and the board's fixed cost: what it lists, who sees it,
and a query count that does not grow with the data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tests import factories
from tests.outcomes_support import in_support

from livingwell.hub import queries
from livingwell.hub.actions import allocate_key_worker, offer_handover, record_contact
from livingwell.outcomes.actions import record_response

pytestmark = pytest.mark.django_db

DIALOG = {str(i): 4 for i in range(1, 12)}


def _people(personas, n: int, *, days_ago: int = 40):
    return [in_support(personas.hub_worker, days_ago=days_ago) for _ in range(n)]


def _due(user):
    return queries.huddle_board(user).section("measures")


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
    section = _due(personas.hub_worker)
    rows = section.rows
    assert section.count == 5
    # DIALOG was recorded for `late`, so only its other baseline measures are due.
    late_rows = [r for r in rows if r["introduction_id"] == late.pk]
    assert {r["title"] for r in late_rows} == {
        "Recovering Quality of Life (ReQoL-10)",
        "Goal-Based Outcomes (GBO)",
    }
    assert all(r["overdue"] for r in late_rows)
    assert all(r["due_on"] == today - timedelta(days=40) for r in late_rows)
    recent_rows = [r for r in rows if r["introduction_id"] == recent.pk]
    assert len(recent_rows) == 3 and not any(r["overdue"] for r in recent_rows)
    assert [r["overdue"] for r in rows] == [True, True, False, False, False]  # overdue first
    assert late_rows[0]["record_url"] == f"/hub/introductions/{late.pk}/"


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
    assert 'href="/hub/board/measures/">See all 3' in section


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
    section = _due(personas.key_worker)
    assert {r["introduction_id"] for r in section.rows} == {mine.pk} and section.count == 3
    assert not _due(personas.unrelated_worker).rows
    assert _due(personas.unrelated_worker).count == 0
    factories.login(client, personas.unrelated_worker)
    html = client.get("/hub/").content.decode()
    assert "No outcome measures due." in html and "Hidden Person" not in html
    assert other.pk  # the other person exists, just not on these boards


def test_due_list_shows_ten_and_counts_them_all(personas, client):
    _people(personas, 4)  # 4 people x 3 scheduled measures
    section = _due(personas.hub_worker)
    assert section.count == 12 and len(section.rows) == queries.SECTION_ROWS == 10
    factories.login(client, personas.hub_worker)
    html = client.get("/hub/").content.decode()
    shown = html.split('aria-labelledby="due-heading"', 1)[1].split("</section>", 1)[0]
    assert "The first 10 of 12 are shown." in shown and "See all 12" in shown


def test_no_contact_reads_the_last_attended_contact(personas):
    quiet = in_support(personas.hub_worker, days_ago=40)
    seen = in_support(personas.hub_worker, days_ago=40)
    record_contact(by=personas.hub_worker, introduction=seen, outcome="attended", mode="phone")
    tried = in_support(personas.hub_worker, days_ago=40)
    record_contact(by=personas.hub_worker, introduction=tried, outcome="not_reached", mode="phone")
    section = queries.huddle_board(personas.hub_worker).section("no-contact")
    assert [r["reference"] for r in section.rows] == sorted(
        [quiet.reference, tried.reference], key=[quiet.reference, tried.reference].index
    )
    assert section.count == 2 and section.rows[0]["quiet_days"] == 40


def _page_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/hub/").status_code == 200
    return len(captured)


def _board_queries(user) -> int:
    with CaptureQueriesContext(connection) as captured:
        queries.huddle_board(user)
    return len(captured)


def _more_of_everything(personas, n: int):
    """n more of each kind of work: new, urgent, in support without a key worker, quiet, and
    the key worker's own (quiet, with measures due and an offer waiting for a reply)."""
    for _ in range(n):
        factories.introduction()
        factories.introduction(urgent=True)
    _people(personas, n)
    for intro in _people(personas, n):
        allocate_key_worker(
            by=personas.hub_worker,
            introduction=intro,
            key_worker=personas.key_worker,
            team=personas.community_team,
        )
        offer_handover(
            by=personas.key_worker,
            introduction=intro,
            to_organisation=personas.vcs,
            what_is_asked="Peer group.",
        )


# The board's statements: the site's settings; the reconciliation (the running totals, and a
# look for introductions in no known state); one statement of totals for each table the
# sections count (introductions, handovers, measures due, and for the Hub possible duplicates);
# one read for each section with rows to show, its related rows joined.
BOARD_QUERIES = {
    # urgent, new, awaiting, unallocated, no contact, measures
    "hub_worker": 1 + 2 + 4 + 6,
    # awaiting, no contact, measures
    "key_worker": 1 + 2 + 3 + 3,
}


@pytest.mark.parametrize("persona", ["hub_worker", "key_worker"])
def test_board_query_count_does_not_grow_with_data(personas, persona):
    user = getattr(personas, persona)
    _more_of_everything(personas, 2)
    queries.huddle_board(user)  # the user's memberships, read once per request
    assert _board_queries(user) == BOARD_QUERIES[persona]
    _more_of_everything(personas, 12)
    assert _board_queries(user) == BOARD_QUERIES[persona]
    board = queries.huddle_board(user)
    assert board.section("awaiting").count == 14 and len(board.section("awaiting").rows) == 10
    if persona == "hub_worker":
        assert board.section("new").count == 14 and len(board.section("new").rows) == 10
        assert board.section("measures").count == 3 * 28
    else:
        assert board.section("measures").count == 3 * 14


def test_board_page_query_count_does_not_grow(personas, client):
    factories.login(client, personas.hub_worker)
    _more_of_everything(personas, 2)
    client.get("/hub/")  # warm the session and caches
    small = _page_queries(client)
    _more_of_everything(personas, 12)
    assert _page_queries(client) == small
    html = client.get("/hub/").content.decode()
    assert "Outcome measures due (84)" in html and "See all 84" in html


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statistics")
def test_declined_and_unhandled_handovers_are_estimated_together():
    # Without statistics over both columns PostgreSQL expected thousands of unhandled declined
    # offers (there are a handful), enough to JIT-compile the board's counts on every load.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT stxkind::text FROM pg_statistic_ext WHERE stxname = %s",
            ["hub_handover_state_returned"],
        )
        assert cursor.fetchall() == [("{m}",)]
