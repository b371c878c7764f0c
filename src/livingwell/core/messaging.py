"""Sending short messages to people (links to complete a measure, reminders).

The backend is chosen by ``settings.LIVINGWELL_MESSAGE_BACKEND`` (a dotted path), so a site can
plug in its SMS or email gateway without code changes here. Callers must keep message bodies free
of names and clinical content: a phone screen or a shared inbox is not private.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string


class MessageError(Exception):
    """The backend could not send the message."""


class BaseBackend:
    """Subclass and implement ``send``; raise MessageError when sending fails."""

    def send(self, to: str, subject: str, body: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    """Demo backend: prints the message to standard output.

    It prints the destination, the subject and the body, nothing else; bodies never carry names.
    """

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, to: str, subject: str, body: str) -> None:
        self.stream.write(f"[message] to={to} subject={subject}\n{body}\n")
        self.stream.flush()


@dataclass(frozen=True)
class SentMessage:
    to: str
    subject: str
    body: str


class MemoryBackend(BaseBackend):
    """Keeps messages in ``MemoryBackend.outbox`` (for tests)."""

    outbox: list[SentMessage] = []

    def send(self, to: str, subject: str, body: str) -> None:
        MemoryBackend.outbox.append(SentMessage(to, subject, body))


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
