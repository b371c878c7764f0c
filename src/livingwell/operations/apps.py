from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "livingwell.operations"
    label = "operations"
    verbose_name = "Running the site"
