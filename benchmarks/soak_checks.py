"""The soak's verdicts (benchmarks/soak.py), as plain functions over what the load recorded and
what the database holds afterwards: no Django, no server, so a fast test can prove that each one
catches what it is there to catch (tests/unit/test_soak_checks.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sent:
    """One write the load sent: its kind and the mark it can be found by afterwards (the
    introduction's submission key, the contact's note, the plan's first goal)."""

    kind: str  # "introduction", "contact" or "plan"
    mark: str
    acknowledged: bool  # a success answer reached the client (at least once)


@dataclass(frozen=True)
class Request:
    page: str
    started: float  # seconds since the load began
    ended: float
    status: int | None  # None: no answer (connection refused or cut)
    ok: bool  # the answer the page gives on success


def write_problems(sent: list[Sent], found: dict[str, dict[str, int]]) -> list[str]:
    """Every acknowledged write exists exactly once; no write, acknowledged or not, exists twice.

    `found`: per kind, how many rows carry each mark."""
    problems = []
    for item in sent:
        n = found.get(item.kind, {}).get(item.mark, 0)
        if item.acknowledged and n == 0:
            problems.append(f"acknowledged {item.kind} {item.mark} is missing")
        if n > 1:
            problems.append(f"{item.kind} {item.mark} is stored {n} times")
    return problems


def in_windows(moment: float, windows: list[tuple[float, float]]) -> bool:
    return any(start <= moment <= end for start, end in windows)


def errors_outside(requests: list[Request], windows: list[tuple[float, float]]) -> list[Request]:
    """Failed requests that began or ended outside every kill window: errors a user saw that the
    kills do not explain."""
    return [
        r
        for r in requests
        if not r.ok and not (in_windows(r.started, windows) or in_windows(r.ended, windows))
    ]


def busy_answers(requests: list[Request]) -> int:
    """The site's "busy, try again" page (a 503): on SQLite, a writer still locked out after the
    busy timeout ("database is locked")."""
    return sum(1 for r in requests if r.status == 503)


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def by_page(requests: list[Request]) -> dict[str, dict]:
    pages: dict[str, dict] = {}
    for name in sorted({r.page for r in requests}):
        mine = [r for r in requests if r.page == name]
        times = [(r.ended - r.started) * 1000 for r in mine if r.ok]
        p95 = percentile(times, 0.95)
        pages[name] = {
            "requests": len(mine),
            "ok": len(times),
            "errors": len(mine) - len(times),
            "p50_ms": round(percentile(times, 0.5), 1) if times else None,
            "p95_ms": round(p95, 1) if p95 is not None else None,
        }
    return pages
