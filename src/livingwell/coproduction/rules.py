"""Rules the actions and the forms both apply, written once."""

from __future__ import annotations

from django.utils.translation import gettext as _


def duty_missing(duty: str, how_met: str) -> tuple[str, str] | None:
    """Why a decision cannot be final yet, as (field, message), or None when it can: the
    statutory involvement duty must be assessed (applies or not) and how it was met (or why it
    did not apply) recorded first."""
    if not duty:
        return "duty", _(
            "Choose whether the statutory involvement duty applied before the decision is final"
        )
    if not (how_met or "").strip():
        return "duty_how_met", _(
            "Enter how the duty was met, or why it did not apply, before the decision is final"
        )
    return None
