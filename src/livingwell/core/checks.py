from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def demo_mode_off(app_configs, **kwargs):
    if settings.DEMO_MODE:
        return [
            Error(
                "Demo mode is on: it shows MFA codes for demo accounts.",
                hint="Unset LIVINGWELL_DEMO_MODE in production.",
                id="livingwell.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def public_address_https(app_configs, **kwargs):
    """Links in texts and e-mails go to the site's public address: it must be set and secure."""
    url = getattr(settings, "LIVINGWELL_PUBLIC_URL", "")
    if not url.startswith("https://"):
        return [
            Error(
                f"LIVINGWELL_PUBLIC_URL is {url!r}: links sent to people need the site's public "
                "https address.",
                hint="Set LIVINGWELL_PUBLIC_URL=https://your-site.example.org",
                id="livingwell.E002",
            )
        ]
    return []
