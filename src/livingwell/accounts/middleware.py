"""Session security on every request: idle timeout, ended sessions and disabled accounts.

Django already expires idle sessions (SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST); this
enforces the timeout again from a timestamp kept in the session, and signs out at its next request
a session that was ended from another device or whose user has been made inactive.
"""

from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, resolve_url
from django.utils import timezone

from livingwell.accounts import actions
from livingwell.accounts.models import User, UserSession

LAST_ACTIVITY = "accounts_last_activity"
SIGNED_OUT_REASON = "accounts_signed_out"
LAST_SEEN_GRANULARITY = timedelta(minutes=1)


class SessionSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.check(request)
        if response is not None:
            return response
        return self.get_response(request)

    def check(self, request):
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is None or user is None:
            return None
        if not user.is_authenticated:
            if SESSION_KEY in session:
                # Signed in, but the account can no longer be loaded: made inactive or removed.
                gone = User.objects.filter(pk=session[SESSION_KEY]).first()
                actions.record_event(
                    by=gone, action="auth.session_ended", detail={"reason": "account_inactive"}
                )
                return self.sign_out(request, "inactive")
            return None

        if not user.is_active:
            actions.record_event(
                by=user, action="auth.session_ended", detail={"reason": "account_inactive"}
            )
            return self.sign_out(request, "inactive")

        now = time.time()
        last = session.get(LAST_ACTIVITY)
        idle_limit = settings.IDLE_TIMEOUT_MINUTES * 60
        if last is not None and now - float(last) > idle_limit:
            actions.record_event(by=user, action="auth.session_ended", detail={"reason": "idle"})
            return self.sign_out(request, "idle")

        row = (
            UserSession.objects.filter(session_key=session.session_key, user=user)
            .values_list("last_seen_at", flat=True)
            .first()
        )
        if row is None:
            # Ended from another device (already audited there), or never recorded.
            return self.sign_out(request, "ended")
        stamp = timezone.now()
        if stamp - row > LAST_SEEN_GRANULARITY:
            UserSession.objects.filter(session_key=session.session_key).update(last_seen_at=stamp)
        session[LAST_ACTIVITY] = int(now)
        return None

    def sign_out(self, request, reason: str):
        if request.session.session_key:
            actions.forget_session(session_key=request.session.session_key)
        logout(request)
        request.session[SIGNED_OUT_REASON] = reason
        if request.method == "GET":
            return redirect_to_login(request.get_full_path())
        return redirect(resolve_url(settings.LOGIN_URL))
