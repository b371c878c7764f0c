from django.apps import AppConfig


class HubConfig(AppConfig):
    name = "livingwell.hub"
    label = "hub"
