"""The benchmark's arithmetic and its results file: no server, no database, no clock.

Kept apart from run.py so that tests/unit/test_benchmark_figures.py can check it quickly.
The results file's layout is described in the README ("Benchmarks"); SCHEMA_VERSION changes
whenever a key is renamed or removed, so a check reading it can refuse a layout it does not know.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
from dataclasses import dataclass
from pathlib import Path

SCHEMA_VERSION = 1
FLOOR = "floor"

# The goals, as multiples of the floor. One client: p50 and p95 both. Concurrent clients:
# cost, the floor's throughput divided by the page's (the dashboard has no concurrent goal).
LATENCY_GOALS = {"dashboard": 3.0, "board": 3.0, "record": 3.0}
COST_GOALS = {"board": 3.0, "record": 3.0}


def percentile(values: list[float], q: int) -> float:
    """The q-th percentile (1 to 99), interpolated between the closest ranks."""
    if not values:
        raise ValueError("no values")
    if not 1 <= q <= 99:
        raise ValueError("q must be between 1 and 99")
    if len(values) == 1:
        return float(values[0])
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def ratio(value: float, floor: float) -> float | None:
    """`value` as a multiple of `floor`; None when there is no floor to divide by."""
    if not floor:
        return None
    return value / floor


def latency(times_ms: dict[str, list[float]]) -> dict[str, dict]:
    """Per page: requests timed, p50 and p95 in ms, and each as a multiple of the floor's."""
    floor50 = percentile(times_ms[FLOOR], 50)
    floor95 = percentile(times_ms[FLOOR], 95)
    pages = {}
    for name, values in times_ms.items():
        p50, p95 = percentile(values, 50), percentile(values, 95)
        pages[name] = {
            "requests": len(values),
            "p50_ms": round(p50, 3),
            "p95_ms": round(p95, 3),
            "p50_x_floor": _round(ratio(p50, floor50)),
            "p95_x_floor": _round(ratio(p95, floor95)),
        }
    return pages


@dataclass(frozen=True)
class Drive:
    """What a bounded run of concurrent clients against one page gave."""

    ok: int  # answered 200
    errors: int  # any other status, or no answer
    seconds: float  # from the clients' common start to the last answer
    times_ms: tuple[float, ...] = ()  # each successful request's latency

    @property
    def per_second(self) -> float:
        return self.ok / self.seconds if self.seconds > 0 else 0.0


def throughput(drives: dict[str, list[Drive]]) -> dict[str, dict]:
    """Per page at one level of concurrency: requests/s and cost = floor's / page's.

    A page may have been driven more than once (the floor is driven before and after the
    pages, so that a drift in the machine's speed shows); its throughput is the mean of its runs.
    """
    summary = {}
    for name, runs in drives.items():
        rates = [run.per_second for run in runs]
        times = [t for run in runs for t in run.times_ms]
        summary[name] = {
            "requests": sum(run.ok for run in runs),
            "errors": sum(run.errors for run in runs),
            "seconds": round(sum(run.seconds for run in runs), 3),
            "per_second": round(statistics.fmean(rates), 3),
            "runs_per_second": [round(rate, 3) for rate in rates],
            "p50_ms": round(percentile(times, 50), 3) if times else None,
            "p95_ms": round(percentile(times, 95), 3) if times else None,
        }
    floor_rate = summary[FLOOR]["per_second"]
    for entry in summary.values():
        entry["cost_x_floor"] = _round(ratio(floor_rate, entry["per_second"]))
    return summary


def growth(small: dict, large: dict) -> dict:
    """How the board's time grew from the smaller borough to the larger one.

    `small` and `large` are latency() results holding at least the floor and the board. The ratio
    of the floor-relative times is the steadier figure: the two boroughs are served one after
    the other, and the machine's speed may change in between.
    """
    return {
        "p50_growth": _round(ratio(large["board"]["p50_ms"], small["board"]["p50_ms"])),
        "p95_growth": _round(ratio(large["board"]["p95_ms"], small["board"]["p95_ms"])),
        "p50_x_floor_growth": _round(
            ratio(large["board"]["p50_x_floor"], small["board"]["p50_x_floor"])
        ),
    }


def goals(pages: dict[str, dict], concurrent: dict[str, dict[str, dict]]) -> dict[str, dict]:
    """Each goal with its limit, the figure measured and whether it was met."""
    checks = {}
    for name, limit in LATENCY_GOALS.items():
        for key in ("p50_x_floor", "p95_x_floor"):
            if name in pages:
                checks[f"{name} {key}"] = _check(pages[name][key], limit)
    for clients, summary in concurrent.items():
        for name, limit in COST_GOALS.items():
            if name in summary:
                checks[f"{name} cost_x_floor at {clients} clients"] = _check(
                    summary[name]["cost_x_floor"], limit
                )
    return checks


def document(*, generated_at: str, commit: str, machine: dict, settings: dict, databases: dict):
    """The whole results file: the run's settings and, per database, its figures."""
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": generated_at,
        "commit": commit,
        "machine": machine,
        "settings": settings,
        "goals": {"latency_x_floor": LATENCY_GOALS, "cost_x_floor": COST_GOALS},
        "databases": databases,
        "all_goals_met": all(
            check["met"] for db in databases.values() for check in db.get("goals", {}).values()
        ),
    }


def write(doc: dict, path: Path) -> None:
    """Write the results as JSON in one step: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(doc, out, indent=2, sort_keys=True, allow_nan=False)
            out.write("\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _check(value: float | None, limit: float) -> dict:
    return {"limit": limit, "value": value, "met": value is not None and value <= limit}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
