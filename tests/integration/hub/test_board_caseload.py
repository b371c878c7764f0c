"""The board of someone outside the Hub covers their caseload (access.relationships.caseload_q)
and the offers made to their organisation, and nothing else. Its totals (counted together, one
statement per table) and first rows agree with each section's own page, for key workers, partner
workers and someone with no caseload, with and without the team and tier filters."""

from __future__ import annotations

import pytest
from tests import factories
from tests.outcomes_support import in_support

from livingwell.access.helpers import CASELOAD_BASES
from livingwell.access.relationships import open_introductions_for, relationship
from livingwell.accounts.models import User
from livingwell.hub import actions, queries
from livingwell.hub.models import Tier
from livingwell.intake.models import Introduction

pytestmark = pytest.mark.django_db


def _network(personas):
    """Work in every kind of section: the key worker's own, their team's, a partner's taken-on
    handover, a declined offer, an offer waiting, and work nobody outside the Hub holds."""
    hub = personas.hub_worker

    def allocate(intro, worker, team):
        actions.allocate_key_worker(by=hub, introduction=intro, key_worker=worker, team=team)
        return intro

    own = allocate(in_support(hub, days_ago=40), personas.key_worker, personas.community_team)
    colleague = factories.user("colleague", team=personas.community_team, role="key_worker")
    teams = allocate(in_support(hub, days_ago=50), colleague, personas.community_team)
    recent = allocate(in_support(hub, days_ago=2), personas.key_worker, personas.community_team)
    elsewhere = in_support(hub, days_ago=60)  # unallocated, quiet: the Hub's only
    taken = in_support(hub, days_ago=45)
    offer = actions.offer_handover(
        by=hub, introduction=taken, to_organisation=personas.vcs, what_is_asked="Peer group."
    )
    actions.respond_to_handover(by=personas.partner_worker, handover=offer, accept=True)
    waiting = actions.offer_handover(
        by=personas.key_worker,
        introduction=own,
        to_organisation=personas.vcs,
        what_is_asked="Walking group.",
    )
    declined = actions.offer_handover(
        by=personas.key_worker,
        introduction=teams,
        to_organisation=personas.vcs,
        what_is_asked="Art group.",
    )
    actions.respond_to_handover(
        by=personas.partner_worker, handover=declined, accept=False, reason="Full."
    )
    actions.change_tier(
        by=hub, introduction=recent, tier=Tier.objects.get(slug="focused"), reason="More help."
    )
    return {
        "own": own,
        "teams": teams,
        "recent": recent,
        "elsewhere": elsewhere,
        "taken": taken,
        "waiting": waiting,
    }


def _plain(user, **filters):
    """Each section's total and first rows as its own page reads them."""
    found = {}
    for spec in queries.SPECS:
        page = queries.board_section(user, spec.slug, **filters)
        if page is not None:
            found[spec.slug] = (page.section.count, page.section.rows[: spec.rows])
    return found


def _board(user, **filters):
    board = queries.huddle_board(user, **filters)
    return {s.spec.slug: (s.count, s.rows) for s in board.sections}


@pytest.mark.parametrize(
    "who, tier",
    [
        ("key_worker", None),
        ("key_worker", "focused"),
        ("partner_worker", None),
        ("unrelated_worker", None),
    ],
)
def test_board_agrees_with_each_sections_page(personas, who, tier):
    _network(personas)
    user = getattr(personas, who)
    filters = {"tier": Tier.objects.get(slug=tier)} if tier else {}
    plain, board = _plain(user, **filters), _board(user, **filters)
    assert board, "the board has sections"
    for slug, (count, rows) in board.items():
        assert (count, rows) == plain[slug], slug
    assert all(count == 0 for slug, (count, _rows) in plain.items() if slug not in board)


def test_team_filter_agrees_with_each_sections_page(personas):
    _network(personas)
    team = personas.community_team
    plain = _plain(personas.key_worker, team=team)
    board = _board(personas.key_worker, team=team)
    assert board["no-contact"][0] == 2  # own and the team's, both quiet
    for slug, (count, rows) in board.items():
        assert (count, rows) == plain[slug], slug


def test_key_workers_board_shows_their_teams_work_and_nothing_else(personas):
    work = _network(personas)
    board = queries.huddle_board(personas.key_worker)

    def records(section):
        return {row["record_url"] for row in section.rows}

    def url(name):
        return f"/hub/introductions/{work[name].pk}/"

    quiet = records(board.section("no-contact"))
    assert url("own") in quiet and url("teams") in quiet
    assert url("elsewhere") not in quiet and url("taken") not in quiet
    assert records(board.section("awaiting")) == {url("own")}
    assert records(board.section("returned")) == {url("teams")}
    partner = queries.huddle_board(personas.partner_worker)
    assert records(partner.section("no-contact")) == {url("taken")}


def test_the_board_covers_exactly_the_caseload_relationships(personas):
    """Outside the Hub, the board's open introductions are those the user has a caseload
    relationship with (key worker, care team, partner handover), by the same rule that opens
    the record: no more, no fewer."""
    _network(personas)
    colleague = User.objects.get(username="colleague")
    open_intros = Introduction.objects.filter(state__in=["new", "in_support"]).select_related(
        "person"
    )
    for user in (
        personas.key_worker,
        colleague,
        personas.partner_worker,
        personas.unrelated_worker,
    ):
        related = {
            intro.pk
            for intro in open_intros
            if str(getattr(relationship(user, intro.person), "basis", "")) in CASELOAD_BASES
        }
        board = set(open_introductions_for(user).values_list("pk", flat=True))
        assert board == related, user.username
    assert set(open_introductions_for(personas.hub_worker)) == set(open_intros)
