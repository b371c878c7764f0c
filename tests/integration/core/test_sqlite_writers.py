"""SQLite with many writers at once (ADR 0021, the soak's goal: no "database is locked" shown to
anyone at 20 concurrent writers). WAL lets readers go on beside a writer; a busy timeout makes a
writer wait its turn; and transactions that begin IMMEDIATE take the write lock at the start,
since a transaction that read first and only then asked to write cannot wait: SQLite fails it at
once with "database is locked", whatever the timeout."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction

from livingwell.access import audit
from livingwell.access.models import AuditEvent

WRITERS = 20


@pytest.fixture
def sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's own locking")


@pytest.mark.django_db
def test_the_connection_runs_in_wal_with_a_busy_timeout(sqlite_only):
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 20_000
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@pytest.mark.django_db(transaction=True)
def test_twenty_writers_that_read_first_all_succeed(personas):
    """Each writer reads the chain head, lingers, then appends: the pattern that fails with
    "database is locked" on SQLite when transactions begin DEFERRED."""
    errors: list[Exception] = []
    start = threading.Barrier(WRITERS)

    def write(n: int) -> None:
        try:
            start.wait()
            with transaction.atomic():
                AuditEvent.objects.count()  # a read first
                time.sleep(0.01)  # so that the others have read too
                audit.record(by=None, action="auth.failed", detail={"writer": n})
        except Exception as exc:  # reported below: a thread's exception would be lost
            errors.append(exc)
        finally:
            connections.close_all()

    before = AuditEvent.objects.count()
    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEvent.objects.count() == before + WRITERS
    assert audit.verify_chain().ok
