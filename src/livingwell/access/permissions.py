"""Authorisation as data: permissions, the roles that hold them, and one entry point.

`has_permission(user, permission, person=...)` is the only question views and actions ask. A role
grants a permission in general; for anything about a person the user also needs a legitimate
relationship with that person (see relationships.py).
"""

from __future__ import annotations

from enum import StrEnum

from livingwell.accounts.models import Role


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
    LEAD_IMPROVEMENT = "lead_improvement"  # start and run improvement projects (PDSA cycles)
    LEAD_LEARNING_RESPONSE = "lead_learning_response"  # raise and lead learning responses


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
    P.LEAD_IMPROVEMENT,
    P.LEAD_LEARNING_RESPONSE,
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
        }
    ),
    Role.TEAM_LEAD: frozenset(
        _CARE | {P.ALLOCATE, P.REOPEN, P.RESOLVE_MATCHES, P.RESPOND_HANDOVER}
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
        }
    ),
    # Analysts support improvement teams with their measures; they lead no learning response.
    Role.ANALYST: frozenset({P.VIEW_INSIGHT, P.REFRESH_INSIGHT, P.LEAD_IMPROVEMENT}),
}

# Permissions that are about one person and so need a legitimate relationship as well.
PERSON_SCOPED = frozenset(
    {
        P.VIEW_RECORD,
        P.RECORD_CONVERSATION,
        P.ALLOCATE,
        P.EDIT_PLAN,
        P.RECORD_CONTACT,
        P.OFFER_HANDOVER,
        P.CHANGE_TIER,
        P.CLOSE,
        P.REOPEN,
        P.VIEW_ACCESS_LOG,
        P.RECORD_SHARING,
        P.SAFEGUARDING_OVERRIDE,
    }
)


def role_permissions(user) -> frozenset[Permission]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_lw_permissions", None)
    if cached is not None:
        return cached
    from livingwell.access.relationships import _memberships

    perms: set[Permission] = set()
    for membership in _memberships(user):  # the same per-request read as relationships
        perms |= ROLE_PERMISSIONS.get(membership.role, frozenset())
    result = frozenset(perms)
    user._lw_permissions = result
    return result


def has_permission(user, permission: Permission, person=None) -> bool:
    """The one entry point: may `user` do `permission` (to `person`, when given)?"""
    if permission not in role_permissions(user):
        return False
    if person is None:
        # A general question ("may this user record contacts at all?"); the person-scoped
        # check happens when the person is known.
        return True
    from livingwell.access.relationships import relationship

    return relationship(user, person) is not None
