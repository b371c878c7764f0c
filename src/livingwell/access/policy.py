"""Every view declares its access policy; a meta-test checks that none is missing.

- `public`: no login (the front door, urgent help, the public directory, the ORUK API). The names
  of all public URL patterns are listed once, in PUBLIC_URL_NAMES, and the meta-test holds the
  decorators and the list to each other. (The mark itself is defined in core/public.py, below
  every app, so that core's own public pages can carry it.)
- `staff(permission)`: a signed-in member of staff who has passed MFA and holds the permission.
  Person-scoped views then load the person through `access.helpers`, which checks the legitimate
  relationship and records the read.
- `authenticated_only`: a signed-in user part-way through sign-in (MFA steps) or managing their
  own account.
- `bearer_token(setting)`: a machine calling back (GOV.UK Notify's delivery receipts) with the
  shared secret the site set in `setting`, in an `Authorization: Bearer` header.
- `monitoring_only`: the site's monitoring (Prometheus), from the addresses in
  `LIVINGWELL_MONITORING_ADDRESSES`; anyone else finds nothing there (404).
- `person_portal`: the person, or a proxy they named, signed in to the portal (access/person.py).
  A staff session is refused (403): staff never act as a person. Pages then load the person
  through `access.helpers.open_own_record`, which checks the person's own relationship or the
  proxy's grant and records the read.
"""

from __future__ import annotations

import hmac
import ipaddress
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect

from livingwell.access.permissions import Permission, has_permission
from livingwell.core.public import public

__all__ = [
    "PUBLIC_URL_NAMES",
    "authenticated_only",
    "bearer_token",
    "monitoring_only",
    "person_portal",
    "public",
    "staff",
]

PUBLIC_URL_NAMES = frozenset(
    {
        "core:home",
        "core:urgent_help",
        "core:accessibility",
        "core:privacy",
        "intake:start",
        "intake:self",
        "intake:family",
        "intake:done",
        "accounts:login",
        "directory:public_search",
        "directory:public_service",
        "oruk-api",  # the whole ORUK API namespace (django-ninja), public and read-only
        # The FHIR API: no session sign-in, its own OAuth 2.0 bearer-token check on every
        # operation but metadata (fhir/api.py, held by tests/integration/fhir; ADR 0018).
        "fhir-api",
        "fhir:token",
        "fhir:smart_configuration",
        "outcomes:respond",
        "outcomes:respond_done",
        "coproduction:you_said_we_did",
        "operations:health",  # up or down only; the detail is for the site's monitoring
        "stories:tell",
        "stories:tell_done",
        "stories:impact",
        "portal:sign_in",
        "portal:code",
        "portal:signed_out",
        "portal:nhs_login",
        "portal:nhs_login_callback",
    }
)


def authenticated_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    wrapper.access_policy = "authenticated"
    return wrapper


def person_portal(view):
    """The person or their proxy, signed in to the portal, not idle for longer than staff may be
    (settings.IDLE_TIMEOUT_MINUTES). Sets `request.portal_viewer`."""
    import time

    from django.conf import settings

    from livingwell.access.person import LAST_ACTIVITY, viewer_from_session

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            raise PermissionDenied
        viewer = viewer_from_session(request.session)
        if viewer is None:
            return redirect("portal:sign_in")
        now = time.time()
        last = request.session.get(LAST_ACTIVITY)
        if last is None or now - float(last) > settings.IDLE_TIMEOUT_MINUTES * 60:
            request.session.flush()
            return redirect("portal:signed_out")
        if now - float(last) >= 60:  # as the staff middleware: at most one write a minute
            request.session[LAST_ACTIVITY] = int(now)
        request.portal_viewer = viewer
        return view(request, *args, **kwargs)

    wrapper.access_policy = "person"
    return wrapper


def staff(permission: Permission):
    """Signed in, MFA passed, holding `permission` through a current role."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user.is_verified():
                return redirect("accounts:mfa")
            if not has_permission(user, permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.access_policy = f"staff:{permission}"
        wrapper.permission = permission
        return wrapper

    return decorator


def bearer_token(setting: str):
    """A machine caller presenting the secret in ``settings.<setting>``; with none set, the
    address does not exist (404). A wrong or missing token is a 401 with a JSON reason."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            expected = getattr(settings, setting, "")
            if not expected:
                raise Http404
            scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(
                token.strip().encode(), expected.encode()
            ):
                response = JsonResponse({"error": "A valid bearer token is required."}, status=401)
                response["WWW-Authenticate"] = "Bearer"
                return response
            return view(request, *args, **kwargs)

        wrapper.access_policy = f"token:{setting}"
        return wrapper

    return decorator


def from_monitoring(request) -> bool:
    """Does ``request`` come from one of the site's monitoring addresses (a setting)?"""
    from livingwell.core.client_address import client_address

    address = client_address(request)
    if address is None:
        return False
    ip = ipaddress.ip_address(address)
    return any(ip in network for network in settings.LIVINGWELL_MONITORING_NETWORKS)


def monitoring_only(view):
    """The site's monitoring only (``LIVINGWELL_MONITORING_ADDRESSES``); others get a 404."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not from_monitoring(request):
            raise Http404
        return view(request, *args, **kwargs)

    wrapper.access_policy = "monitoring"
    return wrapper


# Where each role starts after signing in, and where the site name in the header leads: the first
# page here the user's roles allow. Someone with none of these lands on their own account page,
# never on "You do not have access".
LANDING_PAGES = (
    (Permission.VIEW_BOARD, "hub:board"),  # Hub, key and peer workers; a partner's handovers
    (Permission.REVIEW_ACCESS, "access:privacy_workspace"),
    (Permission.VIEW_INSIGHT, "insight:dashboard"),
    (Permission.EDIT_OWN_DIRECTORY, "directory:my_listings"),
    (Permission.LEAD_COPRODUCTION, "coproduction:activities"),
)


def landing_url(user) -> str:
    from django.urls import reverse

    for permission, url_name in LANDING_PAGES:
        if has_permission(user, permission):
            return reverse(url_name)
    return reverse("accounts:sessions")
