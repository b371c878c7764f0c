"""Each board section shows its total and its first rows, and links to all of it; nothing is
hidden silently. A section's own page lists it all, a page at a time, under the board's rules."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from tests import factories
from tests.outcomes_support import in_support

from livingwell.access.models import AuditEvent
from livingwell.accounts.models import Team
from livingwell.hub import queries
from livingwell.hub.actions import allocate_key_worker
from livingwell.hub.models import Tier

pytestmark = pytest.mark.django_db


def _new(n: int, **kwargs) -> list:
    now = timezone.now()
    intros = []
    for i in range(n):
        intro = factories.introduction(**kwargs)
        # Received a minute apart, oldest first in creation order.
        type(intro).objects.filter(pk=intro.pk).update(received_at=now - timedelta(minutes=n - i))
        intro.refresh_from_db()
        intros.append(intro)
    return intros


def _section_html(html: str, heading_id: str) -> str:
    return html.split(f'aria-labelledby="{heading_id}"', 1)[1].split("</section>", 1)[0]


def test_section_shows_first_rows_oldest_first_with_total_and_link(personas, client):
    intros = _new(12)
    board = queries.huddle_board(personas.hub_worker)
    new = board.section("new")
    assert new.count == 12 and len(new.rows) == 10
    assert [r["reference"] for r in new.rows] == [i.reference for i in intros[:10]]
    factories.login(client, personas.hub_worker)
    html = _section_html(client.get("/hub/").content.decode(), "new-heading")
    assert "New introductions waiting for a first conversation (12)" in html
    assert "The first 10 of 12 are shown." in html
    assert 'href="/hub/board/new/">See all 12' in html
    assert intros[9].reference in html and intros[10].reference not in html


def test_urgent_shows_more_and_always_says_its_total(personas, client):
    _new(12, urgent=True)
    urgent = queries.huddle_board(personas.hub_worker).section("urgent")
    assert urgent.count == 12 and len(urgent.rows) == 12  # up to URGENT_ROWS on the board
    assert queries.URGENT_ROWS > queries.SECTION_ROWS
    factories.login(client, personas.hub_worker)
    html = _section_html(client.get("/hub/").content.decode(), "urgent-heading")
    assert "Urgent: same day (12)" in html and "See all 12" in html
    assert "are shown" not in html  # everything fits


def test_empty_section_says_so_without_a_link(personas, client):
    factories.login(client, personas.hub_worker)
    html = _section_html(client.get("/hub/").content.decode(), "returned-heading")
    assert "(0)" in html and "None." in html and "See all" not in html


def test_filters_are_carried_to_see_all(personas, client):
    in_support(personas.hub_worker, days_ago=40)
    factories.login(client, personas.hub_worker)
    html = client.get("/hub/?tier=short-term").content.decode()
    assert 'href="/hub/board/measures/?tier=short-term">See all 3' in html
    other_tier = client.get("/hub/?tier=staying-well").content.decode()
    assert "Outcome measures due (0)" in other_tier


def test_section_page_lists_everything_a_page_at_a_time(personas, client, monkeypatch):
    monkeypatch.setattr(queries, "PAGE_SIZE", 5)
    intros = _new(7)
    factories.login(client, personas.hub_worker)
    first = client.get("/hub/board/new/").content.decode()
    assert "<h1>New introductions waiting for a first conversation (7)</h1>" in first
    assert "Showing 1 to 5 of 7" in first
    assert all(i.reference in first for i in intros[:5])
    assert intros[5].reference not in first
    assert 'class="nhsuk-pagination"' in first and "?page=2" in first
    second = client.get("/hub/board/new/?page=2").content.decode()
    assert "Showing 6 to 7 of 7" in second
    assert all(i.reference in second for i in intros[5:])
    assert "?page=1" in second
    # A page past the end shows the last page rather than an error.
    assert "Showing 6 to 7 of 7" in client.get("/hub/board/new/?page=99").content.decode()


def test_section_page_needs_sign_in(personas, client):
    factories.introduction()
    response = client.get("/hub/board/new/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/?next=")


def test_section_page_needs_the_board_permission(personas, client):
    factories.login(client, personas.analyst)
    assert client.get("/hub/board/new/").status_code == 403


def test_section_page_shows_only_what_the_user_may_see(personas, client):
    mine = in_support(
        personas.hub_worker, days_ago=40, person=factories.person_details(family_name="Mine")
    )
    allocate_key_worker(
        by=personas.hub_worker,
        introduction=mine,
        key_worker=personas.key_worker,
        team=personas.community_team,
    )
    in_support(
        personas.hub_worker, days_ago=40, person=factories.person_details(family_name="Else")
    )
    factories.login(client, personas.key_worker)
    html = client.get("/hub/board/no-contact/").content.decode()
    assert "Mine" in html and "Else" not in html and "(1)</h1>" in html
    factories.login(client, personas.unrelated_worker)
    html = client.get("/hub/board/no-contact/").content.decode()
    assert "Mine" not in html and "Else" not in html and "(0)</h1>" in html
    assert not AuditEvent.objects.filter(actor=personas.unrelated_worker, action="read").exists()


def test_unknown_or_hub_only_section_is_not_found(personas, client):
    factories.login(client, personas.hub_worker)
    assert client.get("/hub/board/everything/").status_code == 404
    assert client.get("/hub/board/duplicates/").status_code == 200
    factories.login(client, personas.key_worker)
    assert client.get("/hub/board/duplicates/").status_code == 404


def test_section_page_without_javascript_is_plain_links(personas, client):
    _new(2)
    factories.login(client, personas.hub_worker)
    html = client.get("/hub/board/new/").content.decode()
    assert html.count("<h1") == 1 and '<caption class="nhsuk-table__caption' in html
    assert 'href="/hub/"' in html  # back to the board


def test_reconciliation_reads_the_running_total_or_counts(personas):
    from livingwell.hub.actions import close
    from livingwell.intake.models import IntroductionTally

    IntroductionTally.objects.update_or_create(
        pk=1, defaults={"received": 0, "new": 0, "in_support": 0}
    )
    intros = _new(3)
    close(by=personas.hub_worker, introduction=intros[0], reason="person_declined")
    tally = IntroductionTally.objects.get(pk=1)  # kept by the actions
    assert (tally.received, tally.new, tally.in_support) == (3, 2, 0)
    expected = {"received": 3, "new": 2, "in_support": 0, "closed": 1, "unexplained": 0}
    rec = queries.huddle_board(personas.hub_worker).reconciliation
    assert {k: rec[k] for k in expected} == expected and rec["balanced"]
    IntroductionTally.objects.all().delete()  # a site without the running total: counted
    rec = queries.huddle_board(personas.hub_worker).reconciliation
    assert {k: rec[k] for k in expected} == expected


def test_running_totals_follow_every_move_between_states(personas):
    """Received, first seen, closed from new and from support, back through the open door: the
    running totals the board reads stay equal to counting the introductions."""
    from livingwell.hub import actions
    from livingwell.intake.models import Introduction, IntroductionTally

    def counted():
        tally = IntroductionTally.objects.get(pk=1)
        real = Introduction.objects
        return (tally.received, tally.new, tally.in_support) == (
            real.count(),
            real.filter(state="new").count(),
            real.filter(state="in_support").count(),
        )

    IntroductionTally.objects.update_or_create(
        pk=1, defaults={"received": 0, "new": 0, "in_support": 0}
    )
    first, second, third = _new(3)
    seen = in_support(personas.hub_worker)
    assert counted()
    actions.close(by=personas.hub_worker, introduction=first, reason="person_declined")
    actions.close(by=personas.hub_worker, introduction=seen, reason="supported")
    assert counted() and IntroductionTally.objects.get(pk=1).in_support == 0
    actions.return_within_open_door(
        by=personas.hub_worker, introduction=seen, tier=Tier.objects.get(slug="short-term")
    )
    assert counted() and IntroductionTally.objects.get(pk=1).in_support == 1
    with pytest.raises(actions.HubError):  # never closed, so no open door: nothing moves
        actions.return_within_open_door(
            by=personas.hub_worker, introduction=second, tier=Tier.objects.get(slug="focused")
        )
    assert counted()
    rec = queries.huddle_board(personas.hub_worker).reconciliation
    assert (rec["received"], rec["new"], rec["in_support"], rec["closed"]) == (4, 2, 1, 1)
    assert third.pk and rec["balanced"]


def test_returned_lists_declined_offers_of_open_work_only(personas):
    """A declined offer waits for its owner while the introduction is open; once the
    introduction closes it leaves the board (the count and the rows agree)."""
    from livingwell.hub import actions

    def declined(intro):
        offer = actions.offer_handover(
            by=personas.hub_worker,
            introduction=intro,
            to_organisation=personas.vcs,
            what_is_asked="Peer group, Tuesdays.",
        )
        return actions.respond_to_handover(
            by=personas.partner_worker, handover=offer, accept=False, reason="Group is full."
        )

    stays, closes = in_support(personas.hub_worker), in_support(personas.hub_worker)
    kept, gone = declined(stays), declined(closes)
    returned = queries.huddle_board(personas.hub_worker).section("returned")

    def records(section):
        return sorted(r["record_url"] for r in section.rows)

    def url(intro):
        return f"/hub/introductions/{intro.pk}/"

    assert kept.introduction_id == stays.pk and gone.introduction_id == closes.pk
    assert returned.count == 2 and records(returned) == sorted([url(stays), url(closes)])
    actions.close(by=personas.hub_worker, introduction=closes, reason="supported")
    returned = queries.huddle_board(personas.hub_worker).section("returned")
    assert returned.count == 1 and records(returned) == [url(stays)]


def test_filter_options_are_the_active_teams_by_name_and_tiers_in_order(personas, client):
    Team.objects.filter(pk=personas.other_team.pk).update(is_active=False)
    teams = list(Team.objects.filter(is_active=True).order_by("name"))
    tiers = list(Tier.objects.filter(is_active=True).order_by("order"))
    assert len(teams) >= 3 and len(tiers) >= 2
    factories.login(client, personas.hub_worker)
    team = personas.community_team
    html = client.get(f"/hub/?team={team.pk}&tier={tiers[1].slug}").content.decode()
    team_select = html.split('id="filter-team"', 1)[1].split("</select>", 1)[0]
    tier_select = html.split('id="filter-tier"', 1)[1].split("</select>", 1)[0]
    assert team_select.count("<option") == len(teams) + 1  # and "All teams"
    assert personas.other_team.name not in team_select
    positions = [team_select.index(f'<option value="{t.pk}"') for t in teams]
    assert positions == sorted(positions)
    assert f'<option value="{team.pk}" selected>{team.name}</option>' in team_select
    assert team_select.count(" selected") == 1
    positions = [tier_select.index(f'<option value="{t.slug}"') for t in tiers]
    assert positions == sorted(positions)
    assert f'<option value="{tiers[1].slug}" selected>' in tier_select
    assert tier_select.count(" selected") == 1


@pytest.mark.parametrize(
    "query, field, message",
    [
        ({"tier": "no-such-tier"}, "tier", "Choose a tier from the list."),
        ({"tier": "50%s"}, "tier", "Choose a tier from the list."),
        ({"tier": "o'brien"}, "tier", "Choose a tier from the list."),
        ({"team": str(uuid.uuid4())}, "team", "Choose a team from the list."),
        ({"team": "%(x)s"}, "team", "is not a valid UUID"),
    ],
)
def test_an_unknown_filter_is_refused_with_a_message(personas, client, query, field, message):
    """Never an empty board that looks like no work: the filter is named as the problem."""
    in_support(
        personas.hub_worker, days_ago=40, person=factories.person_details(family_name="Quist")
    )
    factories.login(client, personas.hub_worker)
    for url in ("/hub/", "/hub/board/measures/"):
        response = client.get(url, query)
        assert response.status_code == 400, url
        html = response.content.decode()
        assert "There is a problem" in html and message in html
        assert f'href="#filter-{field}"' in html  # the summary links to the field
        assert "Quist" not in html and "Outcome measures due" not in html


def test_an_inactive_team_is_not_a_filter(personas, client):
    Team.objects.filter(pk=personas.other_team.pk).update(is_active=False)
    factories.login(client, personas.hub_worker)
    response = client.get("/hub/", {"team": str(personas.other_team.pk)})
    assert response.status_code == 400
    assert "Choose a team from the list." in response.content.decode()


def test_handover_rows_name_their_owner(personas, client):
    from livingwell.hub.actions import offer_handover

    intro = in_support(personas.hub_worker)
    offer_handover(
        by=personas.hub_worker,
        introduction=intro,
        to_organisation=personas.vcs,
        what_is_asked="Weekly peer support",
    )
    owner = str(intro.owner)
    assert owner  # (the persona has a name)
    mine = queries.huddle_board(personas.hub_worker).section("awaiting").rows
    assert [(r["owner"], r["mine"]) for r in mine] == [(owner, True)]
    theirs = queries.huddle_board(personas.partner_worker).section("offered").rows
    assert [(r["owner"], r["mine"]) for r in theirs] == [(owner, False)]
    factories.login(client, personas.hub_worker)
    html = _section_html(client.get("/hub/").content.decode(), "awaiting-heading")
    assert f"{owner} (you)" in html
