"""Calibration on a small network built by hand: each input worked out by hand below.

Period: Monday 5 to Sunday 18 January 2026 (end excluded: Monday 19 at 00:00), two weeks; UK time
is UTC in January.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from tests.factories import user
from tests.insight_support import contact, introduce

from livingwell.accounts.models import Role
from livingwell.hub import actions as hub
from livingwell.hub.models import Tier
from livingwell.simulation.calibration import CalibrationError, calibrate


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 1, day, hour, 0, tzinfo=UTC)


def converse(intro, by, when, tier):
    return hub.record_first_conversation(
        by=by,
        introduction=intro,
        tier=Tier.objects.get(slug=tier),
        fields={
            "mode": "phone",
            "whats_happening": "Told their story.",
            "what_matters": "Work and sleep.",
            "next_step": "Meet next week.",
            "held_at": when,
        },
        at=when,
    )


@pytest.fixture
def network(personas):
    p = personas
    hw = p.hub_worker
    w2 = user("second_hub_worker", team=p.hub_team, role=Role.HUB_WORKER)
    i1 = introduce(at(5, 9), route="self")
    i2 = introduce(at(5, 12), route="gp", urgent=True)
    i3 = introduce(at(6, 9), route="gp")
    i4 = introduce(at(7, 9), route="family")
    i6 = introduce(at(7, 12), route="self")
    introduce(at(15, 9), route="self")  # still waiting at the end
    # Urgent i2: talked to the same afternoon, crisis outreach for three days, closed, back
    # through the open door four days later.
    converse(i2, hw, at(5, 14), "crisis-outreach")
    hub.close(by=hw, introduction=i2, reason="supported", at=at(8, 14))
    hub.return_within_open_door(
        by=hw, introduction=i2, tier=Tier.objects.get(slug="short-term"), at=at(12, 14)
    )
    # i1: one failed attempt, then a conversation; short-term support for two days, then focused.
    contact(i1, hw, at(6, 10), outcome="not_reached")
    converse(i1, hw, at(7, 10), "short-term")
    hub.change_tier(by=hw, introduction=i1, tier=Tier.objects.get(slug="focused"), at=at(9, 10))
    converse(i3, w2, at(7, 11), "short-term")
    converse(i6, hw, at(7, 15), "staying-well")
    # i4 cannot be reached twice and is closed: stopped waiting.
    contact(i4, hw, at(8, 10), outcome="not_reached")
    contact(i4, hw, at(9, 10), outcome="not_attended")
    hub.close(by=hw, introduction=i4, reason="not_reached", at=at(12, 9))
    # i3 handed over to a partner: accepted, started, completed three days later.
    offer = hub.offer_handover(
        by=hw, introduction=i3, to_organisation=p.vcs, what_is_asked="Peer support", at=at(9, 10)
    )
    hub.respond_to_handover(by=p.partner_worker, handover=offer, accept=True, at=at(12, 10))
    hub.advance_handover(by=p.partner_worker, handover=offer, to_state="started", at=at(12, 11))
    hub.advance_handover(by=p.partner_worker, handover=offer, to_state="completed", at=at(15, 11))
    # Outside the period: ignored.
    introduce(datetime(2026, 1, 19, 9, tzinfo=UTC), route="partner")
    return i1


def test_calibration_gives_the_inputs_worked_out_by_hand(network):
    c = calibrate(date(2026, 1, 5), date(2026, 1, 19))
    # Six introductions in two weeks: self 3, gp 2, family 1; one urgent.
    assert c.arrivals_per_week == {
        "self": 1.5,
        "family": 0.5,
        "gp": 1.0,
        "professional": 0.0,
        "partner": 0.0,
    }
    assert c.urgent_share == pytest.approx(1 / 6)
    assert c.seasonality == [1.0] * 12  # shorter than a year
    # Hours of the week: Monday 9 and 12, Tuesday 9, Wednesday 9 and 12, Thursday 9.
    shares = {h: s for h, s in enumerate(c.arrivals_by_hour_of_week) if s}
    assert shares == dict.fromkeys([9, 12, 33, 57, 60, 81], pytest.approx(1 / 6))
    assert len(c.arrivals_by_hour_of_week) == 168
    # Mondays 5 and 12: one worker, then none; Wednesdays 7 and 14: two, then none.
    assert c.hub_workers_by_weekday == [0.5, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0]
    # Worker-days 1, 2 and 1 conversations: the 90th centile by nearest rank is 2.
    assert c.conversations_per_worker_day == 2.0
    # First tiers of the four conversations.
    assert c.first_tier_shares == {
        "single-point-of-access": 0.0,
        "short-term": 0.5,
        "staying-well": 0.25,
        "focused": 0.0,
        "crisis-outreach": 0.25,
    }
    # Ended: i1 short-term (2 days, stepped to focused), i2 crisis outreach (3 days, closed).
    assert c.tier_transitions == {"short-term": {"focused": 1.0}}
    assert c.support_days["short-term"] == [2.0]
    assert c.support_days["crisis-outreach"] == [3.0]
    assert c.support_days["focused"] == []
    # Open at Monday 12 00:00: i1 focused, i3 short-term, i6 staying well (i2 back at 14:00).
    assert c.tier_places == {
        "single-point-of-access": 0,
        "short-term": 1,
        "staying-well": 1,
        "focused": 1,
        "crisis-outreach": 0,
    }
    # One accepted handover per one episode closed; started to completed, three days.
    assert c.handover_share == 1.0
    assert c.handover_days == [3.0]
    # Three failed attempts before a conversation, four conversations.
    assert c.attempt_failure_share == pytest.approx(3 / 7)
    # First tries at routine ones: i6 3h (conversation), i1 and i4 1d1h, i3 1d2h (conversation).
    assert c.first_attempt_days == [0.125, 1.0417, 1.0417, 1.0833]
    # Routine waits: i1 2d1h, i3 1d2h, i4 5d (stopped), i5 3d15h (to the end), i6 3h.
    assert c.stop_waiting_per_day == pytest.approx(1 / (49 / 24 + 26 / 24 + 5 + 87 / 24 + 3 / 24))
    # Closures: i2 back after 4 days; i4 behind the door 6 days 15 hours to the end.
    assert c.open_door_return_per_day == pytest.approx(1 / (4 + 6 + 15 / 24))
    assert c.open_door_days == pytest.approx(6 * 30.44)
    assert "6 introductions" in c.sources["arrivals_per_week"]


def test_calibration_round_trips_through_json(network):
    c = calibrate(date(2026, 1, 5), date(2026, 1, 19))
    assert type(c).from_dict(c.as_dict()) == c


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (date(2026, 1, 19), date(2026, 1, 5), "must end after"),
        (date(2026, 1, 5), date(2026, 1, 12), "at least two weeks"),
        (date(2020, 1, 1), date(2020, 6, 1), "No introductions"),
    ],
)
def test_a_period_too_short_or_empty_is_refused(db, start, end, message):
    with pytest.raises(CalibrationError, match=message):
        calibrate(start, end)


def test_the_hours_urgent_introductions_are_answered_come_from_the_records(personas):
    # Urgent introductions talked to at 20:30 and at 11:00 (GMT in January): someone answers
    # urgent ones in those two hours.
    late = introduce(at(5, 20), route="gp", urgent=True)
    converse(late, personas.hub_worker, datetime(2026, 1, 5, 20, 30, tzinfo=UTC), "focused")
    early = introduce(at(6, 11), route="gp", urgent=True)
    converse(early, personas.hub_worker, at(6, 11), "focused")
    c = calibrate(date(2026, 1, 5), date(2026, 1, 19))
    assert c.urgent_line_hours == [0] * 11 + [1] + [0] * 8 + [1, 0, 0, 0]
    assert "2 urgent first conversations" in c.sources["urgent_line_hours"]
    assert (
        "2 local hours of the day, 1 of them outside 09:00-17:00"
        in (c.sources["urgent_line_hours"])
    )


def test_how_soon_urgent_introductions_are_answered_comes_from_the_records(personas):
    hw = personas.hub_worker
    # Five urgent introductions arriving in the Hub's hours (09:00-17:00), answered 1, 2, 3 and
    # 4 hours later, and one the next day, 26 hours later.
    for day, arrived, hours in ((5, 9, 1), (6, 10, 2), (7, 11, 3), (8, 12, 4), (9, 13, 26)):
        intro = introduce(at(day, arrived), route="gp", urgent=True)
        answered = at(day, arrived) + timedelta(hours=hours)
        converse(intro, hw, answered, "crisis-outreach")
    # One arriving at 20:00, answered at 21:30; one arriving at 03:00 the person declined before
    # a conversation; one arriving on the last day not yet answered (outcome unknown: left out).
    late = introduce(at(12, 20), route="self", urgent=True)
    converse(late, hw, datetime(2026, 1, 12, 21, 30, tzinfo=UTC), "crisis-outreach")
    declined = introduce(at(13, 3), route="self", urgent=True)
    hub.close(by=hw, introduction=declined, reason="person_declined", at=at(13, 9))
    introduce(at(18, 22), route="self", urgent=True)
    # A routine introduction answered an hour later is not an urgent answer.
    converse(introduce(at(14, 9), route="gp"), hw, at(14, 10), "short-term")

    c = calibrate(date(2026, 1, 5), date(2026, 1, 19))

    every = [1 / 24, 2 / 24, 3 / 24, 1.5 / 24, 4 / 24, 26 / 24]
    in_hours = [1 / 24, 2 / 24, 3 / 24, 4 / 24, 26 / 24]
    assert c.urgent_answer_days["hub_hours"] == [round(d, 4) for d in in_hours]
    # One answer after hours and none before: too few to stand alone, so all six are used.
    assert c.urgent_answer_days["after_hours"] == sorted(round(d, 4) for d in every)
    assert c.urgent_answer_days["before_hours"] == c.urgent_answer_days["after_hours"]
    # One closed without a conversation of seven whose outcome is known.
    assert c.urgent_unanswered_share == pytest.approx(1 / 7)
    source = c.sources["urgent_answer_days"]
    assert "6 urgent introductions" in source
    assert "before_hours 0, hub_hours 5, after_hours 1" in source
    assert "1 closed without a first conversation" in source
