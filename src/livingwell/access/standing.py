"""What every staff page reads before its own work: the user's current memberships (their
roles, teams and organisations) and the site's settings.

Both are read fresh on every request: ending a membership ends its access at once
(relationships.py), and a changed setting applies at the next page. They are read through
statements compiled once per process (core/statements.py), in one round trip on PostgreSQL, by
``load`` when a staff page's policy is checked (policy.staff). Compiling the two querysets cost
more than running them.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from django.db import connections

from livingwell.core import statements

# Compiled with these stand-ins for the user and the moment, swapped for the real ones at each run.
_USER_STAND_IN = uuid.UUID("00000000-0000-4000-8000-000000000000")
_NOW_STAND_IN = datetime(1901, 1, 1, tzinfo=UTC)


def _fields(model, prefix: str = "") -> list[tuple[str, str]]:
    """(values() name, attribute name) of each stored field of ``model``."""
    return [(prefix + f.attname, f.attname) for f in model._meta.concrete_fields]


def _membership_statement():
    from livingwell.accounts.models import Membership, Organisation, Team

    def build():
        names = [n for n, _a in _fields(Membership) + _fields(Team, "team__")]
        names += [n for n, _a in _fields(Organisation, "organisation__")]
        return (
            Membership.objects.current(at=_NOW_STAND_IN)
            .filter(user_id=_USER_STAND_IN)
            .order_by("started_at", "pk")
            .values(*names)
        )

    return statements.compiled(("memberships",), build, alias=Membership.objects.db)


def _site_statement():
    from livingwell.core.models import SiteConfig

    return statements.compiled(
        ("site config",),
        lambda: SiteConfig.objects.filter(pk=1).values(*[n for n, _a in _fields(SiteConfig)]),
        alias=SiteConfig.objects.db,
    )


def _membership_params(statement, user, now) -> tuple:
    """The statement's parameters with the real user and moment for the stand-ins."""
    ops = connections[statement[2].using].ops
    swaps = {
        ops.adapt_datetimefield_value(_NOW_STAND_IN): ops.adapt_datetimefield_value(now),
        _adapted_uuid(ops, _USER_STAND_IN): _adapted_uuid(ops, user.pk),
    }
    found = tuple(swaps.get(p, p) for p in statement[1])
    if found == statement[1]:  # the statement always names both
        raise AssertionError("memberships statement without its stand-ins")
    return found


def _adapted_uuid(ops, value):
    """A UUID as the backend stores it (SQLite: 32 hex digits; PostgreSQL: the UUID)."""
    return value.hex if ops.connection.vendor == "sqlite" else value


def _memberships_from(rows) -> list:
    from livingwell.accounts.models import Membership, Organisation, Team

    alias = Membership.objects.db
    own, team = _fields(Membership), _fields(Team, "team__")
    org = _fields(Organisation, "organisation__")
    found = []
    for row in rows:
        membership = Membership.from_db(alias, [a for _n, a in own], [row[n] for n, _a in own])
        if membership.team_id is not None:
            membership.team = Team.from_db(alias, [a for _n, a in team], [row[n] for n, _a in team])
        membership.organisation = Organisation.from_db(
            alias, [a for _n, a in org], [row[n] for n, _a in org]
        )
        found.append(membership)
    return found


def _site_from(rows):
    from livingwell.core.models import SiteConfig

    if not rows:
        return SiteConfig.current()  # first use: made with its defaults
    attnames = [a for _n, a in _fields(SiteConfig)]
    return SiteConfig.from_db(SiteConfig.objects.db, attnames, [rows[0][a] for a in attnames])


def _read(user, *, site: bool, now=None):
    """(memberships, site settings or None), in one round trip."""
    from django.utils import timezone

    now = now or timezone.now()
    member_stmt = _membership_statement()
    site_stmt = _site_statement() if site else None
    batch = [(member_stmt[0], _membership_params(member_stmt, user, now)), site_stmt]
    member_rows, site_rows = statements.run(batch, alias=member_stmt[2].using)
    memberships = _memberships_from(statements.values(member_stmt, member_rows))
    config = _site_from(statements.values(site_stmt, site_rows)) if site else None
    return memberships, config


def memberships(user) -> list:
    """The user's current memberships, each with its team and organisation."""
    return _read(user, site=False)[0]


def load(request) -> None:
    """Read the signed-in user's memberships and the site's settings for this request, together,
    unless they have been read already."""
    user = request.user
    wants_site = getattr(request, "_lw_site_config", None) is None
    if getattr(user, "_lw_memberships", None) is not None:
        return
    found, config = _read(user, site=wants_site)
    user._lw_memberships = found
    if wants_site:
        request._lw_site_config = config
