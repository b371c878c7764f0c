"""Errors raised by the outcomes scoring core.

All of them are ``ValueError`` subclasses so that callers who only know "bad input" can catch
``ValueError``; callers who want to tell a person *which* answer is wrong can read ``item``.
"""

from __future__ import annotations


class MeasureInputError(ValueError):
    """Answers that cannot be scored: the message names the measure and the item at fault.

    ``item`` is the linkId concerned, or None when the problem is not about one item (for
    example an unknown measure or too many missing answers).
    """

    def __init__(self, message: str, *, measure: str | None = None, item: str | None = None):
        super().__init__(message)
        self.measure = measure
        self.item = item


class UnknownMeasureError(MeasureInputError):
    """The measure code is not one of the shipped definitions."""


class DefinitionError(Exception):
    """A measure definition file is malformed.

    Not a ``ValueError``: this is a defect in the shipped data, never the user's fault, so it must
    not be swallowed by code that handles bad answers.
    """


class WordingFileError(ValueError):
    """A site's wording file cannot be imported; the message names the line and the problem."""
