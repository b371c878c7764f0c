"""What the platform works out in a cycle's Study stage, and each series' fidelity to the method.

Pure Python, no database: the inputs are plain values, so every rule here is tested with
hand-worked figures (tests/unit/improvement). The pages, the export and the import all call these
functions; nothing they return is stored.

For each prediction (see docs/adr/0013-improvement-test-and-learn.md):

* **observed**: the mean of the measure's points dated from the Do start to the Study date, both
  days included (a weekly network figure is dated by its week's Monday). No points: no observed
  value, and nothing is judged.
* **met**: ``met`` when the observed value lies inside the expected range (ends included);
  ``partly`` when it is outside the range but on the predicted side of the baseline mean (above
  it for an increase, below it for a decrease; a prediction of no change has no side);
  otherwise ``not_met``.
* **signal**: limits worked out from the baseline (the points before the Do start, after the
  latest process change before it), frozen, and the window's points read against them by the
  Making Data Count rules (``insight.spc.read_against_baseline``). A baseline needs at least 12
  points; with fewer there is no signal and the reading says "too few points for a baseline".
  The window's signal is ``special_cause_concern`` if any point in it shows concern,
  ``special_cause_improvement`` if any shows improvement (and none concern), otherwise
  ``common_cause``: a concern is never hidden behind an improvement seen at the same time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from livingwell.insight.spc import MIN_POINTS_FOR_FIRM_LIMITS, read_against_baseline

MET, PARTLY, NOT_MET = "met", "partly", "not_met"
COMMON, IMPROVEMENT, CONCERN = (
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
)
MIN_WINDOW_POINTS = 3  # "data over time": Knudsen et al. 2019's three consecutive points


@dataclass(frozen=True)
class Reading:
    """A prediction read against its measure's data."""

    observed: float | None
    met: str | None
    signal: str | None
    baseline_points: int
    window_points: int
    baseline_mean: float | None
    upl: float | None
    lpl: float | None
    # The rules that fired in the window, e.g. {"outside_limits"}; for the page.
    rules: tuple[str, ...] = ()
    improvement_seen: bool = False
    concern_seen: bool = False

    @property
    def too_few_for_baseline(self) -> bool:
        return self.baseline_points < MIN_POINTS_FOR_FIRM_LIMITS

    @property
    def no_points(self) -> bool:
        return self.window_points == 0


def _value(v) -> Fraction | None:
    if v is None:
        return None
    if isinstance(v, float):
        return Fraction(Decimal(repr(v)))  # 0.1 as written, not its binary neighbour
    return Fraction(v)


def read_prediction(
    points: Iterable[tuple[date, object]],
    *,
    do_start: date,
    study_date: date,
    direction: str,
    expected_low,
    expected_high,
    improvement: str,
    baseline_from: date | None = None,
    run_length: int = 7,
    trend_length: int = 7,
) -> Reading:
    """Read one prediction. ``points`` are ``(date, value)`` pairs, in any order; a value of None
    is a period with no figure to show (e.g. too few people that week) and is skipped.
    ``baseline_from``: the date of the latest process change on or before the Do start; earlier
    points describe a process that has since changed and are left out of the baseline."""
    ordered = sorted(((d, _value(v)) for d, v in points), key=lambda p: p[0])
    # Periods without a figure stay in the sequences read by the SPC rules (a moving range is
    # never taken across a gap) but count for nothing else.
    baseline_periods = [
        v for d, v in ordered if d < do_start and (baseline_from is None or d >= baseline_from)
    ]
    window_periods = [v for d, v in ordered if do_start <= d <= study_date]
    baseline = [v for v in baseline_periods if v is not None]
    window = [v for v in window_periods if v is not None]
    low, high = _value(expected_low), _value(expected_high)
    base_mean = sum(baseline, Fraction(0)) / len(baseline) if baseline else None

    observed = sum(window, Fraction(0)) / len(window) if window else None
    met = None
    if observed is not None:
        if low <= observed <= high:
            met = MET
        elif base_mean is not None and (
            (direction == "increase" and observed > base_mean)
            or (direction == "decrease" and observed < base_mean)
        ):
            met = PARTLY
        else:
            met = NOT_MET

    signal = None
    rules: tuple[str, ...] = ()
    improvement_seen = concern_seen = False
    upl = lpl = None
    if baseline:
        frozen = read_against_baseline(
            baseline_periods,
            window_periods,
            improvement,
            run_length=run_length,
            trend_length=trend_length,
        )
        upl, lpl = frozen.upl, frozen.lpl
        if window and len(baseline) >= MIN_POINTS_FOR_FIRM_LIMITS:
            variations = set(frozen.variations)
            improvement_seen = IMPROVEMENT in variations
            concern_seen = CONCERN in variations
            signal = CONCERN if concern_seen else IMPROVEMENT if improvement_seen else COMMON
            rules = tuple(sorted({s.rule for p in frozen.points for s in p.signals}, key=str))
    return Reading(
        observed=None if observed is None else float(observed),
        met=met,
        signal=signal,
        baseline_points=len(baseline),
        window_points=len(window),
        baseline_mean=None if base_mean is None else float(base_mean),
        upl=upl,
        lpl=lpl,
        rules=rules,
        improvement_seen=improvement_seen,
        concern_seen=concern_seen,
    )


# --------------------------------------------------------------------------------------------
# Fidelity to the method, per series (the cycles testing one change idea)

CRITERIA = ("iterative", "predictions_locked", "small_scale_first", "data_over_time", "documented")


@dataclass(frozen=True)
class CycleFacts:
    """What fidelity needs to know about one cycle."""

    key: str
    number: int
    parent_key: str | None = None
    scale_people: int | None = None
    do_started: bool = False
    predictions: int = 0
    locked_predictions: int = 0
    studied: bool = False
    # Points in the window of each of its predictions (only for a studied cycle).
    window_points: tuple[int, ...] = ()
    finished: bool = False
    # Every one of the four stages has its content (see documented_stages).
    documented: bool = False


@dataclass(frozen=True)
class Fidelity:
    iterative: bool
    predictions_locked: bool
    small_scale_first: bool
    data_over_time: bool
    documented: bool
    # Criterion -> what is missing, in words, for each criterion not met.
    missing: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, bool]:
        return {name: getattr(self, name) for name in CRITERIA}

    @property
    def met_count(self) -> int:
        return sum(self.as_dict().values())


def documented_stages(
    *,
    purpose: str,
    predictions: int,
    ran_as_planned: str,
    study_date,
    learning: str,
    decision: str,
    decision_rationale: str,
) -> bool:
    """All four stages written down: Plan (a purpose and at least one prediction), Do (whether it
    ran as planned), Study (a date and what was learned), Act (a decision and why)."""
    return bool(
        purpose.strip()
        and predictions > 0
        and ran_as_planned
        and study_date
        and learning.strip()
        and decision
        and decision_rationale.strip()
    )


def fidelity(cycles: Sequence[CycleFacts], words=None) -> Fidelity:
    """The five features of PDSA done well (Taylor et al. 2014; Knudsen et al. 2019), each as a
    plain true or false for one series. A criterion with nothing yet to judge is not met, and
    says what is missing. ``words`` maps a criterion's reason key to text (for translation);
    without it the keys themselves are returned."""
    say = words or (lambda key, **kw: key)
    missing: dict[str, str] = {}
    keys = {c.key for c in cycles}
    ordered = sorted(cycles, key=lambda c: c.number)

    linked = [c for c in ordered if c.parent_key and c.parent_key in keys]
    iterative = bool(linked)
    if not iterative:
        missing["iterative"] = say("no_linked_cycles")

    started = [c for c in ordered if c.do_started]
    unlocked = [c for c in started if c.predictions == 0 or c.locked_predictions < c.predictions]
    predictions_locked = bool(started) and not unlocked
    if not started:
        missing["predictions_locked"] = say("no_cycle_started")
    elif unlocked:
        missing["predictions_locked"] = say(
            "started_without_locked_predictions", cycles=", ".join(c.key for c in unlocked)
        )

    small_scale_first = False
    if len(ordered) < 2:
        missing["small_scale_first"] = say("one_cycle_only")
    elif ordered[0].scale_people is None:
        missing["small_scale_first"] = say("first_scale_missing", cycle=ordered[0].key)
    else:
        first = ordered[0].scale_people
        small_scale_first = any(
            c.scale_people is not None and c.scale_people > first for c in ordered[1:]
        )
        if not small_scale_first:
            missing["small_scale_first"] = say("no_later_cycle_larger", cycle=ordered[0].key)

    studied = [c for c in ordered if c.studied and c.window_points]
    thin = [c for c in studied if any(n < MIN_WINDOW_POINTS for n in c.window_points)]
    data_over_time = bool(studied) and not thin
    if not studied:
        missing["data_over_time"] = say("nothing_studied")
    elif thin:
        missing["data_over_time"] = say(
            "too_few_window_points", cycles=", ".join(c.key for c in thin)
        )

    finished = [c for c in ordered if c.finished]
    undocumented = [c for c in finished if not c.documented]
    documented = bool(finished) and not undocumented
    if not finished:
        missing["documented"] = say("nothing_finished")
    elif undocumented:
        missing["documented"] = say("stages_missing", cycles=", ".join(c.key for c in undocumented))

    return Fidelity(
        iterative=iterative,
        predictions_locked=predictions_locked,
        small_scale_first=small_scale_first,
        data_over_time=data_over_time,
        documented=documented,
        missing=missing,
    )
