"""The table of the database cache (settings.CACHES), so that a fresh `migrate` (make run, make
test, CI, a new site) has it without a separate `createcachetable` step.

The rate limits count in the cache every worker shares; see settings.py. A site that configures
another shared cache (e.g. Redis) gets no table. One that switches to the database cache later
runs `livingwell createcachetable` (it does nothing for a table that exists).
"""

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import BaseDatabaseCache
from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_tables(apps, schema_editor):
    for alias, config in settings.CACHES.items():
        if isinstance(caches[alias], BaseDatabaseCache):
            table = schema_editor.quote_name(config["LOCATION"])
            schema_editor.execute(f"DROP TABLE IF EXISTS {table}")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_siteconfig_insight_refresh_minutes"),
    ]

    operations = [migrations.RunPython(create_cache_tables, drop_cache_tables)]
