from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "livingwell.core"
    label = "core"

    def ready(self):
        from livingwell.core import (
            checks,  # noqa: F401  (registers the deploy checks)
            logs,  # noqa: F401  (the request id's signals)
        )
