"""Writing and verifying the audit trail.

Every event is appended inside the caller's transaction, under a lock on the chain head, so the
chain never forks and an event exists exactly when the change it records does.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connections, router, transaction
from django.utils import timezone

from livingwell.access.memberships import current_memberships
from livingwell.access.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


def acting_context(user) -> tuple[str, str]:
    """The role and organisation a user acts in: their first current membership."""
    if user is None or not getattr(user, "is_authenticated", False):
        return "", ""
    memberships = current_memberships(user)
    if not memberships:
        return "", ""
    first = memberships[0]
    return first.role, first.organisation.name if first.organisation_id else ""


def record(
    *,
    by,
    action: str,
    person=None,
    person_id=None,
    category: str = "",
    purpose: str = "direct_care",
    outcome: str = AuditEvent.Outcome.ALLOWED,
    severity: str = AuditEvent.Severity.NORMAL,
    obj=None,
    detail: dict | None = None,
) -> AuditEvent:
    """Append one audit event. `detail` must never carry clinical content."""
    role, org_name = acting_context(by)
    signed_in = getattr(by, "is_authenticated", False)
    event = AuditEvent(
        at=timezone.now(),
        actor=by if signed_in else None,
        actor_name=str(by) if signed_in else "",
        acting_role=role,
        organisation_name=org_name,
        person_id=person.pk if person is not None else person_id,
        action=action,
        category=category,
        purpose=purpose,
        outcome=outcome,
        severity=severity,
        object_id=str(obj.pk) if obj is not None else "",
        detail=detail or {},
    )
    connection = connections[router.db_for_write(AuditEvent)]
    if connection.vendor == "postgresql":
        if _append_on_server(event, connection):
            return event
    elif _append_here(event, connection):
        return event
    with transaction.atomic(using=connection.alias):
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(
            id=1, defaults={"last_hash": GENESIS}
        )
        event.prev_hash = head.last_hash
        event.hash = event.compute_hash()
        event.save(force_insert=True)
        AuditChainHead.objects.filter(id=1).update(last_hash=event.hash)
    return event


def _stored_fields() -> list:
    """The event's columns that the appends below write, besides its links (prev_hash, hash)."""
    return [
        f
        for f in AuditEvent._meta.concrete_fields
        if not f.primary_key and f.name not in ("prev_hash", "hash")
    ]


def _append_here(event: AuditEvent, connection) -> bool:
    """SQLite: read the chain head, hash in Python (compute_hash), insert the event and move the
    head, inside one transaction, with statements written once instead of querysets compiled
    for every audited page. SQLite lets one writer at a time into a transaction (settings.py
    begins them IMMEDIATE), so the head cannot move between the read and the update. False
    when there is no chain head yet (the first event), which the general path creates."""
    fields = _stored_fields()
    quote = connection.ops.quote_name
    events, heads = quote(AuditEvent._meta.db_table), quote(AuditChainHead._meta.db_table)
    columns = ", ".join([*(quote(f.column) for f in fields), "prev_hash", "hash"])
    marks = ", ".join(["%s"] * (len(fields) + 2))
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(f"SELECT last_hash FROM {heads} WHERE id = 1")
        row = cursor.fetchone()
        if row is None:
            return False
        event.prev_hash = row[0]
        event.hash = event.compute_hash()
        params = [f.get_db_prep_save(getattr(event, f.attname), connection) for f in fields]
        cursor.execute(
            f"INSERT INTO {events} ({columns}) VALUES ({marks})",
            [*params, event.prev_hash, event.hash],
        )
        event.pk = cursor.lastrowid
        cursor.execute(f"UPDATE {heads} SET last_hash = %s WHERE id = 1", [event.hash])
    event._state.adding = False
    event._state.db = connection.alias
    return True


def _append_on_server(event: AuditEvent, connection) -> bool:
    """PostgreSQL: lock the chain head, insert the event linked to it and hashed by the server
    (the same SHA-256 of the previous hash and the payload as compute_hash), and move the head,
    in one statement: one round trip instead of five on every audited page. A single statement
    is atomic on its own, and inside the caller's transaction it is part of it. False when
    there is no chain head yet (the first event), which the general path creates."""
    fields = _stored_fields()
    quote = connection.ops.quote_name
    events, heads = quote(AuditEvent._meta.db_table), quote(AuditChainHead._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    # The new hash, worked out by the server from the locked head (text joined, then UTF-8).
    digest = "encode(sha256(convert_to(head.last_hash || %s, 'UTF8')), 'hex')"
    sql = (
        f"WITH head AS (SELECT last_hash FROM {heads} WHERE id = 1 FOR UPDATE), "
        f"added AS (INSERT INTO {events} ({columns}, prev_hash, hash) "
        f"SELECT {marks}, head.last_hash, {digest} FROM head RETURNING id, prev_hash, hash) "
        f"UPDATE {heads} SET last_hash = added.hash FROM added WHERE {heads}.id = 1 "
        "RETURNING added.id, added.prev_hash, added.hash"
    )
    params = [f.get_db_prep_save(getattr(event, f.attname), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, event.payload()])
        row = cursor.fetchone()
    if row is None:
        return False
    event.pk, event.prev_hash, event.hash = row
    event._state.adding = False
    event._state.db = connection.alias
    return True


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_broken_id: int | None = None
    problem: str = ""


def verify_chain(batch_size: int = 5000) -> VerifyResult:
    """Walk the chain in order and report the first event whose link or content is wrong."""
    expected_prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        batch = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            break
        for event in batch:
            if event.prev_hash != expected_prev:
                return VerifyResult(
                    False, checked, event.id, "link to the previous event is broken"
                )
            if event.compute_hash() != event.hash:
                return VerifyResult(False, checked, event.id, "content does not match its hash")
            expected_prev = event.hash
            checked += 1
            last_id = event.id
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and checked and head.last_hash != expected_prev:
        return VerifyResult(False, checked, None, "the newest events have been removed")
    return VerifyResult(True, checked)
