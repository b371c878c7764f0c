from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "livingwell.insight"
    label = "insight"
