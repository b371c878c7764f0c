"""Keep UserSession rows in step with Django's sign-in and sign-out, and audit lockouts."""

from __future__ import annotations

import logging

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from livingwell.accounts import actions
from livingwell.accounts.models import User

log = logging.getLogger("livingwell.accounts")


def known_username_detail(username: str | None) -> dict:
    """The username only when it names a real account: people sometimes type a password there."""
    if username and User.objects.filter(username=username).exists():
        return {"username": username}
    return {"username_known": False}


@receiver(user_logged_in, dispatch_uid="livingwell.accounts.session_started")
def session_started(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        actions.start_session(by=user, request=request)


@receiver(user_logged_out, dispatch_uid="livingwell.accounts.session_ended")
def session_ended(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        actions.forget_session(session_key=request.session.session_key)


@receiver(user_locked_out, dispatch_uid="livingwell.accounts.locked_out")
def locked_out(sender, request, username, ip_address, **kwargs):
    log.warning("Sign-in locked after repeated failures")
    actions.record_event(
        by=None,
        action="auth.lockout",
        refused=True,
        high=True,
        detail=known_username_detail(username),
    )
