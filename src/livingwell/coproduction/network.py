"""The network's co-production page: the ladder over time as the participants and staff rated
it, the share of decisions changed by involvement, feedback overdue, involvement by role and by
equality group.

Counts of people (involvement by role and group) go through insight's disclosure control, the
one place figures become safe to show (``insight.metrics.Disclosure``), and its equity groups
(``EQUITY_DIMENSIONS``, ``group_label``, ``groups_in_order``, ``gender_group``): a small group of
involved people is hidden as it is on every other report. Counts of activities and decisions are
the network's own work, not people, and are shown as they are.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from livingwell.coproduction import queries
from livingwell.coproduction.models import (
    Activity,
    Attendance,
    Decision,
    InvolvedPerson,
    InvolvementRole,
    Ladder,
)
from livingwell.insight.metrics import (
    DIMENSION_LABELS,
    EQUITY_DIMENSIONS,
    Disclosure,
    gender_group,
    group_label,
    groups_in_order,
)
from livingwell.people.models import ETHNICITY_HEADING

DOING_WITH = (Ladder.CO_DESIGN, Ladder.CO_PRODUCTION)


def quarter_of(on: date) -> date:
    return date(on.year, 3 * ((on.month - 1) // 3) + 1, 1)


def quarter_label(start: date) -> str:
    return f"{start.year} Q{(start.month - 1) // 3 + 1}"


def _median_level(levels: list[int]) -> str:
    if not levels:
        return "–"
    value = statistics.median_low(levels)
    return f"{value}. {Ladder(value).label}"


def involved_group(dimension: str, person: InvolvedPerson) -> str:
    """The equity group of an involved person's voluntary answers (insight's groups)."""
    if dimension == "ethnicity":
        return (
            ETHNICITY_HEADING.get(person.ethnicity, "not_recorded")
            if person.ethnicity
            else "not_recorded"
        )
    if dimension == "age_band":
        return person.age_band or "not_recorded"
    if dimension == "sex":
        return person.sex or "not_recorded"
    if dimension == "gender":
        return gender_group(person.gender)
    return str(person.deprivation_decile) if person.deprivation_decile else "not_recorded"


@dataclass
class NetworkView:
    start: date
    end: date
    quarters: list[dict] = field(default_factory=list)
    levels: list[dict] = field(default_factory=list)
    decisions_total: int = 0
    decisions_changed: int = 0
    changed_share: str = "–"
    feedback_overdue: int = 0
    roles: list[dict] = field(default_factory=list)
    groups: list[dict] = field(default_factory=list)
    disclosure: Disclosure | None = None


def network_view(today: date | None = None) -> NetworkView:
    today = today or timezone.localdate()
    start = quarter_of(today - timedelta(days=365))
    view = NetworkView(start=start, end=today, disclosure=Disclosure.from_site())
    activities = list(
        Activity.objects.filter(held_on__gte=start, held_on__lte=today).only(
            "held_on", "intended_level", "participants_level", "staff_level"
        )
    )
    by_quarter: dict[date, list[Activity]] = defaultdict(list)
    for a in activities:
        by_quarter[quarter_of(a.held_on)].append(a)
    for q in sorted(by_quarter):
        rows = by_quarter[q]
        participants = [a.participants_level for a in rows if a.participants_level]
        staff = [a.staff_level for a in rows if a.staff_level]
        view.quarters.append(
            {
                "label": quarter_label(q),
                "activities": len(rows),
                "participants_median": _median_level(participants),
                "staff_median": _median_level(staff),
                "participants_doing_with": sum(1 for v in participants if v in DOING_WITH),
                "staff_doing_with": sum(1 for v in staff if v in DOING_WITH),
                "rated_lower_by_participants": sum(
                    1
                    for a in rows
                    if a.participants_level
                    and a.staff_level
                    and a.participants_level < a.staff_level
                ),
            }
        )
    intended = Counter(a.intended_level for a in activities)
    participants = Counter(a.participants_level for a in activities if a.participants_level)
    staff = Counter(a.staff_level for a in activities if a.staff_level)
    for level in reversed(Ladder):
        view.levels.append(
            {
                "label": f"{level.value}. {level.label}",
                "intended": intended.get(level.value, 0),
                "participants": participants.get(level.value, 0),
                "staff": staff.get(level.value, 0),
            }
        )
    counts = Decision.objects.filter(decided_on__gte=start, decided_on__lte=today).aggregate(
        total=Count("id"), changed=Count("id", filter=Q(changed=Decision.Changed.CHANGED))
    )
    view.decisions_total, view.decisions_changed = counts["total"], counts["changed"]
    if view.decisions_total:
        view.changed_share = f"{100 * view.decisions_changed / view.decisions_total:.0f}%"
    view.feedback_overdue = Decision.objects.filter(queries.feedback_overdue_q(today)).count()

    d = view.disclosure
    attendances = Attendance.objects.filter(
        activity__held_on__gte=start, activity__held_on__lte=today
    )
    by_role = {
        row["role"]: row
        for row in attendances.values("role").annotate(
            places=Count("id"), people=Count("person", distinct=True)
        )
    }
    for role, label in InvolvementRole.choices:
        row = by_role.get(role, {"places": 0, "people": 0})
        view.roles.append(
            {"label": label, "people": d.count(row["people"]), "places": d.count(row["places"])}
        )
    involved = list(InvolvedPerson.objects.filter(attendances__in=attendances).distinct())
    for dimension in EQUITY_DIMENSIONS:
        counts_by = Counter(involved_group(dimension, p) for p in involved)
        rows = [
            {"label": group_label(dimension, g), "people": d.count(counts_by.get(g, 0))}
            for g in groups_in_order(dimension, set(counts_by), {})
        ]
        view.groups.append({"label": DIMENSION_LABELS[dimension], "rows": rows})
    return view
