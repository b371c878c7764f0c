from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "livingwell.operations"
    label = "operations"
    verbose_name = "Running the site"

    def ready(self):
        from livingwell.operations import metrics  # noqa: F401 (counts sign-in failures)
