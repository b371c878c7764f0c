"""The staff menu: the pages the signed-in user's roles let them open."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from livingwell.access.permissions import Permission, role_permissions
from livingwell.access.policy import landing_url

STAFF_NAV = [
    ("hub:board", _("Huddle board"), Permission.VIEW_BOARD),
    ("intake:staff_new", _("Make an introduction"), Permission.INTRODUCE),
    ("directory:search", _("Directory"), Permission.VIEW_BOARD),
    ("directory:my_listings", _("Your listings"), Permission.EDIT_OWN_DIRECTORY),
    ("insight:dashboard", _("Insight"), Permission.VIEW_INSIGHT),
    ("improvement:portfolio", _("Improvement"), Permission.LEAD_IMPROVEMENT),
    ("coproduction:activities", _("Co-production"), Permission.LEAD_COPRODUCTION),
    ("stories:collections", _("Stories"), Permission.VIEW_STORIES),
    ("simulation:scenarios", _("What if"), Permission.RUN_SIMULATION),
    ("access:privacy_workspace", _("Privacy"), Permission.REVIEW_ACCESS),
    ("operations:background_tasks", _("Background work"), Permission.VIEW_BACKGROUND_TASKS),
]


def staff_nav(request) -> dict:
    """``staff_nav``: the menu items the signed-in user may open, the current one marked;
    ``home_url``: where the site name leads them (their landing page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    perms = role_permissions(user)
    nav = []
    for name, label, perm in STAFF_NAV:
        if perm not in perms:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:  # a URLconf without that page (some tests use their own)
            continue
        nav.append({"url": url, "label": str(label)})  # in the request's language
    # The current item is the longest matching address ("Your listings" lives under
    # "Directory"), so only one item is ever marked current.
    matching = [item["url"] for item in nav if request.path.startswith(item["url"])]
    current = max(matching, key=len, default=None)
    for item in nav:
        item["current"] = item["url"] == current
    return {
        "staff_nav": nav,
        "home_url": landing_url(user),
        # What a "no such page or record" page offers to do next.
        "can_find": Permission.VIEW_BOARD in perms,
        "can_break_glass": Permission.BREAK_GLASS in perms,
    }
