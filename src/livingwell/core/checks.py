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
