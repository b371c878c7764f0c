"""The address of the client making a request, the one rule every rate limit and record uses.

Behind the one trusted TLS proxy (LIVINGWELL_BEHIND_PROXY=true), REMOTE_ADDR is the proxy's
address, the same for the whole public. The proxy appends the address it received the request
from to X-Forwarded-For, so the client's address is the right-most entry; anything to its left
was sent by the client and could be anything. Without the proxy the header is the client's own
claim and is ignored.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_address(request) -> str | None:
    """The client's IP address, or None when it cannot be known."""
    if settings.LIVINGWELL_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            # A malformed entry from the proxy means a misconfiguration: fall back to the peer
            # (the proxy), which at worst shares one count, never one of the client's choosing.
            added_by_proxy = _valid(forwarded.split(",")[-1])
            if added_by_proxy:
                return added_by_proxy
    return _valid(request.META.get("REMOTE_ADDR", ""))
