"""The public front door's rate limit: new introductions per client address per hour.

The counts live in the default cache, which every worker shares (the database cache unless a site
configures another shared one), and are keyed on the client's address as the trusted proxy gives
it (core/client_address.py). Only a new introduction is counted: a mistake or a resend of the same
submission is not. Whether a refusal applies is decided by submit_introduction, which never
refuses an urgent introduction or a resend.
"""

from __future__ import annotations

from django.core.cache import cache

from livingwell.core.client_address import client_address

RATE_LIMIT = 10  # new introductions per client address per hour
RATE_WINDOW = 3600


def _key(request) -> str:
    return "intake-rate:" + (client_address(request) or "unknown")


def is_over(request) -> bool:
    return cache.get(_key(request), 0) >= RATE_LIMIT


def count(request) -> None:
    key = _key(request)
    cache.add(key, 0, RATE_WINDOW)
    try:
        cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, RATE_WINDOW)
