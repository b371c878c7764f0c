"""Small builders for answer dicts. They only build inputs; expected values live in the tests."""

from __future__ import annotations


def answers(*scores: int | None) -> dict[str, int | None]:
    """answers(2, 0, 1) -> {"1": 2, "2": 0, "3": 1}; None leaves an item unanswered."""
    return {str(i): s for i, s in enumerate(scores, start=1) if s is not None}


def spread(total: int, n_items: int, high: int, low: int = 0) -> dict[str, int]:
    """Answers for n_items whose item scores add up to ``total`` (filled from item 1)."""
    remaining = total - low * n_items
    assert 0 <= remaining <= (high - low) * n_items, "total out of range"
    out = {}
    for i in range(1, n_items + 1):
        take = min(high - low, remaining)
        out[str(i)] = low + take
        remaining -= take
    return out
