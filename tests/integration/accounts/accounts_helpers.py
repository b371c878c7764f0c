"""Helpers for the sign-in tests: a browser-like client and the codes an authenticator shows."""

from __future__ import annotations

from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from tests.factories import PASSWORD

from livingwell.access.models import AuditEvent

LOGIN = "/account/sign-in/"
MFA = "/account/verify/"
LOGOUT = "/account/sign-out/"
SESSIONS = "/account/sessions/"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def browser(user_agent: str = FIREFOX) -> Client:
    return Client(HTTP_USER_AGENT=user_agent, enforce_csrf_checks=False)


def code_for(device: TOTPDevice, *, offset_steps: int = 0) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset_steps * device.step
    return f"{totp.token():0{device.digits}d}"


def sign_in_password(client: Client, user, password: str = PASSWORD, **extra):
    return client.post(LOGIN, {"username": user.username, "password": password, **extra})


def sign_in_fully(client: Client, user):
    """The whole journey: password, then the current code from the user's authenticator.

    A code is accepted once only, so for a second sign-in within the same 30 seconds the device
    is first told to forget the step it last accepted (as if the next step had begun).
    """
    response = sign_in_password(client, user)
    assert response.status_code == 302, response.content[:500]
    TOTPDevice.objects.filter(user=user, confirmed=True).update(last_t=-1)
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    response = client.post(MFA, {"code": code_for(device)})
    assert response.status_code == 302, response.content[:2000]
    return response


def events(action: str):
    return AuditEvent.objects.filter(action=action).order_by("id")
