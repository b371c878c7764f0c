"""Error pages that never echo the request (no person data in error pages)."""

from django.shortcuts import render


def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


def forbidden(request, exception=None):
    return render(request, "errors/403.html", status=403)


def not_found(request, exception=None):
    """The same page for "no such record" and "no relationship" (so neither can be told from the
    other), with what a member of staff can do next."""
    from livingwell.access.permissions import Permission, has_permission

    user = getattr(request, "user", None)
    context = {
        "can_find": has_permission(user, Permission.VIEW_BOARD),
        "can_break_glass": has_permission(user, Permission.BREAK_GLASS),
    }
    return render(request, "errors/404.html", context, status=404)


def server_error(request):
    return render(request, "errors/500.html", status=500)
