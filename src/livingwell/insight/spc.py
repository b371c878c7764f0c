"""XmR statistical process control by the NHS England "Making Data Count" method.

Pure Python, no Django. The public entry point is :func:`xmr`; everything it returns is a frozen
dataclass so a result can be cached, compared in tests and handed to templates safely.

The method (see docs/adr/0004-spc-method.md for sources and the decisions taken where the
guidance is silent):

* each segment (the whole series, or the stretch between two rebases) gets its own mean, mean
  moving range (MR-bar) and limits: ``mean +/- 2.66 * MR-bar``;
* "sigma" is ``2.66 / 3 * MR-bar`` (about MR-bar / 1.128), so the process limits are exactly
  three sigma and the two-sigma lines are ``mean +/- 2 * sigma``;
* four special cause rules: a point beyond a process limit; a run of ``run_length`` points on one
  side of the mean; a trend of ``trend_length`` points all rising or all falling; two out of three
  points beyond two sigma on the same side of the mean. Every point of a pattern is flagged.

Arithmetic is done with :class:`fractions.Fraction` so that boundary decisions (a point exactly on
the mean, exactly on a limit) are exact and do not depend on binary floating point rounding;
results are handed back as floats.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from numbers import Real
from typing import Literal

__all__ = [
    "ASSURANCES",
    "FrozenReading",
    "IMPROVEMENTS",
    "LIMIT_FACTOR",
    "MIN_POINTS_FOR_FIRM_LIMITS",
    "RULES",
    "SCREENING_FACTOR",
    "VARIATIONS",
    "Assurance",
    "Improvement",
    "Rule",
    "Segment",
    "Side",
    "Signal",
    "Variation",
    "XmRPoint",
    "XmRResult",
    "read_against_baseline",
    "xmr",
]

Improvement = Literal["increase", "decrease", "neutral"]
Variation = Literal[
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neutral",
]
Assurance = Literal["pass", "fail", "hit_and_miss"]
Rule = Literal["outside_limits", "trend", "two_of_three", "run"]
Side = Literal["high", "low"]

IMPROVEMENTS: tuple[Improvement, ...] = ("increase", "decrease", "neutral")
VARIATIONS: tuple[Variation, ...] = (
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neutral",
)
ASSURANCES: tuple[Assurance, ...] = ("pass", "fail", "hit_and_miss")
# Order matters: it is the precedence used to pick the side shown for a neutral point caught by
# patterns on both sides (the same order NHSRplotthedots reports "the" rule in).
RULES: tuple[Rule, ...] = ("outside_limits", "trend", "two_of_three", "run")

# Shewhart's constant for individuals charts: 3 / d2 with d2 = 1.128 for moving ranges of two
# points, rounded to 2.66 as the Making Data Count tools (and most textbooks) do.
LIMIT_FACTOR = Fraction("2.66")
# Upper limit of the moving range chart (D4 for n = 2). Moving ranges above D4 * MR-bar are
# themselves special causes, and leaving them in would widen the limits (Nelson 1982).
SCREENING_FACTOR = Fraction("3.267")
# Segments shorter than this have "trial" limits (NHSRplotthedots vignette "Number of points
# required"; the Making Data Count team asks for 12 or more, ideally 15-20, before trusting limits).
MIN_POINTS_FOR_FIRM_LIMITS = 12


@dataclass(frozen=True)
class Signal:
    """One special cause rule that caught a point, and on which side of the process it lies.

    For ``outside_limits``, ``run`` and ``two_of_three`` the side is where the point sits relative
    to the mean; for ``trend`` it is the direction of travel (a rising trend is "high" even when
    it starts below the mean), as in the Excel tool.
    """

    rule: Rule
    side: Side


@dataclass(frozen=True)
class XmRPoint:
    """One period of the chart. ``value`` is None for a missing period."""

    index: int
    value: float | None
    segment: int
    mean: float | None
    upl: float | None
    lpl: float | None
    upper_two_sigma: float | None
    lower_two_sigma: float | None
    moving_range: float | None
    # True when outlier screening left this moving range out of MR-bar.
    moving_range_excluded: bool
    # None only for a missing period: there is nothing to classify.
    variation: Variation | None
    signals: tuple[Signal, ...]
    # The side that the variation refers to ("high"/"low"), None for common cause. Together with
    # ``variation`` this picks the icon (e.g. improvement + low = "improvement_low").
    side: Side | None

    @property
    def rules(self) -> tuple[Rule, ...]:
        """The distinct rules that fired for this point, in precedence order."""
        return tuple(rule for rule in RULES if any(s.rule == rule for s in self.signals))

    @property
    def is_special_cause(self) -> bool:
        return bool(self.signals)


@dataclass(frozen=True)
class Segment:
    """A stretch of the series with its own mean and limits; ``stop`` is exclusive."""

    number: int
    start: int
    stop: int
    note: str | None
    # Points with a value (missing periods are not counted).
    n_points: int
    mean: float | None
    mean_moving_range: float | None
    upl: float | None
    lpl: float | None
    upper_two_sigma: float | None
    lower_two_sigma: float | None
    n_moving_ranges: int
    n_moving_ranges_excluded: int

    @property
    def trial_limits(self) -> bool:
        """True when the limits rest on fewer than 12 points and will move as data arrive."""
        return 0 < self.n_points < MIN_POINTS_FOR_FIRM_LIMITS

    @property
    def has_limits(self) -> bool:
        return self.upl is not None


@dataclass(frozen=True)
class XmRResult:
    points: tuple[XmRPoint, ...]
    segments: tuple[Segment, ...]
    improvement: Improvement
    target: float | None
    assurance: Assurance | None
    run_length: int
    trend_length: int
    screen_outliers: bool

    def __len__(self) -> int:
        return len(self.points)

    def __getitem__(self, index: int) -> XmRPoint:
        return self.points[index]

    @property
    def trial_limits(self) -> bool:
        """True when any segment has fewer than 12 points (its limits are provisional)."""
        return any(segment.trial_limits for segment in self.segments)

    @property
    def latest_point(self) -> XmRPoint | None:
        """The most recent period that has a value (trailing missing periods are skipped)."""
        for point in reversed(self.points):
            if point.value is not None:
                return point
        return None

    @property
    def latest_variation(self) -> Variation | None:
        """Variation of the latest recorded point: what the variation icon shows."""
        latest = self.latest_point
        return latest.variation if latest else None

    @property
    def latest_segment(self) -> Segment | None:
        return self.segments[-1] if self.segments else None

    @property
    def variations(self) -> tuple[Variation | None, ...]:
        return tuple(point.variation for point in self.points)


# --------------------------------------------------------------------------------------------
# Validation


def _as_fraction(value: object, what: str) -> Fraction:
    # bool is an int subclass; True as a measurement is almost certainly a caller's bug.
    if isinstance(value, bool) or not isinstance(value, Real | Decimal):
        raise ValueError(f"{what} must be a number, not {value!r}")
    if isinstance(value, float | Decimal) and not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, not {value!r}")
    return Fraction(value)


def _positive_int(value: object, what: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{what} must be a whole number of at least {minimum}, not {value!r}")
    return value


def _parse_rebases(rebase_at: object, n: int) -> list[tuple[int, str | None]]:
    if isinstance(rebase_at, str | bytes) or not isinstance(rebase_at, Iterable):
        raise ValueError("rebase_at must be a sequence of indices or (index, note) pairs")
    parsed: list[tuple[int, str | None]] = []
    for item in rebase_at:
        note: str | None = None
        if isinstance(item, tuple):
            if len(item) != 2 or not (item[1] is None or isinstance(item[1], str)):
                raise ValueError(
                    f"rebase_at entries must be an index or an (index, note) pair, not {item!r}"
                )
            item, note = item
        if isinstance(item, bool) or not isinstance(item, int):
            raise ValueError(f"rebase_at indices must be whole numbers, not {item!r}")
        if not 0 < item < n:
            raise ValueError(
                f"rebase_at index {item} is out of range: a new segment must start between "
                f"index 1 and index {n - 1} of the {n} values"
            )
        parsed.append((item, note or None))
    indices = [index for index, _ in parsed]
    if len(set(indices)) != len(indices):
        raise ValueError(f"rebase_at contains the same index more than once: {sorted(indices)}")
    return sorted(parsed)


# --------------------------------------------------------------------------------------------
# Calculation


@dataclass(frozen=True)
class _Limits:
    mean: Fraction
    mr_bar: Fraction | None
    upl: Fraction | None
    lpl: Fraction | None
    upper_two_sigma: Fraction | None
    lower_two_sigma: Fraction | None


def _mean(values: Sequence[Fraction]) -> Fraction:
    return sum(values, Fraction(0)) / len(values)


def _sign(x: Fraction) -> int:
    return (x > 0) - (x < 0)


def _flag_streaks(
    keys: Sequence[int], positions: Sequence[int], length: int
) -> list[tuple[list[int], int]]:
    """Maximal streaks of equal non-zero ``keys`` at least ``length`` long.

    Returns (positions in the streak, key) pairs; a zero key always breaks a streak.
    """
    streaks: list[tuple[list[int], int]] = []
    start = 0
    while start < len(keys):
        end = start
        while end + 1 < len(keys) and keys[end + 1] == keys[start]:
            end += 1
        if keys[start] != 0 and end - start + 1 >= length:
            streaks.append(([positions[k] for k in range(start, end + 1)], keys[start]))
        start = end + 1
    return streaks


def _side(sign: int) -> Side:
    return "high" if sign > 0 else "low"


def _segment_signals(
    recorded: Sequence[tuple[int, Fraction]],
    limits: _Limits | None,
    run_length: int,
    trend_length: int,
) -> dict[int, list[Signal]]:
    """Apply the four rules to one segment's recorded points (missing periods skipped)."""
    signals: dict[int, list[Signal]] = {index: [] for index, _ in recorded}
    if not recorded or limits is None:
        return signals
    indices = [index for index, _ in recorded]
    values = [value for _, value in recorded]
    mean = limits.mean

    # Rule 1: beyond a process limit. Strictly beyond: a point on the limit is not a signal.
    if limits.upl is not None and limits.lpl is not None:
        for index, value in recorded:
            if value > limits.upl:
                signals[index].append(Signal("outside_limits", "high"))
            elif value < limits.lpl:
                signals[index].append(Signal("outside_limits", "low"))

    # Rule 3 (checked before the run so signals come out in precedence order): a trend is
    # trend_length points, i.e. trend_length - 1 consecutive differences of the same strict sign.
    # An equal pair has difference 0 and so ends the trend. The first point of the trend counts.
    differences = [_sign(b - a) for a, b in zip(values, values[1:], strict=False)]
    trend_points: dict[int, list[Signal]] = {}
    for diff_positions, direction in _flag_streaks(
        differences, list(range(len(differences))), trend_length - 1
    ):
        # Differences k..m cover points k..m+1.
        covered = range(diff_positions[0], diff_positions[-1] + 2)
        for position in covered:
            trend_points.setdefault(indices[position], []).append(Signal("trend", _side(direction)))
    for index, found in trend_points.items():
        # A peak or trough belongs to two trends; list the later one (the one it starts) first so
        # that a neutral measure's side follows the newer direction of travel.
        signals[index].extend(reversed(found))

    # Rule 4: two out of three consecutive points beyond two sigma, all three on the same side of
    # the mean. Only the points beyond two sigma are flagged (the Excel tool's logic since its
    # late-2023 update; points beyond the process limit count as beyond two sigma).
    if limits.upper_two_sigma is not None and limits.lower_two_sigma is not None:
        flagged: set[tuple[int, Side]] = set()
        for k in range(len(values) - 2):
            window = values[k : k + 3]
            for side, beyond, same_side in (
                ("high", lambda v: v > limits.upper_two_sigma, lambda v: v > mean),
                ("low", lambda v: v < limits.lower_two_sigma, lambda v: v < mean),
            ):
                if all(same_side(v) for v in window) and sum(map(beyond, window)) >= 2:
                    for offset, v in enumerate(window):
                        if beyond(v):
                            flagged.add((indices[k + offset], side))
        for index, side in sorted(flagged):
            signals[index].append(Signal("two_of_three", side))

    # Rule 2: a run of run_length points on one side of the mean. A point exactly on the mean has
    # sign 0, belongs to neither side and breaks the run.
    sides = [_sign(v - mean) for v in values]
    for positions, sign in _flag_streaks(sides, indices, run_length):
        for index in positions:
            signals[index].append(Signal("run", _side(sign)))
    return signals


def _classify(signals: Sequence[Signal], improvement: Improvement) -> tuple[Variation, Side | None]:
    if not signals:
        return "common_cause", None
    if improvement == "neutral":
        return "special_cause_neutral", signals[0].side
    good: Side = "high" if improvement == "increase" else "low"
    bad: Side = "low" if good == "high" else "high"
    # A point can sit in an improving pattern and a worsening one at once (e.g. the peak between
    # a rising and a falling trend). The Making Data Count single chart tool shows improvement
    # in that case, so we do too.
    if any(signal.side == good for signal in signals):
        return "special_cause_improvement", good
    return "special_cause_concern", bad


def _assurance(
    limits: _Limits | None, target: Fraction | None, improvement: Improvement
) -> Assurance | None:
    if target is None or improvement == "neutral" or limits is None or limits.upl is None:
        return None
    assert limits.lpl is not None
    # A target exactly on a limit can still be missed (or hit) by chance: hit and miss.
    if target > limits.upl:
        return "fail" if improvement == "increase" else "pass"
    if target < limits.lpl:
        return "pass" if improvement == "increase" else "fail"
    return "hit_and_miss"


def _float(x: Fraction | None) -> float | None:
    return None if x is None else float(x)


def xmr(
    values: Iterable[float | int | Decimal | Fraction | None],
    improvement: Improvement = "increase",
    target: float | int | Decimal | Fraction | None = None,
    rebase_at: Iterable[int | tuple[int, str | None]] = (),
    screen_outliers: bool = False,
    run_length: int = 7,
    trend_length: int = 7,
) -> XmRResult:
    """Build an XmR chart by the Making Data Count method.

    ``values`` are in time order; None marks a missing period. ``rebase_at`` lists the indices at
    which a new segment (with its own mean and limits) starts, each either a bare index or an
    ``(index, note)`` pair whose note is shown on the chart. Runs, trends and two-of-three never
    cross a rebase. ``screen_outliers`` drops moving ranges above 3.267 x MR-bar before the
    limits are worked out (off by default, like the Excel tool).

    Missing periods: a moving range is only taken between two adjacent recorded periods, so the
    ranges either side of a gap are absent (a range across a gap spans two periods and would
    overstate short-term variation). The rules look at the sequence of recorded points, so a gap
    neither breaks nor extends a run or trend.

    Raises ValueError with a plain message for any invalid argument.
    """
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise ValueError("values must be a sequence of numbers (None for a missing period)")
    raw = list(values)
    exact: list[Fraction | None] = [
        None if v is None else _as_fraction(v, f"values[{i}]") for i, v in enumerate(raw)
    ]
    if improvement not in IMPROVEMENTS:
        raise ValueError(
            f"improvement must be one of {', '.join(IMPROVEMENTS)}, not {improvement!r}"
        )
    exact_target = None if target is None else _as_fraction(target, "target")
    if not isinstance(screen_outliers, bool):
        raise ValueError(f"screen_outliers must be True or False, not {screen_outliers!r}")
    run_length = _positive_int(run_length, "run_length", 2)
    trend_length = _positive_int(trend_length, "trend_length", 3)
    rebases = _parse_rebases(rebase_at, len(exact))

    starts = [0] + [index for index, _ in rebases]
    stops = starts[1:] + [len(exact)]
    notes: list[str | None] = [None] + [note for _, note in rebases]
    if not exact:
        starts, stops, notes = [], [], []

    points: list[XmRPoint] = []
    segments: list[Segment] = []
    last_limits: _Limits | None = None
    for number, (start, stop, note) in enumerate(zip(starts, stops, notes, strict=True)):
        recorded = [(i, v) for i in range(start, stop) if (v := exact[i]) is not None]

        # Moving ranges stay inside the segment: the first point after a rebase has none.
        moving_ranges: dict[int, Fraction] = {}
        for i in range(start + 1, stop):
            current, previous = exact[i], exact[i - 1]
            if current is not None and previous is not None:
                moving_ranges[i] = abs(current - previous)
        excluded: set[int] = set()
        mr_bar = _mean(list(moving_ranges.values())) if moving_ranges else None
        if screen_outliers and mr_bar is not None:
            cutoff = SCREENING_FACTOR * mr_bar
            excluded = {i for i, mr in moving_ranges.items() if mr > cutoff}
            # Never empty: the smallest range is at most the mean, which is below the cutoff.
            mr_bar = _mean([mr for i, mr in moving_ranges.items() if i not in excluded])

        limits: _Limits | None = None
        if recorded:
            mean = _mean([v for _, v in recorded])
            if mr_bar is None:
                # One point, or no two adjacent periods: no estimate of variation, so no limits.
                limits = _Limits(mean, None, None, None, None, None)
            else:
                sigma = LIMIT_FACTOR / 3 * mr_bar
                limits = _Limits(
                    mean=mean,
                    mr_bar=mr_bar,
                    upl=mean + 3 * sigma,
                    lpl=mean - 3 * sigma,
                    upper_two_sigma=mean + 2 * sigma,
                    lower_two_sigma=mean - 2 * sigma,
                )
        last_limits = limits

        signals = _segment_signals(recorded, limits, run_length, trend_length)
        for i in range(start, stop):
            value = exact[i]
            found = tuple(signals.get(i, ()))
            if value is None:
                variation: Variation | None = None
                side: Side | None = None
            else:
                variation, side = _classify(found, improvement)
            points.append(
                XmRPoint(
                    index=i,
                    value=_float(value),
                    segment=number,
                    mean=_float(limits.mean) if limits else None,
                    upl=_float(limits.upl) if limits else None,
                    lpl=_float(limits.lpl) if limits else None,
                    upper_two_sigma=_float(limits.upper_two_sigma) if limits else None,
                    lower_two_sigma=_float(limits.lower_two_sigma) if limits else None,
                    moving_range=_float(moving_ranges.get(i)),
                    moving_range_excluded=i in excluded,
                    variation=variation,
                    signals=found,
                    side=side,
                )
            )
        segments.append(
            Segment(
                number=number,
                start=start,
                stop=stop,
                note=note,
                n_points=len(recorded),
                mean=_float(limits.mean) if limits else None,
                mean_moving_range=_float(mr_bar),
                upl=_float(limits.upl) if limits else None,
                lpl=_float(limits.lpl) if limits else None,
                upper_two_sigma=_float(limits.upper_two_sigma) if limits else None,
                lower_two_sigma=_float(limits.lower_two_sigma) if limits else None,
                n_moving_ranges=len(moving_ranges),
                n_moving_ranges_excluded=len(excluded),
            )
        )

    return XmRResult(
        points=tuple(points),
        segments=tuple(segments),
        improvement=improvement,
        target=_float(exact_target),
        # Assurance reads the latest segment only: earlier limits describe a process that has
        # since changed.
        assurance=_assurance(last_limits, exact_target, improvement),
        run_length=run_length,
        trend_length=trend_length,
        screen_outliers=screen_outliers,
    )


@dataclass(frozen=True)
class FrozenReading:
    """A stretch of new values read against limits frozen from an earlier baseline.

    ``points`` are the new values only (their ``mean``, limits and two-sigma lines are the
    baseline's); ``n_baseline`` counts the baseline's recorded values. With fewer than two
    baseline values in consecutive periods there are no limits, and only the run and trend rules
    can fire.
    """

    n_baseline: int
    mean: float | None
    upl: float | None
    lpl: float | None
    upper_two_sigma: float | None
    lower_two_sigma: float | None
    points: tuple[XmRPoint, ...]

    @property
    def trial_limits(self) -> bool:
        """True when the baseline has fewer than 12 values (limits that would still move)."""
        return self.n_baseline < MIN_POINTS_FOR_FIRM_LIMITS

    @property
    def variations(self) -> tuple[Variation | None, ...]:
        return tuple(point.variation for point in self.points)


def read_against_baseline(
    baseline: Iterable[float | int | Decimal | Fraction | None],
    values: Iterable[float | int | Decimal | Fraction | None],
    improvement: Improvement = "increase",
    run_length: int = 7,
    trend_length: int = 7,
) -> FrozenReading:
    """Work out the limits from ``baseline`` only, freeze them, and read ``values`` against them
    by the same four rules as :func:`xmr` (NHSRplotthedots calls this fixing the limits after
    the baseline). The rules look at ``values`` alone: a run or trend does not reach back into
    the baseline. None marks a missing period in either sequence.

    Used to ask "did anything change after this point?" (a test of change) without letting the
    new values move the limits they are read against.
    """
    for name, seq in (("baseline", baseline), ("values", values)):
        if isinstance(seq, str | bytes) or not isinstance(seq, Iterable):
            raise ValueError(f"{name} must be a sequence of numbers (None for a missing period)")
    base = [
        None if v is None else _as_fraction(v, f"baseline[{i}]") for i, v in enumerate(baseline)
    ]
    new = [None if v is None else _as_fraction(v, f"values[{i}]") for i, v in enumerate(values)]
    if improvement not in IMPROVEMENTS:
        raise ValueError(
            f"improvement must be one of {', '.join(IMPROVEMENTS)}, not {improvement!r}"
        )
    run_length = _positive_int(run_length, "run_length", 2)
    trend_length = _positive_int(trend_length, "trend_length", 3)

    recorded_base = [v for v in base if v is not None]
    limits: _Limits | None = None
    if recorded_base:
        mean = _mean(recorded_base)
        ranges = [
            abs(current - previous)
            for previous, current in zip(base, base[1:], strict=False)
            if current is not None and previous is not None
        ]
        if ranges:
            sigma = LIMIT_FACTOR / 3 * _mean(ranges)
            limits = _Limits(
                mean=mean,
                mr_bar=_mean(ranges),
                upl=mean + 3 * sigma,
                lpl=mean - 3 * sigma,
                upper_two_sigma=mean + 2 * sigma,
                lower_two_sigma=mean - 2 * sigma,
            )
        else:
            limits = _Limits(mean, None, None, None, None, None)

    recorded = [(i, v) for i, v in enumerate(new) if v is not None]
    signals = _segment_signals(recorded, limits, run_length, trend_length)
    points = []
    for i, value in enumerate(new):
        found = tuple(signals.get(i, ()))
        variation, side = (None, None) if value is None else _classify(found, improvement)
        moving_range = None
        if i > 0 and value is not None and new[i - 1] is not None:
            moving_range = abs(value - new[i - 1])
        points.append(
            XmRPoint(
                index=i,
                value=_float(value),
                segment=0,
                mean=_float(limits.mean) if limits else None,
                upl=_float(limits.upl) if limits else None,
                lpl=_float(limits.lpl) if limits else None,
                upper_two_sigma=_float(limits.upper_two_sigma) if limits else None,
                lower_two_sigma=_float(limits.lower_two_sigma) if limits else None,
                moving_range=_float(moving_range),
                moving_range_excluded=False,
                variation=variation,
                signals=found,
                side=side,
            )
        )
    return FrozenReading(
        n_baseline=len(recorded_base),
        mean=_float(limits.mean) if limits else None,
        upl=_float(limits.upl) if limits else None,
        lpl=_float(limits.lpl) if limits else None,
        upper_two_sigma=_float(limits.upper_two_sigma) if limits else None,
        lower_two_sigma=_float(limits.lower_two_sigma) if limits else None,
        points=tuple(points),
    )
