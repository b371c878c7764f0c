"""What every staff page reads before its own work: the user's current memberships (their
roles, teams and organisations) and the site's settings.

Both are read fresh on every request: ending a membership ends its access at once
(relationships.py), and a changed setting applies at the next page. They are read through
statements compiled once per process (core/statements.py), in one round trip on PostgreSQL, by
``load`` when a staff page's policy is checked (policy.staff). Compiling the two querysets cost
more than running them.

For a staff page, ``read_ahead`` also reads who is signed in (the user, their MFA device and their
session's row) in that same round trip, before the usual checks look at them
(accounts/signed_in.py). Other pages learn who is signed in the usual way, one read at a time.
"""

from __future__ import annotations

from django.utils.functional import empty as _EMPTY

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

    member_stmt = _membership_statement()
    site_stmt = _site_statement() if site else None
    swaps = {statements.STAND_IN_NOW: now or timezone.now(), statements.STAND_IN_USER: user.pk}
    batch = [statements.swapped(member_stmt, swaps), site_stmt]
    alias = member_stmt[2].using
    member_rows, site_rows = statements.run(batch, alias=alias)
    return _standing(member_stmt, member_rows, site_stmt, site_rows, alias=alias)


def _standing(member_stmt, member_rows, site_stmt, site_rows, *, alias):
    """(memberships, site settings or None: not read) from their statements' rows."""
    from livingwell.accounts.models import Membership
    from livingwell.core.models import SiteConfig

    memberships = statements.instances(
        Membership,
        statements.values(member_stmt, member_rows),
        alias=alias,
        related=("team", "organisation"),
    )
    config = None
    if site_stmt is not None:
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


# --- who is signed in, read ahead for a staff page ------------------------------------------


def _user_statement():
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    return statements.compiled(
        ("signed-in user",),
        lambda: user_model._default_manager.filter(pk=statements.STAND_IN_USER).values(
            *statements.value_names(user_model)
        ),
        alias=user_model._default_manager.db,
    )


def _device_statement(model):
    return statements.compiled(
        ("mfa devices", model._meta.label),
        lambda: (
            model.objects.filter(user_id=statements.STAND_IN_USER)
            .order_by("pk")
            .values(*statements.value_names(model))
        ),
        alias=model.objects.db,
    )


def _session_row_statement():
    from livingwell.accounts.models import UserSession

    return statements.compiled(
        ("session row",),
        lambda: UserSession.objects.filter(
            session_key=statements.STAND_IN_TEXT, user_id=statements.STAND_IN_USER
        ).values("last_seen_at"),
        alias=UserSession.objects.db,
    )


def _device_named(persistent_id):
    """(device model, key) that a session's persistent device id names, if it is one of the
    site's kinds of MFA device; otherwise (None, None) and the device is read the usual way."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from livingwell.accounts.signed_in import OTPMiddleware

    if not isinstance(persistent_id, str):
        return None, None
    label, _slash, key = OTPMiddleware._normalize_persistent_id(persistent_id).rpartition("/")
    model = {m._meta.label_lower: m for m in (TOTPDevice, StaticDevice)}.get(label)
    if model is None or not key.isdigit():
        return None, None
    return model, int(key)


def read_ahead(request) -> None:
    """For a staff page, before anything asks who is signed in: read the session's user, their
    MFA device, the session's row, their memberships and the site's settings in one round trip,
    then let Django and django-otp work out ``request.user`` from the rows read (with all their
    usual checks). The memberships and settings are kept for the page (as ``load`` keeps them)
    and the session's row for SessionSecurityMiddleware, only if the user worked out is the one
    read. Does nothing when no one is signed in or ``request.user`` is already known."""
    from django.contrib.auth import SESSION_KEY, get_user_model
    from django.core.exceptions import ValidationError
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY

    from livingwell.accounts.signed_in import Held, holding

    session = getattr(request, "session", None)
    lazy = getattr(request, "user", None)
    if session is None or lazy is None or getattr(lazy, "_wrapped", None) is not _EMPTY:
        return
    if SESSION_KEY not in session or not session.session_key:
        return
    user_model = get_user_model()
    try:
        user_id = user_model._meta.pk.to_python(session[SESSION_KEY])
    except ValidationError:
        return  # left to Django
    device_id = session.get(DEVICE_ID_SESSION_KEY)
    device_model, device_key = _device_named(device_id)

    user_stmt = _user_statement()
    device_stmt = _device_statement(device_model) if device_model is not None else None
    row_stmt = _session_row_statement()
    member_stmt = _membership_statement()
    site_stmt = _site_statement()
    now = timezone.now()
    key = session.session_key
    batch = [
        statements.swapped(user_stmt, {statements.STAND_IN_USER: user_id}),
        device_stmt and statements.swapped(device_stmt, {statements.STAND_IN_USER: user_id}),
        statements.swapped(
            row_stmt, {statements.STAND_IN_TEXT: key, statements.STAND_IN_USER: user_id}
        ),
        statements.swapped(
            member_stmt, {statements.STAND_IN_NOW: now, statements.STAND_IN_USER: user_id}
        ),
        site_stmt,
    ]
    alias = user_stmt[2].using
    user_rows, device_rows, session_rows, member_rows, site_rows = statements.run(
        batch, alias=alias
    )
    users = statements.instances(user_model, statements.values(user_stmt, user_rows), alias=alias)
    device = None
    if device_stmt is not None:
        devices = statements.instances(
            device_model, statements.values(device_stmt, device_rows), alias=alias
        )
        device = next((d for d in devices if d.pk == device_key), None)
    held = Held(
        user_id=user_id,
        user=users[0] if users else None,
        device_id=device_id if device_stmt is not None else None,  # else read the usual way
        device=device,
    )
    with holding(held):
        signed_in = lazy.is_authenticated  # works out request.user, MFA device and all
    if not signed_in or lazy.pk != user_id:
        return
    lazy._lw_memberships, request._lw_site_config = _standing(
        member_stmt, member_rows, site_stmt, site_rows, alias=alias
    )
    seen = statements.values(row_stmt, session_rows)
    request._lw_session_row = (key, seen[0]["last_seen_at"] if seen else None)
