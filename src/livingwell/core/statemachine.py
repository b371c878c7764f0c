"""Explicit state machines: each model's allowed transitions live in one table."""

from __future__ import annotations

from livingwell.core.refusals import Refused


class TransitionError(Refused):
    """A change of state that the journey does not allow."""


def check_transition(table: dict[str, set[str]], current: str, target: str, *, what: str) -> None:
    if target not in table.get(current, set()):
        raise TransitionError(f"A {what} cannot go from '{current}' to '{target}'.")
