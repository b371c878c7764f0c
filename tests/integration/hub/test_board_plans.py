"""How the databases run the board's heaviest statements: the totals of open introductions from
one index alone, the measures due read and counted along their own partial indexes (each row's
introduction looked up by its key, no sort), and no just-in-time compilation on PostgreSQL.

SQLite's plans do not depend on the data (no statistics are gathered), so a plan checked here on
a handful of rows is the plan at 100,000 people."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests import factories
from tests.outcomes_support import in_support

from livingwell.hub import queries

pytestmark = pytest.mark.django_db

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite query plan")


def _board_statements(user) -> list[str]:
    factories.introduction()
    factories.introduction(urgent=True)
    in_support(user, days_ago=40)  # baseline measures overdue
    with CaptureQueriesContext(connection) as captured:
        queries.huddle_board(user)
    return [query["sql"] for query in captured.captured_queries]


def _plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql.replace("%", "%%"))
        return " | ".join(str(row[-1]) for row in cursor.fetchall())


def _one(statements: list[str], *parts: str) -> str:
    (found,) = [sql for sql in statements if all(part in sql for part in parts)]
    return found


@sqlite_only
def test_the_totals_of_open_introductions_read_one_index_alone(personas):
    statements = _board_statements(personas.hub_worker)
    plan = _plan(_one(statements, '"urgent_total"'))
    assert "COVERING INDEX intro_board_totals" in plan, plan


@sqlite_only
def test_measures_due_are_read_in_order_along_their_index_without_sorting(personas):
    statements = _board_statements(personas.hub_worker)
    plan = _plan(_one(statements, 'SELECT "outcomes_measuredue"."id"'))
    assert plan.startswith("SCAN outcomes_measuredue USING INDEX measure_due_open_order"), plan
    assert "TEMP B-TREE" not in plan, plan


@sqlite_only
def test_measures_due_are_counted_along_the_due_dates_of_open_work(personas):
    statements = _board_statements(personas.hub_worker)
    plan = _plan(_one(statements, 'COUNT(*) AS "__count" FROM "outcomes_measuredue"'))
    assert "USING INDEX measure_due_open_count (due_on<?)" in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
def test_postgresql_does_not_compile_statements_just_in_time(db):
    # PostgreSQL compiled the board's handover totals on every load (its statistics made them
    # look costly), which took longer than running them.
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


@sqlite_only
@pytest.mark.parametrize("urgent", [0, 1])
def test_waiting_introductions_are_read_in_order_along_their_index(personas, urgent):
    statements = _board_statements(personas.hub_worker)
    read = _one(
        statements,
        'SELECT "intake_introduction"."id"',
        f'"intake_introduction"."urgent" = {urgent}',
    )
    plan = _plan(read)
    assert "USING INDEX intro_waiting (state=? AND urgent=?)" in plan, plan
    assert "TEMP B-TREE" not in plan, plan
