from django.urls import reverse

from livingwell.core.models import SiteConfig

STAFF_NAV = [
    ("hub:board", "Huddle board", "view_board"),
    ("intake:staff_new", "Make an introduction", "introduce"),
    ("directory:search", "Directory", "view_board"),
    ("insight:dashboard", "Insight", "view_insight"),
    ("access:privacy_workspace", "Privacy", "review_access"),
]


def site(request):
    config = SiteConfig.current()
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
                nav.append({"url": url, "label": label, "current": request.path.startswith(url)})
        context["staff_nav"] = nav
    return context
