"""The one shape of an action's refusal that a form can show beside the field it is about."""

from __future__ import annotations


class Refused(ValueError):
    """A change an action will not make, with a message for the user; ``field`` names the input
    at fault (None: the whole form). Each app's error (``CoproductionError``...) is one of these,
    so one helper (``core.forms.show_refusal``) puts any of them in the right place."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field
