from functools import wraps
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from livingwell.access.policy import authenticated_only


def verified_only(view):
    """Signed in and past MFA, without any role: for managing one's own account."""

    @wraps(view)
    def inner(request, *args, **kwargs):
        if not request.user.is_verified():
            return redirect(
                f"{reverse('accounts:mfa')}?{urlencode({'next': request.get_full_path()})}"
            )
        return view(request, *args, **kwargs)

    inner.requires_mfa = True
    return authenticated_only(inner)
