"""Writing and verifying the audit trail.

Every event is appended inside the caller's transaction, under a lock on the chain head, so the
chain never forks and an event exists exactly when the change it records does.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from livingwell.access.memberships import acting_membership
from livingwell.access.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


def acting_context(user, rel=None) -> tuple[str, str]:
    """The role and organisation a user acts in: the membership their relationship `rel` with
    the person runs through (memberships.acting_membership), else their first."""
    if user is None or not getattr(user, "is_authenticated", False):
        return "", ""
    membership = acting_membership(user, rel)
    if membership is None:
        return "", ""
    return membership.role, membership.organisation.name if membership.organisation_id else ""


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
    rel=None,
) -> AuditEvent:
    """Append one audit event. `detail` must never carry clinical content.

    `by` is a member of staff (a User), None (the public website), or a portal viewer (the
    person or their proxy: access.person.PortalViewer), named in the event by their role
    "person" or "proxy" and, for a proxy, their name. `rel`: the worker's relationship with the
    person, when the caller has it, so that the role and organisation named are the ones the
    worker acts in for this person."""
    role, org_name = acting_context(by, rel)
    signed_in = getattr(by, "is_authenticated", False)
    actor_name = str(by) if signed_in else ""
    if getattr(by, "is_portal_viewer", False):
        role, actor_name = by.acting_role, by.name
        detail = {**(detail or {}), "portal": str(by.kind)}
    event = AuditEvent(
        at=timezone.now(),
        actor=by if signed_in else None,
        actor_name=actor_name,
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
    # The chain head is locked for the rest of the caller's transaction, so events are linked in
    # the order they commit and the chain never forks (a test runs appends side by side).
    with transaction.atomic():
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(
            id=1, defaults={"last_hash": GENESIS}
        )
        event.prev_hash = head.last_hash
        event.hash = event.compute_hash()
        event.save(force_insert=True)
        AuditChainHead.objects.filter(id=1).update(last_hash=event.hash)
    return event


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_broken_id: int | None = None
    problem: str = ""


def verify_chain(batch_size: int = 5000, checkpoints=()) -> VerifyResult:
    """Walk the chain in order and report the first event whose link or content is wrong.

    `checkpoints` (access.checkpoints, read from outside the database): the chain must still hold
    each one's newest event, with the same hash and as many events up to it, so a removed tail or
    a rewritten chain shows even when the chain head was rewritten to match.
    """
    expected_at = {checkpoint.last_id: checkpoint for checkpoint in checkpoints}
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
            seen = expected_at.pop(event.id, None)
            if seen is not None and (seen.last_hash != event.hash or seen.count != checked):
                return VerifyResult(
                    False,
                    checked,
                    event.id,
                    f"the chain was rewritten after the checkpoint of {seen.at}",
                )
    if expected_at:
        earliest = min(expected_at.values(), key=lambda checkpoint: checkpoint.last_id)
        return VerifyResult(
            False,
            checked,
            None,
            f"events recorded by the checkpoint of {earliest.at} have been removed",
        )
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and checked and head.last_hash != expected_prev:
        return VerifyResult(False, checked, None, "the newest events have been removed")
    return VerifyResult(True, checked)
