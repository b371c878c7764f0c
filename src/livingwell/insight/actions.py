"""Insight state changes: the local population table; closure feedback; chart annotations."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from livingwell.access import audit
from livingwell.insight.models import (
    CHART_IMPROVEMENT,
    ChartAnnotation,
    ClosureFeedback,
    PopulationGroup,
)

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


class AnnotationError(ValueError):
    """A process change or target that cannot be added; ``field`` names the input at fault."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


NOTE_LIMIT = 200
EARLIEST_ANNOTATION = date(2000, 1, 1)


@transaction.atomic
def add_chart_annotation(
    *,
    by,
    chart: str,
    kind: str,
    effective_date: date,
    note: str,
    target_value=None,
) -> ChartAnnotation:
    """Record a process change (new limits from that date) or a target for one dashboard chart."""
    if chart not in ChartAnnotation.Chart.values:
        raise AnnotationError("Choose which chart this is for.", "chart")
    if kind not in ChartAnnotation.Kind.values:
        raise AnnotationError("Choose a process change or a target.", "kind")
    if not isinstance(effective_date, date):
        raise AnnotationError(
            "Enter the date as a real date, for example 5 1 2026.", "effective_date"
        )
    today = timezone.localdate()
    if effective_date < EARLIEST_ANNOTATION or effective_date.year > today.year + 5:
        raise AnnotationError(
            "Enter a date between 1 January 2000 and five years from now.", "effective_date"
        )
    note = (note or "").strip()
    if not note:
        raise AnnotationError(
            "Enter a note saying what changed or why the target was set; it is shown on the chart.",
            "note",
        )
    if len(note) > NOTE_LIMIT:
        raise AnnotationError(f"Keep the note to {NOTE_LIMIT} characters or fewer.", "note")
    value: Decimal | None = None
    if kind == ChartAnnotation.Kind.TARGET:
        if CHART_IMPROVEMENT[chart] == "neutral":
            raise AnnotationError(
                "This chart has no direction of improvement (more is neither better nor worse), "
                "so it cannot have a target.",
                "chart",
            )
        if target_value in (None, ""):
            raise AnnotationError("Enter the target value.", "target_value")
        try:
            value = Decimal(str(target_value))
        except InvalidOperation:
            raise AnnotationError("Enter the target as a number.", "target_value") from None
        if not value.is_finite() or value < 0 or value >= Decimal("100000000"):
            raise AnnotationError("Enter a target of 0 or more.", "target_value")
        value = value.quantize(Decimal("0.01"))
    elif target_value not in (None, ""):
        raise AnnotationError(
            "A process change has no target value; leave it empty.", "target_value"
        )
    now = timezone.now()
    annotation = ChartAnnotation.objects.create(
        chart=chart,
        kind=kind,
        effective_date=effective_date,
        target_value=value,
        note=note,
        created_by=by,
        created_at=now,
        changed_at=now,
    )
    audit.record(
        by=by,
        action="insight.annotation_add",
        category="insight",
        purpose="service_improvement",
        obj=annotation,
        detail={"chart": chart, "kind": kind, "effective_date": effective_date.isoformat()},
    )
    return annotation


class RecalculateError(ValueError):
    """The dashboard cannot be recalculated by this user; the message says why."""


@transaction.atomic
def recalculate_dashboard(*, by, filters, site):
    """Compute the dashboard's figures now for these filters and store them ("as at" now).

    Only analysts and site administrators may (it costs a full computation); audited.
    """
    from livingwell.access.permissions import Permission, has_permission
    from livingwell.insight import snapshots

    if not has_permission(by, Permission.REFRESH_INSIGHT):
        raise RecalculateError(
            "Only analysts and site administrators can recalculate the figures. They are "
            "recalculated automatically; the page says when."
        )
    snapshot = snapshots.compute(filters, site)
    audit.record(
        by=by,
        action="insight.dashboard_recalculate",
        category="insight",
        purpose="service_improvement",
        detail={**snapshots.normalised_filters(filters), "compute_ms": snapshot.compute_ms},
    )
    return snapshot


class RecalculateError(ValueError):
    """The dashboard cannot be recalculated by this user; the message says why."""


@transaction.atomic
def recalculate_dashboard(*, by, filters, site):
    """Compute the dashboard's figures now for these filters and store them ("as at" now).

    Only analysts and site administrators may (it costs a full computation); audited.
    """
    from livingwell.access.permissions import Permission, has_permission
    from livingwell.insight import snapshots

    if not has_permission(by, Permission.REFRESH_INSIGHT):
        raise RecalculateError(
            "Only analysts and site administrators can recalculate the figures. They are "
            "recalculated automatically; the page says when."
        )
    snapshot = snapshots.compute(filters, site)
    audit.record(
        by=by,
        action="insight.dashboard_recalculate",
        category="insight",
        purpose="service_improvement",
        detail={**snapshots.normalised_filters(filters), "compute_ms": snapshot.compute_ms},
    )
    return snapshot
