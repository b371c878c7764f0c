"""Insight state changes: importing the local population table; closure feedback."""

from __future__ import annotations

import csv
import io

from django.db import transaction
from django.utils import timezone

from livingwell.access import audit
from livingwell.insight.models import ClosureFeedback, PopulationGroup

DIMENSIONS = set(PopulationGroup.Dimension.values)


class PopulationImportError(ValueError):
    """The file cannot be imported; the message says which line and why."""


def parse_population(text: str) -> list[tuple[str, str, int]]:
    """Rows of ``dimension,group,count`` (with that header), checked line by line."""
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or [f.strip() for f in reader.fieldnames] != [
        "dimension",
        "group",
        "count",
    ]:
        raise PopulationImportError("The first line must be the header: dimension,group,count")
    rows: list[tuple[str, str, int]] = []
    seen: set[tuple[str, str]] = set()
    for line, row in enumerate(reader, start=2):
        dimension = (row.get("dimension") or "").strip()
        group = (row.get("group") or "").strip()
        raw = (row.get("count") or "").strip()
        if dimension not in DIMENSIONS:
            raise PopulationImportError(
                f"Line {line}: unknown dimension {dimension!r}; "
                f"use one of {', '.join(sorted(DIMENSIONS))}."
            )
        if not group or len(group) > 40:
            raise PopulationImportError(f"Line {line}: the group must be 1 to 40 characters.")
        if not raw.isdigit():
            raise PopulationImportError(
                f"Line {line}: the count must be a whole number, not {raw!r}."
            )
        if (dimension, group) in seen:
            raise PopulationImportError(f"Line {line}: {dimension} {group} appears twice.")
        seen.add((dimension, group))
        rows.append((dimension, group, int(raw)))
    if not rows:
        raise PopulationImportError("The file has no rows.")
    return rows


@transaction.atomic
def import_population(*, by, text: str) -> dict[str, int]:
    """Replace the population table for every dimension in the file. All or nothing."""
    rows = parse_population(text)
    dimensions = sorted({d for d, _g, _c in rows})
    PopulationGroup.objects.filter(dimension__in=dimensions).delete()
    PopulationGroup.objects.bulk_create(
        PopulationGroup(dimension=d, group=g, count=c) for d, g, c in rows
    )
    summary = {d: sum(1 for r in rows if r[0] == d) for d in dimensions}
    audit.record(
        by=by, action="insight.population_import", category="insight", detail={"groups": summary}
    )
    return summary


class FeedbackError(ValueError):
    """Feedback that cannot be recorded; the message says why, for the person recording it."""


FREE_TEXT_LIMIT = 2000


@transaction.atomic
def record_closure_feedback(
    *,
    by,
    introduction,
    helpfulness: int,
    felt_listened_to: str,
    free_text: str = "",
    comment_may_be_shared: bool = False,
    at=None,
) -> ClosureFeedback:
    """Record what a person said about their support, for the latest time it closed."""
    from livingwell.hub.models import Closure
    from livingwell.intake.models import Introduction

    at = at or timezone.now()
    intro = Introduction.objects.select_for_update().get(pk=introduction.pk)
    if intro.state != Introduction.State.CLOSED:
        raise FeedbackError("Feedback at closure can only be recorded once support has closed.")
    closure = Closure.objects.filter(introduction=intro).order_by("-closed_at").first()
    if closure is None:
        raise FeedbackError("Feedback at closure can only be recorded once support has closed.")
    if ClosureFeedback.objects.filter(closure=closure).exists():
        raise FeedbackError("Feedback has already been recorded for this closure.")
    try:
        helpfulness = int(helpfulness)
    except (TypeError, ValueError):
        helpfulness = 0
    if helpfulness not in ClosureFeedback.Helpfulness.values:
        raise FeedbackError("Choose how helpful the person found their support.")
    if felt_listened_to not in ClosureFeedback.Listened.values:
        raise FeedbackError("Choose whether the person felt listened to.")
    free_text = (free_text or "").strip()
    if len(free_text) > FREE_TEXT_LIMIT:
        raise FeedbackError(f"Keep the comment to {FREE_TEXT_LIMIT} characters or fewer.")
    if at < closure.closed_at:
        raise FeedbackError("Feedback cannot be dated before support closed.")
    feedback = ClosureFeedback.objects.create(
        introduction=intro,
        closure=closure,
        answered_at=at,
        recorded_by=by,
        helpfulness=helpfulness,
        felt_listened_to=felt_listened_to,
        free_text=free_text,
        comment_may_be_shared=bool(comment_may_be_shared and free_text),
    )
    # The answers are the person's views about their care: none of them go in the audit detail.
    audit.record(
        by=by,
        action="insight.feedback_record",
        person_id=intro.person_id,
        category="feedback",
        obj=feedback,
        detail={"has_comment": bool(free_text)},
    )
    return feedback
