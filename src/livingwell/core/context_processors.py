from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from livingwell.core.models import SiteConfig

STAFF_NAV = [
    ("hub:board", _("Huddle board"), "view_board"),
    ("intake:staff_new", _("Make an introduction"), "introduce"),
    ("directory:search", _("Directory"), "view_board"),
    ("directory:my_listings", _("Your listings"), "edit_own_directory"),
    ("insight:dashboard", _("Insight"), "view_insight"),
    ("improvement:portfolio", _("Improvement"), "lead_improvement"),
    ("access:privacy_workspace", _("Privacy"), "review_access"),
]


def _nav_urls() -> list[tuple]:
    """STAFF_NAV with each page's address (None for an app whose pages are not built yet)."""
    found = []
    for name, label, perm in STAFF_NAV:
        try:
            url = reverse(name)
        except NoReverseMatch:
            url = None
        found.append((url, label, perm))
    return found


def site(request):
    config = SiteConfig.for_request(request)
    context = {"site_name": config.name, "site_area": config.area_name, "demo_mode": False}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from livingwell.access.permissions import role_permissions

        perms = role_permissions(user)
        nav = [
            {"url": url, "label": str(label)}  # in the request's language
            for url, label, perm in _nav_urls()
            if perm in perms and url is not None
        ]
        # The current item is the longest matching address ("Your listings" lives under
        # "Directory"), so only one item is ever marked current.
        matching = [item["url"] for item in nav if request.path.startswith(item["url"])]
        current = max(matching, key=len, default=None)
        for item in nav:
            item["current"] = item["url"] == current
        context["staff_nav"] = nav
        from livingwell.access.policy import landing_url

        context["home_url"] = landing_url(user)
    return context
