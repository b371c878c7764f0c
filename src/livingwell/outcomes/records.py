"""Pure helpers shared by the Django side of outcomes (actions, views, seed data).

No Django imports: the values stored on a MeasureResponse are computed here, by the same code
whether a worker records a measure, a person submits it through a link, or the seed command writes
a history, so a stored total can never drift from ``score()``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .definitions import get_definition
from .errors import MeasureInputError
from .scoring import DETERIORATION, IMPROVEMENT, change, is_blank, score, validated_answers

COMPUTED_FIELDS = ("total", "band", "subscales", "metric", "clinical", "prorated")


def computed_fields(measure: str, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The stored, queryable results of one response; raises MeasureInputError like score()."""
    result = score(measure, answers)
    return {
        "total": float(result.total) if result.total is not None else None,
        "band": result.band or "",
        "subscales": dict(result.subscales),
        "metric": result.metric,
        "clinical": result.clinical,
        "prorated": result.prorated,
    }


def clean_answers(measure: str, answers: Mapping[str, Any]) -> dict[str, int]:
    """The answered items as ints (what is stored); raises MeasureInputError."""
    return dict(score(measure, answers).answers)


def item_name(measure: str, link_id: str) -> str:
    """'Item 3', or the short fact label where the definition has one (DIALOG domains)."""
    item = get_definition(measure).item(link_id)
    return item.label


def answer_errors(measure: str, answers: Mapping[str, Any]) -> dict[str | None, str]:
    """Every problem with ``answers``, keyed by linkId (None: not about one item).

    ``score()`` stops at the first problem; a form needs a message beside every wrong answer.
    Returns {} when the answers can be scored.
    """
    defn = get_definition(measure)
    errors: dict[str | None, str] = {}
    for link_id, value in answers.items():
        try:
            validated_answers(defn, {link_id: value})
        except MeasureInputError as exc:
            errors[exc.item if exc.item is not None else link_id] = _sentence(defn, exc)
    rule = defn.missing
    missing = [i for i in defn.link_ids if is_blank(answers.get(i))]
    answered = len(defn.link_ids) - len(missing)
    if rule.rule == "refuse":
        for link_id in missing:
            label = defn.item(link_id).label
            errors.setdefault(link_id, f"{label}: choose an answer (every item is needed).")
    elif rule.rule == "prorate" and len(missing) > rule.max_missing:
        for link_id in missing:
            label = defn.item(link_id).label
            errors.setdefault(
                link_id,
                f"{label}: choose an answer. {defn.title} can be scored with at most "
                f"{rule.max_missing} unanswered item(s).",
            )
    elif rule.rule == "optional_items" and answered < rule.min_answered:
        errors[None] = f"Answer at least {rule.min_answered} item(s)."
    if errors:
        return errors
    try:
        score(measure, answers)
    except MeasureInputError as exc:  # anything the checks above did not foresee
        errors[exc.item] = _sentence(defn, exc)
    return errors


def _sentence(defn, exc: MeasureInputError) -> str:
    message = str(exc)
    prefix = f"{defn.code}"
    if message.startswith(prefix):
        message = message[len(prefix) :].lstrip(" :")
    return message[:1].upper() + message[1:]


def format_points(value: float) -> str:
    """2 -> '2', 2.5 -> '2.5', 3.37 -> '3.37' (no spurious decimals)."""
    value = round(float(value), 2)
    if value.is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _points(value: float) -> str:
    text = format_points(abs(value))
    return f"{text} point" if text == "1" else f"{text} points"


_CATEGORY_TEXT = {
    IMPROVEMENT: "This counts as a reliable improvement.",
    DETERIORATION: "This counts as a reliable deterioration.",
}
_NO_CHANGE_TEXT = "This is within the range of everyday variation (no reliable change)."


def _moved(gain: float) -> str:
    if gain > 0:
        return "improved"
    if gain < 0:
        return "got worse"
    return "stayed the same"


def describe_change(
    measure: str,
    first: Mapping[str, Any],
    latest: Mapping[str, Any],
    *,
    item_names: Mapping[str, str] | None = None,
) -> list[str]:
    """Plain-language sentences about the change from ``first`` to ``latest``.

    Uses ``change()`` for the category, so the words always agree with the counted outcome.
    ``item_names`` overrides item labels (GBO goals in the person's words).
    """
    defn = get_definition(measure)
    result = change(measure, first, latest)
    higher_better = defn.direction == "higher_is_better"
    sentences: list[str] = []
    if result.items is not None:
        names = dict(item_names or {})
        for link_id, category in result.items.items():
            a, b = first[link_id], latest[link_id]
            gain = (b - a) if higher_better else (a - b)
            name = names.get(link_id) or defn.item(link_id).label.lower()
            if measure == "gbo":
                subject = f"the goal “{name}”"
            else:
                subject = name
            if gain == 0:
                sentences.append(f"Your score for {subject} stayed the same ({format_points(b)}).")
                continue
            text = (
                f"Your score for {subject} {_moved(gain)} by {_points(gain)} "
                f"(from {format_points(a)} to {format_points(b)})."
            )
            if category != IMPROVEMENT and category != DETERIORATION:
                text = text[:-1] + ", within everyday variation."
            sentences.append(text)
        overall = _CATEGORY_TEXT.get(result.category, _NO_CHANGE_TEXT)
        sentences.append(f"Overall: {overall[0].lower()}{overall[1:]}")
        return sentences
    a, b = result.first, result.latest
    assert a is not None and b is not None
    gain = (b - a) if higher_better else (a - b)
    which = "wellbeing (metric) score" if defn.change.basis == "metric" else "score"
    direction = "higher is better" if higher_better else "lower is better"
    if gain == 0:
        sentences.append(f"Your {which} stayed the same ({format_points(b)}; {direction}).")
    else:
        sentences.append(
            f"Your {which} {_moved(gain)} by {_points(gain)}, from {format_points(a)} to "
            f"{format_points(b)} ({direction})."
        )
    sentences.append(_CATEGORY_TEXT.get(result.category, _NO_CHANGE_TEXT))
    if result.reliable_recovery:
        sentences.append("It also counts as reliable recovery.")
    return sentences


def band_label(measure: str, band_code: str) -> str:
    for band in get_definition(measure).bands:
        if band.code == band_code:
            return band.label
    return ""


def summary_text(measure: str, *, total, band, subscales, metric, answers, prorated=False) -> str:
    """A short line for tables and the record panel, e.g. 'Total 14 (Moderate)'."""
    defn = get_definition(measure)
    if metric is not None:
        text = f"Metric score {format_points(metric)} (raw {format_points(total)})"
    elif total is not None:
        text = f"Total {format_points(total)}"
        label = band_label(measure, band) if band else ""
        if label:
            text += f" ({label})"
    elif defn.subscales:
        parts = [
            f"{sub.label} {format_points(subscales[sub.code])}"
            for sub in defn.subscales
            if sub.code in subscales
        ]
        text = "; ".join(parts)
    else:
        text = "Ratings " + ", ".join(format_points(answers[i]) for i in sorted(answers, key=int))
    if prorated:
        text += " – prorated for a missing item"
    return text


def response_summary(measure: str, response) -> str:
    """summary_text of a stored response (or a row with the same attributes: the record's
    latest scores)."""
    return summary_text(
        measure,
        total=response.total,
        band=response.band,
        subscales=response.subscales,
        metric=response.metric,
        answers=response.answers,
        prorated=response.prorated,
    )


def _tt_move(title: str, first: float, latest: float, category: str) -> str:
    a, b = format_points(first), format_points(latest)
    if first == latest:
        return f"{title} stayed at {b}."
    which = "fell" if latest < first else "rose"
    text = f"{title} {which} by {_points(latest - first)}, from {a} to {b}"
    if category == IMPROVEMENT:
        return text + ": a reliable improvement."
    if category == DETERIORATION:
        return text + ": a reliable deterioration."
    return text + ", within everyday variation."


def describe_talking_therapies(outcome) -> list[str]:
    """Plain-language sentences for an NHS Talking Therapies outcome (``talking_therapies()``).

    Thresholds and reliable-change sizes are read from the PHQ-9 and GAD-7 definitions, so the
    words always match the counted result. Lower scores are better on both measures.
    """
    phq9, gad7 = get_definition("phq9"), get_definition("gad7")
    p_cut = format_points(phq9.clinical_cutoff.value)
    g_cut = format_points(gad7.clinical_cutoff.value)
    sentences = [
        _tt_move(
            "Depression (PHQ-9)", outcome.phq9_first, outcome.phq9_latest, outcome.phq9_category
        ),
        _tt_move("Anxiety (GAD-7)", outcome.gad7_first, outcome.gad7_latest, outcome.gad7_category),
    ]
    if outcome.reliable_improvement:
        sentences.append("Overall this counts as reliable improvement.")
    elif outcome.reliable_deterioration:
        sentences.append("Overall this counts as reliable deterioration.")
    else:
        sentences.append("Overall there is no reliable change.")
    if outcome.case_at_start:
        sentences.append(
            f"At the start the scores were at or above the clinical threshold "
            f"(PHQ-9 {p_cut} or more, or GAD-7 {g_cut} or more)."
        )
        if outcome.recovery:
            sentences.append(
                "Both latest scores are below the threshold, so this counts as recovery."
            )
            if outcome.reliable_recovery:
                sentences.append(
                    "With a reliable improvement as well, it also counts as reliable recovery."
                )
        else:
            sentences.append(
                "At least one latest score is still at or above the threshold, so this does not "
                "count as recovery yet."
            )
    else:
        sentences.append(
            f"At the start both scores were below the clinical threshold (PHQ-9 {p_cut}, "
            f"GAD-7 {g_cut}), so recovery is not counted: it applies only to people who start "
            "above it."
        )
    return sentences
