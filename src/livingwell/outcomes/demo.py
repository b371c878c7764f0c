"""Realistic measure histories for the demo site (called by the seed command).

Most people improve, some do not change, some get worse. Baseline at the first conversation,
reviews about every 12 weeks while in support, and a closure measure when support ended well.
Every response is scored by ``records.computed_fields`` (the code path the actions use), so the
stored totals are exactly what ``score()`` gives.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import date, datetime, time, timedelta
from random import Random

from django.utils import timezone

from livingwell.hub.models import PlanVersion
from livingwell.outcomes.definitions import Definition, get_definition
from livingwell.outcomes.models import MeasureResponse, Occasion, ResponseLink, Source
from livingwell.outcomes.records import computed_fields

REVIEW_WEEKS = 12
TRAJECTORIES = ("improve", "same", "worse")
TRAJECTORY_WEIGHTS = (65, 20, 15)
# Measures beyond NHS England's three, and the share of people who complete them.
EXTRA_MEASURES = (("phq9", 0.35), ("gad7", 0.35), ("swemwbs", 0.2), ("core10", 0.15))


def _uuid(rng: Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _nearest(values: frozenset[int], target: float) -> int:
    return min(sorted(values), key=lambda v: abs(v - target))


def _item_value(rng: Random, defn: Definition, values: frozenset[int], level: float) -> int:
    """An item score for a person at ``level`` (0 = struggling most, 1 = doing best)."""
    lo, hi = min(values), max(values)
    good = level if defn.direction == "higher_is_better" else 1 - level
    return _nearest(values, lo + good * (hi - lo) + rng.gauss(0, 0.45 + (hi - lo) * 0.06))


def _answers(rng: Random, defn: Definition, level: float, link_ids=None) -> dict[str, int]:
    answers = {}
    for item in defn.items:
        if link_ids is not None and item.link_id not in link_ids:
            continue
        item_level = level
        if defn.code == "dialog" and item.link_id in ("9", "10", "11"):
            item_level = min(1.0, level + 0.3)  # people tend to rate their care well
        answers[item.link_id] = _item_value(rng, defn, item.values, item_level)
    return answers


def _occasions(rng: Random, intro, now: datetime) -> list[tuple[date, str]]:
    start = timezone.localdate(intro.first_conversation_at)
    ended = intro.closed_at if intro.closed_at and intro.closed_at <= now else None
    end = timezone.localdate(ended) if ended else timezone.localdate(now)
    occasions = [(start, Occasion.BASELINE)]
    due = start
    while True:
        due = due + timedelta(weeks=REVIEW_WEEKS, days=rng.randint(-7, 10))
        if due >= end - timedelta(days=7):
            break
        occasions.append((due, Occasion.REVIEW))
    if ended and intro.closed_reason == "supported" and end - start >= timedelta(days=21):
        occasions.append((end, Occasion.CLOSURE))
    return occasions


def _levels(rng: Random, trajectory: str, count: int) -> list[float]:
    start = rng.uniform(0.15, 0.5)
    if trajectory == "improve":
        target = start + rng.uniform(0.2, 0.45)
    elif trajectory == "worse":
        target = start - rng.uniform(0.12, 0.25)
    else:
        target = start + rng.uniform(-0.03, 0.03)
    levels = []
    for k in range(count):
        progress = k / (count - 1) if count > 1 else 0.0
        level = start + (target - start) * progress + rng.gauss(0, 0.03)
        levels.append(min(1.0, max(0.0, level)))
    return levels


def _recorded_at(rng: Random, completed: date, source: str, now: datetime) -> datetime:
    day = completed + timedelta(days=rng.randint(1, 10)) if source == Source.PAPER else completed
    moment = timezone.make_aware(
        datetime.combine(day, time(rng.randint(9, 16), rng.randint(0, 59)))
    )
    return min(moment, now)


def build_measure_histories(rng: Random, introductions, now: datetime) -> list[MeasureResponse]:
    """Write measure histories for ``introductions`` (a queryset or list); returns the responses.

    Introductions without a first conversation, or without an owner to record the measures,
    get none. GBO is rated against the goals of each person's latest plan, when there is one.
    Uses bulk_create (about three queries per 500 responses); writes no audit events.
    """
    intros = [
        i
        for i in introductions
        if i.first_conversation_at is not None and i.first_conversation_at <= now and i.owner_id
    ]
    if not intros:
        return []
    goals: dict = {}
    for plan in PlanVersion.objects.filter(introduction__in=[i.pk for i in intros]).order_by(
        "version"
    ):
        goals[plan.introduction_id] = plan.goals
    links: list[ResponseLink] = []
    responses: list[MeasureResponse] = []
    for intro in intros:
        occasions = [o for o in _occasions(rng, intro, now) if o[0] <= timezone.localdate(now)]
        measures = ["dialog", "reqol10"]
        person_goals = goals.get(intro.pk, [])[:3]
        if person_goals:
            measures.append("gbo")
        measures += [m for m, share in EXTRA_MEASURES if rng.random() < share]
        trajectory = rng.choices(TRAJECTORIES, weights=TRAJECTORY_WEIGHTS)[0]
        for measure in measures:
            defn = get_definition(measure)
            levels = _levels(rng, trajectory, len(occasions))
            for (completed, occasion), level in zip(occasions, levels, strict=True):
                goal_keys = {}
                if measure == "gbo":
                    link_ids = [str(n) for n in range(1, len(person_goals) + 1)]
                    answers = _answers(rng, defn, level, link_ids)
                    goal_keys = {str(n): g["key"] for n, g in enumerate(person_goals, start=1)}
                else:
                    answers = _answers(rng, defn, level)
                source = rng.choices(
                    (Source.WORKER, Source.SELF_LINK, Source.PAPER), weights=(70, 15, 15)
                )[0]
                if measure == "gbo":
                    source = Source.WORKER
                recorded_at = _recorded_at(rng, completed, source, now)
                link = None
                if source == Source.SELF_LINK:
                    sent = recorded_at - timedelta(hours=rng.randint(1, 72))
                    link = ResponseLink(
                        id=_uuid(rng),
                        token_hash=hashlib.sha256(rng.randbytes(32)).hexdigest(),
                        measure=measure,
                        occasion=occasion,
                        introduction_id=intro.pk,
                        created_at=sent,
                        created_by_id=intro.owner_id,
                        expires_at=sent + timedelta(days=7),
                        used_at=recorded_at,
                        channel="sms",
                    )
                    links.append(link)
                responses.append(
                    MeasureResponse(
                        id=_uuid(rng),
                        introduction_id=intro.pk,
                        measure=measure,
                        answers=answers,
                        completed_at=completed,
                        recorded_at=recorded_at,
                        recorded_by_id=None if source == Source.SELF_LINK else intro.owner_id,
                        source=source,
                        occasion=occasion,
                        goal_keys=goal_keys,
                        link=link,
                        **computed_fields(measure, answers),
                    )
                )
    ResponseLink.objects.bulk_create(links, batch_size=500)
    MeasureResponse.objects.bulk_create(responses, batch_size=500)
    return responses
