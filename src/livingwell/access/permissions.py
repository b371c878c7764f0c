"""Authorisation as data: permissions, the roles that hold them, and one entry point.

`has_permission(user, permission, person=...)` is the only question views and actions ask. A role
grants a permission in general; for anything about a person the user also needs a legitimate
relationship with that person (see relationships.py), on a basis that allows that permission
(PERMISSION_BASES). A handover step also names the side that may take it (HANDOVER_STEPS): the
offering side, the receiving side, the Hub.

Views ask through the access helpers (helpers.check_person, check_handover_step), which refuse
with an audited 404; actions that hand out or move access or ownership ask again through
`require` and `require_handover_step`, so the rule holds whoever calls them.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext as _

from livingwell.access.memberships import current_memberships
from livingwell.access.relationships import FULL_RECORD, LASTING, Basis
from livingwell.accounts.models import Role
from livingwell.core.refusals import Refused


class NotPermitted(Refused):
    """An action this user may not take for this person or this handover, with a message."""


class Permission(StrEnum):
    VIEW_BOARD = "view_board"
    INTRODUCE = "introduce"  # make an introduction on someone's behalf (staff form)
    VIEW_RECORD = "view_record"
    RECORD_CONVERSATION = "record_conversation"
    ALLOCATE = "allocate"
    EDIT_PLAN = "edit_plan"
    RECORD_CONTACT = "record_contact"
    OFFER_HANDOVER = "offer_handover"
    RESPOND_HANDOVER = "respond_handover"
    CHANGE_TIER = "change_tier"
    CLOSE = "close"
    REOPEN = "reopen"
    RESOLVE_MATCHES = "resolve_matches"
    BREAK_GLASS = "break_glass"
    VIEW_ACCESS_LOG = "view_access_log"
    REVIEW_ACCESS = "review_access"
    CONFIGURE_SITE = "configure_site"
    EDIT_OWN_DIRECTORY = "edit_own_directory"
    EDIT_ALL_DIRECTORY = "edit_all_directory"
    VIEW_INSIGHT = "view_insight"
    REFRESH_INSIGHT = "refresh_insight"  # recalculate the stored dashboard figures now
    RECORD_SHARING = "record_sharing"  # record the person's sharing choices
    SAFEGUARDING_OVERRIDE = "safeguarding_override"  # set aside an objection for safeguarding
    TAKE_OWNERSHIP = "take_ownership"  # hold an introduction for the Hub
    LEAD_IMPROVEMENT = "lead_improvement"  # start and run improvement projects (PDSA cycles)
    LEAD_LEARNING_RESPONSE = "lead_learning_response"  # raise and lead learning responses
    LEAD_COPRODUCTION = "lead_coproduction"  # record involvement, decisions and payments
    VIEW_BACKGROUND_TASKS = "view_background_tasks"  # the queued, running and failed tasks
    COLLECT_STORIES = "collect_stories"  # record a story with someone, send them a story link
    VIEW_STORIES = "view_stories"  # pattern pages; stories with consent for network learning
    RUN_STORY_PANELS = "run_story_panels"  # collections, selection panels, public text checks
    RUN_SIMULATION = "run_simulation"  # write what-if scenarios and run them (no person data)


P = Permission

_CARE = {
    P.VIEW_BOARD,
    P.INTRODUCE,
    P.VIEW_RECORD,
    P.RECORD_CONVERSATION,
    P.EDIT_PLAN,
    P.RECORD_CONTACT,
    P.OFFER_HANDOVER,
    P.CHANGE_TIER,
    P.CLOSE,
    P.BREAK_GLASS,
    P.VIEW_ACCESS_LOG,
    P.VIEW_INSIGHT,
    P.RECORD_SHARING,
    P.SAFEGUARDING_OVERRIDE,
    P.TAKE_OWNERSHIP,  # on the Hub's relationship only (PERMISSION_BASES)
    P.LEAD_IMPROVEMENT,
    P.LEAD_LEARNING_RESPONSE,
    P.COLLECT_STORIES,
    P.VIEW_STORIES,
}

ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    Role.HUB_WORKER: frozenset(_CARE | {P.ALLOCATE, P.REOPEN, P.RESOLVE_MATCHES}),
    Role.KEY_WORKER: frozenset(_CARE | {P.RESPOND_HANDOVER}),
    Role.PEER_WORKER: frozenset(_CARE | {P.RESPOND_HANDOVER}),
    Role.PARTNER_WORKER: frozenset(
        {
            P.VIEW_BOARD,
            P.INTRODUCE,
            P.VIEW_RECORD,
            P.RECORD_CONTACT,
            P.EDIT_PLAN,
            P.RESPOND_HANDOVER,
            P.OFFER_HANDOVER,
            P.BREAK_GLASS,
            P.EDIT_OWN_DIRECTORY,
            P.VIEW_ACCESS_LOG,
            P.RECORD_SHARING,
            P.SAFEGUARDING_OVERRIDE,
            # Any partner tests changes and raises learning responses, council and VCS included.
            P.LEAD_IMPROVEMENT,
            P.LEAD_LEARNING_RESPONSE,
            P.COLLECT_STORIES,
            P.VIEW_STORIES,
        }
    ),
    Role.TEAM_LEAD: frozenset(
        _CARE
        | {P.ALLOCATE, P.REOPEN, P.RESOLVE_MATCHES, P.RESPOND_HANDOVER}
        # Team leads convene the story panels with the lived-experience collaborative.
        | {P.RUN_STORY_PANELS}
    ),
    Role.PRIVACY_OFFICER: frozenset({P.REVIEW_ACCESS, P.VIEW_ACCESS_LOG}),
    # Editing all listings includes editing "own" ones: the directory pages check ownership.
    Role.SITE_ADMIN: frozenset(
        {
            P.CONFIGURE_SITE,
            P.EDIT_ALL_DIRECTORY,
            P.EDIT_OWN_DIRECTORY,
            P.VIEW_INSIGHT,
            P.REFRESH_INSIGHT,
            P.LEAD_IMPROVEMENT,
            P.VIEW_BACKGROUND_TASKS,  # they run the site: they see whether its work gets done
            P.VIEW_STORIES,
            P.RUN_STORY_PANELS,
            P.RUN_SIMULATION,
        }
    ),
    # Analysts support improvement teams with their measures; they lead no learning response.
    Role.ANALYST: frozenset(
        {P.VIEW_INSIGHT, P.REFRESH_INSIGHT, P.LEAD_IMPROVEMENT, P.VIEW_STORIES, P.RUN_SIMULATION}
    ),
    # The co-production lead keeps the involvement record: activities, the people involved (their
    # own records, never care records), decisions and payments. No permission about a person in
    # care: the role opens no one's record.
    Role.COPRODUCTION_LEAD: frozenset({P.LEAD_COPRODUCTION}),
}

B = Basis
# On which relationships each permission about a person may be used (who may take each action).
# The role grants the permission in general; the basis of the user's relationship with the person
# must be in its set. Each set holds every basis stronger than its weakest one (Basis is listed
# strongest first; a test holds this), so the strongest relationship a user has answers for all.
#
# - LASTING (the Hub, the key worker, the key worker's team) is the only ground for actions that
#   hand out access or change the person's care: sharing choices, allocation, handovers, tier,
#   the first conversation, closure. A relationship that passes (break-glass, an offer, a
#   partner's handover that will end) or the person's choice to share cannot be turned into
#   lasting access for the worker or their organisation (ADR 0006).
# - A partner with an accepted handover works with the person: contacts, the plan, and a
#   safeguarding override (time-limited, reviewed).
# - Break-glass reads the record and records what happened in the emergency (a contact); it does
#   not set aside the person's objections: ask the care team or the Hub to.
# - An offer waiting for a reply sees only the summary it needs to decide (the views ask for the
#   full record otherwise, helpers.check_person(full=True)).
IN_CARE = LASTING | {B.PARTNER_HANDOVER}
PERMISSION_BASES: dict[Permission, frozenset[Basis]] = {
    P.VIEW_RECORD: frozenset(Basis),
    P.VIEW_ACCESS_LOG: frozenset(FULL_RECORD),
    P.RECORD_CONTACT: frozenset(FULL_RECORD),
    P.EDIT_PLAN: IN_CARE,
    P.SAFEGUARDING_OVERRIDE: IN_CARE,
    P.RECORD_CONVERSATION: LASTING,
    P.ALLOCATE: LASTING,
    P.OFFER_HANDOVER: LASTING,
    P.CHANGE_TIER: LASTING,
    P.CLOSE: LASTING,
    P.RECORD_SHARING: LASTING,
    P.REOPEN: frozenset({B.HUB}),  # the Hub holds the door open
    P.TAKE_OWNERSHIP: frozenset({B.HUB}),
    # Deciding whether two records are one person is the Hub's, on either record: a merge moves
    # introductions, and with them every relationship, from one person to the other.
    P.RESOLVE_MATCHES: frozenset({B.HUB}),
}

# Permissions that are about one person and so need a legitimate relationship as well.
PERSON_SCOPED = frozenset(PERMISSION_BASES)


class Side(StrEnum):
    """Who a user is to a handover."""

    OFFERING = "offering"  # may offer handovers for the person (OFFER_HANDOVER above)
    RECEIVING = "receiving"  # works for the organisation it is offered to (RESPOND_HANDOVER)
    HUB = "hub"  # the Hub, while it holds the person's door open


# Who may take each step of a handover (hub.actions.HANDOVER_TRANSITIONS says which steps follow
# which). The receiving organisation answers and runs it; the side that offered it withdraws it
# and, after a decline, carries on another way; the Hub, which keeps the loop closed, may also
# record that support started or ended.
HANDOVER_STEPS: dict[str, frozenset[Side]] = {
    "offered": frozenset({Side.OFFERING}),
    "accepted": frozenset({Side.RECEIVING}),
    "declined": frozenset({Side.RECEIVING}),
    "started": frozenset({Side.RECEIVING, Side.HUB}),
    "completed": frozenset({Side.RECEIVING, Side.HUB}),
    "withdrawn": frozenset({Side.OFFERING}),
    "acknowledged": frozenset({Side.OFFERING}),
}


def role_permissions(user) -> frozenset[Permission]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    perms: set[Permission] = set()
    for membership in current_memberships(user):  # the same per-request read as relationships
        perms |= ROLE_PERMISSIONS.get(membership.role, frozenset())
    return frozenset(perms)


def allows(user, permission: Permission, rel) -> bool:
    """May `user` use `permission` on the relationship `rel` they hold with a person?"""
    if permission not in role_permissions(user) or rel is None:
        return False
    return rel.basis in PERMISSION_BASES.get(permission, frozenset(Basis))


def has_permission(user, permission: Permission, person=None) -> bool:
    """The one entry point: may `user` do `permission` (to `person`, when given)?"""
    if permission not in role_permissions(user):
        return False
    if person is None:
        # A general question ("may this user record contacts at all?"); the person-scoped
        # check happens when the person is known.
        return True
    from livingwell.access.relationships import relationship

    return allows(user, permission, relationship(user, person))


def require(user, permission: Permission, person):
    """The relationship that lets `user` do `permission` to `person`, or NotPermitted."""
    from livingwell.access.relationships import relationship

    rel = relationship(user, person)
    if not allows(user, permission, rel):
        raise NotPermitted(_("You cannot do this for this person."))
    return rel


def require_any(user, permission: Permission, people):
    """The first relationship with one of `people` that lets `user` do `permission`, or
    NotPermitted (two records that may be one person: see PERMISSION_BASES)."""
    from livingwell.access.relationships import relationship

    for person in people:
        rel = relationship(user, person)
        if allows(user, permission, rel):
            return rel
    raise NotPermitted(_("You cannot do this for this person."))


def handover_sides(user, handover, rel) -> frozenset[Side]:
    """The sides `user` is on for `handover`, given their relationship `rel` with its person."""
    if rel is None:
        return frozenset()
    from livingwell.access.relationships import user_organisation_ids

    sides = set()
    if rel.basis == B.HUB:
        sides.add(Side.HUB)
    if allows(user, P.OFFER_HANDOVER, rel):
        sides.add(Side.OFFERING)
    if P.RESPOND_HANDOVER in role_permissions(user) and (
        handover.to_organisation_id in user_organisation_ids(user)
    ):
        sides.add(Side.RECEIVING)
    return frozenset(sides)


def may_take_handover_step(user, handover, step: str, rel) -> bool:
    """Deny by default: a step the table does not name is taken by nobody."""
    return bool(handover_sides(user, handover, rel) & HANDOVER_STEPS.get(step, frozenset()))


def require_handover_step(user, handover, step: str) -> None:
    """NotPermitted unless `user` is on a side that may take `step` for `handover`."""
    from livingwell.access.relationships import relationship

    rel = relationship(user, handover.introduction.person)
    if not may_take_handover_step(user, handover, step, rel):
        raise NotPermitted(_("You cannot take this step for this handover."))
