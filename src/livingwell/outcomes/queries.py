"""Read-only questions about outcomes, for views, the Hub board and the record page.

These functions do not check access: callers pass introductions the user may see (views load them
through livingwell.access.helpers; the board passes the queryset it already shows).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, F, Max, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from livingwell.intake.models import Introduction
from livingwell.outcomes.definitions import MEASURES, get_definition
from livingwell.outcomes.framework import DEFAULT_OUTCOMES
from livingwell.outcomes.models import (
    ItemWording,
    MeasureDue,
    MeasureResponse,
    MeasureSchedule,
    Occasion,
    OutcomeFrameworkVersion,
    ResponseLink,
)

# A closure measure is looked for in the weeks around closing, and asked for up to this long after.
CLOSURE_WINDOW_DAYS = 28
# The columns due_measures() loads: what the schedule needs and the person's name. The board asks
# about every introduction in support, and building full rows was most of the board's time.
DUE_FIELDS = (
    "id",
    "reference",
    "state",
    "closed_at",
    "first_conversation_at",
    "person_id",
    "person__given_name",
    "person__preferred_name",
    "person__family_name",
)


def licensed_wording(measure: str) -> dict[str, str]:
    """{linkId: text} of the site's imported wording for ``measure``; {} if none is imported."""
    return dict(ItemWording.objects.filter(measure=measure).values_list("link_id", "text"))


def item_texts(measure: str) -> tuple[dict[str, str], bool]:
    """({linkId: text}, is_licensed): licensed wording if imported, otherwise demonstration."""
    wording = licensed_wording(measure)
    defn = get_definition(measure)
    if wording and all(i in wording for i in defn.link_ids):
        return wording, True
    return {item.link_id: item.demo_text for item in defn.items}, False


def responses_for(introduction) -> list[MeasureResponse]:
    """All responses for an introduction, oldest first (one query)."""
    return list(
        MeasureResponse.objects.filter(introduction=introduction).order_by(
            "completed_at", "recorded_at"
        )
    )


def latest_by_measure(introduction) -> list[MeasureResponse]:
    """The latest response of each measure for an introduction, each with ``lw_count`` (how many
    responses of that measure there are), in the shipped measure order: what the record panel
    shows. One query, loading one row per measure however long the person's history: the latest
    completed (of two on one day, the latest recorded)."""
    by_measure = F("measure")
    newest_first = [F("completed_at").desc(), F("recorded_at").desc()]
    latest = (
        MeasureResponse.objects.filter(introduction=introduction)
        .annotate(
            lw_place=Window(RowNumber(), partition_by=by_measure, order_by=newest_first),
            lw_count=Window(Count("pk"), partition_by=by_measure),
        )
        .filter(lw_place=1)
    )
    by_code = {response.measure: response for response in latest}
    return [by_code[m] for m in MEASURES if m in by_code]


def by_measure(responses) -> dict[str, list[MeasureResponse]]:
    """Group responses by measure, in the shipped measure order."""
    grouped: dict[str, list[MeasureResponse]] = defaultdict(list)
    for response in responses:
        grouped[response.measure].append(response)
    return {m: grouped[m] for m in MEASURES if m in grouped}


def current_framework() -> tuple[int, list[dict]]:
    """(version, outcomes); version 0 means the defaults, never saved by this site."""
    latest = OutcomeFrameworkVersion.objects.order_by("-version").first()
    if latest is None:
        return 0, [dict(o) for o in DEFAULT_OUTCOMES]
    return latest.version, latest.outcomes


# --- due and overdue measures --------------------------------------------------------------


@dataclass(frozen=True)
class DueMeasure:
    measure: str  # measure code, e.g. "dialog"
    title: str  # the measure's title
    occasion: str  # Occasion value: "baseline", "review" or "closure"
    due_on: date
    overdue: bool  # True once due_on + the schedule's grace_days has passed

    @property
    def occasion_label(self) -> str:
        return str(Occasion(self.occasion).label)


@dataclass
class DueIntroduction:
    introduction: Introduction
    measures: list[DueMeasure] = field(default_factory=list)

    @property
    def overdue(self) -> bool:
        return any(m.overdue for m in self.measures)

    @property
    def earliest(self) -> date:
        return min(m.due_on for m in self.measures)


def _local_date(value: datetime) -> date:
    return timezone.localdate(value)


def occasion_for(introduction, measure: str) -> str:
    """The occasion a new response of `measure` is most likely for: the one the schedule has
    next due (kept in MeasureDue), else baseline for a first response, else review."""
    due = (
        MeasureDue.objects.filter(introduction=introduction, measure=measure)
        .values_list("occasion", flat=True)
        .first()
    )
    if due:
        return due
    if introduction.state == Introduction.State.CLOSED:
        return Occasion.CLOSURE
    answered = MeasureResponse.objects.filter(introduction=introduction, measure=measure).exists()
    return Occasion.REVIEW if answered else Occasion.BASELINE


def due_measures(now=None, introductions=None) -> list[DueIntroduction]:
    """Introductions with measures due or overdue under the site's MeasureSchedule.

    Returns a list of ``DueIntroduction(introduction, measures=[DueMeasure(measure, title,
    occasion, due_on, overdue)])``, overdue first, then by earliest due date. An introduction
    appears only if at least one measure is due (due_on on or before today).

    - baseline: in support, and the measure has never been recorded for this introduction; due on
      the day of the first conversation.
    - review: the latest response is ``review_every_weeks`` old; due that many weeks after it.
    - closure: closed in the last CLOSURE_WINDOW_DAYS after support began, with no response of the
      measure from 14 days before closing onwards; due on the closing day.

    ``introductions`` (a queryset or list) limits the answer to what the caller may show, e.g. the
    introductions on the user's board. Three queries whatever the number of people. Each
    ``introduction`` carries only DUE_FIELDS (its person only their name): enough to show and link
    it; other fields would cost a query each.
    """
    now = now or timezone.now()
    today = _local_date(now)
    schedules = list(MeasureSchedule.objects.filter(is_active=True))
    if not schedules:
        return []
    closure_from = now - timedelta(days=CLOSURE_WINDOW_DAYS)
    candidates = Introduction.objects.filter(first_conversation_at__isnull=False).filter(
        Q(state=Introduction.State.IN_SUPPORT)
        | Q(state=Introduction.State.CLOSED, closed_at__gte=closure_from, closed_at__lte=now)
    )
    if introductions is not None:
        ids = (
            [getattr(i, "pk", i) for i in introductions]
            if isinstance(introductions, list | tuple | set)
            else introductions.values("pk")
        )
        candidates = candidates.filter(pk__in=ids)
    intros = list(candidates.select_related("person").only(*DUE_FIELDS))
    if not intros:
        return []
    stats = (
        MeasureResponse.objects.filter(introduction__in=[i.pk for i in intros])
        .values("introduction_id", "measure")
        .annotate(latest=Max("completed_at"), count=Count("id"))
    )
    latest = {(s["introduction_id"], s["measure"]): s["latest"] for s in stats}

    result: list[DueIntroduction] = []
    for intro in intros:
        due: list[DueMeasure] = []
        for schedule in schedules:
            item = _due_for(intro, schedule, latest.get((intro.pk, schedule.measure)), today)
            if item is not None:
                due.append(item)
        if due:
            result.append(DueIntroduction(intro, sorted(due, key=lambda d: d.due_on)))
    result.sort(key=lambda d: (not d.overdue, d.earliest))
    return result


def due_for_introduction(introduction, responses, now=None) -> list[DueMeasure]:
    """The measures due for one introduction whose responses are already loaded (the record
    panel has them): the rules of due_measures(), in one query (the schedule) instead of three.
    ``introduction`` must be current (as loaded for this request)."""
    now = now or timezone.now()
    intro = introduction
    if intro.first_conversation_at is None:
        return []
    closing = (
        intro.state == Introduction.State.CLOSED
        and intro.closed_at is not None
        and now - timedelta(days=CLOSURE_WINDOW_DAYS) <= intro.closed_at <= now
    )
    if intro.state != Introduction.State.IN_SUPPORT and not closing:
        return []
    latest: dict[str, date] = {}
    for response in responses:
        if response.measure not in latest or response.completed_at > latest[response.measure]:
            latest[response.measure] = response.completed_at
    today = _local_date(now)
    due = []
    for schedule in MeasureSchedule.objects.filter(is_active=True):
        item = _due_for(intro, schedule, latest.get(schedule.measure), today)
        if item is not None:
            due.append(item)
    return sorted(due, key=lambda d: d.due_on)


def _due_for(intro, schedule: MeasureSchedule, last: date | None, today: date) -> DueMeasure | None:
    title = get_definition(schedule.measure).title

    def make(occasion: str, due_on: date) -> DueMeasure | None:
        if due_on > today:
            return None
        overdue = today > due_on + timedelta(days=schedule.grace_days)
        return DueMeasure(schedule.measure, title, occasion, due_on, overdue)

    if intro.state == Introduction.State.CLOSED:
        if not schedule.at_closure:
            return None
        closed_on = _local_date(intro.closed_at)
        if last is not None and last >= closed_on - timedelta(days=14):
            return None
        return make(Occasion.CLOSURE, closed_on)
    if last is None:
        if schedule.at_baseline:
            return make(Occasion.BASELINE, _local_date(intro.first_conversation_at))
        return None
    if schedule.review_every_weeks:
        return make(Occasion.REVIEW, last + timedelta(weeks=schedule.review_every_weeks))
    return None


LINKS_SHOWN = 10


def recent_links(introduction: Introduction):
    """The latest links sent for this introduction with the message that carried each (its
    delivery status), newest first, and how many there are."""
    links = ResponseLink.objects.filter(introduction=introduction)
    return (
        list(links.select_related("message").order_by("-created_at", "-pk")[:LINKS_SHOWN]),
        links.count(),
    )
