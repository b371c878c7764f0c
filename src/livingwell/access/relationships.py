"""Legitimate relationships: the only way a member of staff may open a person's record.

Deny by default. A user has a relationship with a person when:
- they are in a Hub team and the person has an open introduction, or a closed one whose open
  door has not yet shut (the Hub holds the door open);
- they are the allocated key worker, or in the key worker's team;
- their organisation has accepted a handover for the person, for as long as it runs;
- the person has chosen to share their record with the user's organisation (a sharing choice
  with "open the record" set: see sharing.py);
- their organisation has an offer waiting (a limited view, to decide on the offer);
- they hold an unexpired break-glass grant.
A relationship opens the record; the person's sharing choices (sharing.py) then decide which
organisations' entries inside it the user sees, whatever the basis. What a user may *do* on each
basis (record a contact, the person's sharing choices, a handover step...) is a table in
permissions.py: only the lasting bases of one's own (LASTING) may hand out access to others.
Ending a membership ends the relationships that came with it at once, because memberships are
read afresh on every request (memberships.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q
from django.utils import timezone

from livingwell.access.memberships import (
    Standing,
    standing_of,
    user_hub_team_ids,
    user_organisation_ids,
)
from livingwell.access.sharing import current_preferences


class Basis(StrEnum):
    """The bases of a relationship, strongest first: relationship() answers with the first that
    holds, in this order (permissions.PERMISSION_BASES relies on it)."""

    HUB = "hub"
    KEY_WORKER = "key_worker"
    CARE_TEAM = "care_team"
    PARTNER_HANDOVER = "partner_handover"
    PERSON_SHARED = "person_shared"
    BREAK_GLASS = "break_glass"
    HANDOVER_OFFER = "handover_offer"


# Bases that allow the full record; an offer allows only the summary needed to reply.
FULL_RECORD = {
    Basis.HUB,
    Basis.KEY_WORKER,
    Basis.CARE_TEAM,
    Basis.PARTNER_HANDOVER,
    Basis.PERSON_SHARED,
    Basis.BREAK_GLASS,
}


# Relationships of one's own that last as long as the care does: the Hub while it holds the
# person's door open, the key worker, the key worker's team. Not break-glass (minutes), not an
# offer waiting for a reply, not a partner's accepted handover (it ends when the handover does),
# not the person's choice to share (that is the person's decision, not a care relationship).
LASTING = frozenset({Basis.HUB, Basis.KEY_WORKER, Basis.CARE_TEAM})


@dataclass(frozen=True)
class Relationship:
    basis: Basis
    organisation_id: object | None = None
    team_id: object | None = None

    @property
    def full(self) -> bool:
        return self.basis in FULL_RECORD


def held_open_q(now) -> Q:
    """Introductions the Hub holds open: not closed, or closed with the open door still open."""
    from livingwell.intake.models import Introduction

    return ~Q(state=Introduction.State.CLOSED) | Q(open_door_until__gt=now)


def _allocation_q(standing: Standing) -> Q:
    return Q(ended_at__isnull=True) & (
        Q(key_worker_id__in=standing.member_ids) | Q(team_id__in=standing.team_ids)
    )


def current_allocation_q(user) -> Q:
    """Allocations that give the user a relationship: current, and the user's own (key worker)
    or their team's (care team)."""
    return _allocation_q(standing_of(user))


def _taken_on_q(organisation_ids) -> Q:
    from livingwell.hub.models import Handover

    return Q(
        to_organisation_id__in=organisation_ids,
        state__in=[Handover.State.ACCEPTED, Handover.State.STARTED],
    )


def _offered_q(organisation_ids) -> Q:
    from livingwell.hub.models import Handover

    return Q(to_organisation_id__in=organisation_ids, state=Handover.State.OFFERED)


def taken_on_handover_q(user) -> Q:
    """Handovers that give the user's organisation the record: accepted or started, for as long
    as the organisation supports the person."""
    return _taken_on_q(user_organisation_ids(user))


def offered_handover_q(user) -> Q:
    """Handovers offered to the user's organisation and waiting for its reply (a limited view,
    to decide on the offer)."""
    return _offered_q(user_organisation_ids(user))


def caseload_q(user) -> Q:
    """Introductions on the caseload of someone outside the Hub: those they or their team
    key-work (current_allocation_q) and those their organisation has taken on
    (taken_on_handover_q)."""
    from livingwell.hub.models import Allocation, Handover

    allocated = Allocation.objects.filter(current_allocation_q(user))
    taken_on = Handover.objects.filter(taken_on_handover_q(user))
    return Q(pk__in=allocated.values("introduction_id")) | Q(
        pk__in=taken_on.values("introduction_id")
    )


def open_introductions_q(user) -> Q:
    """The open introductions (new or in support) a user works with: every one for a member of a
    Hub team, otherwise their caseload. A Q over introductions; rows that belong to one (a
    handover, a measure due) ask it of their own introduction (hub.queries.Scope)."""
    from livingwell.intake.models import Introduction

    open_ = Q(state__in=[Introduction.State.NEW, Introduction.State.IN_SUPPORT])
    if user_hub_team_ids(user):
        return open_
    return open_ & caseload_q(user)


def open_introductions_for(user):
    """The open introductions a user works with (open_introductions_q), as the board and the
    handover form list them."""
    from livingwell.intake.models import Introduction

    return Introduction.objects.filter(open_introductions_q(user))


def relationship(user, person, *, held_open: bool | None = None) -> Relationship | None:
    """The strongest current relationship between `user` and `person`, or None.

    `held_open`: whether the person has an introduction the Hub holds open, when the caller has
    just read it with the person (open_introduction does, in the same statement); None reads it.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active or person is None:
        return None
    return standing_relationship(standing_of(user), person, held_open=held_open)


def standing_relationship(
    standing: Standing, person, *, held_open: bool | None = None
) -> Relationship | None:
    """The strongest current relationship between whoever `standing` stands for (a worker, or an
    organisation as a whole: memberships.organisation_standing) and `person`, or None. The one
    copy of the rules above: relationship() asks it for a worker, the FHIR API for the
    organisation that owns a client."""
    if person is None:
        return None
    from livingwell.access.models import BreakGlass
    from livingwell.hub.models import Allocation, Handover
    from livingwell.intake.models import Introduction

    now = timezone.now()
    teams = standing.team_ids
    orgs = standing.organisation_ids
    if not teams and not orgs:
        return None
    hub_teams = standing.hub_team_ids
    person_id = person.pk

    if hub_teams:
        if held_open is None:
            held_open = (
                Introduction.objects.filter(person_id=person_id).filter(held_open_q(now)).exists()
            )
        if held_open:
            return Relationship(Basis.HUB, team_id=next(iter(hub_teams)))

    current = (
        Allocation.objects.filter(introduction__person_id=person_id)
        .filter(_allocation_q(standing))
        .values_list("key_worker_id", "team_id", "organisation_id")
        .first()
    )
    if current:
        key_worker_id, team_id, org_id = current
        basis = Basis.KEY_WORKER if key_worker_id in standing.member_ids else Basis.CARE_TEAM
        return Relationship(basis, organisation_id=org_id, team_id=team_id)

    handovers = list(
        Handover.objects.filter(introduction__person_id=person_id)
        .filter(_taken_on_q(orgs) | _offered_q(orgs))
        .values_list("state", "to_organisation_id")
    )
    accepted = [org for state, org in handovers if state != Handover.State.OFFERED]
    if accepted:
        return Relationship(Basis.PARTNER_HANDOVER, organisation_id=accepted[0])

    chosen = [org for org, pref in current_preferences(person_id, orgs).items() if pref.open_record]
    if chosen:
        return Relationship(Basis.PERSON_SHARED, organisation_id=chosen[0])

    if (
        standing.user is not None
        and BreakGlass.objects.filter(
            user=standing.user, person_id=person_id, expires_at__gt=now
        ).exists()
    ):
        return Relationship(Basis.BREAK_GLASS)

    if handovers:
        return Relationship(Basis.HANDOVER_OFFER, organisation_id=handovers[0][1])
    return None


# --- the person's own relationship (the portal) -----------------------------------------------


@dataclass(frozen=True)
class PersonRelationship:
    """A portal viewer's relationship with a record: the person's own ("self"), or a proxy's
    (the person named them, for chosen parts, until a chosen date)."""

    basis: str  # "self" or "proxy"
    parts: frozenset
    grant_id: object | None = None

    def allows(self, part) -> bool:
        return part in self.parts


def current_proxy_grant_q(now) -> Q:
    """Proxy grants in force: not revoked, not yet ended."""
    return Q(revoked_at__isnull=True, started_at__lte=now, ends_at__gt=now)


def person_relationship(viewer, person) -> PersonRelationship | None:
    """The portal viewer's relationship with `person`, or None (deny by default).

    The person themselves sees every part of their own record (never team-restricted or
    withheld entries: sharing.person_visible_contact_q). A proxy sees only the parts the person
    chose, while the grant is in force, and only parts a proxy may ever hold (person.PROXY_PARTS).
    The grant is read afresh on every request, so a revocation stops the next one.
    """
    from livingwell.access.models import ProxyGrant
    from livingwell.access.person import PROXY_PARTS, Kind, Part

    if viewer is None or person is None or person.merged_into_id is not None:
        return None
    if str(person.pk) != viewer.person_id:
        return None
    if viewer.kind == Kind.SELF:
        return PersonRelationship("self", frozenset(Part))
    grant = (
        ProxyGrant.objects.filter(pk=viewer.grant_id or None, person_id=person.pk)
        .filter(current_proxy_grant_q(timezone.now()))
        .first()
        if viewer.grant_id
        else None
    )
    if grant is None:
        return None
    parts = frozenset(p for p in grant.parts if p in PROXY_PARTS)
    return PersonRelationship("proxy", frozenset(Part(p) for p in parts), grant_id=grant.pk)
