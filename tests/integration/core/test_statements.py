"""core/statements.py: statements compiled once give the same values as the ORM."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from tests import factories

from livingwell.core import statements
from livingwell.intake.models import Introduction

pytestmark = pytest.mark.django_db

NAMES = ("pk", "reference", "urgent", "received_at", "first_conversation_at", "closed_at")


@pytest.mark.parametrize(
    "stored",
    [
        None,
        "2026-03-29 00:30:00",
        "2026-03-29 01:30:00.123456",
        "2026-10-25 01:15:00+00:00",
        datetime(2026, 6, 30, 23, 30),
        datetime(2026, 6, 30, 23, 30, tzinfo=UTC),
    ],
)
def test_sqlite_times_convert_as_djangos_converter(stored):
    ops = connection.ops
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's converter")
    assert statements._sqlite_datetime(stored, None, connection) == (
        ops.convert_datetimefield_value(stored, None, connection)
    )


def test_rows_of_a_compiled_statement_are_what_values_gives():
    for _ in range(3):
        factories.introduction()

    def build():
        return Introduction.objects.order_by("received_at", "pk").values(*NAMES)

    statement = statements.compiled(("test rows",), build, alias="default")
    [rows] = statements.run([statement], alias="default")
    assert statements.values(statement, rows) == list(build())
    assert all(isinstance(r["received_at"], datetime) for r in statements.values(statement, rows))


def test_a_stand_in_missing_from_the_statement_is_an_error():
    statement = statements.compiled(
        ("test stand-in",),
        lambda: Introduction.objects.filter(pk=statements.STAND_IN_ID).values("pk"),
        alias="default",
    )
    intro = factories.introduction()
    sql, params = statements.swapped(statement, {statements.STAND_IN_ID: intro.pk})
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        assert len(cursor.fetchall()) == 1
    with pytest.raises(AssertionError, match="stand-in"):
        statements.swapped(statement, {statements.STAND_IN_USER: intro.pk})


def test_statements_sent_together_are_logged_with_their_text(settings):
    from django.test.utils import CaptureQueriesContext

    factories.introduction()
    batch = [
        statements.compiled(
            ("test log", name),
            lambda name=name: Introduction.objects.order_by().values(name)[:1],
            alias="default",
        )
        for name in ("reference", "received_at")
    ]
    with CaptureQueriesContext(connection) as captured:
        rows = statements.run(batch, alias="default")
    assert [len(r) for r in rows] == [1, 1]
    sql = [q["sql"] for q in captured.captured_queries]
    assert len(sql) == 2
    assert '"reference"' in sql[0] and '"received_at"' in sql[1]
