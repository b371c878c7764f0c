"""Sign-in, MFA and session changes. Each writes its audit event in the same transaction.

Authentication events carry no person_id: they are about staff, not about people in care.
"""

from __future__ import annotations

import uuid
from base64 import b32encode
from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from livingwell.access import audit
from livingwell.access.models import AuditEvent
from livingwell.accounts.models import UserSession
from livingwell.core.client_address import client_address

CATEGORY = "authentication"
RECOVERY_CODE_COUNT = 10


class AccountError(ValueError):
    """A request about one's own account that cannot be carried out; the message says why."""


class InvalidCode(AccountError):
    pass


def record_event(*, by, action: str, refused: bool = False, high: bool = False, detail=None):
    """An authentication event (sign-in, failure, lockout, sign-out...) in the audit trail."""
    return audit.record(
        by=by,
        action=action,
        category=CATEGORY,
        purpose="authentication",
        outcome=AuditEvent.Outcome.REFUSED if refused else AuditEvent.Outcome.ALLOWED,
        severity=AuditEvent.Severity.HIGH if high else AuditEvent.Severity.NORMAL,
        detail=detail or {},
    )


@transaction.atomic
def start_session(*, by, request) -> UserSession:
    """Remember a new signed-in session so that its owner can see and end it."""
    key = request.session.session_key
    if not key:
        request.session.save()
        key = request.session.session_key
    now = timezone.now()
    row, _created = UserSession.objects.update_or_create(
        session_key=key,
        defaults={
            "user": by,
            "created_at": now,
            "last_seen_at": now,
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200],
            "ip_address": client_address(request),
        },
    )
    return row


@transaction.atomic
def rotate_session_key(*, by, request) -> None:
    """Give the session a new key (after MFA), keeping its UserSession row attached."""
    old = request.session.session_key
    request.session.cycle_key()
    UserSession.objects.filter(session_key=old, user=by).update(
        session_key=request.session.session_key
    )


def _delete_server_session(session_key: str) -> None:
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore().delete(session_key)


@transaction.atomic
def end_session(*, by, public_id, current_session_key: str, reason: str = "ended_by_user") -> None:
    """End one of `by`'s other sessions: it is signed out at its next request."""
    try:
        public_id = uuid.UUID(str(public_id))
    except ValueError:
        raise AccountError(_("That session has already ended.")) from None
    row = UserSession.objects.filter(user=by, public_id=public_id).first()
    if row is None:
        raise AccountError(_("That session has already ended."))
    if row.session_key == current_session_key:
        raise AccountError(_("To end the session you are using now, sign out."))
    _delete_server_session(row.session_key)
    row.delete()
    record_event(
        by=by, action="auth.session_ended", detail={"session": str(public_id), "reason": reason}
    )


@transaction.atomic
def end_other_sessions(*, by, current_session_key: str) -> int:
    rows = list(UserSession.objects.filter(user=by).exclude(session_key=current_session_key))
    for row in rows:
        _delete_server_session(row.session_key)
        row.delete()
        record_event(
            by=by,
            action="auth.session_ended",
            detail={"session": str(row.public_id), "reason": "ended_by_user"},
        )
    return len(rows)


@transaction.atomic
def forget_session(*, session_key: str) -> None:
    """The session has ended (sign-out, timeout): drop its row. Audited by the caller."""
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


# The unconfirmed authenticator a session is setting up, named in that session only: its secret
# is shown to that session and to no other, so that someone who has the password alone and opens
# the code step first cannot read a secret the real user then confirms.
ENROLMENT_SESSION_KEY = "livingwell_totp_enrolment"


def _enrolling_device(user, session) -> TOTPDevice | None:
    device_id = session.get(ENROLMENT_SESSION_KEY)
    if not isinstance(device_id, int):
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=False, pk=device_id).first()


@transaction.atomic
def start_totp_enrolment(*, by, session) -> TOTPDevice:
    """The unconfirmed authenticator this session is setting up: the same one on every reload of
    the page, and a new one, with a new secret, for any other session."""
    if TOTPDevice.objects.filter(user=by, confirmed=True).exists():
        raise AccountError(_("You already have an authenticator app set up."))
    device = _enrolling_device(by, session)
    if device is None:
        device = TOTPDevice.objects.create(user=by, name="Authenticator app", confirmed=False)
        session[ENROLMENT_SESSION_KEY] = device.pk
    return device


def secret_for_manual_entry(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, as authenticator apps ask for it."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def confirm_totp_enrolment(*, by, session, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm this session's new authenticator with a code from it; returns it and new recovery
    codes. Every other authenticator of the user (those other sessions were setting up) goes.

    The check runs outside the transaction so that a wrong code leaves its throttling count and
    its audit event behind; the confirmation itself is atomic.
    """
    device = _enrolling_device(by, session)
    if device is None:
        raise AccountError(_("Start setting up your authenticator app again."))
    if not device.verify_token(normalise_code(code)):
        record_event(by=by, action="auth.mfa_enrol_failed", refused=True)
        raise InvalidCode(_("That code is not right. Check your authenticator app and try again."))
    with transaction.atomic():
        # One confirmation at a time per user: the first wins, and a second session cannot add
        # its own authenticator beside it.
        get_user_model().objects.select_for_update().only("pk").get(pk=by.pk)
        if (
            TOTPDevice.objects.filter(user=by, confirmed=True).exists()
            or not TOTPDevice.objects.filter(pk=device.pk, confirmed=False).exists()
        ):
            raise AccountError(
                _(
                    "An authenticator app has already been set up for your account. If it was not "
                    "you, tell a site administrator at once."
                )
            )
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=by).exclude(pk=device.pk).delete()
        codes = _new_recovery_codes(by)
        record_event(by=by, action="auth.mfa_enrolled", detail={"recovery_codes": len(codes)})
    session.pop(ENROLMENT_SESSION_KEY, None)
    return device, codes


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = []
    while len(codes) < RECOVERY_CODE_COUNT:
        token = StaticToken.random_token()
        if token not in codes:
            codes.append(token)
    StaticToken.objects.bulk_create([StaticToken(device=device, token=t) for t in codes])
    return codes


def normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def verify_code(*, by, code: str):
    """The confirmed device that accepts `code` (a TOTP code or an unused recovery code), or None.

    A recovery code is deleted when used, so it works once only. Not atomic on purpose: a
    failed attempt must leave its throttling count behind.
    """
    token = normalise_code(code)
    if not token:
        return None
    if token.isdigit() and len(token) == 6:
        devices = TOTPDevice.objects.filter(user=by, confirmed=True)
    else:
        devices = StaticDevice.objects.filter(user=by, confirmed=True)
    for device in devices:
        if device.verify_token(token):
            return device
    return None


def remaining_recovery_codes(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def format_recovery_code(code: str) -> str:
    return f"{code[:4]} {code[4:]}"
