from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "livingwell.intake"
    label = "intake"
