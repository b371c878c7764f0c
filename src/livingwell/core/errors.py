"""Error pages that never echo the request (no person data in error pages)."""

from django.shortcuts import render


def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


def forbidden(request, exception=None):
    return render(request, "errors/403.html", status=403)


def not_found(request, exception=None):
    """The same page for "no such record" and "no relationship", so neither can be told from the
    other; staff see what they can do next (from the staff menu's context)."""
    return render(request, "errors/404.html", status=404)


def server_error(request):
    return render(request, "errors/500.html", status=500)
