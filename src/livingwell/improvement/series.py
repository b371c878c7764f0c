"""Each measure's points: the network's own metrics for the project's teams, or the team's own.

A network measure is worked out week by week by the same functions as the dashboard and the
measure pages (``insight.metrics``: one ``Dataset`` per project, filtered to the project's teams
with ``Filters.team_ids``), and made safe to show the same way: a week resting on too few people
is a gap, never a figure (``metrics.Disclosure``). The platform reads the predictions against the
figures shown, so what a team sees is exactly what was judged. Weekly points are dated by their
week's Monday.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from livingwell.insight import metrics

Points = list[tuple[date, float | None]]


@dataclass(frozen=True)
class NetworkMeasure:
    key: str
    name: object  # lazy text
    unit: str
    improvement: str  # the usual direction; the team may choose otherwise for a balancing one
    definition: object
    compute: Callable[[metrics.Dataset, metrics.Disclosure], Points]


def _introductions(data: metrics.Dataset, disclosure: metrics.Disclosure) -> Points:
    out = []
    for week, n in metrics.weekly_introductions(data):
        shown = metrics.suppress(n, threshold=disclosure.threshold, rounding=disclosure.rounding)
        out.append((week, float(shown) if isinstance(shown, int) else None))
    return out


def _median_wait(data: metrics.Dataset, disclosure: metrics.Disclosure) -> Points:
    return [
        (week, round(m, 1) if m is not None and n > disclosure.threshold else None)
        for week, m, n in metrics.weekly_median_wait(data)
    ]


def _urgent_same_day(data: metrics.Dataset, disclosure: metrics.Disclosure) -> Points:
    same, other = metrics.urgent_rows(data)
    answered: dict[date, int] = defaultdict(int)
    total: dict[date, int] = defaultdict(int)
    for row in same:
        answered[metrics.week_of(row["received_at"])] += 1
    for row in same + other:
        total[metrics.week_of(row["received_at"])] += 1
    out = []
    for week in metrics.weeks(data.filters):
        share = disclosure.shown_share(answered[week], total[week]) if total[week] else None
        out.append((week, None if share is None else round(share, 1)))
    return out


def _reqol_reliable_improvement(data: metrics.Dataset, disclosure: metrics.Disclosure) -> Points:
    """Each week, of the ReQoL-10 answers given that week that can be compared with the person's
    first ReQoL-10 answer, the share showing reliable improvement (the NHS England method, through
    ``outcomes.change`` as on the record and in the outcomes lens)."""
    from livingwell.intake.models import Introduction
    from livingwell.outcomes import IMPROVEMENT, MeasureInputError, change
    from livingwell.outcomes.models import MeasureResponse

    cohort = metrics.scope_introductions(Introduction.objects.all(), data.filters)
    rows = (
        MeasureResponse.objects.filter(
            measure="reqol10",
            introduction__in=cohort.values("pk"),
            completed_at__lte=data.filters.end,
        )
        .order_by("introduction_id", "completed_at", "recorded_at")
        .values_list("introduction_id", "completed_at", "answers")
    )
    first: dict = {}
    improved: dict[date, int] = defaultdict(int)
    pairs: dict[date, int] = defaultdict(int)
    for introduction_id, completed, answers in rows:
        if introduction_id not in first:
            first[introduction_id] = answers
            continue
        if completed < data.filters.start:
            continue
        try:
            outcome = change("reqol10", first[introduction_id], answers)
        except MeasureInputError:
            continue
        week = completed - timedelta(days=completed.weekday())
        pairs[week] += 1
        improved[week] += outcome.category == IMPROVEMENT
    out = []
    for week in metrics.weeks(data.filters):
        share = disclosure.shown_share(improved[week], pairs[week]) if pairs[week] else None
        out.append((week, None if share is None else round(share, 1)))
    return out


NETWORK_MEASURES: dict[str, NetworkMeasure] = {
    m.key: m
    for m in (
        NetworkMeasure(
            "wait_days",
            _("Median days from introduction to first conversation, by week of introduction"),
            "days",
            "decrease",
            metrics.DEFINITIONS["waits"][1],
            _median_wait,
        ),
        NetworkMeasure(
            "urgent_same_day",
            _("Urgent introductions answered the same day, by week (%)"),
            "%",
            "increase",
            metrics.DEFINITIONS["urgent"][1],
            _urgent_same_day,
        ),
        NetworkMeasure(
            "introductions",
            _("Introductions per week"),
            "",
            "increase",
            metrics.DEFINITIONS["introductions"][1],
            _introductions,
        ),
        NetworkMeasure(
            "reqol10_reliable_improvement",
            _("ReQoL-10 answers showing reliable improvement on the first, by week (%)"),
            "%",
            "increase",
            _(
                "Each week, of the ReQoL-10 answers given that week by people whose first "
                "ReQoL-10 answer came earlier, the share showing reliable improvement (5 points "
                "or more on the total, the NHS England method)."
            ),
            _reqol_reliable_improvement,
        ),
    )
}

NETWORK_CHOICES = [(m.key, m.name) for m in NETWORK_MEASURES.values()]


def filters_for(project, *, end: date | None = None) -> metrics.Filters:
    """The network figures for the project's teams (the whole network when it names none), from
    its first day of data to the end of this week."""
    today = end or timezone.localdate()
    sunday = today + timedelta(days=6 - today.weekday())
    team_ids = tuple(sorted(str(pk) for pk in project.teams.values_list("pk", flat=True)))
    return metrics.Filters(start=project.data_from, end=sunday, team_ids=team_ids)


def project_points(project, measures=None, *, end: date | None = None) -> dict[object, Points]:
    """Every measure's points, keyed by measure id: one dataset for all the network measures."""
    measures = list(project.measures.all() if measures is None else measures)
    out: dict[object, Points] = {}
    network = [m for m in measures if not m.is_manual and m.source in NETWORK_MEASURES]
    if network:
        data = metrics.Dataset(filters_for(project, end=end))
        disclosure = metrics.Disclosure.from_site()
        computed: dict[str, Points] = {}
        for m in network:
            if m.source not in computed:
                computed[m.source] = NETWORK_MEASURES[m.source].compute(data, disclosure)
            out[m.pk] = computed[m.source]
    manual = [m for m in measures if m.is_manual]
    if manual:
        from livingwell.improvement.models import MeasurePoint

        for m in manual:
            out[m.pk] = []
        for measure_id, on, value in MeasurePoint.objects.filter(measure__in=manual).values_list(
            "measure_id", "on", "value"
        ):
            out[measure_id].append((on, float(value)))
    for m in measures:
        out.setdefault(m.pk, [])
    return out
