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
    ChartAnnotationEdit,
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


def _checked_annotation(
    *, chart: str, kind: str, effective_date, note: str, target_value
) -> tuple[date, str, Decimal | None]:
    """The date, note and target value made ready to store, or AnnotationError naming the field."""
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
    return effective_date, note, value


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
    effective_date, note, value = _checked_annotation(
        chart=chart, kind=kind, effective_date=effective_date, note=note, target_value=target_value
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
    _audit_annotation(by, "add", annotation)
    return annotation


def _audit_annotation(by, verb: str, annotation: ChartAnnotation, **more) -> None:
    """The audit event of adding, changing or withdrawing a process change or target (no person
    data: the chart, the kind and the date as the annotation now stands)."""
    audit.record(
        by=by,
        action=f"insight.annotation_{verb}",
        category="insight",
        purpose="service_improvement",
        obj=annotation,
        detail={
            "chart": annotation.chart,
            "kind": annotation.kind,
            "effective_date": annotation.effective_date.isoformat(),
            **more,
        },
    )


REASON_LIMIT = 200


def _may_change_annotations(by) -> None:
    from django.core.exceptions import PermissionDenied

    from livingwell.access.permissions import Permission, has_permission

    if not has_permission(by, Permission.CONFIGURE_SITE):
        raise PermissionDenied("Only the site's administrators change process changes and targets.")


def _reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise AnnotationError(f"Enter the reason for {what}; it is kept in the history.", "reason")
    if len(reason) > REASON_LIMIT:
        raise AnnotationError(f"Keep the reason to {REASON_LIMIT} characters or fewer.", "reason")
    return reason


def _in_force(annotation: ChartAnnotation) -> ChartAnnotation:
    current = ChartAnnotation.objects.select_for_update().get(pk=annotation.pk)
    if current.withdrawn_at is not None:
        raise AnnotationError("This has been withdrawn, so it can no longer be changed.")
    return current


@transaction.atomic
def edit_chart_annotation(
    *,
    by,
    annotation: ChartAnnotation,
    effective_date: date,
    note: str,
    reason: str,
    target_value=None,
) -> ChartAnnotation:
    """Change a process change's or target's date, note or target value, saying why.

    The chart and the kind stay as they were (withdraw and add a new one to change those). What
    it said before is kept in a ChartAnnotationEdit row; the audit event names the fields that
    changed, never the note or the reason.
    """
    _may_change_annotations(by)
    current = _in_force(annotation)
    effective_date, note, value = _checked_annotation(
        chart=current.chart,
        kind=current.kind,
        effective_date=effective_date,
        note=note,
        target_value=target_value,
    )
    reason = _reason(reason, "the change")
    changed = [
        name
        for name, old, new in (
            ("effective_date", current.effective_date, effective_date),
            ("target_value", current.target_value, value),
            ("note", current.note, note),
        )
        if old != new
    ]
    if not changed:
        raise AnnotationError(
            "Nothing has changed. Change the date, the note or the target value, or go back."
        )
    now = timezone.now()
    ChartAnnotationEdit.objects.create(
        annotation=current,
        edited_at=now,
        edited_by=by,
        reason=reason,
        previous_effective_date=current.effective_date,
        previous_target_value=current.target_value,
        previous_note=current.note,
    )
    current.effective_date = effective_date
    current.target_value = value
    current.note = note
    current.changed_at = now
    current.save(update_fields=["effective_date", "target_value", "note", "changed_at"])
    _audit_annotation(by, "edit", current, changed=changed)
    return current


@transaction.atomic
def withdraw_chart_annotation(*, by, annotation: ChartAnnotation, reason: str) -> ChartAnnotation:
    """Withdraw a process change or target: kept with who, when and why, never deleted; from now
    on it no longer rebases its chart or gives assurance."""
    _may_change_annotations(by)
    current = _in_force(annotation)
    reason = _reason(reason, "withdrawing it")
    now = timezone.now()
    current.withdrawn_at = now
    current.withdrawn_by = by
    current.withdrawal_reason = reason
    current.changed_at = now
    current.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason", "changed_at"])
    _audit_annotation(by, "withdraw", current)
    return current


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
