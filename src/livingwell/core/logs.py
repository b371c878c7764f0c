"""Logs a site can read and trust: a request id on every line, JSON in production.

Every log line written while a request is being answered carries that request's id (the
``X-Request-ID`` the proxy sent, when it is a plain token, or a new one), and the response
carries it back, so one request's lines can be found together and matched to what a user
reports. Lines written outside a request carry "-".

No person data may reach a log line: paths carry opaque identifiers only, and a test scans the
logs of a run for the seeded people's names, NHS numbers and dates of birth
(tests/logscan.py).
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

from django.core.signals import request_finished, request_started
from django.dispatch import receiver

REQUEST_ID: ContextVar[str] = ContextVar("request_id", default="-")
# Only a plain token from the proxy is trusted as an id: never free text into every log line.
VALID_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


def new_request_id(offered: str = "") -> str:
    return offered if VALID_ID.fullmatch(offered) else uuid.uuid4().hex


@receiver(request_started, dispatch_uid="livingwell.core.logs.start")
def start_request(sender, environ=None, **kwargs) -> None:
    """The id is set when Django starts a request and cleared when it has finished with it, not
    in a middleware: Django logs a 4xx or 5xx answer after the last middleware has returned."""
    REQUEST_ID.set(new_request_id((environ or {}).get("HTTP_X_REQUEST_ID", "")))


@receiver(request_finished, dispatch_uid="livingwell.core.logs.finish")
def finish_request(sender, **kwargs) -> None:
    REQUEST_ID.set("-")


class RequestIdMiddleware:
    """Gives the request's id back in the response (``X-Request-ID``) and as ``request.id``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if REQUEST_ID.get() == "-":  # a request made without Django's handler (a test's own)
            REQUEST_ID.set(new_request_id(request.headers.get("X-Request-ID", "")))
        request.id = REQUEST_ID.get()
        response = self.get_response(request)
        response["X-Request-ID"] = request.id
        return response


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (a filter on the handler, so no line lacks it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True
