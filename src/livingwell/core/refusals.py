"""The one shape of an action's refusal that a form can show beside the field it is about."""

from __future__ import annotations

from django.utils.translation import gettext as _


class Refused(ValueError):
    """A change an action will not make, with a message for the user; ``field`` names the input
    at fault (None: the whole form). Each app's error (``CoproductionError``...) is one of these,
    so one helper (``core.forms.show_refusal``) puts any of them in the right place."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def checked_text(
    value, field: str, missing: str, *, limit: int, required: bool = True, refusal=Refused
) -> str:
    """Typed text, stripped; ``refusal`` (the app's own kind) naming ``field`` when it is
    required and empty (saying ``missing``) or longer than ``limit``."""
    text = (value or "").strip()
    if required and not text:
        raise refusal(missing, field)
    if len(text) > limit:
        raise refusal(_("Keep this to {n} characters or fewer.").format(n=limit), field)
    return text


def checked_choice(value, choices, field: str, message: str, *, blank=False, refusal=Refused):
    """One of ``choices`` (a model's ``choices`` or ``values``), or "" when ``blank`` allows
    none; otherwise ``refusal`` naming ``field``. Compared, never hashed, so any value a JSON
    import carries is refused with the message rather than raising."""
    if blank and value in ("", None):
        return ""
    if value not in [c[0] if isinstance(c, tuple) else c for c in choices]:
        raise refusal(message, field)
    return value
