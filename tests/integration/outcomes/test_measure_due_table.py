"""The MeasureDue table, kept by the actions, always says what due_measures() works out.

The network is built through the real actions; the table is compared with the reference rules at
several moments, as days pass, after a response, after closing, after the closure window ends,
and after a return through the open door.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from tests.outcomes_support import in_support

from livingwell.hub.actions import close, record_first_conversation, return_within_open_door
from livingwell.hub.models import Tier
from livingwell.outcomes.actions import record_response
from livingwell.outcomes.due import due_from_table, rebuild
from livingwell.outcomes.models import MeasureDue, MeasureSchedule
from livingwell.outcomes.queries import due_measures

pytestmark = pytest.mark.django_db

DIALOG = {str(i): 4 for i in range(1, 12)}
MOMENTS = [timedelta(0), timedelta(days=13), timedelta(days=15), timedelta(days=29)]
MOMENTS += [timedelta(weeks=12, days=1), timedelta(weeks=30)]


def reference(now) -> set[tuple]:
    return {
        (d.introduction.pk, m.measure, m.occasion, m.due_on, m.overdue)
        for d in due_measures(now=now)
        for m in d.measures
    }


def assert_table_agrees(when=MOMENTS):
    base = timezone.now()
    for offset in when:
        now = base + offset
        assert due_from_table(now) == reference(now), f"{offset} from now"


def test_table_follows_the_actions(personas):
    hub = personas.hub_worker
    fresh = in_support(hub, days_ago=0)
    late = in_support(hub, days_ago=40)
    reviewed = in_support(hub, days_ago=100)
    assert_table_agrees()
    assert {(r.measure, r.occasion) for r in MeasureDue.objects.filter(introduction=fresh)} == {
        ("dialog", "baseline"),
        ("reqol10", "baseline"),
        ("gbo", "baseline"),
    }

    # A response: the baseline is done, a review is due 12 weeks later.
    record_response(
        by=hub,
        introduction=reviewed,
        measure="dialog",
        answers=DIALOG,
        completed_at=timezone.localdate() - timedelta(days=90),
        occasion="baseline",
    )
    assert MeasureDue.objects.get(introduction=reviewed, measure="dialog").occasion == "review"
    assert_table_agrees()

    # Closing: closure measures, asked for during the closure window only.
    close(by=hub, introduction=late, reason="supported", at=timezone.now() - timedelta(days=2))
    assert set(MeasureDue.objects.filter(introduction=late).values_list("occasion", flat=True)) == {
        "closure"
    }
    assert_table_agrees()
    # Closed two days ago: asked for until 26 days from now, then no longer.
    in_window = due_from_table(timezone.now() + timedelta(days=25))
    assert {r[1] for r in in_window if r[0] == late.pk} == {"dialog", "reqol10", "gbo"}
    after_window = due_from_table(timezone.now() + timedelta(days=27))
    assert not [r for r in after_window if r[0] == late.pk]

    # A closure measure recorded: nothing more is due for it.
    record_response(
        by=hub,
        introduction=late,
        measure="dialog",
        answers=DIALOG,
        completed_at=timezone.localdate(),
        occasion="closure",
    )
    assert not MeasureDue.objects.filter(introduction=late, measure="dialog").exists()
    assert_table_agrees()

    # Back through the open door: in support again, baseline or review as the responses say.
    return_within_open_door(by=hub, introduction=late, tier=Tier.objects.get(slug="short-term"))
    assert not MeasureDue.objects.filter(introduction=late, closing=True).exists()
    assert_table_agrees()


def test_introduction_without_first_conversation_has_nothing_due(personas):
    from tests import factories

    intro = factories.introduction()
    assert not MeasureDue.objects.filter(introduction=intro).exists()
    record_first_conversation(
        by=personas.hub_worker,
        introduction=intro,
        tier=Tier.objects.get(slug="short-term"),
        fields={
            "mode": "phone",
            "whats_happening": "Low mood.",
            "what_matters": "Sleep.",
            "next_step": "Call on Friday.",
        },
    )
    assert MeasureDue.objects.filter(introduction=intro).count() == 3
    assert_table_agrees()


def test_schedule_change_rebuilds_the_table(personas):
    in_support(personas.hub_worker, days_ago=20)
    schedule = MeasureSchedule.objects.get(measure="gbo")
    schedule.is_active = False
    schedule.save()  # a saved schedule rebuilds the table (outcomes.apps)
    assert not MeasureDue.objects.filter(measure="gbo").exists()
    assert_table_agrees()
    schedule.grace_days = 3
    schedule.is_active = True
    schedule.save()
    assert MeasureDue.objects.filter(measure="gbo").exists()
    assert_table_agrees()


def test_rebuild_matches_the_maintained_table(personas):
    hub = personas.hub_worker
    in_support(hub, days_ago=5)
    closed = in_support(hub, days_ago=60)
    close(by=hub, introduction=closed, reason="supported", at=timezone.now() - timedelta(days=1))
    before = due_from_table()
    MeasureDue.objects.all().delete()
    assert rebuild() == 6
    assert due_from_table() == before
    assert_table_agrees()


def test_rebuild_command(personas):
    in_support(personas.hub_worker, days_ago=5)
    MeasureDue.objects.all().delete()
    call_command("rebuild_measures_due", verbosity=0)
    assert MeasureDue.objects.count() == 3
    assert_table_agrees()


def test_merging_people_keeps_the_table_right(personas):
    from tests.factories import person_details

    from livingwell.people.actions import merge, undo_merge
    from livingwell.people.models import PossibleMatch

    same = person_details(given_name="Robin", family_name="Okafor")
    first = in_support(personas.hub_worker, days_ago=30, person=dict(same))
    second = in_support(personas.hub_worker, days_ago=5, person=dict(same))
    match = PossibleMatch.objects.get(new_person=second.person, existing_person=first.person)
    # Measures are due per introduction, whoever it belongs to: merging moves introductions
    # between people and changes nothing that is due.
    before = due_from_table()
    merge(by=personas.hub_worker, match=match)
    assert due_from_table() == before
    assert_table_agrees()
    undo_merge(by=personas.hub_worker, match=match)
    assert due_from_table() == before
    assert_table_agrees()
