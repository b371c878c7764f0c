"""The generic scoring engine: every number comes from a measure definition file.

Nothing here knows about a particular measure except ``talking_therapies``, which implements a
named NHS England rule that combines two measures. Adding a measure means adding a definition
file (see definitions.py) and its tests; no new code path.

Answers are *item scores*: the numeric value of the chosen answer option as the publisher's
scoring key defines it (reverse-keyed items already reversed). ``None`` (or NaN, as pandas gives
for an empty cell) means "not answered".
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .definitions import Definition, get_definition
from .errors import MeasureInputError

IMPROVEMENT = "reliable_improvement"
NO_CHANGE = "no_reliable_change"
DETERIORATION = "reliable_deterioration"
CATEGORIES = (IMPROVEMENT, NO_CHANGE, DETERIORATION)

# Floating-point noise (e.g. 22.35 - 19.25) must not move a change across a threshold.
_EPSILON = 1e-9
# Jacobson & Truax (1991): a reliable change index beyond +/-1.96 (p < .05, two-tailed).
JT_CRITICAL = 1.96


@dataclass(frozen=True)
class Score:
    """One scored response.

    ``total`` is None for measures without a total (DIALOG, GBO). When a score is prorated under
    the measure's published rule, ``prorated`` is True and ``missing`` lists the unanswered
    linkIds, so an imputed number is never presented as a complete one.
    """

    measure: str
    total: float | None
    band: str | None
    band_label: str | None
    subscales: dict[str, float]
    metric: float | None
    clinical: bool | None
    prorated: bool
    missing: tuple[str, ...]
    answers: dict[str, int]


@dataclass(frozen=True)
class Change:
    """Change between the first and the latest response of one person on one measure.

    For per-item methods (DIALOG, GBO) ``items`` maps each paired linkId to its category and
    ``first``/``latest``/``difference`` are None. For total-based methods they hold the values
    compared (the metric score for SWEMWBS) and ``items`` is None. ``reliable_recovery`` is None
    where the method does not define recovery.
    """

    measure: str
    category: str
    items: dict[str, str] | None
    reliable_recovery: bool | None
    first: float | None
    latest: float | None
    difference: float | None
    method: str
    rc_index: float | None = None


@dataclass(frozen=True)
class TalkingTherapiesOutcome:
    """NHS Talking Therapies paired outcome for PHQ-9 with GAD-7.

    ``recovery`` and ``reliable_recovery`` are None when the person was not a case at the start:
    NHS Talking Therapies counts recovery only among people who started above caseness.
    """

    phq9_first: float
    gad7_first: float
    phq9_latest: float
    gad7_latest: float
    case_at_start: bool
    case_at_end: bool
    recovery: bool | None
    reliable_improvement: bool
    reliable_deterioration: bool
    reliable_recovery: bool | None
    phq9_category: str
    gad7_category: str


@dataclass(frozen=True)
class JacobsonTruax:
    """Reliable change index (Jacobson & Truax 1991)."""

    rc: float
    reliable: bool
    sem: float
    s_diff: float


# --- answers -------------------------------------------------------------------------------


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def validated_answers(defn: Definition, answers: Any) -> dict[str, int]:
    """Validate answers against the definition; return the answered items as ints.

    Raises MeasureInputError naming the item for an unknown linkId, a non-whole number, a bool,
    or a value that is not one of the item's answer options.
    """
    code = defn.code
    if not isinstance(answers, Mapping):
        raise MeasureInputError(
            f"{code}: answers must be a mapping of linkId to item score, "
            f"not {type(answers).__name__}",
            measure=code,
        )
    known = set(defn.link_ids)
    clean: dict[str, int] = {}
    for link_id, value in answers.items():
        if not isinstance(link_id, str):
            raise MeasureInputError(
                f"{code}: linkId {link_id!r} must be a string such as '1'",
                measure=code,
                item=str(link_id),
            )
        if link_id not in known:
            raise MeasureInputError(
                f"{code}: unknown item {link_id!r}; items are "
                f"{defn.link_ids[0]} to {defn.link_ids[-1]}",
                measure=code,
                item=link_id,
            )
        if is_blank(value):
            continue
        # bool is an int subclass; True must not silently score 1.
        if isinstance(value, bool):
            raise MeasureInputError(
                f"{code} item {link_id}: {value!r} is not an item score",
                measure=code,
                item=link_id,
            )
        if isinstance(value, numbers.Integral):
            number = int(value)
        elif isinstance(value, numbers.Real) and float(value).is_integer():
            number = int(value)
        else:
            raise MeasureInputError(
                f"{code} item {link_id}: {value!r} is not a whole-number item score",
                measure=code,
                item=link_id,
            )
        allowed = defn.item(link_id).values
        if number not in allowed:
            raise MeasureInputError(
                f"{code} item {link_id}: {number} is out of range "
                f"({min(allowed)} to {max(allowed)})",
                measure=code,
                item=link_id,
            )
        clean[link_id] = number
    return clean


def _apply_missing_rule(defn: Definition, clean: dict[str, int]) -> tuple[str, ...]:
    """Return the missing linkIds if the published rule allows scoring; raise otherwise."""
    missing = tuple(link_id for link_id in defn.link_ids if link_id not in clean)
    rule = defn.missing
    code = defn.code
    if rule.rule == "optional_items":
        if len(clean) < rule.min_answered:
            raise MeasureInputError(
                f"{code}: at least {rule.min_answered} item(s) must be answered",
                measure=code,
            )
        return ()  # unset goals are not missing answers
    if not missing:
        return ()
    names = ", ".join(missing)
    if rule.rule == "prorate" and len(missing) <= rule.max_missing:
        return missing
    if rule.rule == "prorate":
        raise MeasureInputError(
            f"{code}: items {names} are missing; the published rule allows at most "
            f"{rule.max_missing} missing item(s)",
            measure=code,
            item=missing[0],
        )
    raise MeasureInputError(
        f"{code}: item(s) {names} missing; this measure cannot be scored with missing items",
        measure=code,
        item=missing[0],
    )


def _aggregate(method: str, values: list[int], n_items: int) -> float:
    mean = sum(values) / len(values)
    # A prorated sum is the mean of the answered items times the number of items
    # (CORE System Trust: clinical score = item mean x 10 for the CORE-10).
    return mean if method == "mean" else mean * n_items


def _score(defn: Definition, answers: Any) -> Score:
    clean = validated_answers(defn, answers)
    missing = _apply_missing_rule(defn, clean)
    prorated = bool(missing)

    total: float | None = None
    if defn.total_method is not None:
        values = [clean[i] for i in defn.link_ids if i in clean]
        if prorated:
            total = _aggregate(defn.total_method, values, len(defn.items))
        elif defn.total_method == "sum":
            total = sum(values)  # stays an int when nothing was prorated
        else:
            total = sum(values) / len(values)

    subscales: dict[str, float] = {}
    for sub in defn.subscales:
        values = [clean[i] for i in sub.items if i in clean]
        if values:
            subscales[sub.code] = _aggregate(sub.method, values, len(sub.items))

    band = defn.band_for(total) if total is not None and defn.bands else None
    metric = None
    if defn.metric_table is not None and total is not None and not prorated:
        metric = defn.metric_table[int(total)]
    clinical = None
    if defn.clinical_cutoff is not None and total is not None:
        clinical = defn.clinical_cutoff.is_clinical(total)

    return Score(
        measure=defn.code,
        total=total,
        band=band.code if band else None,
        band_label=band.label if band else None,
        subscales=subscales,
        metric=metric,
        clinical=clinical,
        prorated=prorated,
        missing=missing,
        answers=clean,
    )


def score(measure: str, answers: Mapping[str, Any]) -> Score:
    """Score one response to ``measure`` (e.g. ``"phq9"``); ``answers`` maps linkId to score."""
    return _score(get_definition(measure), answers)


# --- change --------------------------------------------------------------------------------


def _categorise(gain: float, threshold: float, inclusive: bool) -> str:
    """``gain`` is the change in the good direction (positive = better)."""
    if inclusive:
        if gain >= threshold - _EPSILON:
            return IMPROVEMENT
        if -gain >= threshold - _EPSILON:
            return DETERIORATION
    else:
        if gain > threshold + _EPSILON:
            return IMPROVEMENT
        if -gain > threshold + _EPSILON:
            return DETERIORATION
    return NO_CHANGE


def _combine(categories: list[str]) -> str:
    """Overall category from paired item categories.

    The rule mirrors NHS Talking Therapies' way of combining two paired measures: reliable
    improvement when something improved reliably and nothing deteriorated reliably; reliable
    deterioration the reverse; anything else (nothing reliable, or improvement alongside
    deterioration) is no reliable change. It is symmetric: swapping first and latest swaps
    improvement and deterioration. See docs/adr/0003-measures-as-data.md.
    """
    improved = IMPROVEMENT in categories
    deteriorated = DETERIORATION in categories
    if improved and not deteriorated:
        return IMPROVEMENT
    if deteriorated and not improved:
        return DETERIORATION
    return NO_CHANGE


def _gain(defn: Definition, first: float, latest: float) -> float:
    return latest - first if defn.direction == "higher_is_better" else first - latest


def _change(defn: Definition, first: Any, latest: Any) -> Change:
    rule = defn.change
    code = defn.code

    if rule.method == "per_item_threshold":
        first_clean = validated_answers(defn, first)
        latest_clean = validated_answers(defn, latest)
        # NHS England pairs first and latest on the same item; items (goals) rated on only
        # one occasion are not paired and do not count.
        paired = [i for i in defn.link_ids if i in first_clean and i in latest_clean]
        items = {
            i: _categorise(
                _gain(defn, first_clean[i], latest_clean[i]), rule.threshold, rule.inclusive
            )
            for i in paired
        }
        deciding = [items[i] for i in rule.overall_items if i in items]
        if not deciding:
            raise MeasureInputError(
                f"{code}: no item in {', '.join(rule.overall_items)} was answered on both "
                "occasions, so change cannot be counted",
                measure=code,
            )
        return Change(
            measure=code,
            category=_combine(deciding),
            items=items,
            reliable_recovery=None,
            first=None,
            latest=None,
            difference=None,
            method=rule.method,
        )

    first_score = _score(defn, first)
    latest_score = _score(defn, latest)
    if rule.basis == "metric":
        if first_score.metric is None or latest_score.metric is None:
            raise MeasureInputError(
                f"{code}: a metric score is needed on both occasions", measure=code
            )
        a, b = first_score.metric, latest_score.metric
    else:
        a, b = first_score.total, latest_score.total
    assert a is not None and b is not None  # definitions guarantee a total for these methods

    rc_index = None
    if rule.method == "jacobson_truax":
        jt = jacobson_truax(a, b, rule.sd, rule.reliability)
        rc_index = jt.rc
        # The index is signed in score units; turn it into the good direction.
        good = jt.rc if defn.direction == "higher_is_better" else -jt.rc
        category = NO_CHANGE
        if jt.reliable:
            category = IMPROVEMENT if good > 0 else DETERIORATION
    else:
        category = _categorise(_gain(defn, a, b), rule.threshold, rule.inclusive)

    recovery = None
    if rule.recovery and defn.clinical_cutoff is not None:
        cutoff = defn.clinical_cutoff
        recovery = (
            cutoff.is_clinical(first_score.total)
            and not cutoff.is_clinical(latest_score.total)
            and category == IMPROVEMENT
        )

    return Change(
        measure=code,
        category=category,
        items=None,
        reliable_recovery=recovery,
        first=a,
        latest=b,
        difference=b - a,
        method=rule.method,
        rc_index=rc_index,
    )


def change(measure: str, first: Mapping[str, Any], latest: Mapping[str, Any]) -> Change:
    """Reliable change between two responses to ``measure`` by the definition's method."""
    return _change(get_definition(measure), first, latest)


# --- NHS Talking Therapies -----------------------------------------------------------------


def _tt_total(measure: str, value: Any) -> float:
    """A PHQ-9/GAD-7 total from either a total or an answers mapping."""
    if isinstance(value, Mapping):
        result = score(measure, value)
        assert result.total is not None
        return result.total
    defn = get_definition(measure)
    high = sum(max(item.values) for item in defn.items)
    low = sum(min(item.values) for item in defn.items)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise MeasureInputError(
            f"{measure}: total {value!r} must be a whole number or a mapping of answers",
            measure=measure,
        )
    if not low <= value <= high:
        raise MeasureInputError(
            f"{measure}: total {value} is out of range ({low} to {high})", measure=measure
        )
    return int(value)


def talking_therapies(
    phq9_first: int | Mapping[str, Any],
    gad7_first: int | Mapping[str, Any],
    phq9_latest: int | Mapping[str, Any],
    gad7_latest: int | Mapping[str, Any],
) -> TalkingTherapiesOutcome:
    """NHS Talking Therapies categories from paired PHQ-9 and GAD-7.

    Each argument is either a total (int) or an answers mapping, which is scored first. Cut-offs
    and thresholds come from the phq9/gad7 definition files (caseness 10 and 8; reliable change
    6 and 4 points).
    """
    phq9 = get_definition("phq9")
    gad7 = get_definition("gad7")
    p1, g1 = _tt_total("phq9", phq9_first), _tt_total("gad7", gad7_first)
    p2, g2 = _tt_total("phq9", phq9_latest), _tt_total("gad7", gad7_latest)

    def is_case(p: float, g: float) -> bool:
        assert phq9.clinical_cutoff and gad7.clinical_cutoff
        return phq9.clinical_cutoff.is_clinical(p) or gad7.clinical_cutoff.is_clinical(g)

    p_cat = _categorise(_gain(phq9, p1, p2), phq9.change.threshold, phq9.change.inclusive)
    g_cat = _categorise(_gain(gad7, g1, g2), gad7.change.threshold, gad7.change.inclusive)
    # One measure reliably better while the other is reliably worse is neither improvement nor
    # deterioration ("with neither reliably worse"; deterioration is the reverse).
    overall = _combine([p_cat, g_cat])
    improvement = overall == IMPROVEMENT
    deterioration = overall == DETERIORATION

    case_start, case_end = is_case(p1, g1), is_case(p2, g2)
    recovery = (not case_end) if case_start else None
    reliable_recovery = (bool(recovery) and improvement) if case_start else None
    return TalkingTherapiesOutcome(
        phq9_first=p1,
        gad7_first=g1,
        phq9_latest=p2,
        gad7_latest=g2,
        case_at_start=case_start,
        case_at_end=case_end,
        recovery=recovery,
        reliable_improvement=improvement,
        reliable_deterioration=deterioration,
        reliable_recovery=reliable_recovery,
        phq9_category=p_cat,
        gad7_category=g_cat,
    )


# --- Jacobson & Truax ----------------------------------------------------------------------


def jacobson_truax(x1: float, x2: float, sd1: float, reliability: float) -> JacobsonTruax:
    """Reliable change index: SEM = SD1 x sqrt(1 - r); Sdiff = sqrt(2) x SEM; RC = (x2 - x1)/Sdiff.

    ``reliable`` is True when |RC| > 1.96. ``rc`` keeps the sign of x2 - x1 (score units), so
    the caller decides which direction is improvement.
    """
    for name, value in (("x1", x1), ("x2", x2), ("sd1", sd1), ("reliability", reliability)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or math.isnan(value):
            raise MeasureInputError(f"Jacobson-Truax: {name} must be a number, not {value!r}")
    if sd1 <= 0:
        raise MeasureInputError("Jacobson-Truax: sd1 must be greater than 0")
    if not 0 <= reliability < 1:
        # r = 1 would mean no measurement error and an infinite index.
        raise MeasureInputError("Jacobson-Truax: reliability must be at least 0 and below 1")
    sem = sd1 * math.sqrt(1 - reliability)
    s_diff = math.sqrt(2) * sem
    rc = (x2 - x1) / s_diff
    return JacobsonTruax(rc=rc, reliable=abs(rc) > JT_CRITICAL, sem=sem, s_diff=s_diff)
