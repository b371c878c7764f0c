"""Every date in a person's record, one rule (core.record_dates): on or after the day the
introduction was received; a date something happened not after today, a date something is
planned for no more than a year ahead. Forms give the message beside the field and store
nothing; the actions refuse the same dates for any other caller."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone
from tests import factories
from tests.outcomes_support import PHQ9_12, in_support

from livingwell.hub import actions
from livingwell.hub.models import Contact, Episode, PlanVersion, Tier
from livingwell.intake.models import Introduction
from livingwell.outcomes.models import MeasureResponse

pytestmark = pytest.mark.django_db

FAR_PAST = "0001-01-01"
FAR_FUTURE = "9999-12-31"


def _day_before(intro) -> date:
    return timezone.localdate(intro.received_at) - timedelta(days=1)


def _post(client, personas, url, data):
    factories.login(client, personas.hub_worker)
    response = client.post(url, data)
    assert response.status_code == 200
    return response.content.decode()


def _beside(html: str, field: str) -> str:
    """The error message shown beside ``field``."""
    assert f'id="id_{field}-error"' in html, "no message beside the field"
    return html.split(f'id="id_{field}-error"', 1)[1].split("</span>", 2)[1]


def _contact(day) -> dict:
    return {
        "outcome": "attended",
        "mode": "phone",
        "contact_date": str(day),
        "duration_minutes": "20",
        "note": "Kept note",
    }


@pytest.mark.parametrize("when", ["far past", "the day before the introduction"])
def test_contact_form_refuses_a_date_before_the_introduction(personas, client, when):
    intro = in_support(personas.hub_worker, days_ago=5)
    day = FAR_PAST if when == "far past" else _day_before(intro)
    html = _post(client, personas, f"/hub/introductions/{intro.pk}/contact/", _contact(day))
    assert "before the introduction was received" in _beside(html, "contact_date")
    assert "Kept note" in html
    assert not Contact.objects.filter(introduction=intro).exists()


def test_contact_form_accepts_the_day_of_the_introduction(personas, client):
    intro = in_support(personas.hub_worker, days_ago=5)
    factories.login(client, personas.hub_worker)
    first_day = timezone.localdate(intro.received_at)
    response = client.post(f"/hub/introductions/{intro.pk}/contact/", _contact(first_day))
    assert response.status_code == 302
    assert Contact.objects.filter(introduction=intro).count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("review_date", FAR_FUTURE, "a year from today"),
        ("by_1", FAR_FUTURE, "a year from today"),
        ("by_1", FAR_PAST, "before the introduction was received"),
    ],
)
def test_plan_form_refuses_far_dates(personas, client, field, value, message):
    intro = in_support(personas.hub_worker, days_ago=5)
    data = {
        "goal_1": "Sleep better",
        "action_1": "Try the sleep group",
        "review_date": (timezone.localdate() + timedelta(weeks=6)).isoformat(),
        field: value,
    }
    html = _post(client, personas, f"/hub/introductions/{intro.pk}/plan/", data)
    assert message in _beside(html, field)
    assert "Sleep better" in html
    assert not PlanVersion.objects.filter(introduction=intro).exists()


def test_measure_form_refuses_a_date_before_the_introduction_beside_the_field(personas, client):
    intro = in_support(personas.hub_worker, days_ago=5)
    data = {"source": "paper", "completed_at": FAR_PAST, "occasion": "review"}
    data |= {f"item_{k}": str(v) for k, v in PHQ9_12.items()}
    html = _post(client, personas, f"/outcomes/{intro.pk}/record/phq9/", data)
    assert "before the introduction was received" in _beside(html, "completed_at")
    assert not MeasureResponse.objects.filter(introduction=intro).exists()


# --- the actions hold the same rule for every other caller ------------------------------------


def _far_past():
    return timezone.make_aware(datetime.combine(date(1, 1, 2), time(12)))


def test_record_contact_refuses_a_date_before_the_introduction(personas):
    intro = in_support(personas.hub_worker, days_ago=5)
    for contact_at in (_far_past(), intro.received_at - timedelta(days=1)):
        with pytest.raises(actions.HubError, match="before the introduction"):
            actions.record_contact(
                by=personas.hub_worker,
                introduction=intro,
                outcome="attended",
                mode="phone",
                contact_at=contact_at,
            )
    assert not Contact.objects.filter(introduction=intro).exists()


def test_first_conversation_cannot_be_held_before_the_introduction(personas):
    intro = factories.introduction()
    with pytest.raises(actions.HubError, match="before the introduction"):
        actions.record_first_conversation(
            by=personas.hub_worker,
            introduction=intro,
            tier=Tier.objects.get(slug="short-term"),
            fields={
                "mode": "phone",
                "whats_happening": "Hard times.",
                "what_matters": "Family.",
                "next_step": "Call.",
                "held_at": _far_past(),
            },
        )
    intro.refresh_from_db()
    assert intro.state == Introduction.State.NEW and intro.first_conversation_at is None


def test_tier_change_and_closure_cannot_be_dated_before_the_introduction(personas):
    intro = in_support(personas.hub_worker, days_ago=5)
    before = intro.received_at - timedelta(days=1)
    other = Tier.objects.exclude(pk=intro.current_tier_id).filter(is_active=True).first()
    with pytest.raises(actions.HubError, match="before the introduction"):
        actions.change_tier(by=personas.hub_worker, introduction=intro, tier=other, at=before)
    with pytest.raises(actions.HubError, match="before the introduction"):
        actions.close(
            by=personas.hub_worker, introduction=intro, reason="person_declined", at=before
        )
    intro.refresh_from_db()
    assert intro.state == Introduction.State.IN_SUPPORT
    assert Episode.objects.filter(introduction=intro).count() == 1


@pytest.mark.parametrize(
    ("review", "by"),
    [(date(9999, 12, 31), ""), (None, date(1, 1, 1)), (None, date(9999, 12, 31))],
)
def test_save_plan_refuses_far_planned_dates(personas, review, by):
    intro = in_support(personas.hub_worker, days_ago=5)
    with pytest.raises(actions.HubError, match="before the introduction|a year from today"):
        actions.save_plan(
            by=personas.hub_worker,
            introduction=intro,
            goals=["Sleep better"],
            actions=[{"what": "Sleep group", "who": "Sam", "by": by}],
            review_date=review or timezone.localdate() + timedelta(weeks=6),
        )
    assert not PlanVersion.objects.filter(introduction=intro).exists()


def test_the_rule_at_its_edges():
    """Inclusive at both ends, and the far ends of the calendar are refused, never overflowed."""
    from datetime import UTC

    from livingwell.core.record_dates import (
        RecordDateError,
        check_planned_date,
        check_record_date,
    )

    received = timezone.now() - timedelta(days=5)
    first_day, today = timezone.localdate(received), timezone.localdate()
    check_record_date(first_day, received_at=received)
    check_record_date(today, received_at=received)
    check_planned_date(first_day, received_at=received)
    check_planned_date(today + timedelta(days=366), received_at=received)
    refused = [
        lambda: check_record_date(first_day - timedelta(days=1), received_at=received),
        lambda: check_record_date(today + timedelta(days=1), received_at=received),
        lambda: check_record_date(date.min, received_at=received),
        lambda: check_record_date(datetime.min.replace(tzinfo=UTC), received_at=received),
        lambda: check_record_date(datetime.max.replace(tzinfo=UTC), received_at=received),
        lambda: check_planned_date(today + timedelta(days=367), received_at=received),
        lambda: check_planned_date(date.max, received_at=received),
        lambda: check_planned_date(date.min, received_at=received),
    ]
    for attempt in refused:
        with pytest.raises(RecordDateError):
            attempt()
