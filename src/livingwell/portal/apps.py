from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "livingwell.portal"
    label = "portal"
    verbose_name = "The person's portal"
    default_auto_field = "django.db.models.BigAutoField"
