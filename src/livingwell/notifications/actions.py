"""State changes of messages: queued by whoever sends one, then moved on by the worker that
hands it to the gateway and by the gateway's delivery receipts. Each writes its audit event
(kind, channel and status only: never the address or the text)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from livingwell.access import audit
from livingwell.notifications.models import Message

S = Message.Status
CATEGORY = "messages"

# Which status may follow which. A receipt may arrive for a message still marked queued (the
# worker was stopped between handing it over and recording it), and a late "delivered" may
# correct a temporary failure; nothing moves a message back to queued.
TRANSITIONS = {
    S.QUEUED: {S.SENT, S.DELIVERED, S.FAILED},
    S.SENT: {S.DELIVERED, S.FAILED},
    S.FAILED: {S.DELIVERED},
    S.DELIVERED: set(),
}


class MessageStateError(ValueError):
    pass


def _move(message: Message, status: str, *, at, reason: str = "") -> bool:
    if status == message.status and reason == message.failure_reason:
        return False  # the same receipt twice
    if status not in TRANSITIONS[message.status]:
        raise MessageStateError(f"a {message.status} message cannot become {status}")
    message.status = status
    message.failure_reason = reason if status == S.FAILED else ""
    message.status_at = at
    # Once out of our hands, the address and the text (which may hold a link's token) go.
    message.to = message.subject = message.body = ""
    message.personalisation = {}
    return True


@transaction.atomic
def queue_message(
    *,
    by,
    kind: str,
    channel: str,
    to: str,
    subject: str,
    body: str,
    personalisation: dict | None = None,
    person_id=None,
    recipient_user=None,
    at=None,
) -> Message:
    """Store a message to be sent (``outbox.send`` also queues the task that sends it)."""
    at = at or timezone.now()
    message = Message.objects.create(
        kind=kind,
        channel=channel,
        to=to,
        subject=subject,
        body=body,
        personalisation=personalisation or {},
        person_id=person_id,
        recipient_user=recipient_user,
        created_by=by if getattr(by, "is_authenticated", False) else None,
        created_at=at,
        status_at=at,
    )
    audit.record(
        by=by,
        action="message.queue",
        person_id=person_id,
        category=CATEGORY,
        obj=message,
        detail={"kind": kind, "channel": channel},
    )
    return message


@transaction.atomic
def record_sent(*, message: Message, backend: str, gateway_id: str = "", at=None) -> Message:
    """The gateway took the message (Notify will send a receipt; other backends never will)."""
    at = at or timezone.now()
    message = Message.objects.select_for_update().get(pk=message.pk)
    if _move(message, S.SENT, at=at):
        message.backend = backend
        message.gateway_id = gateway_id
        message.sent_at = at
        message.save()
        _audit(message)
    return message


@transaction.atomic
def record_failure(*, message: Message, reason: str, backend: str = "", at=None) -> Message:
    at = at or timezone.now()
    message = Message.objects.select_for_update().get(pk=message.pk)
    if _move(message, S.FAILED, at=at, reason=reason):
        message.backend = backend or message.backend
        message.save()
        _audit(message)
    return message


# Notify's statuses in its receipts, as ours ("sending" etc. are not sent to callbacks).
RECEIPT_STATUSES = {
    "delivered": (S.DELIVERED, ""),
    "permanent-failure": (S.FAILED, "permanent-failure"),
    "temporary-failure": (S.FAILED, "temporary-failure"),
    "technical-failure": (S.FAILED, "technical-failure"),
}


@transaction.atomic
def record_receipt(*, gateway_id: str, status: str, at=None) -> Message | None:
    """A delivery receipt from the gateway; None when it names no message of ours. A status we
    do not know raises MessageStateError."""
    if status not in RECEIPT_STATUSES:
        raise MessageStateError(f"unknown delivery status {status!r}")
    message = Message.objects.select_for_update().filter(gateway_id=gateway_id).first()
    if message is None:
        return None
    new_status, reason = RECEIPT_STATUSES[status]
    if _move(message, new_status, at=at or timezone.now(), reason=reason):
        message.save()
        _audit(message)
    return message


def _audit(message: Message) -> None:
    audit.record(
        by=None,
        action=f"message.{message.status}",
        person_id=message.person_id,
        category=CATEGORY,
        purpose="system",
        obj=message,
        detail={"kind": message.kind, "channel": message.channel, "reason": message.failure_reason},
    )
