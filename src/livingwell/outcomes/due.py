"""The maintained table of measures due (MeasureDue), so the huddle board does not work the
schedule out for every open introduction on every load.

The rules are those of ``outcomes.queries.due_measures`` (the reference; a test checks the table
against it through the real actions). Each row holds when a measure is *next* due, even if that is
in the future, so the table stays right as days pass; "due" and "overdue" are read against today:

- due: ``due_on <= today`` (and, for a closure measure, ``until >= now``);
- overdue: ``today > overdue_after`` (``due_on`` + the schedule's grace days).

Kept by ``refresh(introduction)``, called in the same transaction by every action that changes
due-ness: the first conversation (support starts), a measure response recorded (by a worker or
through a link), closing, and a return through the open door. A schedule saved or deleted
rebuilds the whole table (``rebuild()``; signals in outcomes.apps), as do the seed and the
migration that created the table. Merging two people moves introductions between people and
does not change what is due for any introduction, so it needs no refresh.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Max, Q
from django.utils import timezone

CLOSURE_WINDOW = timedelta(days=28)  # outcomes.queries.CLOSURE_WINDOW_DAYS
CLOSURE_LOOKBACK = timedelta(days=14)  # a response this close before closing counts for closure
CHUNK = 2000


def _models(apps=None):
    if apps is not None:  # a migration passes its historical models
        return (
            apps.get_model("intake", "Introduction"),
            apps.get_model("outcomes", "MeasureResponse"),
            apps.get_model("outcomes", "MeasureSchedule"),
            apps.get_model("outcomes", "MeasureDue"),
        )
    from livingwell.intake.models import Introduction
    from livingwell.outcomes.models import MeasureDue, MeasureResponse, MeasureSchedule

    return Introduction, MeasureResponse, MeasureSchedule, MeasureDue


def next_due(intro, schedule, last: date | None) -> dict | None:
    """When ``schedule``'s measure is next due for ``intro`` (as field values), or None.

    ``last`` is the date of the latest response of the measure for this introduction."""
    if intro.first_conversation_at is None:
        return None
    grace = timedelta(days=schedule.grace_days)
    if intro.state == "closed":
        if not schedule.at_closure or intro.closed_at is None:
            return None
        closed_on = timezone.localdate(intro.closed_at)
        if last is not None and last >= closed_on - CLOSURE_LOOKBACK:
            return None
        return {
            "occasion": "closure",
            "closing": True,
            "due_on": closed_on,
            "overdue_after": closed_on + grace,
            "until": intro.closed_at + CLOSURE_WINDOW,
        }
    if intro.state != "in_support":
        return None
    if last is None:
        if not schedule.at_baseline:
            return None
        due_on = timezone.localdate(intro.first_conversation_at)
        occasion = "baseline"
    elif schedule.review_every_weeks:
        due_on = last + timedelta(weeks=schedule.review_every_weeks)
        occasion = "review"
    else:
        return None
    return {
        "occasion": occasion,
        "closing": False,
        "due_on": due_on,
        "overdue_after": due_on + grace,
        "until": None,
    }


_FIELDS = ("id", "state", "first_conversation_at", "closed_at")


def _rows(MeasureDue, intros, schedules, latest) -> list:
    rows = []
    for intro in intros:
        for schedule in schedules:
            values = next_due(intro, schedule, latest.get((intro.pk, schedule.measure)))
            if values is not None:
                rows.append(
                    MeasureDue(introduction_id=intro.pk, measure=schedule.measure, **values)
                )
    return rows


def refresh(introduction) -> None:
    """Rework the rows of one introduction (four small queries, all on indexes).

    Call it inside the action's transaction, after the change is saved. Also drops closure rows
    whose window has ended (anyone's), which keeps the table the size of the open work."""
    Introduction, MeasureResponse, MeasureSchedule, MeasureDue = _models()
    pk = getattr(introduction, "pk", introduction)
    intro = Introduction.objects.only(*_FIELDS).get(pk=pk)
    schedules = list(MeasureSchedule.objects.filter(is_active=True))
    latest = {
        (pk, measure): last
        for measure, last in MeasureResponse.objects.filter(introduction_id=pk)
        .values_list("measure")
        .annotate(last=Max("completed_at"))
    }
    MeasureDue.objects.filter(introduction_id=pk).delete()
    MeasureDue.objects.filter(until__lt=timezone.now()).delete()
    MeasureDue.objects.bulk_create(_rows(MeasureDue, [intro], schedules, latest))


def rebuild(*, now=None, apps=None) -> int:
    """Rebuild the whole table: the seed, the migration, and any schedule change call it.

    Works through the introductions in support and those closed within the closure window, in
    chunks (three queries per chunk). Returns the number of rows written."""
    Introduction, MeasureResponse, MeasureSchedule, MeasureDue = _models(apps)
    now = now or timezone.now()
    MeasureDue.objects.all().delete()
    schedules = list(MeasureSchedule.objects.filter(is_active=True))
    if not schedules:
        return 0
    ids = list(
        Introduction.objects.filter(first_conversation_at__isnull=False)
        .filter(Q(state="in_support") | Q(state="closed", closed_at__gte=now - CLOSURE_WINDOW))
        .values_list("pk", flat=True)
    )
    written = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        intros = list(Introduction.objects.filter(pk__in=chunk).only(*_FIELDS))
        latest = {
            (row["introduction_id"], row["measure"]): row["last"]
            for row in MeasureResponse.objects.filter(introduction_id__in=chunk)
            .values("introduction_id", "measure")
            .annotate(last=Max("completed_at"))
        }
        rows = _rows(MeasureDue, intros, schedules, latest)
        MeasureDue.objects.bulk_create(rows, batch_size=500)
        written += len(rows)
    return written


def due_from_table(now=None) -> set[tuple]:
    """What the table says is due at ``now``: {(introduction_id, measure, occasion, due_on,
    overdue)}, read as the board reads it. For checking the table against due_measures()."""
    from livingwell.outcomes.models import MeasureDue

    now = now or timezone.now()
    today = timezone.localdate(now)
    rows = MeasureDue.objects.filter(due_on__lte=today).filter(
        Q(until__isnull=True) | Q(until__gte=now)
    )
    return {
        (r.introduction_id, r.measure, r.occasion, r.due_on, today > r.overdue_after) for r in rows
    }
