"""The model's inputs worked out from the site's own records over a chosen period.

Every input carries where it came from (the records it was read from and how many), so that the
scenario page and the STRESS-DES report can show it and a reader can check it. The rules:

- The period is [start, end): local days in the site's time zone, end excluded.
- Demand: introductions received in the period (``intake.Introduction.received_at``), per week by
  route; the pattern over the year as each calendar month's daily rate over the period's daily
  rate (all 1 when the period is shorter than a year); the urgent share.
- The Hub's first-conversation capacity: for each day of the week, the mean number of workers who
  held at least one first conversation on that day (``hub.Conversation.held_by``, days with none
  counting 0), and the conversations a worker holds in a day (the 90th centile over worker-days
  with any, nearest rank: observed throughput on busy days, since a quiet day shows the demand,
  not the capacity).
- Urgent introductions answered when the Hub holds no conversations (outside 09:00-17:00, or a
  day without a rota): for each local hour of the day, 1 if an urgent first conversation was
  held in that hour in the period (someone answers urgent introductions then), else 0.
- How soon urgent introductions are answered (since model ``network-4``): the observed days from
  each urgent introduction received in the period to its first conversation, by the band of the
  local hour it arrived in (before the Hub opens, in its hours, after it closes; a band with
  fewer than five answers uses all the period's), and the share of urgent introductions closed
  without a first conversation. Those still open without one at the period's end are left out
  (their outcome is not known yet). This is what the records show of reaching an urgent person
  and answering them, failed tries and next-day answers included; the model draws from it
  rather than assuming someone free to answer at once.
- Routing: the tier of each introduction's first episode after a first conversation in the
  period (the rest leave after the conversation); steps between tiers from episodes ended in the
  period (the next episode's tier); handovers accepted per episode closed.
- Lengths of support per tier: the observed lengths of episodes ended in the period, used as
  they are (an empirical distribution). Episodes still open are left out (right-censored).
- Places per tier: the largest number of open episodes at any week's start in the period (the
  network did not turn people away, so its caseload shows places at least that many).
- The Hub's first try to reach a routine introduction: the observed days from the introduction
  to the first contact or the conversation (the booking lead time; it holds whatever queueing the
  period had, so the period's own capacity is taken as not binding and a scenario's change of
  capacity adds or removes queueing beside it).
- First-conversation attempts that fail (did not attend, not reached): such contacts before the
  first conversation per attempt (failed contacts plus conversations).
- People who stop waiting: routine introductions closed before a first conversation (the person
  decided not to go ahead, or could not be reached) per day waited (a constant hazard, the
  estimate for an exponential patience). Urgent introductions are pursued, not left to wait.
- Returns through the open door: returns per day behind the open door after a closure in the
  period (a constant hazard), with the site's open-door length.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from livingwell.core.models import SiteConfig
from livingwell.hub.models import Closure, Contact, Conversation, Episode, Handover, Tier
from livingwell.intake.models import ClosedReason, Introduction, Route
from livingwell.simulation.network import CLOSE_HOUR, OPEN_HOUR, URGENT_BANDS, urgent_band

DAY = 86_400.0
STOPPED_WAITING = (ClosedReason.PERSON_DECLINED, ClosedReason.NOT_REACHED)
ACCEPTED = (Handover.State.ACCEPTED, Handover.State.STARTED, Handover.State.COMPLETED)
# Fewer answers than this in an arrival band and the band uses all the period's: a handful of
# night-time answers is too few to stand for the night on its own.
MIN_BAND_ANSWERS = 5


class CalibrationError(ValueError):
    """The period holds too little to calibrate from, with a message."""


@dataclass
class Calibration:
    start: date
    end: date
    arrivals_per_week: dict[str, float]
    seasonality: list[float]  # January .. December
    arrivals_by_hour_of_week: list[float]  # shares, Monday 00:00-01:00 first, 168 of them
    urgent_share: float
    hub_workers_by_weekday: list[float]  # Monday .. Sunday
    conversations_per_worker_day: float
    first_tier_shares: dict[str, float]
    tier_transitions: dict[str, dict[str, float]]
    handover_share: float
    handover_days: list[float]
    support_days: dict[str, list[float]]
    tier_places: dict[str, int]
    tier_names: dict[str, str]
    attempt_failure_share: float
    first_attempt_days: list[float]
    stop_waiting_per_day: float
    open_door_return_per_day: float
    open_door_days: float
    sources: dict[str, str] = field(default_factory=dict)
    # Workers answering urgent introductions in each local hour when the Hub is not open.
    urgent_line_hours: list[int] = field(default_factory=lambda: [0] * 24)
    # Days from arrival to the first conversation of urgent introductions, by arrival band.
    urgent_answer_days: dict[str, list[float]] = field(default_factory=dict)
    urgent_unanswered_share: float = 0.0

    @property
    def weeks(self) -> float:
        return (self.end - self.start).days / 7

    def as_dict(self) -> dict:
        body = asdict(self)
        body["start"] = self.start.isoformat()
        body["end"] = self.end.isoformat()
        return body

    @classmethod
    def from_dict(cls, body: dict) -> Calibration:
        body = dict(body)
        body["start"] = date.fromisoformat(body["start"])
        body["end"] = date.fromisoformat(body["end"])
        return cls(**body)


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _days(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds() / DAY


def _nearest_rank(values: list[int], centile: float) -> float:
    ordered = sorted(values)
    return float(ordered[max(0, math.ceil(centile * len(ordered)) - 1)])


def _share(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


def calibrate(start: date, end: date) -> Calibration:
    if end <= start:
        raise CalibrationError(_("The data period must end after it starts."))
    if (end - start).days < 14:
        raise CalibrationError(_("The data period must be at least two weeks long."))
    lo, hi = local_midnight(start), local_midnight(end)
    sources: dict[str, str] = {}
    period_text = f"{start.isoformat()} to {end.isoformat()} (end excluded)"
    weeks = (end - start).days / 7

    # Demand ------------------------------------------------------------------------------
    intros = list(
        Introduction.objects.filter(received_at__gte=lo, received_at__lt=hi).values_list(
            "route", "urgent", "received_at"
        )
    )
    if not intros:
        raise CalibrationError(_("No introductions were received in the data period."))
    by_route = Counter(route for route, _urgent, _at in intros)
    arrivals = {route: by_route.get(route, 0) / weeks for route in Route.values}
    sources["arrivals_per_week"] = (
        f"{len(intros)} introductions received {period_text} "
        f"(intake.Introduction.received_at, by route) over {weeks:.1f} weeks"
    )
    urgent = sum(1 for _route, u, _at in intros if u)
    sources["urgent_share"] = f"{urgent} of {len(intros)} introductions marked urgent"
    seasonality = [1.0] * 12
    if (end - start).days >= 365:
        days_in_month = Counter()
        day = start
        while day < end:
            days_in_month[day.month] += 1
            day += timedelta(days=1)
        local = timezone.get_current_timezone()
        per_month = Counter(at.astimezone(local).month for _r, _u, at in intros)
        overall = len(intros) / (end - start).days
        seasonality = [
            (per_month[m] / days_in_month[m]) / overall if days_in_month[m] else 1.0
            for m in range(1, 13)
        ]
        sources["seasonality"] = (
            "each calendar month's introductions per day over the period's introductions per day"
        )
    else:
        sources["seasonality"] = "period shorter than a year: no pattern over the year (all 1)"

    local = timezone.get_current_timezone()
    by_hour = Counter()
    for _r, _u, at in intros:
        here = at.astimezone(local)
        by_hour[24 * here.weekday() + here.hour] += 1
    hour_shares = [by_hour[h] / len(intros) for h in range(168)]
    sources["arrivals_by_hour_of_week"] = (
        f"the {len(intros)} introductions' local weekday and hour of arrival, as shares"
    )

    # The Hub's first conversations -------------------------------------------------------
    local = timezone.get_current_timezone()
    held = list(
        Conversation.objects.filter(held_at__gte=lo, held_at__lt=hi).values_list(
            "held_at", "held_by_id", "introduction_id"
        )
    )
    per_worker_day = Counter((at.astimezone(local).date(), worker) for at, worker, _i in held)
    workers_on = Counter(day for day, _worker in per_worker_day)
    dates_of_weekday = Counter()
    day = start
    while day < end:
        dates_of_weekday[day.weekday()] += 1
        day += timedelta(days=1)
    workers_total = defaultdict(int)
    for day, count in workers_on.items():
        workers_total[day.weekday()] += count
    hub_workers = [
        _share(workers_total[d], dates_of_weekday[d]) for d in range(7)
    ]  # mean over that weekday's dates, a day with no conversation counting 0
    per_day = _nearest_rank(list(per_worker_day.values()), 0.9) if per_worker_day else 0.0
    sources["hub_capacity"] = (
        f"{len(held)} first conversations held by {len({w for _a, w, _i in held})} workers "
        f"(hub.Conversation.held_at, held_by) on {len(workers_on)} days"
    )

    urgent_held = list(
        Conversation.objects.filter(
            held_at__gte=lo, held_at__lt=hi, introduction__urgent=True
        ).values_list("held_at", flat=True)
    )
    urgent_hours = Counter(at.astimezone(local).hour for at in urgent_held)
    urgent_line = [int(urgent_hours[h] > 0) for h in range(24)]
    outside = sum(n for h, n in urgent_hours.items() if not OPEN_HOUR <= h < CLOSE_HOUR)
    sources["urgent_line_hours"] = (
        f"{len(urgent_held)} urgent first conversations (hub.Conversation.held_at) held in "
        f"{sum(urgent_line)} local hours of the day, {outside} of them outside 09:00-17:00: "
        "someone answers urgent introductions in those hours when the Hub is not holding "
        "conversations"
    )

    answer_days, unanswered, answered_count = _urgent_answers(lo, hi)
    band_sizes = ", ".join(f"{band} {n}" for band, n in answered_count.items())
    sources["urgent_answer_days"] = (
        f"days from arrival to the first conversation of {sum(answered_count.values())} urgent "
        f"introductions received in the period (intake.Introduction.received_at, "
        f"first_conversation_at), by local hour of arrival ({band_sizes}; a band with fewer "
        f"than {MIN_BAND_ANSWERS} uses all of them); {unanswered} closed without a first "
        "conversation; those still open without one at the end left out"
    )

    # Tiers: routing, lengths, places -----------------------------------------------------
    tiers = {t.slug: t.name for t in Tier.objects.all()}
    conversed = {intro for _a, _w, intro in held}
    episodes = list(
        Episode.objects.filter(
            Q(introduction_id__in=conversed)
            | Q(ended_at__gte=lo, ended_at__lt=hi)
            | Q(started_at__lt=hi, ended_at__isnull=True)
            | Q(started_at__lt=hi, ended_at__gte=lo)
        )
        .order_by("introduction_id", "started_at")
        .values_list("introduction_id", "tier_id", "started_at", "ended_at", "end_reason")
    )
    by_intro = defaultdict(list)
    for row in episodes:
        by_intro[row[0]].append(row)
    first_tier = Counter(by_intro[i][0][1] for i in conversed if by_intro.get(i))
    first_tier_shares = {slug: _share(first_tier[slug], len(conversed)) for slug in tiers}
    sources["first_tier_shares"] = (
        f"first episode's tier (hub.Episode) of the {len(conversed)} introductions with a first "
        "conversation in the period; the rest leave after it"
    )
    ended = Counter()
    moves: dict[str, Counter] = defaultdict(Counter)
    closed_episodes = 0
    support_days: dict[str, list[float]] = {slug: [] for slug in tiers}
    for rows in by_intro.values():
        for k, (_i, tier, started, ended_at, reason) in enumerate(rows):
            if ended_at is None or not lo <= ended_at < hi:
                continue
            ended[tier] += 1
            support_days[tier].append(round(_days(ended_at, started), 4))
            if reason == Episode.EndReason.CLOSED:
                closed_episodes += 1
            elif k + 1 < len(rows):
                moves[tier][rows[k + 1][1]] += 1
    transitions = {
        tier: {to: _share(n, ended[tier]) for to, n in sorted(moves[tier].items())}
        for tier in tiers
        if moves[tier]
    }
    sources["tier_transitions"] = (
        f"{sum(ended.values())} episodes ended in the period; steps to the next episode's tier"
    )
    sources["support_days"] = "observed lengths of those episodes, per tier (open ones left out)"
    places = {slug: 0 for slug in tiers}
    sample = lo
    while sample < hi:
        open_now = Counter(
            tier
            for _i, tier, started, ended_at, _r in episodes
            if started <= sample and (ended_at is None or ended_at > sample)
        )
        for slug, n in open_now.items():
            places[slug] = max(places.get(slug, 0), n)
        sample += timedelta(days=7)
    sources["tier_places"] = "the most open episodes per tier at any week's start in the period"

    # Handovers -----------------------------------------------------------------------------
    handovers = list(
        Handover.objects.filter(
            offered_at__gte=lo, offered_at__lt=hi, state__in=ACCEPTED
        ).values_list("state", "responded_at", "started_at", "completed_at")
    )
    handover_days = [
        round(_days(done, begun or answered), 4)
        for _s, answered, begun, done in handovers
        if done is not None and (begun or answered) is not None
    ]
    handover_share = min(1.0, _share(len(handovers), closed_episodes))
    sources["handovers"] = (
        f"{len(handovers)} handovers offered in the period and accepted, per "
        f"{closed_episodes} episodes closed; {len(handover_days)} completed give their lengths"
    )

    # First-conversation attempts, stopping waiting ---------------------------------------
    failed = Contact.objects.filter(
        at__gte=lo,
        at__lt=hi,
        outcome__in=[Contact.Outcome.NOT_ATTENDED, Contact.Outcome.NOT_REACHED],
    ).filter(
        Q(introduction__first_conversation_at__isnull=True)
        | Q(at__lt=F("introduction__first_conversation_at"))
    )
    failures = failed.count()
    attempt_failure = _share(failures, failures + len(held))
    sources["attempt_failure_share"] = (
        f"{failures} contacts not attended or not reached before a first conversation, of "
        f"{failures + len(held)} attempts (those and the first conversations)"
    )
    routine = Introduction.objects.filter(received_at__gte=lo, received_at__lt=hi, urgent=False)
    first_try = dict(
        routine.filter(first_conversation_at__lt=hi).values_list("id", "first_conversation_at")
    )
    for intro_id, contact_at in Contact.objects.filter(
        introduction__in=routine, at__lt=hi
    ).values_list("introduction_id", "at"):
        if intro_id not in first_try or contact_at < first_try[intro_id]:
            first_try[intro_id] = contact_at
    received_at = dict(routine.values_list("id", "received_at"))
    first_attempt_days = sorted(
        round(_days(when, received_at[i]), 4) for i, when in first_try.items()
    )
    sources["first_attempt_days"] = (
        f"days from introduction to the Hub's first try to reach the person (a contact or the "
        f"conversation) for {len(first_attempt_days)} routine introductions"
    )
    exposure = 0.0
    stopped = 0
    for received, first, closed, reason in routine.values_list(
        "received_at", "first_conversation_at", "closed_at", "closed_reason"
    ):
        left = min(x for x in (first, closed, hi) if x is not None)
        exposure += max(0.0, _days(left, received))
        if first is None and closed is not None and closed < hi and reason in STOPPED_WAITING:
            stopped += 1
    sources["stop_waiting_per_day"] = (
        f"{stopped} routine introductions closed before a first conversation (declined or not "
        f"reached) over {exposure:.0f} days waited"
    )

    # The open door -------------------------------------------------------------------------
    open_door_days = SiteConfig.current().open_door_months * 30.44
    at_risk = 0.0
    returned = 0
    for closed_at, until, back in Closure.objects.filter(
        closed_at__gte=lo, closed_at__lt=hi
    ).values_list("closed_at", "open_door_until", "returned_at"):
        stop = min(x for x in (back, until, hi) if x is not None)
        at_risk += max(0.0, _days(stop, closed_at))
        if back is not None and back < hi:
            returned += 1
    sources["open_door"] = (
        f"{returned} returns through the open door over {at_risk:.0f} days behind it after "
        f"closures in the period; open door {open_door_days:.0f} days (site configuration)"
    )

    return Calibration(
        start=start,
        end=end,
        arrivals_per_week=arrivals,
        seasonality=seasonality,
        arrivals_by_hour_of_week=hour_shares,
        urgent_share=_share(urgent, len(intros)),
        hub_workers_by_weekday=hub_workers,
        conversations_per_worker_day=per_day,
        first_tier_shares=first_tier_shares,
        tier_transitions=transitions,
        handover_share=handover_share,
        handover_days=handover_days,
        support_days=support_days,
        tier_places=places,
        tier_names=tiers,
        attempt_failure_share=attempt_failure,
        first_attempt_days=first_attempt_days,
        stop_waiting_per_day=_share(stopped, exposure),
        open_door_return_per_day=_share(returned, at_risk),
        open_door_days=open_door_days,
        sources=sources,
        urgent_line_hours=urgent_line,
        urgent_answer_days=answer_days,
        urgent_unanswered_share=_share(unanswered, unanswered + sum(answered_count.values())),
    )


def _urgent_answers(lo: datetime, hi: datetime) -> tuple[dict[str, list[float]], int, dict]:
    """Days to the first conversation of the period's urgent introductions by arrival band
    (a thin band takes all of them), how many closed without one, and the answers per band."""
    local = timezone.get_current_timezone()
    by_band: dict[str, list[float]] = {band: [] for band in URGENT_BANDS}
    unanswered = 0
    for received, first, closed in Introduction.objects.filter(
        received_at__gte=lo, received_at__lt=hi, urgent=True
    ).values_list("received_at", "first_conversation_at", "closed_at"):
        if first is not None and first < hi:
            band = urgent_band(received.astimezone(local).hour)
            by_band[band].append(round(_days(first, received), 4))
        elif closed is not None and closed < hi:
            unanswered += 1
    every = sorted(d for days in by_band.values() for d in days)
    answered = {band: len(days) for band, days in by_band.items()}
    return (
        {
            band: sorted(days) if len(days) >= MIN_BAND_ANSWERS else every
            for band, days in by_band.items()
        },
        unanswered,
        answered,
    )
