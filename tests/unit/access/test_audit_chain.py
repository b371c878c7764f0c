"""The audit trail is append-only and tamper-evident."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from livingwell.access import audit
from livingwell.access.models import AuditChainHead, AuditEvent, AuditImmutableError

pytestmark = pytest.mark.django_db


def three_events(personas):
    return [
        audit.record(by=personas.hub_worker, action="read", category="record", detail={"n": i})
        for i in range(3)
    ]


def test_events_chain_to_each_other(personas):
    a, b, c = three_events(personas)
    assert b.prev_hash == a.hash and c.prev_hash == b.hash
    assert a.acting_role == "hub_worker" and a.organisation_name == "Demo NHS Foundation Trust"
    assert audit.verify_chain().ok


def test_orm_cannot_update_or_delete(personas):
    event = three_events(personas)[0]
    event.action = "something else"
    with pytest.raises(AuditImmutableError):
        event.save()
    with pytest.raises(AuditImmutableError):
        event.delete()
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AuditImmutableError):
        AuditEvent.objects.all().delete()


def _switch_off():
    # The test settings allow the runner to empty tables between tests; prove the triggers with
    # that allowance removed (inside this test's transaction, rolled back afterwards).
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM livingwell_audit_purge_switch")


def test_database_refuses_sql_update_and_delete(personas):
    event = three_events(personas)[0]
    _switch_off()
    table = AuditEvent._meta.db_table
    for sql in [
        f"UPDATE {table} SET action = 'x' WHERE id = %s",
        f"DELETE FROM {table} WHERE id = %s",
    ]:
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "read"


def test_verify_reports_the_first_tampered_row(personas):
    a, b, c = three_events(personas)
    with connection.cursor() as cursor:
        # Tamper behind the application's back (the purge switch is on in tests).
        cursor.execute(
            f"UPDATE {AuditEvent._meta.db_table} SET purpose = 'nosy' WHERE id = %s", [b.pk]
        )
    result = audit.verify_chain()
    assert not result.ok and result.first_broken_id == b.pk and result.checked == 1
    with pytest.raises(CommandError, match=f"BROKEN at event {b.pk}"):
        call_command("audit", "verify")


def test_verify_reports_removed_newest_events(personas):
    a, b, c = three_events(personas)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [c.pk])
    result = audit.verify_chain()
    assert not result.ok and "removed" in result.problem


def test_verify_command_passes_on_an_intact_chain(personas, capsys):
    three_events(personas)
    call_command("audit", "verify")
    assert "intact" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_events_appended_at_once_from_many_connections_form_one_chain(personas):
    """Writers on their own connections at the same moment: each event links to the one before
    it (on PostgreSQL the server links and hashes them under the head's lock), none is lost."""
    import threading

    from django.db import connections

    errors, per_writer, writers = [], 5, 4

    def write(n):
        try:
            for i in range(per_writer):
                audit.record(by=None, action="auth.failed", detail={"writer": n, "i": i})
        except Exception as exc:  # reported below: a thread's exception would be lost
            errors.append(exc)
        finally:
            connections.close_all()

    before = AuditEvent.objects.count()
    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEvent.objects.count() == before + per_writer * writers
    events = list(AuditEvent.objects.order_by("id"))
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))
    assert audit.verify_chain().ok


def test_first_event_creates_the_chain_head(personas):
    AuditChainHead.objects.all().delete()
    first = audit.record(by=personas.hub_worker, action="read", category="record")
    second = audit.record(by=personas.hub_worker, action="read", category="record")
    assert first.prev_hash == audit.GENESIS and second.prev_hash == first.hash
    assert AuditChainHead.objects.get().last_hash == second.hash
    assert first.hash == first.compute_hash() and second.hash == second.compute_hash()
    stored = AuditEvent.objects.get(pk=second.pk)
    assert (stored.prev_hash, stored.hash) == (second.prev_hash, second.hash)
