"""A scenario run from start to end: calibrate, simulate the baseline and the scenario with the same
seeds (common random numbers, so the difference is the change and not the dice), and back-test.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from concurrent.futures import Executor
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from livingwell.intake.models import ClosedReason, Introduction
from livingwell.simulation.calibration import (
    STOPPED_WAITING,
    CalibrationError,
    calibrate,
    local_midnight,
)
from livingwell.simulation.network import MODEL_VERSION, replication_pool, simulate
from livingwell.simulation.scenario import (
    Scenario,
    ScenarioError,
    apply_changes,
    baseline_inputs,
    check_runnable,
)

BACKTEST_WEEKS = 12

Progress = Callable[[float, str], None]


def actual_weekly_waits(start: date, weeks: int) -> list[float | None]:
    """Mean days to a first conversation of introductions received in each week from `start`.

    Measured as the model measures it: people who stopped waiting are left out, and anyone not
    yet talked to at the end of the last week counts the wait up to then.
    """
    lo, hi = local_midnight(start), local_midnight(start + timedelta(weeks=weeks))
    local = timezone.get_current_timezone()
    by_week: list[list[float]] = [[] for _ in range(weeks)]
    rows = Introduction.objects.filter(received_at__gte=lo, received_at__lt=hi).values_list(
        "received_at", "first_conversation_at", "closed_at", "closed_reason"
    )
    for received, first, closed, reason in rows:
        if first is None and closed is not None and closed < hi and reason in STOPPED_WAITING:
            continue
        if first is None and closed is not None and reason == ClosedReason.MOVED_AWAY:
            continue
        end = first if first is not None and first < hi else hi
        # By the local date, so that a change of the clocks does not move a week's edge.
        week = (received.astimezone(local).date() - start).days // 7
        by_week[week].append((end - received).total_seconds() / 86_400)
    return [statistics.fmean(v) if v else None for v in by_week]


def actual_urgent_same_day_share(start: date, weeks: int) -> float | None:
    """Of the urgent introductions received in the weeks from `start`, the share with a first
    conversation on the local day they arrived (as the model counts it)."""
    lo, hi = local_midnight(start), local_midnight(start + timedelta(weeks=weeks))
    local = timezone.get_current_timezone()
    rows = Introduction.objects.filter(
        received_at__gte=lo, received_at__lt=hi, urgent=True
    ).values_list("received_at", "first_conversation_at")
    same_day = [
        first is not None and first.astimezone(local).date() == received.astimezone(local).date()
        for received, first in rows
    ]
    return sum(same_day) / len(same_day) if same_day else None


def mape(simulated: list[float], actual: list[float | None]) -> float | None:
    pairs = [
        (s, a)
        for s, a in zip(simulated, actual, strict=False)
        if a and s is not None and not math.isnan(s)
    ]
    if not pairs:
        return None
    return 100 * statistics.fmean(abs(s - a) / a for s, a in pairs)


def backtest(
    data_start: date,
    data_end: date,
    *,
    replications: int,
    seed: int,
    warmup_weeks: int,
    pool: Executor | None = None,
) -> dict:
    """Calibrate up to 12 weeks before the data end, simulate those 12 weeks, compare."""
    cutoff = data_end - timedelta(weeks=BACKTEST_WEEKS)
    try:
        calibration = calibrate(data_start, cutoff)
        inputs = baseline_inputs(
            calibration, start=cutoff, weeks=BACKTEST_WEEKS, warmup_weeks=warmup_weeks
        )
        check_runnable(inputs)
    except (CalibrationError, ScenarioError) as exc:
        return {
            "available": False,
            "reason": _("No back-test: the data period up to {cutoff} is too thin ({why}).").format(
                cutoff=cutoff.isoformat(), why=str(exc)
            ),
        }
    result = simulate(inputs, replications=replications, seed=seed, pool=pool)
    simulated = [w["mean"] for w in result["weekly_wait_days"]]
    actual = actual_weekly_waits(cutoff, BACKTEST_WEEKS)
    return {
        "available": True,
        "calibrated_on": [data_start.isoformat(), cutoff.isoformat()],
        "compared_weeks": [cutoff.isoformat(), data_end.isoformat()],
        "week_starts": result["week_starts"],
        "simulated_weekly_wait_days": result["weekly_wait_days"],
        "actual_weekly_wait_days": actual,
        "mape_percent": mape(simulated, actual),
        "simulated_urgent_same_day_share": result["urgent_same_day_share"],
        "actual_urgent_same_day_share": actual_urgent_same_day_share(cutoff, BACKTEST_WEEKS),
    }


def run_scenario(
    scenario: Scenario,
    *,
    replications: int | None = None,
    seed: int | None = None,
    progress: Progress | None = None,
    with_backtest: bool = True,
    workers: int | None = None,
) -> dict:
    """Everything a result page and a report need, as JSON-ready data.

    The replications run in ``workers`` processes (the ``SIMULATION_WORKERS`` setting unless
    given); the data are read here, and the processes get only the model's inputs.
    """
    replications = replications or scenario.replications
    workers = settings.SIMULATION_WORKERS if workers is None else workers
    seed = scenario.seed if seed is None else seed
    began = time.monotonic()

    def report(fraction: float, what: str) -> None:
        if progress:
            progress(fraction, what)

    report(0.0, _("Reading the site's data"))
    try:
        calibration = calibrate(scenario.data_start, scenario.data_end)
    except CalibrationError as exc:
        raise ScenarioError([str(exc)]) from None
    base = baseline_inputs(
        calibration,
        start=scenario.data_end,
        weeks=scenario.weeks,
        warmup_weeks=scenario.warmup_weeks,
    )
    changed = apply_changes(base, calibration, scenario.changes)
    check_runnable(base)
    check_runnable(changed)
    share = 0.45 if with_backtest else 0.5

    def stage(offset: float, what: str):
        return lambda done, total: report(offset + share * done / total, what)

    with replication_pool(workers) as pool:
        baseline = simulate(
            base,
            replications=replications,
            seed=seed,
            progress=stage(0.0, _("Baseline")),
            pool=pool,
        )
        result = simulate(
            changed,
            replications=replications,
            seed=seed,
            progress=stage(share, _("Scenario")),
            pool=pool,
        )
        check = None
        if with_backtest:
            report(0.9, _("Back-test"))
            check = backtest(
                scenario.data_start,
                scenario.data_end,
                replications=min(replications, 10),
                seed=seed,
                warmup_weeks=scenario.warmup_weeks,
                pool=pool,
            )
    report(1.0, _("Done"))
    return json_ready(
        {
            "model_version": MODEL_VERSION,
            "seed": seed,
            "replications": replications,
            "data_period": [scenario.data_start.isoformat(), scenario.data_end.isoformat()],
            "weeks": scenario.weeks,
            "warmup_weeks": scenario.warmup_weeks,
            "scenario": scenario.as_document(),
            "calibration": calibration.as_dict(),
            "inputs": {"baseline": _inputs_summary(base), "scenario": _inputs_summary(changed)},
            "baseline": baseline,
            "result": result,
            "backtest": check,
            "seconds": round(time.monotonic() - began, 2),
            "environment": environment(),
        }
    )


def json_ready(value):
    """NaN (a figure no replication could give, e.g. no urgent arrival) stored as null: JSON
    has no NaN, and the databases refuse it in a JSON column."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    return value


def environment() -> dict:
    """What the run ran on, for the report's implementation section (STRESS-DES 5)."""
    import platform

    import ciw
    import numpy
    import simpy

    return {
        "python": platform.python_version(),
        "ciw": ciw.__version__,
        "numpy": numpy.__version__,
        "simpy": simpy.__version__,
        "platform": platform.platform(terse=True),
        "processor": platform.machine(),
    }


def _inputs_summary(inputs) -> dict:
    return {
        "introductions_per_week": round(inputs.arrivals_per_day * 7, 3),
        "pattern_over_the_year": [round(f, 3) for f in inputs.seasonality],
        "urgent_share": inputs.urgent_share,
        "hub_rota": inputs.hub_rota,
        "conversations_per_worker_day": inputs.conversations_per_worker_day,
        "attempt_failure_share": inputs.attempt_failure_share,
        "stop_waiting_per_day": inputs.stop_waiting_per_day,
        "open_door_days": inputs.open_door_days,
        "urgent_line_hours": inputs.urgent_line_hours,
        "urgent_answers_observed": {b: len(d) for b, d in inputs.urgent_answer_days.items()},
        "urgent_unanswered_share": inputs.urgent_unanswered_share,
        "tiers": [
            {
                "slug": t.slug,
                "name": t.name,
                "places": t.places,
                "first_share": t.first_share,
                "mean_support_days": (statistics.fmean(t.support_days) if t.support_days else None),
                "episodes_observed": len(t.support_days),
            }
            for t in inputs.tiers
        ],
    }
