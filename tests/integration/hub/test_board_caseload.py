"""The board of someone outside the Hub names their caseload once per statement (queries.CASELOAD)
and every section tests it. These tests hold the board to the plain rules (the section pages'
ORM reads: queries.visible_introductions) for key workers, partner workers and someone with no
caseload, with and without the team and tier filters."""

from __future__ import annotations

import pytest
from tests import factories
from tests.outcomes_support import in_support

from livingwell.hub import actions, queries
from livingwell.hub.models import Tier

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
    """Each section's total and first rows as its own page reads them (the ORM's rules)."""
    scope = queries.board_scope(user, **filters)
    found = {}
    for spec in queries.SPECS:
        if queries._applies(spec, scope):
            page = queries.board_section(user, spec.slug, **filters)
            found[spec.slug] = (page.section.count, page.section.rows[: spec.rows])
    return found


def _board(user, **filters):
    board = queries.huddle_board(user, **filters)
    return {s.spec.slug: (s.count, s.rows) for s in board.sections}


@pytest.mark.parametrize(
    "who, filters",
    [
        ("key_worker", {}),
        ("key_worker", {"tier_slug": "focused"}),
        ("partner_worker", {}),
        ("unrelated_worker", {}),
    ],
)
def test_board_agrees_with_the_plain_rules(personas, who, filters):
    _network(personas)
    user = getattr(personas, who)
    plain, board = _plain(user, **filters), _board(user, **filters)
    assert board, "the board has sections"
    for slug, (count, rows) in board.items():
        assert (count, rows) == plain[slug], slug
    assert all(count == 0 for slug, (count, _rows) in plain.items() if slug not in board)


def test_team_filter_agrees_with_the_plain_rules(personas):
    _network(personas)
    team = str(personas.community_team.pk)
    plain = _plain(personas.key_worker, team_id=team)
    board = _board(personas.key_worker, team_id=team)
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


def test_caseload_is_named_once_per_statement_outside_the_hub_only(personas, monkeypatch):
    _network(personas)
    run, ran = queries._run, []

    def spy(statements):
        ran.extend(s[0] for s in statements if s is not None)
        return run(statements)

    monkeypatch.setattr(queries, "_run", spy)
    for user, named in ((personas.key_worker, True), (personas.hub_worker, False)):
        ran.clear()
        queries.huddle_board(user)
        heads = [sql for sql in ran if queries.CASELOAD in sql]
        if named:
            assert len(heads) == 2  # the totals and the first rows
            assert all(sql.startswith(f"WITH {queries.CASELOAD} AS MATERIALIZED") for sql in heads)
            assert all(sql.count(f"WITH {queries.CASELOAD}") == 1 for sql in heads)
        else:
            assert ran and heads == []


def test_a_filter_naming_the_caseload_is_just_text(personas, client):
    """The filters are written into the board's statements as quoted literals: a tier called
    like the caseload expression is a tier that does not exist, and breaks nothing."""
    _network(personas)

    def counts(user, tier):
        return [(s.slug, s.count) for s in queries.huddle_board(user, tier_slug=tier).sections]

    for user in (personas.hub_worker, personas.key_worker):
        factories.login(client, user)
        assert client.get("/hub/", {"tier": queries.CASELOAD}).status_code == 200
        unknown = counts(user, "no-such-tier")
        assert counts(user, queries.CASELOAD) == unknown
        assert counts(user, f"x') OR 1=1 FROM {queries.CASELOAD} --") == unknown
