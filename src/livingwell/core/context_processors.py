from django.urls import reverse

from livingwell.core.models import SiteConfig

STAFF_NAV = [
    ("hub:board", "Huddle board", "view_board"),
    ("intake:staff_new", "Make an introduction", "introduce"),
    ("directory:search", "Directory", "view_board"),
    ("directory:my_listings", "Your listings", "edit_own_directory"),
    ("insight:dashboard", "Insight", "view_insight"),
    ("access:privacy_workspace", "Privacy", "review_access"),
]


def site(request):
    config = SiteConfig.for_request(request)
    context = {"site_name": config.name, "site_area": config.area_name, "demo_mode": False}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from livingwell.access.permissions import role_permissions

        perms = role_permissions(user)
        nav = []
        for name, label, perm in STAFF_NAV:
            if perm in perms:
                try:
                    url = reverse(name)
                except Exception:  # an app whose pages are not built yet
                    continue
                nav.append({"url": url, "label": label})
        # The current item is the longest matching address ("Your listings" lives under
        # "Directory"), so only one item is ever marked current.
        matching = [item["url"] for item in nav if request.path.startswith(item["url"])]
        current = max(matching, key=len, default=None)
        for item in nav:
            item["current"] = item["url"] == current
        context["staff_nav"] = nav
    return context
