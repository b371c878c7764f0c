"""Sending a message: store it and queue the task that sends it, in the caller's transaction.

With the database task backend the task row commits with the message (and with the caller's
work): a message is sent if and only if what asked for it was kept.
"""

from __future__ import annotations

from django.db import transaction

from livingwell.notifications import actions, tasks
from livingwell.notifications.models import Message


@transaction.atomic
def send(**fields) -> Message:
    """``fields`` as for ``actions.queue_message``. Returns the message (its status may already
    have moved on when the tasks run at once, as in the tests)."""
    message = actions.queue_message(**fields)
    tasks.send_message.enqueue(str(message.pk))
    message.refresh_from_db()
    return message
