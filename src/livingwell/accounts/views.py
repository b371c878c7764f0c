"""Staff sign-in: password, then an authenticator code (with enrolment and recovery codes),
sign-out, and the page where people see and end their other sessions."""

from __future__ import annotations

from urllib.parse import urlencode

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.utils import reset as reset_failed_attempts
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from livingwell.access.policy import authenticated_only, landing_url, public
from livingwell.accounts import actions, demo, useragents
from livingwell.accounts.decorators import verified_only
from livingwell.accounts.forms import CodeForm, RecoveryCodeForm, SignInForm
from livingwell.accounts.middleware import SIGNED_OUT_REASON
from livingwell.accounts.models import UserSession
from livingwell.accounts.signals import known_username_detail

FEW_RECOVERY_CODES = 3


def _safe_next(request, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _after_sign_in(request, next_url: str) -> str:
    return next_url or landing_url(request.user)


def _mfa_url(next_url: str) -> str:
    url = reverse("accounts:mfa")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _signed_out_message(reason: str) -> str:
    if reason == "idle":
        minutes = settings.IDLE_TIMEOUT_MINUTES
        return ngettext(
            "You were signed out after %(n)d minute without activity.",
            "You were signed out after %(n)d minutes without activity.",
            minutes,
        ) % {"n": minutes}
    if reason == "ended":
        return _("This session was ended from another device. Sign in again to continue.")
    return _("You have been signed out.")


@public
@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request):
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.user.is_authenticated:
        if request.user.is_verified():
            return redirect(_after_sign_in(request, next_url))
        return redirect(_mfa_url(next_url))
    reason = request.session.pop(SIGNED_OUT_REASON, None)
    if reason:
        messages.info(request, _signed_out_message(reason))

    if request.method == "POST":
        form = SignInForm(request, data=request.POST)
        if form.is_valid():
            user = form.get_user()
            login(request, user)  # rotates the session key
            actions.record_event(by=user, action="auth.login", detail={"stage": "password"})
            return redirect(_mfa_url(next_url))
        detail = known_username_detail(request.POST.get("username", "").strip())
        detail["locked"] = bool(getattr(request, "axes_locked_out", False))
        actions.record_event(by=None, action="auth.login_failed", refused=True, detail=detail)
    else:
        form = SignInForm(request)
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


def locked_out(request, original_response=None, credentials=None):
    """django-axes calls this for a locked account (AXES_LOCKOUT_CALLABLE): end any half
    sign-in and say for how long sign-in is paused, without saying whether the account exists."""
    if request.user.is_authenticated:
        actions.forget_session(session_key=request.session.session_key)
        logout(request)
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "accounts/locked_out.html",
        {"lockout_minutes": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


def _credentials(user) -> dict:
    return {"username": user.get_username()}


def _code_failed(request, user, method: str) -> None:
    """A wrong MFA code counts towards the same lockout as a wrong password."""
    actions.record_event(by=user, action="auth.mfa_failed", refused=True, detail={"method": method})
    user_login_failed.send(sender=__name__, credentials=_credentials(user), request=request)


def _complete_mfa(request, device, method: str) -> None:
    user = request.user
    otp_login(request, device)
    actions.rotate_session_key(by=user, request=request)
    reset_failed_attempts(username=user.get_username())
    detail = {"method": method}
    if method == "recovery_code":
        left = actions.remaining_recovery_codes(user)
        detail["recovery_codes_left"] = left
        if left <= FEW_RECOVERY_CODES:
            messages.warning(
                request,
                ngettext(
                    "You have %(n)d recovery code left. If you lose your authenticator app, "
                    "ask a site administrator to reset it.",
                    "You have %(n)d recovery codes left. If you lose your authenticator app, "
                    "ask a site administrator to reset it.",
                    left,
                )
                % {"n": left},
            )
    actions.record_event(by=user, action="auth.mfa", detail=detail)


def _qr_code(uri: str) -> dict:
    """The QR code as an image the page shows with its alternative text (segno's data URI).

    The content security policy allows ``data:`` images; nothing is fetched from elsewhere.
    """
    code = segno.make(uri, error="m")
    size = code.symbol_size(scale=5)[0]
    return {"src": code.svg_data_uri(scale=5, dark="#000", light="#fff"), "size": size}


@authenticated_only
@never_cache
@require_http_methods(["GET", "POST"])
def mfa(request):
    user = request.user
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if user.is_verified():
        return redirect(_after_sign_in(request, next_url))
    if not AxesProxyHandler.is_allowed(request, _credentials(user)):
        actions.record_event(
            by=user, action="auth.lockout", refused=True, high=True, detail={"stage": "mfa"}
        )
        return locked_out(request)
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return _enrol(request, next_url)

    form = CodeForm()
    recovery_form = RecoveryCodeForm()
    if request.method == "POST":
        if "recovery_code" in request.POST:
            recovery_form = RecoveryCodeForm(request.POST)
            bound, field, method = recovery_form, "recovery_code", "recovery_code"
        else:
            form = CodeForm(request.POST)
            bound, field, method = form, "code", "totp"
        if bound.is_valid():
            device = actions.verify_code(by=user, code=bound.cleaned_data[field])
            if device is not None:
                _complete_mfa(
                    request, device, "recovery_code" if isinstance(device, StaticDevice) else "totp"
                )
                return redirect(_after_sign_in(request, next_url))
            if method == "totp":
                message = _("That code is not right. Check your authenticator app and try again.")
            else:
                message = _("That recovery code is not right, or it has been used already.")
            bound.add_error(field, message)
            _code_failed(request, user, method)
            if getattr(request, "axes_locked_out", False):
                return locked_out(request)

    context = {
        "form": form,
        "recovery_form": recovery_form,
        "next": next_url,
        "error_form": recovery_form if recovery_form.errors else form,
        "open_recovery": bool(recovery_form.errors),
    }
    if settings.DEMO_MODE and user.is_demo_persona:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()
        context["demo_persona"] = True
        context["demo_code"] = demo.current_code(device)
    return render(request, "accounts/mfa.html", context)


def _enrol(request, next_url: str):
    user = request.user
    try:
        device = actions.start_totp_enrolment(by=user, session=request.session)
    except actions.AccountError as error:  # another session has just finished setting one up
        messages.warning(request, str(error))
        return redirect(_mfa_url(next_url))
    form = CodeForm()
    if request.method == "POST":
        form = CodeForm(request.POST)
        if form.is_valid():
            try:
                device, codes = actions.confirm_totp_enrolment(
                    by=user, session=request.session, code=form.cleaned_data["code"]
                )
            except actions.InvalidCode as error:
                form.add_error("code", str(error))
                _code_failed(request, user, "enrolment")
                if getattr(request, "axes_locked_out", False):
                    return locked_out(request)
            except actions.AccountError as error:
                messages.warning(request, str(error))
                return redirect(_mfa_url(next_url))
            else:
                _complete_mfa(request, device, "totp")
                return render(
                    request,
                    "accounts/recovery_codes.html",
                    {
                        "codes": [actions.format_recovery_code(c) for c in codes],
                        "continue_url": _after_sign_in(request, next_url),
                    },
                )
    return render(
        request,
        "accounts/enrol.html",
        {
            "form": form,
            "next": next_url,
            "qr_code": _qr_code(device.config_url),
            "secret": actions.secret_for_manual_entry(device),
        },
    )


@authenticated_only
@require_POST
def sign_out(request):
    user = request.user
    actions.record_event(by=user, action="auth.logout")
    actions.forget_session(session_key=request.session.session_key)
    logout(request)  # flushes the session: it is deleted on the server, not just forgotten
    messages.info(request, _("You have signed out."))
    return redirect(resolve_url(settings.LOGOUT_REDIRECT_URL))


@verified_only
@never_cache
@require_http_methods(["GET", "POST"])
def sessions(request):
    user = request.user
    current_key = request.session.session_key
    if request.method == "POST":
        try:
            if request.POST.get("action") == "end_others":
                count = actions.end_other_sessions(by=user, current_session_key=current_key)
                messages.info(
                    request,
                    ngettext("Ended %(n)d other session.", "Ended %(n)d other sessions.", count)
                    % {"n": count},
                )
            else:
                actions.end_session(
                    by=user,
                    public_id=request.POST.get("session", ""),
                    current_session_key=current_key,
                )
                messages.info(
                    request, _("Session ended. That device is signed out at its next request.")
                )
        except (actions.AccountError, ValueError) as error:
            messages.warning(request, str(error))
        return redirect("accounts:sessions")

    rows = [
        {
            "public_id": row.public_id,
            "created_at": row.created_at,
            "last_seen_at": row.last_seen_at,
            "device": useragents.describe(row.user_agent),
            "current": row.session_key == current_key,
        }
        for row in UserSession.objects.filter(user=user).order_by("-last_seen_at")
    ]
    rows.sort(key=lambda r: not r["current"])  # this device first
    return render(
        request,
        "accounts/sessions.html",
        {
            "rows": rows,
            "others": sum(1 for r in rows if not r["current"]),
            "recovery_codes_left": actions.remaining_recovery_codes(user),
        },
    )
