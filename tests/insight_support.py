"""A small hand-built network for the insight tests; answers worked out by hand in the tests.

Period: Monday 5 to Sunday 18 January 2026 (winter, so UK time = UTC). "Now" is 1 February 2026.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from livingwell.hub import actions as hub
from livingwell.hub.models import Tier
from livingwell.insight.metrics import Filters
from livingwell.intake.actions import submit_introduction
from tests.factories import person_details

PERIOD = Filters(start=date(2026, 1, 5), end=date(2026, 1, 18))
NOW = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)


def at(day: int, hour: int = 9, minute: int = 0, month: int = 1) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def introduce(when: datetime, *, route: str = "self", urgent: bool = False, **person):
    intro, _created = submit_introduction(
        by=None,
        submission_key=uuid.uuid4().hex,
        route=route,
        person=person_details(**person),
        details={"whats_happening": "Things are hard.", "risk_now": "self" if urgent else "no"},
        at=when,
    )
    return intro


def converse(intro, by, when: datetime):
    return hub.record_first_conversation(
        by=by,
        introduction=intro,
        tier=Tier.objects.get(slug="single-point-of-access"),
        fields={
            "mode": "phone",
            "whats_happening": "Told their story.",
            "what_matters": "Work and sleep.",
            "next_step": "Meet next week.",
            "held_at": when,
        },
        at=when,
    )


def contact(intro, by, when: datetime, outcome: str = "attended", mode: str = "phone"):
    return hub.record_contact(
        by=by, introduction=intro, outcome=outcome, mode=mode, contact_at=when, at=when
    )


@dataclass
class Scenario:
    i1: object
    i2: object
    i3: object
    i4: object
    i5: object
    i6: object
    i7: object | None = None


def build(p, *, extra_urgent: bool = False) -> Scenario:
    """The flow scenario. `p` is the personas fixture."""
    hw, kw = p.hub_worker, p.key_worker
    i1 = introduce(
        at(5, 9),
        route="self",
        sex="female",
        ethnicity="white_british",
        date_of_birth=date(1990, 6, 1),
        deprivation_decile=2,
    )
    i2 = introduce(
        at(6, 10),
        route="gp",
        urgent=True,
        sex="male",
        ethnicity="black_african",
        date_of_birth=date(2000, 1, 10),
        deprivation_decile=1,
    )
    i3 = introduce(
        at(12, 9),
        route="gp",
        urgent=True,
        sex="female",
        ethnicity="black_caribbean",
        date_of_birth=date(2008, 3, 1),
        deprivation_decile=1,
    )
    i4 = introduce(
        at(14, 12),
        route="family",
        urgent=True,
        sex="female",
        ethnicity="asian_indian",
        date_of_birth=date(1960, 1, 1),
        deprivation_decile=5,
    )
    i5 = introduce(at(18, 22), route="partner", date_of_birth=None)
    i6 = introduce(at(30, 9), route="self")  # after the period

    converse(i1, hw, at(7, 9))
    hub.allocate_key_worker(
        by=hw, introduction=i1, key_worker=kw, team=p.community_team, at=at(12, 9)
    )
    converse(i2, hw, at(6, 15))
    hub.allocate_key_worker(
        by=hw, introduction=i2, key_worker=kw, team=p.community_team, at=at(8, 10)
    )
    contact(i3, hw, at(12, 10), outcome="not_reached")
    converse(i3, hw, at(13, 9))
    hub.allocate_key_worker(
        by=hw, introduction=i3, key_worker=kw, team=p.community_team, at=at(19, 9)
    )
    contact(i4, hw, at(14, 18), outcome="attended", mode="phone")

    # Access: i2 has two attended direct contacts; i1 one direct plus a text (does not count).
    contact(i2, kw, at(9, 11), mode="face_to_face")
    contact(i2, kw, at(10, 11), mode="video")
    contact(i1, kw, at(9, 11), mode="text")
    contact(i1, kw, at(10, 11), mode="phone")

    # Handovers.
    h1 = hub.offer_handover(
        by=hw, introduction=i1, to_organisation=p.vcs, what_is_asked="Peer group", at=at(8, 9)
    )
    hub.respond_to_handover(by=p.partner_worker, handover=h1, accept=True, at=at(9, 9))
    h2 = hub.offer_handover(
        by=hw,
        introduction=i2,
        to_organisation=p.other_vcs,
        what_is_asked="Debt advice",
        at=at(8, 10),
    )
    hub.respond_to_handover(
        by=p.unrelated_worker, handover=h2, accept=False, reason="Full", at=at(11, 10)
    )
    hub.offer_handover(
        by=hw, introduction=i3, to_organisation=p.vcs, what_is_asked="Befriending", at=at(13, 10)
    )

    # Closures and a return within the open door.
    hub.close(by=hw, introduction=i1, reason="supported", at=at(15, 9))
    hub.return_within_open_door(
        by=hw, introduction=i1, tier=Tier.objects.get(slug="short-term"), at=at(16, 9)
    )
    hub.close(by=hw, introduction=i2, reason="person_declined", at=at(16, 9))

    i7 = None
    if extra_urgent:
        # Urgent, never answered, with nobody allocated: only the Hub relates to them.
        i7 = introduce(at(15, 9), route="self", urgent=True)
    return Scenario(i1, i2, i3, i4, i5, i6, i7)


def reqol(total: int) -> dict:
    """ReQoL-10 answers: ten items 0-4 summing to ``total``."""
    items = [4] * (total // 4) + ([total % 4] if total % 4 else [])
    items += [0] * (10 - len(items))
    return {str(i + 1): v for i, v in enumerate(items)}


def dialog(**changes) -> dict:
    """DIALOG answers: every item 4, except those given as i<n>=value."""
    answers = {str(i): 4 for i in range(1, 12)}
    answers.update({k.removeprefix("i"): v for k, v in changes.items()})
    return answers
