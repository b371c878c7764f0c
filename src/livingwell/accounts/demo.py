"""Demo personas: the shared password and an authenticator, so that the demo can be tried.

Only the seed command and `demo_logins` use this module. In demo mode (never in production: a
deploy check refuses it) the MFA step shows a demo persona's current code on the page.
"""

from __future__ import annotations

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

# Long, easy to type and not on the common-password list; known to anyone reading this file,
# which is fine: only seeded demo personas have it, and demo mode is refused in production.
DEMO_PASSWORD = "kettle lantern meadow ferry"


def ensure_demo_mfa(user) -> TOTPDevice:
    """A confirmed authenticator for a demo persona, so that sign-in goes straight to the code."""
    if not user.is_demo_persona:
        raise ValueError("Only demo personas get a demo authenticator.")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Demo authenticator", confirmed=True)
    return device


def current_code(device: TOTPDevice) -> str | None:
    """A code the device will accept now, or None when none will be until the next time step.

    A code is refused once its time step has been used (django-otp keeps the last one, `last_t`,
    against replay), so a persona signing in twice within one step needs the next step's code,
    which the device accepts within its tolerance, as an authenticator app a little ahead would.
    """
    for ahead in range(device.tolerance + 1):
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift + ahead)
        if totp.t() > device.last_t:
            return f"{totp.token():0{device.digits}d}"
    return None
