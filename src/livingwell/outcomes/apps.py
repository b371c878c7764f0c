from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "livingwell.outcomes"
    label = "outcomes"
