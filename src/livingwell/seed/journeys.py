"""Journeys through the front door and the Hub, simulated as the actions would have left them.

Each introduction is planned as a timeline in seconds since the epoch, then cut at "now": an event
after now has not happened yet, so whatever is planned beyond it leaves the record in the state it
has today (waiting for a first conversation, in support, a handover waiting for a reply...).

The rows written keep every rule the actions in intake/hub/people enforce:
- an introduction in support has had its first conversation; closed ones carry a reason, a closing
  time, an open-door date and a Closure row; "not reached" follows at least two documented
  attempts; "handed over" follows an accepted handover; nothing closes while an offer waits;
- at most one current allocation and one current episode; a transfer has a reason; tier changes
  end the previous episode as stepped up/down by the tiers' order, as `change_tier` does;
- handovers move offered -> accepted/declined/withdrawn -> started -> completed; a decline has a
  reason and comes back to its owner until re-offered (`previous`) or acknowledged;
- contacts and plans only while the introduction is open, never in the future.
"""

from __future__ import annotations

import math
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from livingwell.hub.models import (
    Allocation,
    Closure,
    Contact,
    Conversation,
    Episode,
    Handover,
    PlanVersion,
)
from livingwell.intake.models import Introduction
from livingwell.seed import data
from livingwell.seed.network import Network, Staff

DAY = 86400.0
HOUR = 3600.0
FAR = float("inf")

SPA, SHORT, STAYING, FOCUSED, CRISIS = (
    "single-point-of-access",
    "short-term",
    "staying-well",
    "focused",
    "crisis-outreach",
)
TIER_SLUGS = (SPA, SHORT, STAYING, FOCUSED, CRISIS)

ROUTES = [("self", 35), ("gp", 30), ("professional", 15), ("partner", 10), ("family", 10)]
URGENT_RISK = [("self", 70), ("others", 5), ("not_sure", 25)]
FATES = [
    ("supported", 85),
    ("person_declined", 4.5),
    ("not_reached", 6),
    ("moved_away", 1.5),
    ("handed_over", 3),
]
START_TIER = [(SPA, 25), (SHORT, 38), (STAYING, 22), (FOCUSED, 15)]
START_TIER_URGENT = [(CRISIS, 45), (SHORT, 35), (FOCUSED, 20)]
# (lowest, highest) days in a tier, and the mean days between contacts.
TIER_DAYS = {
    SPA: (14, 42),
    SHORT: (35, 84),
    STAYING: (42, 150),
    FOCUSED: (90, 420),
    CRISIS: (5, 21),
}
CONTACT_EVERY = {SPA: 6, SHORT: 7, STAYING: 10, FOCUSED: 12, CRISIS: 2}
NEXT_TIER = {
    CRISIS: (0.85, [(SHORT, 50), (FOCUSED, 35), (STAYING, 15)]),
    SPA: (0.22, [(SHORT, 60), (STAYING, 40)]),
    SHORT: (0.20, [(FOCUSED, 60), (STAYING, 40)]),
    STAYING: (0.05, [(SHORT, 100)]),
    FOCUSED: (0.30, [(STAYING, 80), (SHORT, 20)]),
}
# Teams a key worker comes from, by tier.
TIER_TEAMS = {
    SPA: [("hub", 100)],
    SHORT: [("hub", 40), ("north", 22), ("south", 23), ("mind", 15)],
    STAYING: [("mind", 40), ("peer", 30), ("arts", 20), ("carers", 10)],
    FOCUSED: [("north", 43), ("south", 42), ("social_care", 15)],
    CRISIS: [("crisis", 100)],
}
SUPPORTED_CLOSE = [("supported", 80), ("person_declined", 8), ("not_reached", 8), ("moved_away", 4)]
OUTCOMES = [("attended", 80), ("not_attended", 8), ("not_reached", 7), ("cancelled", 5)]
MODES = [("face_to_face", 45), ("phone", 38), ("video", 10), ("text", 7)]
HANDOVER_TO = [
    ("mind", 22),
    ("housing", 16),
    ("money", 16),
    ("work", 12),
    ("carers", 8),
    ("arts", 10),
    ("peer", 10),
    ("council", 6),
]
# Self-introductions arrive at any hour, most in the day and evening.
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 1, 2, 3, 5, 7, 8, 8, 7, 7, 7, 7, 6, 6, 6, 6, 5, 4, 3, 2]
OPEN_DOOR_RETURN = 0.13  # of closures after support: about 8% of all closures


@dataclass
class Force:
    """Overrides for a scripted journey (the demo personas' live work)."""

    t0: float | None = None
    urgent: bool | None = None
    route: str | None = None
    owner: Staff | None = None
    unowned: bool = False
    fate: str | None = None  # "new_open" keeps it waiting for a first conversation
    tier: str | None = None
    key_worker: Staff | None = None
    no_key_worker: bool = False
    hold_open: bool = False
    gap: bool = False
    pre_attempts: int = 0
    handover_org: str | None = None
    handover_state: str | None = None  # offered, accepted, started, declined_waiting, withdrawn
    handover_ago_days: float = 3.0
    responder: Staff | None = None


NO_FORCE = Force()


@dataclass
class Rows:
    """Everything one introduction's journey writes."""

    intro: Introduction
    conversation: Conversation | None = None
    episodes: list = field(default_factory=list)
    allocations: list = field(default_factory=list)
    plans: list = field(default_factory=list)
    contacts: list = field(default_factory=list)
    handovers: list = field(default_factory=list)
    closures: list = field(default_factory=list)
    # simulation state
    owner: Staff | None = None
    episode: Episode | None = None
    tier: str | None = None
    allocation: Allocation | None = None
    alloc_staff: Staff | None = None
    alloc_log: list = field(default_factory=list)  # (from_ts, staff)
    plan_version: int = 0
    goals: list = field(default_factory=list)
    returned: bool = False


def dt(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def _table(pairs):
    values = [v for v, _w in pairs]
    cum = []
    total = 0.0
    for _v, w in pairs:
        total += w
        cum.append(total)
    return values, cum


class JourneyBuilder:
    def __init__(
        self,
        *,
        seed: int,
        net: Network,
        now: datetime,
        years: int,
        tier_order: dict,
        open_door_days: int,
        reply_days: int,
        emit,
    ):
        self.rng = random.Random(f"{seed}:journeys")
        self.net = net
        self.NOW = now.timestamp()
        self.start = self.NOW - years * 365 * DAY
        self.growth = min(1.5, 0.15 * years)
        self.tier_order = tier_order
        self.open_door = open_door_days * DAY
        self.reply_days = reply_days
        self.emit = emit
        self.ref_next = self.rng.randrange(31**8)
        self.tables = {
            name: _table(pairs)
            for name, pairs in {
                "route": ROUTES,
                "urgent_risk": URGENT_RISK,
                "fate": FATES,
                "start": START_TIER,
                "start_urgent": START_TIER_URGENT,
                "supported_close": SUPPORTED_CLOSE,
                "outcome": OUTCOMES,
                "mode": MODES,
                "handover_to": HANDOVER_TO,
                "hour": list(enumerate(HOUR_WEIGHTS)),
            }.items()
        }
        self.tier_teams = {tier: _table(pairs) for tier, pairs in TIER_TEAMS.items()}
        self.next_tier = {tier: (p, _table(pairs)) for tier, (p, pairs) in NEXT_TIER.items()}
        self.hub = net.pool("hub")
        self.hub_peers = [s for s in self.hub if s.role == "peer_worker"] or self.hub

    # --- small helpers --------------------------------------------------------------------------

    def pick(self, name):
        values, cum = self.tables[name]
        return self.rng.choices(values, cum_weights=cum)[0]

    def uid(self):
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def reference(self) -> str:
        # A bijection on 31^8 values (the multiplier is coprime with 31), so references never
        # repeat, yet look random and need no lookup.
        self.ref_next = (self.ref_next + 1) % 31**8
        n = (self.ref_next * 1_000_000_007) % 31**8
        alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
        chars = []
        for _ in range(8):
            n, rem = divmod(n, 31)
            chars.append(alphabet[rem])
        return f"LW-{''.join(chars[:4])}-{''.join(chars[4:])}"

    def work_time(self, ts: float) -> float:
        """The next moment in working hours (weekdays, 09:00-17:30 UTC) at or after ts."""
        # Always one draw, whatever the date, so the random stream does not depend on the calendar.
        in_hours = 9 * HOUR + self.rng.random() * 8 * HOUR
        if ts == FAR:
            return FAR
        day = math.floor(ts / DAY)
        sec = ts - day * DAY
        if sec < 9 * HOUR:
            sec = in_hours
        elif sec > 17.5 * HOUR:
            day += 1
            sec = in_hours
        weekday = (day + 3) % 7  # 1970-01-01 was a Thursday
        if weekday == 5:
            day += 2
        elif weekday == 6:
            day += 1
        return day * DAY + sec

    def first_arrival(self) -> float:
        """A time in the seeded years, busier in later years (the service grows)."""
        g = self.growth
        u = self.rng.random()
        x = u if g == 0 else (-1 + math.sqrt(1 + 2 * g * (1 + g / 2) * u)) / g
        return self.start + x * (self.NOW - self.start)

    def shape_arrival(self, ts: float, route: str) -> float:
        r = self.rng
        day = math.floor(ts / DAY)
        weekday = (day + 3) % 7
        # A fixed number of draws whatever the date (see work_time).
        later, move, minute, hour = (
            r.choice([0, 0, 1, 2, 3, 4]),
            r.random(),
            r.random(),
            self.pick("hour"),
        )
        if route in {"gp", "professional", "partner"}:
            if weekday >= 5:  # sent on the next working days, Monday most often
                day += 7 - weekday + later
            shaped = day * DAY + (9 + minute * 8.5) * HOUR
        else:
            if weekday >= 5 and move < 0.35:  # fewer people write at weekends
                day += 7 - weekday + later
            shaped = day * DAY + (hour + minute) * HOUR
        return shaped if shaped <= self.NOW else min(ts, self.NOW - 60)

    def staff_for(self, tier: str, exclude: Staff | None = None) -> Staff:
        values, cum = self.tier_teams[tier]
        for _attempt in range(5):
            pool = self.net.staff.get(self.rng.choices(values, cum_weights=cum)[0]) or self.hub
            choice = self.rng.choice(pool)
            if exclude is None or choice.user_id != exclude.user_id:
                return choice
        return self.rng.choice(
            [s for s in self.hub if exclude is None or s.user_id != exclude.user_id]
        )

    def staff_at(self, rows: Rows, ts: float) -> Staff:
        current = rows.owner or self.hub[0]
        for start, staff in rows.alloc_log:
            if start <= ts:
                current = staff
        return current

    # --- the journey ----------------------------------------------------------------------------

    def person(self, person_id, t0: float, force: Force | None = None) -> float:
        """All introductions of one person; returns the first one's received time."""
        first = None
        t = t0
        for n in range(4):
            rows, end = self.introduction(person_id, t, force if n == 0 else None)
            if first is None:
                first = rows.intro.received_at
            if end is None or self.rng.random() >= 0.45:
                break
            t = end + self.rng.expovariate(1 / 200) * DAY
            if t > self.NOW:
                break
        return first

    def introduction(self, person_id, t_raw: float, force: Force | None):
        r = self.rng
        f = force or NO_FORCE
        route = f.route or self.pick("route")
        t0 = f.t0 if f.t0 is not None else self.shape_arrival(t_raw, route)
        urgent = f.urgent if f.urgent is not None else r.random() < 0.06
        risk = self.pick("urgent_risk") if urgent else "no"
        intro = Introduction(
            id=self.uid(),
            reference=self.reference(),
            person_id=person_id,
            route=route,
            whats_happening=r.choice(data.WHATS_HAPPENING),
            what_would_help=r.choice(data.WHAT_WOULD_HELP),
            contact_preference=r.choice(["Phone, mornings", "Text first", "Email", "Any time", ""]),
            safe_to_leave_message=r.random() < 0.7,
            risk_now=risk,
            urgent=urgent,
            state=Introduction.State.NEW,
            received_at=dt(t0),
            submission_key=f"{r.getrandbits(128):032x}",
        )
        if route != "self":
            self._introducer(intro, route)
        rows = Rows(intro=intro)
        owner = None if f.unowned else (f.owner or r.choice(self.hub))
        own_at = t0 + (r.uniform(0.1, 2) * HOUR if urgent else r.uniform(0.2, 30) * HOUR)
        if owner is not None and (own_at <= self.NOW or f.owner is not None):
            intro.owner_id = owner.user_id
            rows.owner = owner

        if urgent:
            wait = r.uniform(0.3, 5) * HOUR if r.random() < 0.88 else r.uniform(18, 40) * HOUR
            t_conv = t0 + wait
        else:
            wait = min(max(r.lognormvariate(math.log(7), 0.86), 0.2), 120) * DAY
            if f.hold_open:  # scripted live work: the first conversation has happened
                wait = min(wait, max((self.NOW - t0) / 3, HOUR))
            t_conv = self.work_time(t0 + wait)
        fate = f.fate or self.pick("fate")
        if fate == "new_open":
            fate, t_conv = "supported", self.NOW + 30 * DAY

        hub_hand = rows.owner or r.choice(self.hub)
        # Tries before the first conversation (a "not reached" fate documents its own tries).
        attempts = f.pre_attempts or (r.choice([1, 1, 2]) if not urgent and r.random() < 0.3 else 0)
        first_event = t0 + wait * 0.6 if fate == "handed_over" else t_conv
        span = min(first_event, self.NOW) - t0
        for i in range(attempts if fate != "not_reached" else 0):
            ta = self.work_time(t0 + (i + 1) * span / (attempts + 1))
            if ta < first_event:
                self.contact(
                    rows, ta, hub_hand, "not_reached", r.choice(["phone", "phone", "text"])
                )

        if fate in {"person_declined", "not_reached", "moved_away"}:
            c = t_conv
            if fate == "not_reached":
                ta = t0
                for _ in range(r.choice([2, 2, 3, 3, 4])):
                    ta = self.work_time(ta + r.uniform(1, 6) * DAY)
                    outcome = "not_attended" if r.random() < 0.1 else "not_reached"
                    self.contact(rows, ta, hub_hand, outcome, r.choice(["phone", "phone", "text"]))
                c = self.work_time(ta + r.uniform(1, 4) * DAY)
            elif fate == "person_declined":
                self.contact(rows, t_conv, hub_hand, "attended", "phone", r.randint(8, 25))
                c = t_conv + r.uniform(0.01, 1) * DAY
            self.close(rows, c, fate, hub_hand)
        elif fate == "handed_over":
            chain = self.plan_handovers(
                rows, self.work_time(t0 + wait * 0.6), hub_hand, must_accept=True
            )
            accepted = self.emit_handovers(rows, chain)
            if chain.accepted_at is not None:
                c = max(chain.accepted_at, chain.settled_at) + r.uniform(0.1, 2) * DAY
                if accepted:
                    self.close(rows, c, "handed_over", hub_hand)
        else:
            self.supported(rows, t_conv, urgent, f)

        self.emit(rows)
        end = None
        if intro.state == Introduction.State.CLOSED:
            end = intro.open_door_until.timestamp()
        return rows, end

    def _introducer(self, intro: Introduction, route: str) -> None:
        r = self.rng
        intro.introducer_role = r.choice(data.INTRODUCER_ROLES[route])
        intro.introducer_name = r.choice(["Dr ", "", ""]) + r.choice(
            [
                "A. Patel",
                "J. Okoro",
                "S. Williams",
                "M. Kowalski",
                "R. Ahmed",
                "K. Brown",
                "L. Silva",
            ]
        )
        intro.introducer_phone = f"020 7946 0{r.randrange(1000):03d}"
        if route == "gp":
            intro.introducer_organisation = r.choice(data.GP_PRACTICES)
        elif route == "professional":
            intro.introducer_organisation = r.choice(data.PROFESSIONAL_ORGS)
        elif route == "partner":
            intro.introducer_organisation = r.choice(data.PARTNERS)[0]
        else:
            intro.relationship_to_person = intro.introducer_role
            intro.introducer_role = ""
        intro.person_knows = "yes" if r.random() < 0.93 else r.choice(["no", "not_sure"])
        intro.person_agrees = (
            "yes"
            if intro.person_knows == "yes" and r.random() < 0.95
            else r.choice(["no", "not_sure"])
        )
        if route in {"gp", "professional", "partner"} and r.random() < 0.5:
            intro.created_by_id = r.choice(self.hub).user_id  # entered on the staff form

    # --- support ----------------------------------------------------------------------------------

    def supported(self, rows: Rows, t_conv: float, urgent: bool, f: Force) -> None:
        r = self.rng
        if t_conv > self.NOW:
            return
        intro = rows.intro
        if rows.owner is None:
            rows.owner = f.owner or r.choice(self.hub)
            intro.owner_id = rows.owner.user_id
        roll = r.random()
        convener = (
            rows.owner
            if roll < 0.6
            else (r.choice(self.hub) if roll < 0.9 else r.choice(self.hub_peers))
        )
        held = dt(t_conv)
        rows.conversation = Conversation(
            id=self.uid(),
            introduction_id=intro.id,
            held_at=held,
            held_by_id=convener.user_id,
            organisation_id=convener.organisation_id,
            team_id=convener.team_id,
            mode=r.choices(["phone", "face_to_face", "video"], weights=[55, 35, 10])[0],
            place=r.choice(data.PLACES),
            whats_happening=intro.whats_happening,
            what_matters=r.choice(data.WHAT_MATTERS),
            strengths=r.choice(data.STRENGTHS),
            what_they_want=intro.what_would_help or r.choice(data.GOALS),
            risks=r.choice(data.RISKS),
            safety_plan=r.choice(data.SAFETY_PLAN) if urgent or r.random() < 0.4 else "",
            next_step=r.choice(data.NEXT_STEPS),
            recorded_at=dt(min(t_conv + r.uniform(0, 3) * HOUR, self.NOW)),
        )
        intro.state = Introduction.State.IN_SUPPORT
        intro.first_conversation_at = held
        first = f.tier or self.pick("start_urgent" if urgent else "start")
        self.spell(rows, t_conv, first, convener, f)

    def plan_tiers(self, first: str, start: float, f: Force) -> list[tuple[str, float]]:
        r = self.rng
        tiers = [first]
        if f.key_worker is None and not f.hold_open:
            chance_scale = 1.0
            while len(tiers) < 3:
                p, table = self.next_tier[tiers[-1]]
                if r.random() >= p * chance_scale:
                    break
                values, cum = table
                nxt = r.choices(values, cum_weights=cum)[0]
                if nxt == tiers[-1]:
                    break
                tiers.append(nxt)
                chance_scale = 0.4
        phases = []
        t = start
        for tier in tiers:
            lo, hi = TIER_DAYS[tier]
            days = r.uniform(lo, hi)
            phases.append((tier, t))
            t += days * DAY
        if f.hold_open and t <= self.NOW:
            t = self.NOW + r.uniform(14, 150) * DAY
        phases.append(("end", t))
        return phases

    def spell(
        self, rows: Rows, start: float, first: str, by: Staff, f: Force, note: str = ""
    ) -> None:
        """One period of support: tiers, key workers, plans, contacts, a handover, closure."""
        r = self.rng
        phases = self.plan_tiers(first, start, f)
        end = phases[-1][1]

        # A handover is planned first: nothing may close while an offer waits for a reply.
        chain = None
        if not rows.returned and (f.handover_org or (f.fate is None and r.random() < 0.3)):
            if f.handover_state:
                offer_at = self.NOW - f.handover_ago_days * DAY
            else:
                offer_at = self.work_time(start + r.uniform(0.1, 0.6) * (end - start))
            chain = self.plan_handovers(rows, offer_at, None, force=f)
            end = max(end, chain.settled_at + r.uniform(0.5, 5) * DAY)
        if f.hold_open and end <= self.NOW:
            end = self.NOW + r.uniform(14, 150) * DAY
        end = self.work_time(end) if end <= self.NOW else end
        phases[-1] = ("end", end)

        reason = self.pick("supported_close")
        if chain is not None and chain.accepted_at is not None and r.random() < 0.45:
            reason = "handed_over"
        quiet_from = end  # regular contacts stop here
        if reason == "not_reached":
            quiet_from = max(start, end - r.uniform(12, 20) * DAY)
        elif reason in {"person_declined", "moved_away"}:
            quiet_from = max(start, end - r.uniform(3, 10) * DAY)
        gap = None
        if f.gap:
            gap = (self.NOW - r.uniform(22, 40) * DAY, FAR)
        elif f.key_worker is None and r.random() < 0.06:
            g0 = start + r.uniform(0.2, 0.8) * (end - start)
            gap = (g0, g0 + r.uniform(25, 60) * DAY)

        # Tiers and key workers.
        for i, (tier, ps) in enumerate(phases[:-1]):
            pe = phases[i + 1][1]
            if ps > self.NOW:
                break
            self.enter_tier(
                rows, tier, ps, by if i == 0 else self.staff_at(rows, ps), note if i == 0 else ""
            )
            self.allocate_for(rows, tier, ps, pe, first_phase=(i == 0), f=f)
            self.contacts(rows, tier, ps, min(pe, quiet_from), gap)

        if chain is not None:
            self.emit_handovers(rows, chain)
            self.partner_contacts(rows, chain, end)
        self.plans(rows, start, end)

        if reason == "not_reached" and end <= self.NOW:
            ta = quiet_from
            for _ in range(r.choice([2, 3])):
                ta = min(ta + r.uniform(2, 5) * DAY, end - HOUR)
                self.contact(
                    rows, ta, self.staff_at(rows, ta), "not_reached", r.choice(["phone", "text"])
                )
        if not self.close(rows, end, reason, self.staff_at(rows, end)):
            return
        if (
            not rows.returned
            and reason in {"supported", "person_declined", "not_reached"}
            and (r.random() < OPEN_DOOR_RETURN)
        ):
            back = end + r.uniform(14, 170) * DAY
            if back <= self.NOW:
                self.come_back(rows, back)

    def enter_tier(self, rows: Rows, tier: str, ts: float, by: Staff, note: str) -> None:
        previous = rows.episode
        if previous is not None:
            old, new = self.tier_order[rows.tier], self.tier_order[tier]
            reason = "stepped_up" if new > old else ("stepped_down" if new < old else "moved")
            previous.ended_at = dt(ts)
            previous.end_reason = reason
            previous.reason_note = self.rng.choice(data.STEP_REASONS[reason])
        episode = Episode(
            id=self.uid(),
            introduction_id=rows.intro.id,
            tier_id=tier,
            started_at=dt(ts),
            started_by_id=by.user_id,
            reason_note=note[:300],
        )
        rows.episodes.append(episode)
        rows.episode = episode
        rows.tier = tier

    def allocate_for(
        self, rows: Rows, tier: str, ps: float, pe: float, *, first_phase: bool, f: Force
    ):
        r = self.rng
        current = rows.alloc_staff
        if f.no_key_worker:
            return
        wanted_teams = {v for v, _w in TIER_TEAMS[tier]}
        if f.key_worker is not None:
            worker = f.key_worker
        elif current is not None and current.team_key in wanted_teams:
            worker = None  # the key worker stays
        elif first_phase and tier == SPA and r.random() < 0.5:
            worker = None  # the Hub holds the work without a named key worker
        else:
            worker = self.staff_for(tier, exclude=current)
        if worker is not None:
            delay = 0 if tier == CRISIS or not first_phase else r.uniform(0, 10) * DAY
            if f.key_worker is not None:
                delay = r.uniform(0, 1) * DAY
            at = ps + delay if tier == CRISIS else self.work_time(ps + delay)
            if at < pe:
                reason = (
                    "" if current is None else rows.episodes[-2].reason_note or "Change of tier."
                )
                self.allocate(rows, worker, at, reason)
        if f.key_worker is None and rows.alloc_staff is not None and r.random() < 0.07:
            at = self.work_time(ps + r.uniform(0.3, 0.8) * (min(pe, self.NOW + 90 * DAY) - ps))
            if at < pe:
                other = self.staff_for(tier, exclude=rows.alloc_staff)
                self.allocate(rows, other, at, r.choice(data.TRANSFER_REASONS))

    def allocate(self, rows: Rows, worker: Staff, at: float, reason: str) -> None:
        if at > self.NOW or worker.team_id is None:
            return
        if rows.alloc_staff is not None and rows.alloc_staff.user_id == worker.user_id:
            return
        if rows.allocation is not None:
            if at <= rows.alloc_log[-1][0]:
                return  # planned before the current allocation began: it did not happen
            rows.allocation.ended_at = dt(at)
            reason = reason or "Change of key worker."
        allocated_by = rows.owner or self.hub[0]
        allocation = Allocation(
            id=self.uid(),
            introduction_id=rows.intro.id,
            key_worker_id=worker.user_id,
            team_id=worker.team_id,
            organisation_id=worker.organisation_id,
            started_at=dt(at),
            reason=reason[:300],
            allocated_by_id=allocated_by.user_id,
        )
        rows.allocations.append(allocation)
        rows.allocation = allocation
        rows.alloc_staff = worker
        rows.alloc_log.append((at, worker))

    def contacts(self, rows: Rows, tier: str, ps: float, pe: float, gap) -> None:
        r = self.rng
        every = CONTACT_EVERY[tier]
        t = ps + r.uniform(0.3, 1.2) * every * DAY
        limit = min(pe, self.NOW)
        while t < limit:
            at = t if tier == CRISIS else self.work_time(t)
            if at >= limit:
                break
            if gap is None or not (gap[0] <= at < gap[1]):
                outcome = self.pick("outcome")
                mode = (
                    self.pick("mode")
                    if tier != CRISIS
                    else r.choice(["face_to_face"] * 3 + ["phone"])
                )
                self.contact(rows, at, self.staff_at(rows, at), outcome, mode)
            t = at + r.uniform(0.5, 1.5) * every * DAY

    def contact(
        self, rows: Rows, at: float, by: Staff, outcome: str, mode: str, minutes: int | None = None
    ):
        if at > self.NOW:
            return
        r = self.rng
        if minutes is None:
            if outcome == "attended":
                lo, hi = {
                    "face_to_face": (30, 90),
                    "phone": (10, 45),
                    "video": (20, 60),
                    "text": (2, 10),
                }[mode]
                minutes = r.randint(lo, hi)
            elif outcome == "not_reached":
                minutes = r.randint(1, 5)
            else:
                minutes = 0
        note = (
            r.choice(data.CONTACT_NOTES)
            if outcome == "attended"
            else ("Called, no answer; left a message." if outcome == "not_reached" else "")
        )
        rows.contacts.append(
            Contact(
                id=self.uid(),
                introduction_id=rows.intro.id,
                at=dt(at),
                by_id=by.user_id,
                organisation_id=by.organisation_id,
                team_id=by.team_id,
                outcome=outcome,
                mode=mode,
                duration_minutes=minutes,
                note=note,
                restricted=r.random() < 0.01,
                recorded_at=dt(min(at + r.uniform(0, 6) * HOUR, self.NOW)),
            )
        )

    def plans(self, rows: Rows, start: float, end: float) -> None:
        r = self.rng
        t = self.work_time(start + r.uniform(1, 14) * DAY)
        if not rows.goals:
            rows.goals = [
                {"key": str(self.uid()), "text": g} for g in r.sample(data.GOALS, r.randint(2, 4))
            ]
        while t < end and t <= self.NOW:
            if rows.plan_version:
                roll = r.random()
                if roll < 0.35:
                    rows.goals = rows.goals[:]
                    rows.goals[r.randrange(len(rows.goals))] = {
                        "key": str(self.uid()),
                        "text": r.choice(data.GOALS),
                    }
                elif roll < 0.5 and len(rows.goals) < 5:
                    rows.goals = [
                        *rows.goals,
                        {"key": str(self.uid()), "text": r.choice(data.GOALS)},
                    ]
            rows.plan_version += 1
            review = t + r.uniform(42, 70) * DAY
            actions = [
                {"what": what, "who": who, "by": dt(t + r.uniform(7, 35) * DAY).date().isoformat()}
                for what, who in r.sample(data.PLAN_ACTIONS, r.randint(1, 3))
            ]
            rows.plans.append(
                PlanVersion(
                    id=self.uid(),
                    introduction_id=rows.intro.id,
                    version=rows.plan_version,
                    goals=rows.goals,
                    actions=actions,
                    review_date=dt(review).date(),
                    agreed_with_person=r.random() < 0.95,
                    created_by_id=self.staff_at(rows, t).user_id,
                    created_at=dt(t),
                )
            )
            t = self.work_time(review)

    # --- handovers ------------------------------------------------------------------------------

    def plan_handovers(
        self,
        rows: Rows,
        offer_at: float,
        by: Staff | None,
        *,
        must_accept=False,
        force: Force = NO_FORCE,
    ) -> HandoverChain:
        r = self.rng
        chain = HandoverChain()
        used: set[str] = set()
        t = offer_at
        for step in range(2):
            if force.handover_org and step == 0:
                org = force.handover_org
            else:
                org = self.pick("handover_to")
                while org in used:
                    org = self.pick("handover_to")
            used.add(org)
            reply = t + min(max(r.lognormvariate(math.log(1.5), 0.9), 0.05), 20) * DAY
            if force.handover_state and step == 0:
                state = force.handover_state
                outcome = {
                    "offered": "accepted",
                    "accepted": "accepted",
                    "started": "accepted",
                    "declined_waiting": "declined",
                    "withdrawn": "withdrawn",
                }[state]
                reply = FAR if state == "offered" else t + r.uniform(0.2, 1) * DAY
            else:
                roll = r.random()
                outcome = (
                    "accepted" if roll < 0.75 else ("declined" if roll < 0.95 else "withdrawn")
                )
                if step == 1 and outcome != "accepted":
                    outcome = "accepted" if must_accept or r.random() < 0.85 else "declined"
                if must_accept and step == 0 and outcome == "withdrawn":
                    outcome = "accepted"
            plan = {
                "org": org,
                "offer": t,
                "reply": reply,
                "outcome": outcome,
                "by": by,
                "started": FAR,
                "completed": FAR,
                "handled": FAR,
                "responder": force.responder if step == 0 else None,
            }
            if outcome == "accepted":
                plan["started"] = reply + r.uniform(2, 10) * DAY
                plan["completed"] = plan["started"] + r.uniform(28, 120) * DAY
                if force.handover_state in {"accepted", "offered"} and step == 0:
                    plan["started"] = FAR
                elif force.handover_state == "started" and step == 0:
                    plan["started"] = min(reply + r.uniform(0.5, 2) * DAY, self.NOW - HOUR)
                    plan["completed"] = FAR
                chain.accepted_at = reply
            chain.steps.append(plan)
            chain.settled_at = reply
            if outcome != "declined" or force.handover_state == "declined_waiting":
                break
            if step == 0 and (must_accept or r.random() < 0.7):
                t = reply + r.uniform(0.3, 4) * DAY
                plan["handled"] = t
                continue
            plan["handled"] = (
                reply + r.uniform(0.3, 3) * DAY
            )  # acknowledged: carrying on another way
            chain.settled_at = plan["handled"]
            break
        return chain

    def emit_handovers(self, rows: Rows, chain: HandoverChain) -> bool:
        """Write the planned handovers as they stand now; True if one was accepted by now."""
        r = self.rng
        previous = None
        accepted = False
        for plan in chain.steps:
            if plan["offer"] > self.NOW:
                break
            by = plan["by"] or self.staff_at(rows, plan["offer"])
            owner = rows.owner or by
            org_key = plan["org"]
            responder = plan["responder"] or r.choice(self.net.org_staff(org_key))
            purpose = self.net.purpose_of_org[org_key]
            handover = Handover(
                id=self.uid(),
                introduction_id=rows.intro.id,
                owner_id=owner.user_id,
                from_team_id=by.team_id,
                to_organisation_id=self.net.organisations[org_key].id,
                service_name=r.choice(data.SERVICES[purpose]),
                what_is_asked=r.choice(data.HANDOVER_ASKS[purpose]),
                state=Handover.State.OFFERED,
                offered_at=dt(plan["offer"]),
                reply_due_at=dt(plan["offer"] + self.reply_days * DAY),
                previous_id=previous,
            )
            plan["responder"] = responder
            if plan["reply"] <= self.NOW:
                outcome = plan["outcome"]
                if outcome == "withdrawn":
                    handover.state = Handover.State.WITHDRAWN
                else:
                    handover.state = outcome
                    handover.responded_at = dt(plan["reply"])
                    handover.responded_by_id = responder.user_id
                if outcome == "declined":
                    handover.decline_reason = r.choice(data.DECLINE_REASONS)
                    if plan["handled"] <= self.NOW:
                        handover.returned_handled_at = dt(plan["handled"])
                if outcome == "accepted":
                    accepted = True
                    if plan["started"] <= self.NOW:
                        handover.state = Handover.State.STARTED
                        handover.started_at = dt(plan["started"])
                        if plan["completed"] <= self.NOW:
                            handover.state = Handover.State.COMPLETED
                            handover.completed_at = dt(plan["completed"])
            rows.handovers.append(handover)
            previous = handover.id
        return accepted

    def partner_contacts(self, rows: Rows, chain: HandoverChain, end: float) -> None:
        r = self.rng
        for plan in chain.steps:
            if plan["outcome"] != "accepted" or plan["started"] > self.NOW:
                continue
            worker = plan.get("responder") or r.choice(self.net.org_staff(plan["org"]))
            stop = min(plan["completed"], end, self.NOW)
            t = plan["started"]
            for _ in range(r.randint(2, 6)):
                t = self.work_time(t + r.uniform(4, 14) * DAY)
                if t >= stop:
                    break
                self.contact(rows, t, worker, self.pick("outcome"), self.pick("mode"))

    # --- closing and coming back -----------------------------------------------------------------

    def close(self, rows: Rows, at: float, reason: str, by: Staff) -> bool:
        if at > self.NOW:
            return False
        intro = rows.intro
        when = dt(at)
        intro.state = Introduction.State.CLOSED
        intro.closed_at = when
        intro.closed_reason = reason
        intro.closed_note = self.rng.choice(data.CLOSE_NOTES[reason])
        intro.open_door_until = dt(at + self.open_door)
        if rows.episode is not None:
            rows.episode.ended_at = when
            rows.episode.end_reason = Episode.EndReason.CLOSED
            rows.episode = None
        if rows.allocation is not None:
            rows.allocation.ended_at = when
            rows.allocation = None
            rows.alloc_staff = None
        rows.closures.append(
            Closure(
                id=self.uid(),
                introduction_id=intro.id,
                closed_at=when,
                reason=reason,
                note=intro.closed_note,
                closed_by_id=by.user_id,
                open_door_until=intro.open_door_until,
            )
        )
        return True

    def come_back(self, rows: Rows, at: float) -> None:
        r = self.rng
        intro = rows.intro
        by = r.choice(self.hub)
        rows.closures[-1].returned_at = dt(at)
        rows.closures[-1].returned_by_id = by.user_id
        intro.state = Introduction.State.IN_SUPPORT
        intro.closed_at = None
        intro.closed_reason = ""
        intro.closed_note = ""
        intro.open_door_until = None
        rows.returned = True
        rows.alloc_log.append((at, by))
        tier = r.choice([SHORT, SHORT, STAYING, FOCUSED])
        self.spell(rows, at, tier, by, NO_FORCE, note="Came back within the open door.")


@dataclass
class HandoverChain:
    steps: list = field(default_factory=list)
    accepted_at: float | None = None
    settled_at: float = 0.0
