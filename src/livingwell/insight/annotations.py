"""Process changes and targets for the dashboard's SPC charts, turned into ``xmr()`` arguments.

A process change dated D starts new limits at the first week beginning on or after D (a change
in the middle of a week belongs to the following week, whose every day ran the new way). A change
at or before the first week shown needs no rebase: every week shown already ran the new way. The
target in force is the one with the latest effective date on or before the end of the period
(the most recently added wins a tie); neutral charts never take a target.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from livingwell.insight.models import CHART_IMPROVEMENT, ChartAnnotation


@dataclass(frozen=True)
class ChartSettings:
    rebase_at: tuple[tuple[int, str], ...] = ()
    target: Decimal | None = None
    target_note: str = ""


def settings_for(
    chart: str, week_starts: Sequence[date], end: date, annotations: Iterable[ChartAnnotation]
) -> ChartSettings:
    notes: dict[int, list[str]] = {}
    target: ChartAnnotation | None = None
    for a in sorted(annotations, key=lambda a: (a.effective_date, a.created_at)):
        if a.chart != chart or a.withdrawn_at is not None:
            continue
        if a.kind == ChartAnnotation.Kind.PROCESS_CHANGE:
            index = next((i for i, w in enumerate(week_starts) if w >= a.effective_date), None)
            if index is not None and index > 0:
                notes.setdefault(index, []).append(a.note)
        elif a.effective_date <= end and CHART_IMPROVEMENT.get(chart) != "neutral":
            target = a
    return ChartSettings(
        rebase_at=tuple((i, "; ".join(n)) for i, n in sorted(notes.items())),
        target=target.target_value if target else None,
        target_note=target.note if target else "",
    )


def load() -> list[ChartAnnotation]:
    """Every annotation in force (a handful per chart), in one query. Withdrawn ones are kept
    as history on the annotations page but no longer rebase a chart or give assurance."""
    return list(ChartAnnotation.objects.filter(withdrawn_at__isnull=True))
