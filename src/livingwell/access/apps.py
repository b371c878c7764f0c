from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _allow_test_purge(sender, using="default", **kwargs):
    """Only under LIVINGWELL_ENV=test: let the test runner empty audit tables between tests."""
    from django.conf import settings
    from django.db import connections

    if settings.ENVIRONMENT != "test":
        return
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM livingwell_audit_purge_switch")
        if cursor.fetchone()[0] == 0:
            cursor.execute(
                "INSERT INTO livingwell_audit_purge_switch (reason) VALUES ('test runner')"
            )


class AccessConfig(AppConfig):
    name = "livingwell.access"
    label = "access"

    def ready(self):
        post_migrate.connect(_allow_test_purge, sender=self)
