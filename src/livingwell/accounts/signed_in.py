"""Rows read ahead for the signed-in user, handed to Django's and django-otp's own checks.

On its own, a request learns who is signed in in three steps, each a round trip: Django's auth
backend reads the user, django-otp's middleware the MFA device, and SessionSecurityMiddleware
the session's row. A staff page then reads the user's roles and the site's settings: a fourth.
``access.standing.read_ahead`` reads all of them at once and *holds* the user and device rows
here while ``request.user`` is worked out. The backend and the OTP middleware below take a held
row, but only the very row they were about to read (the same user key; the same device id), and
then run their usual checks on it: the session's hash, an active account, the device's owner and
confirmation. Nothing is held beyond that moment: the rows are read again at every request.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.contrib.auth import backends
from django_otp import middleware as otp_middleware


@dataclass(frozen=True)
class Held:
    user_id: object  # the key the session names (as Django reads it from the session)
    user: object | None  # that user's row, or None when there is no such user
    device_id: str | None = None  # the MFA device's persistent id as the session holds it
    device: object | None = None  # that device, or None when it is not one of the user's


_HELD: ContextVar[Held | None] = ContextVar("livingwell_signed_in_held", default=None)


@contextmanager
def holding(held: Held):
    token = _HELD.set(held)
    try:
        yield
    finally:
        _HELD.reset(token)


class ModelBackend(backends.ModelBackend):
    """Django's ModelBackend, taking the held user row when it is the one asked for."""

    def get_user(self, user_id):
        held = _HELD.get()
        if held is None or held.user_id != user_id:
            return super().get_user(user_id)
        user = held.user
        return user if user is not None and self.user_can_authenticate(user) else None


class OTPMiddleware(otp_middleware.OTPMiddleware):
    """django-otp's middleware, taking the held device when the session names that device."""

    def _device_from_persistent_id(self, persistent_id: str):
        held = _HELD.get()
        if held is None or held.device_id is None or held.device_id != persistent_id:
            return super()._device_from_persistent_id(persistent_id)
        return held.device
