"""The one reading of an id that arrives as text (a URL, a query string, a FHIR reference)."""

from __future__ import annotations

import uuid


def as_uuid(value) -> uuid.UUID | None:
    """The UUID ``value`` spells, or None for anything else (None, "", a typo): looked up, None
    matches no row, so a bad id reads as "not found" and never as an error page."""
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None
