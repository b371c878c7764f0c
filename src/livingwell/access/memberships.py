"""Who a user is in the network: their current memberships, and the teams and organisations
these give them.

Everything that asks (roles in permissions.py, relationships in relationships.py, sharing in
sharing.py, the acting role in the audit) reads the same list, ``User.current_memberships``: one
ORM read per user object, so once per request. Ending a membership ends the access that came
with it at the next request.
"""

from __future__ import annotations

from dataclasses import dataclass


def current_memberships(user) -> list:
    """The user's current memberships, each with its team and organisation; none when no one is
    signed in."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return user.current_memberships


def user_team_ids(user) -> set:
    return {m.team_id for m in current_memberships(user) if m.team_id}


def user_hub_team_ids(user) -> set:
    return {
        m.team_id
        for m in current_memberships(user)
        if m.team_id and m.team.is_hub and m.team.is_active
    }


def user_organisation_ids(user) -> set:
    return {m.organisation_id for m in current_memberships(user)}


def acting_membership(user, rel):
    """The membership a worker acts under for a person they hold the relationship `rel` with: the
    one in the relationship's team, else in its organisation, else their first. What they record
    (a contact, a first conversation, a handover offered) is filed under it, so a worker of two
    organisations records the work they do for one as that organisation's, and its team's
    restrictions and sharing choices apply to it. None when they have no current membership."""
    memberships = current_memberships(user)
    if rel is not None:
        for wanted in ("team_id", "organisation_id"):
            key = getattr(rel, wanted)
            found = next((m for m in memberships if key and getattr(m, wanted) == key), None)
            if found is not None:
                return found
    return memberships[0] if memberships else None


@dataclass(frozen=True)
class Standing:
    """Who is asking, as the access rules (relationships.py, sharing.py) see them: the teams,
    Hub teams and organisations they act for, the workers whose own allocations and entries count
    as theirs (`member_ids`), and the signed-in worker themselves (`user`, for what is only ever
    personal: break-glass, a safeguarding override)."""

    team_ids: frozenset
    hub_team_ids: frozenset
    organisation_ids: frozenset
    member_ids: frozenset
    user: object = None


def standing_of(user) -> Standing:
    """A worker's standing: their own current memberships."""
    signed_in = getattr(user, "is_authenticated", False)
    return Standing(
        team_ids=frozenset(user_team_ids(user)),
        hub_team_ids=frozenset(user_hub_team_ids(user)),
        organisation_ids=frozenset(user_organisation_ids(user)),
        member_ids=frozenset({user.pk}) if signed_in else frozenset(),
        user=user if signed_in else None,
    )


def organisation_standing(organisation_id) -> Standing:
    """An organisation's standing as a whole: what its current workers together hold in their
    work for it (every team of it they are in, the Hub teams among them), never a personal
    grant (no break-glass, no safeguarding override). A system acting for the organisation (a
    FHIR API client) sees what the organisation's workers with a relationship would see.

    No `member_ids`: what is a worker's own (being someone's key worker, having written an
    entry restricted to a team) comes to the organisation only through the team named on the
    allocation or the entry. Otherwise a worker of two organisations, key worker for one, would
    open the record to the other's system, with the entries they restricted to a team of the
    first (the partner systems' fixed case in tests/integration/access/test_rule_parity.py)."""
    from livingwell.accounts.models import Membership

    members = list(
        Membership.objects.current()
        .filter(organisation_id=organisation_id, user__is_active=True)
        .select_related("team")
    )
    return Standing(
        team_ids=frozenset(m.team_id for m in members if m.team_id),
        hub_team_ids=frozenset(
            m.team_id for m in members if m.team_id and m.team.is_hub and m.team.is_active
        ),
        organisation_ids=frozenset({organisation_id}) if members else frozenset(),
        member_ids=frozenset(),
    )
