from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "livingwell.backups"
    label = "backups"
