"""Builds a realistic synthetic Living Well site (see ADR 0005 for why it writes in bulk)."""

from __future__ import annotations

import importlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from livingwell.access import audit
from livingwell.accounts.models import User
from livingwell.core.models import SiteConfig
from livingwell.hub.models import Tier
from livingwell.people.models import Person, PossibleMatch
from livingwell.seed.journeys import (
    DAY,
    FOCUSED,
    HOUR,
    SHORT,
    SPA,
    STAYING,
    Force,
    JourneyBuilder,
)
from livingwell.seed.network import Network, build_network
from livingwell.seed.people import PersonMaker
from livingwell.seed.writer import Writer

MAX_PEOPLE = 2_000_000
MAX_YEARS = 20
SITE_NAME = "Living Well Demo"
AREA_NAME = "Demo Borough"


class SeedError(ValueError):
    """Arguments or a database the seed cannot work with, with a message for the operator."""


@dataclass(frozen=True)
class SeedOptions:
    people: int
    years: int
    seed: int

    def validate(self) -> None:
        if self.people < 1:
            raise SeedError("--people must be at least 1.")
        if self.people > MAX_PEOPLE:
            raise SeedError(f"--people must be at most {MAX_PEOPLE:,}.")
        if self.years < 1 or self.years > MAX_YEARS:
            raise SeedError(f"--years must be between 1 and {MAX_YEARS}.")
        if self.seed < 0:
            raise SeedError("--seed must be zero or a positive whole number.")


def has_people() -> bool:
    return Person.objects.exists()


def seed_site(
    options: SeedOptions,
    *,
    progress: Callable[[str], None] = print,
    now: datetime | None = None,
    with_hooks: bool = True,
) -> dict:
    """Build the whole site in one transaction: stored completely or not at all."""
    options.validate()
    if has_people():
        raise SeedError(
            "The database already has people: seed needs an empty database "
            "(use --if-empty to skip quietly)."
        )
    started = time.monotonic()
    now = now or timezone.now()
    with transaction.atomic():
        summary = _seed(options, now=now, progress=progress, with_hooks=with_hooks)
    _refresh_statistics()
    summary["seconds"] = round(time.monotonic() - started, 1)
    return summary


def _refresh_statistics() -> None:
    """After a bulk load, give PostgreSQL's planner fresh statistics at once instead of waiting
    for autovacuum: without them the first pages of a freshly seeded site are planned as if its
    tables were empty. (SQLite plans from its indexes; the pages were tuned that way.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _seed(options: SeedOptions, *, now: datetime, progress, with_hooks: bool) -> dict:
    rng = random.Random(f"{options.seed}:site")
    config = SiteConfig.current()
    config.name = SITE_NAME
    config.area_name = AREA_NAME
    config.save()
    tier_order = _ensure_tiers()

    from livingwell.accounts.demo import DEMO_PASSWORD, ensure_demo_mfa

    # One hash for every persona: they share the published demo password anyway, and Argon2 is
    # deliberately slow.
    net = build_network(
        rng=rng,
        seed=options.seed,
        people=options.people,
        years=options.years,
        now=now,
        demo_password_hash=make_password(DEMO_PASSWORD),
    )
    for user in User.objects.filter(is_demo_persona=True):
        ensure_demo_mfa(user)
    staff_count = sum(len(v) for v in net.staff.values()) + len(net.personas)
    progress(
        f"Network: {len(net.organisations)} organisations, {len(net.teams)} teams, "
        f"{staff_count} staff ({len(net.personas)} demo personas)."
    )

    writer = Writer()
    builder = JourneyBuilder(
        seed=options.seed,
        net=net,
        now=now,
        years=options.years,
        tier_order=tier_order,
        open_door_days=round(config.open_door_months * 30.44),
        reply_days=config.handover_reply_days,
        emit=writer.add_journey,
    )
    maker = PersonMaker(options.seed)
    scripted = _scripted(net, builder, now)[: max(1, options.people * 3 // 4)]
    n = options.people
    duplicates = min(200, n // 250) if n >= 40 else (1 if n >= 10 else 0)
    originals: list[tuple[object, dict]] = []
    step = max(1, n // 20)
    for i in range(n):
        if i < len(scripted):
            force = scripted[i]
            t0 = force.t0
        elif i >= n - duplicates and originals:
            _duplicate(builder, maker, writer, originals)
            _report(progress, i + 1, n, step)
            continue
        else:
            force = None
            t0 = builder.first_arrival()
        fields = maker.make(first_seen=datetime.fromtimestamp(t0, tz=now.tzinfo).date())
        pid = maker_uuid(maker)
        received = builder.person(pid, t0, force)
        writer.add(Person(id=pid, created_at=received, **fields))
        if len(originals) < 500 and maker.rng.random() < 0.2:
            originals.append((pid, fields))
        writer.maybe_flush()
        _report(progress, i + 1, n, step)
    writer.flush()

    if with_hooks:  # tests of the seed itself leave the other areas' builders out
        directory_rng = random.Random(f"{options.seed}:directory")
        _run_hook("Directory", _build_directory, directory_rng, net.organisations)
        _run_hook("Outcomes", _build_outcomes, random.Random(f"{options.seed}:outcomes"), now)
        _run_hook("Insight", _build_insight, random.Random(f"{options.seed}:insight"))
        _run_hook(
            "Improvement", _build_improvement, random.Random(f"{options.seed}:improvement"), now
        )
        _run_hook(
            "Co-production",
            _build_coproduction,
            random.Random(f"{options.seed}:coproduction"),
            now,
        )
        _run_hook("Stories", _build_stories, random.Random(f"{options.seed}:stories"), now)
        _run_hook("Portal", _build_portal, random.Random(f"{options.seed}:portal"), now)
    # The running totals of introductions received, new and in support (the actions keep them
    # from now on).
    from livingwell.intake.models import IntroductionTally

    IntroductionTally.rebuild()
    # The board's table of measures due, from the seeded journeys and measure histories.
    from livingwell.outcomes.due import rebuild as rebuild_measures_due

    rebuild_measures_due(now=now)

    summary = writer.summary()
    summary.update(
        {
            "organisations": len(net.organisations),
            "teams": len(net.teams),
            "staff": staff_count,
            "people_requested": options.people,
            "years": options.years,
            "seed": options.seed,
        }
    )
    # One event for the whole seed: the synthetic history is not real access to anyone's record,
    # so it is not written as thousands of per-row events (ADR 0005).
    audit.record(
        by=None,
        action="site.seed",
        category="system",
        detail={k: v for k, v in summary.items() if not isinstance(v, dict)},
    )
    return summary


def maker_uuid(maker: PersonMaker):
    import uuid

    return uuid.UUID(int=maker.rng.getrandbits(128), version=4)


def _report(progress, done: int, total: int, step: int) -> None:
    if done % step == 0 or done == total:
        progress(f"  {round(100 * done / total):3d}%  {done:,} of {total:,} people")


def _ensure_tiers() -> dict[str, int]:
    """The default tiers, if a site has removed any (the migration normally creates them)."""
    module = importlib.import_module("livingwell.hub.migrations.0002_default_tiers")
    for slug, name, description, order in module.DEFAULT_TIERS:
        Tier.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "order": order}
        )
    return dict(Tier.objects.values_list("slug", "order"))


def _scripted(net: Network, builder: JourneyBuilder, now: datetime) -> list[Force]:
    """Live work for the demo personas, so that each has something real to do today."""
    r = random.Random(f"{builder.rng.random()}:scripted")
    p = net.personas
    hub, key, peer, partner = (
        p.get("hub.worker"),
        p.get("key.worker"),
        p.get("peer.worker"),
        p.get("partner.worker"),
    )
    now_ts = now.timestamp()
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
    out: list[Force] = []
    # Urgent introductions from today, waiting for their same-day conversation.
    for _ in range(3):
        out.append(
            Force(
                t0=max(today, now_ts - r.uniform(0.3, 4) * HOUR),
                urgent=True,
                route="self",
                owner=hub,
                fate="new_open",
            )
        )
    # New introductions from the last few days, owned and unowned.
    for i in range(5):
        out.append(
            Force(
                t0=now_ts - r.uniform(0.5, 6) * DAY,
                urgent=False,
                owner=hub,
                fate="new_open",
                pre_attempts=1 if i < 2 else 0,
            )
        )
    for _ in range(2):
        out.append(
            Force(t0=now_ts - r.uniform(0.2, 3) * DAY, urgent=False, unowned=True, fate="new_open")
        )
    # Held by the Hub without a key worker yet.
    for _ in range(3):
        out.append(
            Force(
                t0=now_ts - r.uniform(20, 60) * DAY,
                urgent=False,
                owner=hub,
                fate="supported",
                tier=SPA,
                no_key_worker=True,
                hold_open=True,
            )
        )
    # The key worker's caseload, two of whom have not been seen for over three weeks.
    for i in range(15):
        out.append(
            Force(
                t0=now_ts - r.uniform(25, 300) * DAY,
                urgent=False,
                fate="supported",
                tier=r.choice([FOCUSED, FOCUSED, SHORT]),
                key_worker=key,
                hold_open=True,
                gap=i in {3, 9},
            )
        )
    for _ in range(5):
        out.append(
            Force(
                t0=now_ts - r.uniform(25, 200) * DAY,
                urgent=False,
                fate="supported",
                tier=STAYING,
                key_worker=peer,
                hold_open=True,
            )
        )
    # Handovers to the partner worker's organisation: waiting for a reply (one overdue), accepted,
    # started, one declined and back with its owner, and one the Hub withdrew (so that every
    # state a handover can be in shows, whatever the clock says when the site is seeded).
    for ago, state in (
        (2, "offered"),
        (6, "started"),
        (2, "declined_waiting"),
        (8, "offered"),
        (3, "accepted"),
        (0.5, "offered"),
        (4, "offered"),
        (12, "started"),
        (5, "withdrawn"),
    ):
        out.append(
            Force(
                t0=now_ts - r.uniform(40, 80) * DAY,
                urgent=False,
                fate="supported",
                tier=SHORT,
                owner=hub,
                hold_open=True,
                handover_org="mind",
                handover_state=state,
                handover_ago_days=ago,
                responder=partner,
            )
        )
    # Interleave the groups, so that a small site still gives every persona some work.
    groups, start = [], 0
    for size in (3, 5, 2, 3, 15, 5, 9):
        groups.append(out[start : start + size])
        start += size
    interleaved = [g[k] for k in range(15) for g in groups if k < len(g)]
    return [
        f
        for f in interleaved
        if f.owner is not None or f.unowned or f.key_worker is not None or f.handover_org
    ]


def _duplicate(builder: JourneyBuilder, maker: PersonMaker, writer: Writer, originals) -> None:
    """A second record for someone already known, flagged for a worker to check."""
    r = maker.rng
    original_id, original = r.choice(originals)
    fields = maker.make(first_seen=original["date_of_birth"])
    for key in ("given_name", "family_name", "date_of_birth", "sex", "gender", "ethnicity"):
        fields[key] = original[key]
    if original["nhs_number"] and r.random() < 0.5:
        fields["nhs_number"] = original["nhs_number"]
        reasons = ["nhs_number"]
    else:
        fields["nhs_number"] = ""
        fields["postcode"] = original["postcode"]
        reasons = ["name", "date_of_birth", "postcode"]
    pid = maker_uuid(maker)
    t0 = builder.NOW - r.uniform(1, 45) * DAY
    received = builder.person(pid, t0, Force(t0=t0, fate="new_open") if r.random() < 0.5 else None)
    writer.add(Person(id=pid, created_at=received, **fields))
    writer.add(
        PossibleMatch(
            id=maker_uuid(maker),
            new_person_id=pid,
            existing_person_id=original_id,
            reasons=reasons,
            created_at=received,
        )
    )


# --- Hooks for other parts of the demo ------------------------------------------------------------


def _run_hook(label: str, hook, *args) -> None:
    """Run another area's demo builder in a savepoint: if it fails, the rest of the site stays."""
    try:
        with transaction.atomic():
            hook(*args)
    except Exception as exc:  # noqa: BLE001 - reported, and the core demo is still useful
        from django.conf import settings

        if settings.ENVIRONMENT == "test":
            raise  # in tests a broken builder must fail loudly, not print and carry on
        first_line = str(exc).splitlines()[0] if str(exc) else ""
        print(f"{label}: the demo builder failed ({type(exc).__name__}: {first_line}); skipped.")


def _build_directory(rng: random.Random, orgs: dict) -> None:
    """The directory's demo services (livingwell.directory.demo)."""
    from livingwell.directory.demo import build_demo_directory

    build_demo_directory(rng, list(orgs.values()))


def _build_outcomes(rng: random.Random, now: datetime) -> None:
    """Measure histories for everyone who had a first conversation (livingwell.outcomes.demo)."""
    from livingwell.intake.models import Introduction
    from livingwell.outcomes.demo import build_measure_histories

    introductions = Introduction.objects.filter(first_conversation_at__isnull=False).iterator(
        chunk_size=2000
    )
    build_measure_histories(rng, introductions, now)


def _build_insight(rng: random.Random) -> None:
    """The synthetic population table and closure feedback, from `livingwell.insight.demo`."""
    from livingwell.insight.demo import build_feedback, load_demo_population
    from livingwell.intake.models import Introduction

    load_demo_population()
    build_feedback(rng, Introduction.objects.all())


def _build_portal(rng: random.Random, now: datetime) -> None:
    """People with portal access, and a proxy (livingwell.portal.demo)."""
    from livingwell.portal.demo import build_demo

    build_demo(rng, now)


def _build_improvement(rng: random.Random, now: datetime) -> None:
    """A few improvement projects and learning responses (livingwell.improvement.demo)."""
    from livingwell.improvement.demo import build_demo

    build_demo(rng, now)


def _build_coproduction(rng: random.Random, now: datetime) -> None:
    """A year of involvement, decisions and payments (livingwell.coproduction.demo)."""
    from livingwell.coproduction.demo import build_demo

    build_demo(rng, now)


def _build_stories(rng: random.Random, now: datetime) -> None:
    """Story collections, a few hundred synthetic stories and the panels' choices
    (livingwell.stories.demo)."""
    from livingwell.stories.demo import build_demo

    build_demo(rng, now)
