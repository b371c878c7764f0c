"""Sending short messages to people (links to complete a measure, reminders) and staff (alerts).

The backend is chosen by ``settings.LIVINGWELL_MESSAGE_BACKEND`` (a dotted path): GOV.UK Notify
(``NotifyBackend``, texts and e-mails from templates the site keeps in Notify), Django's own
e-mail (``EmailBackend``, SMTP; e-mail only), or the console for the demo. Callers must keep
message bodies free of names and clinical content: a phone screen or a shared inbox is not
private. Messages are queued and sent in the background (livingwell.notifications), which keeps
each one's status; a backend says whether a failure may pass (try again later) or not.
"""

from __future__ import annotations

import smtplib
import sys
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string


class MessageError(Exception):
    """The backend could not send the message.

    ``permanent``: sending it again will not help (a refused address, no gateway for texts);
    ``reason``: a short code the notifications app turns into words (never the address).
    """

    def __init__(self, message: str = "", *, permanent: bool = False, reason: str = ""):
        super().__init__(message)
        self.permanent = permanent
        self.reason = reason or ("refused" if permanent else "unreachable")


@dataclass(frozen=True)
class Outgoing:
    """One message to send: ``kind`` names the site's template (e.g. "measure_link"),
    ``personalisation`` the values a template may use, ``body`` the same message as plain text
    for backends without templates, ``reference`` our id for it (sent to Notify, never personal).
    """

    to: str
    channel: str  # "sms" or "email"
    kind: str
    subject: str
    body: str
    personalisation: dict = field(default_factory=dict)
    reference: str = ""


class BaseBackend:
    """Subclass and implement ``send`` (or ``deliver``, for template-based gateways); raise
    MessageError when sending fails."""

    name = "base"

    def send(self, to: str, subject: str, body: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def deliver(self, message: Outgoing) -> str:
        """Hand the message over; returns the gateway's id for it ("" when it has none)."""
        self.send(message.to, message.subject, message.body)
        return ""


def masked(address: str) -> str:
    """The last three characters of an address, enough to tell two test phones apart: standard
    output ends up in a log, and no log line may hold a person's phone number or e-mail."""
    return "***" + address[-3:] if len(address) > 3 else "***"


class ConsoleBackend(BaseBackend):
    """Demo backend: prints the message to standard output.

    It prints the destination (masked), the subject and the body, nothing else; bodies never
    carry names.
    """

    name = "console"

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, to: str, subject: str, body: str) -> None:
        self.stream.write(f"[message] to={masked(to)} subject={subject}\n{body}\n")
        self.stream.flush()


@dataclass(frozen=True)
class SentMessage:
    to: str
    subject: str
    body: str
    channel: str = ""
    personalisation: dict = field(default_factory=dict)


class MemoryBackend(BaseBackend):
    """Keeps messages in ``MemoryBackend.outbox`` (for tests)."""

    name = "memory"
    outbox: list[SentMessage] = []

    def send(self, to: str, subject: str, body: str) -> None:
        MemoryBackend.outbox.append(SentMessage(to, subject, body))

    def deliver(self, message: Outgoing) -> str:
        MemoryBackend.outbox.append(
            SentMessage(
                message.to, message.subject, message.body, message.channel, message.personalisation
            )
        )
        return ""


class EmailBackend(BaseBackend):
    """Django's own e-mail (``EMAIL_BACKEND``, SMTP in production): e-mail only, no texts."""

    name = "email"

    def send(self, to: str, subject: str, body: str) -> None:
        try:
            send_mail(subject, body, None, [to], fail_silently=False)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
            raise MessageError("refused by the mail server", permanent=True) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise MessageError("the mail server could not be reached") from exc

    def deliver(self, message: Outgoing) -> str:
        if message.channel != "email":
            raise MessageError("texts need GOV.UK Notify", permanent=True, reason="no_sms")
        self.send(message.to, message.subject, message.body)
        return ""


class NotifyBackend(BaseBackend):
    """GOV.UK Notify, through its official client. Each kind of message is a template the site
    keeps in Notify (``LIVINGWELL_NOTIFY_TEMPLATES``: kind -> channel -> template id), filled from
    ``personalisation``; our plain-text body is not sent. Notify's delivery receipts come back to
    the notifications app's callback."""

    name = "notify"

    def deliver(self, message: Outgoing) -> str:
        from notifications_python_client.errors import APIError
        from notifications_python_client.notifications import NotificationsAPIClient

        template = settings.LIVINGWELL_NOTIFY_TEMPLATES.get(message.kind, {}).get(message.channel)
        if not template:
            raise MessageError(
                f"no Notify template for {message.kind} by {message.channel}",
                permanent=True,
                reason="no_template",
            )
        client = NotificationsAPIClient(
            settings.LIVINGWELL_NOTIFY_API_KEY,
            base_url=settings.LIVINGWELL_NOTIFY_BASE_URL,
            timeout=settings.LIVINGWELL_NOTIFY_TIMEOUT_SECONDS,
        )
        try:
            if message.channel == "sms":
                response = client.send_sms_notification(
                    phone_number=message.to,
                    template_id=template,
                    personalisation=message.personalisation,
                    reference=message.reference,
                )
            else:
                response = client.send_email_notification(
                    email_address=message.to,
                    template_id=template,
                    personalisation=message.personalisation,
                    reference=message.reference,
                )
        except APIError as exc:
            # 400 and 403: Notify will refuse it again (an invalid number, a key that may not
            # send to this address); anything else (429, 5xx, no answer) may pass.
            permanent = exc.status_code in (400, 403)
            raise MessageError(f"Notify answered {exc.status_code}", permanent=permanent) from exc
        return str(response.get("id", ""))


def public_url(path: str) -> str:
    """An absolute address on the site's public address for ``path`` (from reverse()): every
    link in a message must work from a phone's text app or an e-mail client."""
    if not path.startswith("/"):
        raise ValueError(f"{path!r} is not a path on this site")
    return settings.LIVINGWELL_PUBLIC_URL + path


def get_backend() -> BaseBackend:
    return import_string(settings.LIVINGWELL_MESSAGE_BACKEND)()


def send(to: str, subject: str, body: str) -> None:
    get_backend().send(to, subject, body)
