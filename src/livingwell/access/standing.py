"""What every staff page reads before its own work: the user's current memberships (their
roles, teams and organisations) and the site's settings.

Both are read fresh on every request: ending a membership ends its access at once
(relationships.py), and a changed setting applies at the next page. They are read through
statements compiled once per process (core/statements.py), in one round trip on PostgreSQL, by
``load`` when a staff page's policy is checked (policy.staff). Compiling the two querysets cost
more than running them.
"""

from __future__ import annotations

from livingwell.core import statements


def _membership_statement():
    from livingwell.accounts.models import Membership

    def build():
        names = statements.value_names(Membership, ("team", "organisation"))
        return (
            Membership.objects.current(at=statements.STAND_IN_NOW)
            .filter(user_id=statements.STAND_IN_USER)
            .order_by("started_at", "pk")
            .values(*names)
        )

    return statements.compiled(("memberships",), build, alias=Membership.objects.db)


def _site_statement():
    from livingwell.core.models import SiteConfig

    return statements.compiled(
        ("site config",),
        lambda: SiteConfig.objects.filter(pk=1).values(*statements.value_names(SiteConfig)),
        alias=SiteConfig.objects.db,
    )


def _read(user, *, site: bool, now=None):
    """(memberships, site settings or None), in one round trip."""
    from django.utils import timezone

    from livingwell.accounts.models import Membership
    from livingwell.core.models import SiteConfig

    member_stmt = _membership_statement()
    site_stmt = _site_statement() if site else None
    swaps = {statements.STAND_IN_NOW: now or timezone.now(), statements.STAND_IN_USER: user.pk}
    batch = [statements.swapped(member_stmt, swaps), site_stmt]
    alias = member_stmt[2].using
    member_rows, site_rows = statements.run(batch, alias=alias)
    memberships = statements.instances(
        Membership,
        statements.values(member_stmt, member_rows),
        alias=alias,
        related=("team", "organisation"),
    )
    config = None
    if site:
        found = statements.instances(
            SiteConfig, statements.values(site_stmt, site_rows), alias=alias
        )
        config = found[0] if found else SiteConfig.current()  # first use: made with defaults
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
