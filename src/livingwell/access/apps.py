from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "livingwell.access"
    label = "access"
