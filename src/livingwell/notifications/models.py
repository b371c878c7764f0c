"""Each message the site sends, and what became of it."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    """One text or e-mail. The address and the text are kept only until the message is handed
    to the gateway (the text of a measure link holds its token, which is otherwise stored only
    as a hash); after that the row keeps what happened: the status, when, and why it failed."""

    class Kind(models.TextChoices):
        MEASURE_LINK = "measure_link", _("Link to complete a measure")
        WORK_ALERT = "work_alert", _("Alert about work waiting")

    class Channel(models.TextChoices):
        SMS = "sms", _("text message")
        EMAIL = "email", _("e-mail")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        SENT = "sent", _("Sent, waiting for delivery")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Not delivered")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    channel = models.CharField(max_length=5, choices=Channel.choices)
    to = models.CharField(max_length=320, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    personalisation = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # Why it was not delivered, as a code (messages.REASONS gives the words); "" otherwise.
    failure_reason = models.CharField(max_length=30, blank=True)
    backend = models.CharField(max_length=20, blank=True)
    # The gateway's id for it (Notify's notification id): delivery receipts name it.
    gateway_id = models.CharField(max_length=64, blank=True, db_index=True)
    person_id = models.UUIDField(null=True, blank=True)  # the person it was sent to, if any
    recipient_user = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    status_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="failed") | ~models.Q(failure_reason=""),
                name="message_failed_has_reason",
            )
        ]
