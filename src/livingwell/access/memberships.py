"""Who a user is in the network: their current memberships, and the teams and organisations
these give them.

Everything that asks (roles in permissions.py, relationships in relationships.py, sharing in
sharing.py, the acting role in the audit) reads the same list, ``User.current_memberships``: one
ORM read per user object, so once per request. Ending a membership ends the access that came
with it at the next request.
"""

from __future__ import annotations


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
