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
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from livingwell.access.permissions import Permission, has_permission
from livingwell.core.public import public

__all__ = ["PUBLIC_URL_NAMES", "authenticated_only", "public", "staff"]

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


# Where each role starts after signing in, and where the site name in the header leads: the first
# page here the user's roles allow. Someone with none of these lands on their own account page,
# never on "You do not have access".
LANDING_PAGES = (
    (Permission.VIEW_BOARD, "hub:board"),  # Hub, key and peer workers; a partner's handovers
    (Permission.REVIEW_ACCESS, "access:privacy_workspace"),
    (Permission.VIEW_INSIGHT, "insight:dashboard"),
    (Permission.EDIT_OWN_DIRECTORY, "directory:my_listings"),
)


def landing_url(user) -> str:
    from django.urls import reverse

    for permission, url_name in LANDING_PAGES:
        if has_permission(user, permission):
            return reverse(url_name)
    return reverse("accounts:sessions")
