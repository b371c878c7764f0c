from livingwell.core.models import SiteConfig


def site(request):
    """The site's name and area, from its settings (read once per request)."""
    config = SiteConfig.for_request(request)
    return {"site_name": config.name, "site_area": config.area_name, "demo_mode": False}
