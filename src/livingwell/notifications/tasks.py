"""Sending a queued message, in the background, retried while the gateway may come back."""

from __future__ import annotations

from datetime import timedelta

from livingwell.core import messaging
from livingwell.core.background import TryAgainLater, task_with_retries
from livingwell.notifications import actions
from livingwell.notifications.models import Message


def _give_up(exc, message_id: str) -> None:
    message = Message.objects.get(pk=message_id)
    actions.record_failure(message=message, reason="unreachable")


# Five tries over about 40 minutes (30 s, 2 min, 8 min, 32 min): long enough to ride out a
# gateway's short outage, short enough that a worker sees the failure the same morning.
@task_with_retries(
    attempts=5, first_delay=timedelta(seconds=30), factor=4, on_give_up=_give_up, priority=10
)
def send_message(message_id: str) -> str:
    """Hand one queued message to the site's backend; its status says what happened."""
    message = Message.objects.get(pk=message_id)
    if message.status != Message.Status.QUEUED:
        return message.status  # already handed over (a run repeated after a crash)
    backend = messaging.get_backend()
    outgoing = messaging.Outgoing(
        to=message.to,
        channel=message.channel,
        kind=message.kind,
        subject=message.subject,
        body=message.body,
        personalisation=message.personalisation,
        reference=str(message.pk),
    )
    try:
        gateway_id = backend.deliver(outgoing)
    except messaging.MessageError as exc:
        if not exc.permanent:
            raise TryAgainLater(exc.reason) from exc
        actions.record_failure(message=message, reason=exc.reason, backend=backend.name)
        return Message.Status.FAILED
    actions.record_sent(message=message, backend=backend.name, gateway_id=gateway_id)
    return Message.Status.SENT
