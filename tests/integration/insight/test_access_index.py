"""The access count's covering index exists and its query reads it (SQLite plan)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.insight_support import PERIOD

from livingwell.insight import metrics

pytestmark = pytest.mark.django_db

INDEX = "insight_contact_access_idx"


def test_the_covering_index_exists_on_contacts():
    # Declared on hub.Contact (hub migration 0006), so a rebuild of the table keeps it.
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, "hub_contact")
    assert INDEX in indexes
    assert indexes[INDEX]["columns"] == ["outcome", "mode", "at", "introduction_id"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite query plan")
def test_access_count_reads_the_covering_index_only():
    with CaptureQueriesContext(connection) as ctx:
        assert metrics.Dataset(PERIOD).access_count == 0
    (query,) = ctx.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + query["sql"].replace("%", "%%"))
        plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
    assert f"COVERING INDEX {INDEX}" in plan
