"""Error pages that never echo the request (no person data in error pages)."""

import sys

from django.db import DatabaseError, OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

# How long a client is asked to wait after a 503. SQLite has already waited its busy timeout
# (settings.py) for the write lock; a directory import holds it for one short batch at a time.
RETRY_AFTER_SECONDS = 10


def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


def forbidden(request, exception=None):
    return render(request, "errors/403.html", status=403)


def not_found(request, exception=None):
    """The same page for "no such record" and "no relationship", so neither can be told from the
    other; staff see what they can do next (from the staff menu's context)."""
    return render(request, "errors/404.html", status=404)


def server_error(request):
    # Django calls this while handling the uncaught exception, so it is the one in flight.
    if isinstance(sys.exc_info()[1], OperationalError):
        return service_busy(request)
    return render(request, "errors/500.html", status=500)


def service_busy(request):
    """The database could not do it just now (locked, timed out, unreachable): a 503 asking to
    try again shortly, never a 500. The exception is still logged as an error by Django."""
    try:
        response = render(request, "errors/503.html", status=503)
    except DatabaseError:  # the page's own reads failed too: say it without the site's chrome
        response = HttpResponse(
            _(
                "The service is busy. Wait a few seconds and try again. If you or someone else "
                "is in danger call 999. For urgent mental health help call NHS 111 and choose "
                "option 2. Samaritans: 116 123, free, day or night."
            ),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
