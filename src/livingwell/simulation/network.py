"""The network model on Ciw: the Hub's first conversations, the tiers, handovers and the open door.

Time is in days from local midnight of the first simulated day. People arrive at the front door
(two classes: urgent, served first, and routine), may need further attempts to be reached (a day
each; an attempt that fails takes no conversation slot), then wait for the Hub's first
conversation, held by the workers on the day's rota from 09:00 to 17:00, each holding the
calibrated number of conversations a day. Routine people may stop waiting (an exponential
patience). After the conversation they go to a tier with the observed shares (or leave); a tier
holds the calibrated number of places, each episode lasting a length drawn from the observed
lengths; from a tier they step to another tier, go to a partner by handover, or close; after
closing they may return through the open door to a tier.

Nothing goes back from the tiers to the Hub, so a replication runs in parts in turn. Ciw looks
at every server (and, at a node without a limit, every person) of every node at each event; in a
large borough that made the thousands of tier places and the hundreds of people being reached
cost nearly all of a replication. So since model ``network-3``: reaching the person, a delay
without a limit, is drawn first from the same Ciw distributions (``reach_everyone``); the Hub's
Ciw simulation (the first conversation, urgent first, the rota, people who stop waiting, and the
urgent line for an urgent person reached when the Hub holds no conversations, in the hours the
records show one) takes people as they are reached; then the tiers, delays with a capacity and
no priorities, rotas or reneging, run on SimPy (``run_tiers``), fed the ends of the Hub's
conversations. ``build_network`` keeps the whole network in one Ciw simulation: it is the
reference the parts are checked against.

This module imports no Django: replications run side by side in processes
(``replication_pool``) that are handed the model's inputs and never reach the site's data.

See ``docs/adr/0019-what-if-simulation.md`` for why this shape and what it leaves out.
"""

from __future__ import annotations

import math
import multiprocessing
import random
import statistics
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta

import ciw
import numpy as np
import simpy

from livingwell.simulation.engine import replication_seeds
from livingwell.simulation.stats import estimate

# The model's version, stored with every run: change it with any change to the model's logic.
MODEL_VERSION = "network-4"
URGENT, ROUTINE = "urgent", "routine"
FALLBACK_SUPPORT_DAYS = 56.0  # a tier with no ended episode (a new team without its own data)
OPEN_HOUR, CLOSE_HOUR = 9, 17  # the Hub's hours for first conversations
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Bands of the local hour an urgent introduction arrives in: before the Hub opens, in its hours,
# after it closes (how soon urgent people are answered is read and drawn per band).
URGENT_BANDS = ("before_hours", "hub_hours", "after_hours")


def urgent_band(hour: int) -> str:
    if hour < OPEN_HOUR:
        return URGENT_BANDS[0]
    return URGENT_BANDS[1] if hour < CLOSE_HOUR else URGENT_BANDS[2]


@dataclass
class Tier:
    slug: str
    name: str
    places: int
    first_share: float
    support_days: list[float]
    steps: dict[str, float] = field(default_factory=dict)


@dataclass
class ModelInputs:
    """What one simulation needs, from a calibration with a scenario's changes applied."""

    start: date
    weeks: int
    warmup_weeks: int
    arrivals_per_day: float
    seasonality: list[float]
    arrivals_by_hour_of_week: list[float]  # 168 shares from Monday 00:00; empty: flat
    urgent_share: float
    hub_rota: list[int]  # workers on each day, Monday .. Sunday
    conversations_per_worker_day: float
    attempt_failure_share: float
    first_attempt_days: list[float]
    stop_waiting_per_day: float
    tiers: list[Tier]
    handover_share: float
    handover_days: list[float]
    open_door_return_per_day: float
    open_door_days: float
    # Workers answering urgent introductions in each local hour when the Hub is not holding
    # conversations (24 numbers, 0 closed); empty: urgent ones wait for the Hub like the rest.
    urgent_line_hours: list[int] = field(default_factory=list)
    # Days from arrival to the first conversation of urgent introductions by arrival band
    # (``URGENT_BANDS``), as observed, and the share never answered (closed without a first
    # conversation). Empty: urgent people are reached at once, tried again every two hours.
    urgent_answer_days: dict[str, list[float]] = field(default_factory=dict)
    urgent_unanswered_share: float = 0.0

    @property
    def horizon(self) -> float:
        return 7.0 * (self.weeks + self.warmup_weeks)

    @property
    def warmup(self) -> float:
        return 7.0 * self.warmup_weeks


class FailedAttempts(ciw.dists.Distribution):
    """A gap for each failed attempt to reach the person (geometric count, from 0)."""

    def __init__(self, failure_share: float, gap_days: float):
        self.failure_share, self.gap_days = failure_share, gap_days

    def sample(self, t=None, ind=None):
        tries = 0
        while random.random() < self.failure_share and tries < 30:
            tries += 1
        return tries * self.gap_days


class UrgentAnswer(ciw.dists.Distribution):
    """Days until an urgent person is answered, drawn from the observed days of urgent
    introductions that arrived in the same band of local hours (``t`` the arrival, in days from
    local midnight of the first simulated day)."""

    def __init__(self, days_by_band: dict[str, list[float]]):
        self.days_by_band = days_by_band

    def sample(self, t=None, ind=None):
        hour = int(((t or 0.0) % 1) * 24) % 24
        days = self.days_by_band.get(urgent_band(hour)) or [0.0]
        return random.choice(days)


class TruncatedExponential(ciw.dists.Distribution):
    """When someone comes back through the open door, given that they come back before it shuts."""

    def __init__(self, rate: float, upper: float):
        self.rate, self.upper = rate, upper

    def sample(self, t=None, ind=None):
        if self.rate <= 0:
            return random.uniform(0, self.upper)
        u = random.random() * (1 - math.exp(-self.rate * self.upper))
        return -math.log(1 - u) / self.rate


class GivenTimes(ciw.dists.Distribution):
    """Arrivals at times already known (people once reached), then none."""

    def __init__(self, times: list[float]):
        self.times, self.next = sorted(times), 0

    def sample(self, t=None, ind=None):
        if self.next >= len(self.times):
            return math.inf
        when = self.times[self.next]
        self.next += 1
        return max(0.0, when - (t or 0.0))


def _arrival_intervals(inputs: ModelInputs, share: float) -> ciw.dists.Distribution | None:
    """Poisson arrivals hour by hour: the day's rate for the month, shaped by the hour of week."""
    if share <= 0 or inputs.arrivals_per_day <= 0:
        return None
    week = inputs.arrivals_by_hour_of_week or [1 / 168] * 168
    first = inputs.start - timedelta(days=int(inputs.warmup))
    rates, ends = [], []
    for day in range(int(inputs.horizon)):
        when = first + timedelta(days=day)
        daily = inputs.arrivals_per_day * share * inputs.seasonality[when.month - 1]
        for hour in range(24):
            # A week's arrivals spread by the shares, as a rate per day of simulated time.
            rates.append(daily * 7 * week[24 * when.weekday() + hour] * 24)
            ends.append(day + (hour + 1) / 24)
    if not any(rates):
        return None
    return ciw.dists.PoissonIntervals(rates=rates, endpoints=ends, max_sample_date=inputs.horizon)


def _hub_schedule(inputs: ModelInputs) -> ciw.Schedule:
    """The rota over a week, starting on the first simulated day's weekday."""
    first = (inputs.start - timedelta(days=int(inputs.warmup))).weekday()
    numbers, ends = [], []
    for k in range(7):
        workers = inputs.hub_rota[(first + k) % 7]
        for count, end_hour in ((0, OPEN_HOUR), (workers, CLOSE_HOUR), (0, 24)):
            if numbers and numbers[-1] == count:
                ends[-1] = k + end_hour / 24
            else:
                numbers.append(count)
                ends.append(k + end_hour / 24)
    return ciw.Schedule(numbers_of_servers=numbers, shift_end_dates=ends)


def _routing(inputs: ModelInputs) -> list[list[float]]:
    """The whole network's routing: 1 attempts, 2 the Hub, 3.. the tiers, partners, open door."""
    tiers = inputs.tiers
    n = 4 + len(tiers)
    partner, door = n - 1, n  # 1-based node numbers
    share_sum = sum(t.first_share for t in tiers) or 1.0
    p_return = 1 - math.exp(-inputs.open_door_return_per_day * inputs.open_door_days)
    matrix = [[0.0] * n for _ in range(n)]
    matrix[0][1] = 1.0
    for k, tier in enumerate(tiers):
        matrix[1][2 + k] = tier.first_share
        stepped = 0.0
        for to, p in tier.steps.items():
            j = next((i for i, t in enumerate(tiers) if t.slug == to), None)
            if j is not None and j != k:
                matrix[2 + k][2 + j] = p
                stepped += p
        closing = max(0.0, 1 - stepped)
        matrix[2 + k][partner - 1] = closing * inputs.handover_share
        matrix[2 + k][door - 1] = closing * (1 - inputs.handover_share) * p_return
        matrix[door - 1][2 + k] = tier.first_share / share_sum
    matrix[partner - 1][door - 1] = p_return
    for row in matrix:  # shares worked out apart can sum to 1 + 1e-16, which Ciw refuses
        total = sum(row)
        if total > 1:
            row[:] = [p / total * (1 - 1e-12) for p in row]
    return matrix


def _hub_nodes(inputs: ModelInputs):
    """Services and servers of the first two nodes: reaching the person, and the Hub."""
    hub_minutes = (CLOSE_HOUR - OPEN_HOUR) / 24
    slot = hub_minutes / max(inputs.conversations_per_worker_day, 1e-9)
    # Reaching the person: routine ones after the observed lead time, then a day per failed
    # attempt; urgent ones at once, tried again every two hours.
    reach_routine = FailedAttempts(inputs.attempt_failure_share, 1.0)
    if inputs.first_attempt_days:
        reach_routine = ciw.dists.Empirical(inputs.first_attempt_days) + reach_routine
    reach_urgent = FailedAttempts(inputs.attempt_failure_share, 2 / 24)
    if any(inputs.urgent_answer_days.values()):
        # Since ``network-4``: as soon as the records show urgent people answered, failed tries
        # and next-day answers included (the line's staffing is not in the records).
        reach_urgent = UrgentAnswer(inputs.urgent_answer_days)
    services = {
        URGENT: [reach_urgent, ciw.dists.Deterministic(slot)],
        ROUTINE: [reach_routine, ciw.dists.Deterministic(slot)],
    }
    return services, [float("inf"), _hub_schedule(inputs)]


def _tier_nodes(inputs: ModelInputs):
    """Services and servers of the tiers, the partners and the open door."""
    services = [
        ciw.dists.Empirical(t.support_days or [FALLBACK_SUPPORT_DAYS]) for t in inputs.tiers
    ]
    services.append(ciw.dists.Empirical(inputs.handover_days or [28.0]))
    services.append(
        TruncatedExponential(inputs.open_door_return_per_day, max(inputs.open_door_days, 1e-9))
    )
    servers = [t.places if t.places > 0 else float("inf") for t in inputs.tiers]
    return services, servers + [float("inf"), float("inf")]


def _hub_classes(inputs: ModelInputs, n: int) -> dict:
    """What the two classes share: arrivals at node 1, urgent first, routine may stop waiting."""

    def arrivals(share):
        return [_arrival_intervals(inputs, share)] + [None] * (n - 1)

    patience = (
        ciw.dists.Exponential(rate=inputs.stop_waiting_per_day)
        if inputs.stop_waiting_per_day > 0
        else None
    )
    return {
        "arrival_distributions": {
            URGENT: arrivals(inputs.urgent_share),
            ROUTINE: arrivals(1 - inputs.urgent_share),
        },
        "priority_classes": {URGENT: 0, ROUTINE: 1},
        "reneging_time_distributions": {
            URGENT: [None] * n,
            ROUTINE: [None, patience] + [None] * (n - 2),
        },
    }


def build_network(inputs: ModelInputs):
    """The whole network in one simulation (the reference for the split runs)."""
    matrix = _routing(inputs)
    n = len(matrix)
    hub_services, hub_servers = _hub_nodes(inputs)
    tier_services, tier_servers = _tier_nodes(inputs)
    return ciw.create_network(
        service_distributions={k: v + tier_services for k, v in hub_services.items()},
        number_of_servers=hub_servers + tier_servers,
        routing={URGENT: matrix, ROUTINE: matrix},
        **_hub_classes(inputs, n),
    )


def _urgent_line_answers(inputs: ModelInputs, when: float) -> bool:
    """Whether an urgent person reached at `when` goes to the urgent line: it is open then and
    the Hub is not holding conversations (evenings, nights, days without a rota)."""
    first = (inputs.start - timedelta(days=int(inputs.warmup))).weekday()
    hour = int((when % 1) * 24) % 24
    hub_open = OPEN_HOUR <= hour < CLOSE_HOUR and inputs.hub_rota[(first + int(when)) % 7] > 0
    return bool(inputs.urgent_line_hours[hour]) and not hub_open


def _urgent_line_schedule(inputs: ModelInputs) -> ciw.Schedule:
    """The same hours every day, as found in the records."""
    numbers, ends = [], []
    for hour, workers in enumerate(inputs.urgent_line_hours):
        if numbers and numbers[-1] == workers:
            ends[-1] = (hour + 1) / 24
        else:
            numbers.append(workers)
            ends.append((hour + 1) / 24)
    return ciw.Schedule(numbers_of_servers=numbers, shift_end_dates=ends)


@dataclass
class Person:
    arrived: float
    customer_class: str
    reached: float
    to_urgent_line: bool = False
    unanswered: bool = False  # an urgent person closed without a first conversation


def reach_everyone(inputs: ModelInputs) -> list[Person]:
    """Everyone arriving in the horizon and when they are reached, in the order reached.

    Arrivals are Ciw's ``PoissonIntervals`` (hour by hour); reaching the person is a delay
    without a limit (the first try after the observed lead time, then the failed attempts), so
    it is drawn here from the Ciw distributions of the whole network's node 1, rather than run as
    a Ciw node whose every event looks at everyone still being reached. Urgent people the
    records show never answered (in the observed share) are marked and go no further.
    """
    services = _hub_nodes(inputs)[0]
    people: list[tuple[float, str]] = []
    for klass, share in ((URGENT, inputs.urgent_share), (ROUTINE, 1 - inputs.urgent_share)):
        arrivals = _arrival_intervals(inputs, share)
        if arrivals is not None:
            people.extend((at, klass) for at in arrivals.dates[1:] if at <= inputs.horizon)
    people.sort()
    reached = [Person(at, klass, at + services[klass][0].sample(t=at)) for at, klass in people]
    if inputs.urgent_unanswered_share > 0:
        for person in reached:
            if person.customer_class == URGENT:
                person.unanswered = random.random() < inputs.urgent_unanswered_share
    line = any(inputs.urgent_line_hours)
    for person in reached:
        person.to_urgent_line = (
            line
            and person.customer_class == URGENT
            and _urgent_line_answers(inputs, person.reached)
        )
    reached.sort(key=lambda person: person.reached)
    return reached


def build_hub_network(inputs: ModelInputs, people: list[Person]):
    """The Hub's first conversations (node 1), and for an urgent person reached out of the Hub's
    hours the urgent line (node 2) where the records show one; then they leave. People arrive
    when reached (``reach_everyone``)."""
    services, servers = _hub_nodes(inputs)
    line = any(inputs.urgent_line_hours)
    n = 2 if line else 1

    def arrivals(klass: str) -> list:
        streams = []
        for node in range(n):
            times = [
                p.reached
                for p in people
                if p.customer_class == klass
                and p.to_urgent_line == (node == 1)
                and p.reached <= inputs.horizon
            ]
            streams.append(GivenTimes(times) if times else None)
        return streams

    patience = (
        ciw.dists.Exponential(rate=inputs.stop_waiting_per_day)
        if inputs.stop_waiting_per_day > 0
        else None
    )
    leave = [[0.0] * n for _ in range(n)]
    return ciw.create_network(
        arrival_distributions={URGENT: arrivals(URGENT), ROUTINE: arrivals(ROUTINE)},
        service_distributions={k: [v[1]] * n for k, v in services.items()},
        number_of_servers=[servers[1], _urgent_line_schedule(inputs)] if line else [servers[1]],
        routing={URGENT: leave, ROUTINE: leave},
        priority_classes={URGENT: 0, ROUTINE: 1},
        reneging_time_distributions={URGENT: [None] * n, ROUTINE: [patience] + [None] * (n - 1)},
    )


def _first_tiers(inputs: ModelInputs, conversations_ended: list[float]) -> list[list[float]]:
    """Each person goes on to a first tier with the observed shares (or leaves), drawn in the
    order of the conversations, as the whole network's routing from the Hub would draw it."""
    first = _routing(inputs)[1][2:]
    to_tier: list[list[float]] = [[] for _ in inputs.tiers]
    for when in sorted(conversations_ended):
        u, cumulative = random.random(), 0.0
        for k, share in enumerate(first):
            cumulative += share
            if u < cumulative:
                to_tier[k].append(when)
                break
    return to_tier


def run_tiers(inputs: ModelInputs, conversations_ended: list[float]) -> dict[int, float]:
    """The tiers, partners and open door on SimPy: place-days in use per tier after the warm-up.

    A tier is a delay with a capacity: a person waits for a place (first come, first served),
    holds it for a length drawn from the observed lengths, then goes on by the whole network's
    routing (another tier, a partner, the open door, or out); partners and the open door are
    delays without a limit. The services, places and routing are the whole Ciw network's own
    (``_tier_nodes``, ``_routing``); on SimPy an event's cost does not grow with the places, where
    Ciw looks at every place of every node at each event (model ``network-2`` ran the tiers on
    Ciw and spent most of a borough's replication there).
    """
    horizon, warmup = inputs.horizon, inputs.warmup
    matrix = [row[2:] for row in _routing(inputs)[2:]]
    services, servers = _tier_nodes(inputs)
    env = simpy.Environment()
    places = [
        simpy.Resource(env, capacity=int(c)) if math.isfinite(c) else None
        for c in servers[: len(inputs.tiers)]
    ]
    busy: dict[int, float] = {}

    def next_node(node: int) -> int | None:
        u, cumulative = random.random(), 0.0
        for j, p in enumerate(matrix[node]):
            cumulative += p
            if u < cumulative:
                return j
        return None

    def person(node: int | None):
        while node is not None:
            place = places[node] if node < len(places) else None
            request = place.request() if place is not None else None
            if request is not None:
                yield request  # waiting for a place
            length = services[node].sample()
            if node < len(places):
                _count_busy(busy, node, env.now, length, warmup, horizon)
            yield env.timeout(length)
            if request is not None:
                place.release(request)
            node = next_node(node)

    def arrivals(node: int, times: list[float]):
        for when in times:
            yield env.timeout(max(0.0, when - env.now))
            env.process(person(node))

    for k, times in enumerate(_first_tiers(inputs, conversations_ended)):
        if times:
            env.process(arrivals(k, times))
    env.run(until=horizon)
    return busy


def _count_busy(busy: dict[int, float], tier: int, start: float, length: float, warmup, horizon):
    lo, hi = max(start, warmup), min(start + length, horizon)
    if hi > lo:
        busy[tier] = busy.get(tier, 0.0) + hi - lo


@dataclass
class Replication:
    waits: list[float]  # days to first conversation, people arriving after the warm-up
    urgent_same_day: float
    stopped_waiting: int
    weekly_wait: list[float]
    weekly_queue: list[float]
    weekly_utilisation: list[float]
    tier_utilisation: dict[str, float]


def _centile(values: list[float], q: float) -> float:
    if not values:
        return math.nan
    return float(np.quantile(np.asarray(values), q))


def run_once(inputs: ModelInputs, seed: int) -> Replication:
    """One replication: reaching people, the Hub's simulation, then the tiers' fed by its
    conversations."""
    ciw.seed(seed)
    everyone = reach_everyone(inputs)
    people = [p for p in everyone if not p.unanswered]
    # Built after the draws above; Ciw numbers people in the order they arrive, which is the
    # order they were reached: person k of ``people`` is Ciw's individual k + 1.
    hub = ciw.Simulation(build_hub_network(inputs, people))
    hub.simulate_until_max_time(inputs.horizon)
    records = hub.get_all_records(include_incomplete=True)
    for r in records:
        if abs(people[r.id_number - 1].reached - r.arrival_date) > 1e-6:
            raise RuntimeError("The Hub's simulation numbered people out of their order.")
    ended = [
        r.service_end_date
        for r in records
        if r.record_type == "service" and r.service_end_date <= inputs.horizon
    ]
    tier_busy = run_tiers(inputs, ended) if ended else {}
    arrived = {k + 1: (p.arrived, p.customer_class) for k, p in enumerate(people)}
    unanswered = [p.arrived for p in everyone if p.unanswered]
    return _figures(arrived, records, tier_busy, inputs, hub=1, line=2, unanswered=unanswered)


def run_whole_network(inputs: ModelInputs, seed: int) -> Replication:
    """One replication of the whole network in one simulation: the reference for the split (it
    has no urgent line, so it is compared on inputs without one)."""
    ciw.seed(seed)
    simulation = ciw.Simulation(build_network(inputs))
    simulation.simulate_until_max_time(inputs.horizon)
    records = simulation.get_all_records(include_incomplete=True)
    arrived: dict[int, tuple[float, str]] = {}
    for r in records:
        if r.node == 1:
            arrived.setdefault(r.id_number, (r.arrival_date, r.customer_class))
    busy = _tier_busy(records, inputs, first=3)
    return _figures(arrived, records, busy, inputs, hub=2, line=None)


def _tier_busy(records, inputs: ModelInputs, *, first: int) -> dict[int, float]:
    """Place-days in use per tier after the warm-up; tier k is node `first` + k."""
    busy: dict[int, float] = {}
    last = first + len(inputs.tiers)
    for r in records:
        if first <= r.node < last and r.service_start_date is not None:
            end = r.service_end_date or inputs.horizon
            lo, hi = max(r.service_start_date, inputs.warmup), min(end, inputs.horizon)
            if hi > lo:
                busy[r.node - first] = busy.get(r.node - first, 0.0) + hi - lo
    return busy


def _figures(
    arrived: dict[int, tuple[float, str]],
    records,
    tier_busy: dict[int, float],
    inputs: ModelInputs,
    *,
    hub: int,
    line: int | None,
    unanswered: Sequence[float] = (),
) -> Replication:
    """The Hub's figures: everyone who arrived (by Ciw's number: when, and their class), the
    records of the Hub's node and the urgent line's, and the tiers' busy place-days. Urgent
    people never answered (arrival times in `unanswered`) count as not answered the same day,
    as the back-test counts what happened, and have no wait to first conversation."""
    horizon, warmup = inputs.horizon, inputs.warmup
    first_talk: dict[int, float] = {}
    stopped: set[int] = set()
    hub_in: list[float] = []
    hub_out: list[float] = []
    busy: list[tuple[float, float]] = []
    for r in records:
        if r.node == line:
            if r.service_start_date is not None:
                first_talk.setdefault(r.id_number, r.service_start_date)
        elif r.node == hub:
            hub_in.append(r.arrival_date)
            if r.record_type == "renege":
                stopped.add(r.id_number)
                hub_out.append(r.exit_date)
            elif r.service_start_date is not None:  # held, or under way at the horizon
                start = r.service_start_date
                first_talk.setdefault(r.id_number, start)
                hub_out.append(start)
                busy.append((start, r.service_end_date or horizon))
            else:  # still waiting at the horizon
                hub_out.append(math.inf)
    weeks = inputs.weeks
    waits: list[float] = []
    by_week: list[list[float]] = [[] for _ in range(weeks)]
    urgent_total = urgent_same_day = 0
    for person, (at, klass) in arrived.items():
        if at < warmup:
            continue
        if person in stopped:
            continue
        talk = first_talk.get(person)
        wait = (talk if talk is not None else horizon) - at
        waits.append(wait)
        week = int((at - warmup) // 7)
        if 0 <= week < weeks:
            by_week[week].append(wait)
        if klass == URGENT and at < horizon - 1:
            urgent_total += 1
            if talk is not None and math.floor(talk) == math.floor(at):
                urgent_same_day += 1
    urgent_total += sum(1 for at in unanswered if warmup <= at < horizon - 1)
    hub_in_a = np.sort(np.asarray(hub_in))
    hub_out_a = np.sort(np.asarray(hub_out))
    queue = []
    utilisation = []
    week_capacity = sum(inputs.hub_rota) * (CLOSE_HOUR - OPEN_HOUR) / 24
    for w in range(weeks):
        w0 = warmup + 7 * w
        samples = [w0 + d + OPEN_HOUR / 24 for d in range(7)]
        counts = [
            int(np.searchsorted(hub_in_a, t, "right") - np.searchsorted(hub_out_a, t, "right"))
            for t in samples
        ]
        queue.append(statistics.fmean(counts))
        used = sum(max(0.0, min(b, w0 + 7) - max(a, w0)) for a, b in busy)
        utilisation.append(used / week_capacity if week_capacity else math.nan)
    span = horizon - warmup
    tier_utilisation = {
        t.slug: (tier_busy.get(k, 0.0) / (t.places * span) if t.places else math.nan)
        for k, t in enumerate(inputs.tiers)
    }
    return Replication(
        waits=waits,
        urgent_same_day=(urgent_same_day / urgent_total) if urgent_total else math.nan,
        stopped_waiting=sum(1 for p in stopped if arrived.get(p, (0, ""))[0] >= warmup),
        weekly_wait=[statistics.fmean(v) if v else math.nan for v in by_week],
        weekly_queue=queue,
        weekly_utilisation=utilisation,
        tier_utilisation=tier_utilisation,
    )


def summarise(reps: list[Replication], inputs: ModelInputs) -> dict:
    def series(name: str) -> list[dict]:
        return [
            estimate([getattr(r, name)[w] for r in reps]).as_dict() for w in range(inputs.weeks)
        ]

    return {
        "median_wait_days": estimate([_centile(r.waits, 0.5) for r in reps]).as_dict(),
        "p90_wait_days": estimate([_centile(r.waits, 0.9) for r in reps]).as_dict(),
        "urgent_same_day_share": estimate([r.urgent_same_day for r in reps]).as_dict(),
        "stopped_waiting": estimate([float(r.stopped_waiting) for r in reps]).as_dict(),
        "weekly_wait_days": series("weekly_wait"),
        "weekly_queue": series("weekly_queue"),
        "weekly_hub_utilisation": series("weekly_utilisation"),
        "tier_utilisation": {
            t.slug: estimate([r.tier_utilisation[t.slug] for r in reps]).as_dict()
            for t in inputs.tiers
        },
        "week_starts": [
            (inputs.start + timedelta(days=7 * w)).isoformat() for w in range(inputs.weeks)
        ],
    }


@contextmanager
def replication_pool(workers: int) -> Iterator[Executor | None]:
    """Processes to run replications side by side (``None``: run them here, one after another).

    The children are spawned, not forked: a fresh interpreter holds none of the parent's open
    database connections, and this module imports no Django, so a child cannot reach the
    site's data; it is handed plain inputs and gives back plain figures.
    """
    if workers <= 1:
        yield None
        return
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
    try:
        yield pool
    finally:
        # On an error in the parent, replications not yet started are dropped, not waited for.
        pool.shutdown(wait=True, cancel_futures=True)


def simulate(
    inputs: ModelInputs,
    *,
    replications: int,
    seed: int,
    progress: Callable[[int, int], None] | None = None,
    pool: Executor | None = None,
) -> dict:
    """Run the replications (replication k with seed + k) and summarise them across runs.

    Each replication is seeded on its own and the figures are summarised in replication order,
    so the result is the same whether they run here or side by side in ``pool``; progress is
    reported as each one finishes.
    """
    seeds = replication_seeds(seed, replications)
    if pool is None:
        reps = []
        for k, replication_seed in enumerate(seeds):
            reps.append(run_once(inputs, replication_seed))
            if progress:
                progress(k + 1, replications)
        return summarise(reps, inputs)
    futures = {pool.submit(run_once, inputs, s): k for k, s in enumerate(seeds)}
    by_order: dict[int, Replication] = {}
    for done, future in enumerate(as_completed(futures), start=1):
        by_order[futures[future]] = future.result()
        if progress:
            progress(done, replications)
    return summarise([by_order[k] for k in range(replications)], inputs)


def weekday_rota(workers_by_weekday: list[float]) -> list[int]:
    return [int(round(w)) for w in workers_by_weekday]


__all__ = [
    "CLOSE_HOUR",
    "MODEL_VERSION",
    "OPEN_HOUR",
    "URGENT_BANDS",
    "WEEKDAYS",
    "ModelInputs",
    "Tier",
    "build_hub_network",
    "reach_everyone",
    "build_network",
    "replication_pool",
    "run_tiers",
    "run_whole_network",
    "simulate",
    "urgent_band",
    "weekday_rota",
]
