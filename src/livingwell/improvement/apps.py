from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "livingwell.improvement"
    label = "improvement"
