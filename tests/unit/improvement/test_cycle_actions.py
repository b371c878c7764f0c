"""PDSA cycle actions: the stages in order, predictions locked at Do start and refused after it
by the actions (with an audited refusal) and by the database."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from tests.improvement_support import DO_START, build_project, weekly_points

from livingwell.access.models import AuditEvent
from livingwell.core.statemachine import TransitionError
from livingwell.improvement import actions
from livingwell.improvement.models import PDSACycle, Prediction
from livingwell.improvement.queries import picture, project_queryset

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(personas):
    return build_project(personas.hub_worker)


def test_starting_do_locks_and_time_stamps_every_prediction(built, personas):
    before = Prediction.objects.get(pk=built.prediction.pk)
    assert before.locked_at is None
    cycle = actions.start_do(by=personas.hub_worker, cycle=built.cycle)
    locked = Prediction.objects.get(pk=built.prediction.pk)
    assert locked.locked_at == cycle.do_started_at
    assert cycle.stage == "do"
    event = AuditEvent.objects.filter(action="improvement.cycle_start_do").get()
    assert event.detail["predictions_locked"] == 1


def test_a_prediction_can_change_before_the_do_stage(built, personas):
    changed = actions.edit_prediction(
        by=personas.hub_worker,
        prediction=built.prediction,
        measure=built.measure,
        direction="increase",
        expected_low=14,
        expected_high=17,
        rationale="Revised after the huddle",
    )
    assert changed.expected_low == 14


def test_after_do_starts_no_one_can_change_add_or_remove_a_prediction(built, personas):
    actions.start_do(by=personas.hub_worker, cycle=built.cycle)
    values = dict(
        measure=built.measure, direction="increase", expected_low=1, expected_high=2, rationale=""
    )
    with pytest.raises(actions.ImprovementError, match="locked when its Do stage started"):
        actions.edit_prediction(by=personas.hub_worker, prediction=built.prediction, **values)
    with pytest.raises(actions.ImprovementError, match="plan a new cycle"):
        actions.add_prediction(by=personas.hub_worker, cycle=built.cycle, **values)
    with pytest.raises(actions.ImprovementError):
        actions.remove_prediction(by=personas.hub_worker, prediction=built.prediction)
    stored = Prediction.objects.get(pk=built.prediction.pk)
    assert (stored.expected_low, stored.expected_high) == (13, 16)
    assert Prediction.objects.filter(cycle=built.cycle).count() == 1
    refusals = AuditEvent.objects.filter(
        action="improvement.prediction_change_refused", outcome="refused"
    )
    assert sorted(e.detail["attempt"] for e in refusals) == ["add", "edit", "remove"]


def test_the_database_refuses_a_change_to_a_locked_prediction(built, personas):
    actions.start_do(by=personas.hub_worker, cycle=built.cycle)
    with pytest.raises(DatabaseError), transaction.atomic():
        Prediction.objects.filter(pk=built.prediction.pk).update(expected_high=99)
    with pytest.raises(DatabaseError), transaction.atomic():
        Prediction.objects.filter(pk=built.prediction.pk).update(locked_at=None)
    with pytest.raises(DatabaseError), transaction.atomic():
        Prediction.objects.create(
            cycle=built.cycle,
            measure=built.measure,
            direction="decrease",
            expected_low=0,
            expected_high=1,
            created_at=built.prediction.created_at,
        )
    with pytest.raises(DatabaseError), transaction.atomic():
        PDSACycle.objects.filter(pk=built.cycle.pk).update(do_started_on=date(2026, 1, 1))
    assert Prediction.objects.get(pk=built.prediction.pk).expected_high == 16


def test_the_database_lets_an_unlocked_prediction_change(built):
    # The guard must not fire before the Do stage (or the test above proves nothing).
    Prediction.objects.filter(pk=built.prediction.pk).update(rationale="Changed in Plan")
    assert Prediction.objects.get(pk=built.prediction.pk).rationale == "Changed in Plan"


def test_stages_go_in_order(built, personas):
    by = personas.hub_worker
    with pytest.raises(TransitionError):
        actions.record_study(by=by, cycle=built.cycle, study_date=date(2026, 4, 20), learning="x")
    actions.start_do(by=by, cycle=built.cycle)
    with pytest.raises(TransitionError):
        actions.start_do(by=by, cycle=built.cycle)
    with pytest.raises(TransitionError):
        actions.record_act(by=by, cycle=built.cycle, decision="adopt", rationale="x")
    with pytest.raises(actions.ImprovementError) as error:
        actions.record_do(by=by, cycle=built.cycle, ran_as_planned="partly")
    assert error.value.field == "deviations"
    actions.record_do(by=by, cycle=built.cycle, ran_as_planned="yes", observations="Calm")
    assert PDSACycle.objects.get(pk=built.cycle.pk).stage == "study"


def test_only_the_project_team_changes_it(built, personas):
    with pytest.raises(PermissionDenied):
        actions.add_driver(
            by=personas.key_worker, project=built.project, level="primary", text="Not mine"
        )
    actions.add_member(
        by=personas.hub_worker,
        project=built.project,
        name="Key Worker",
        role="Tester",
        user=personas.key_worker,
    )
    actions.add_driver(by=personas.key_worker, project=built.project, level="primary", text="Now")
    # A lived-experience member needs no account.
    member = actions.add_member(
        by=personas.hub_worker,
        project=built.project,
        name="Sam",
        role="Co-producer",
        lived_experience=True,
    )
    assert member.user is None and member.lived_experience


def test_a_studied_cycle_is_read_from_the_stored_points(built, personas):
    """The hand-worked case of test_study_reading, through the database: 16, 14, 15 in the
    window, 13..16 predicted: observed 15, met, special cause improvement."""
    by = personas.hub_worker
    actions.start_do(by=by, cycle=built.cycle, on=DO_START)
    weekly_points(by, built.measure, [16, 14, 15], start=DO_START)
    actions.record_do(by=by, cycle=built.cycle, ran_as_planned="yes")
    actions.record_study(
        by=by, cycle=built.cycle, study_date=date(2026, 4, 20), learning="Slots worked"
    )
    pic = picture(project_queryset().get(pk=built.project.pk))
    reading = pic.readings[built.prediction.pk].reading
    assert (reading.observed, reading.met, reading.signal) == (
        15,
        "met",
        "special_cause_improvement",
    )
    assert pic.latest_reading.prediction.pk == built.prediction.pk


def test_adopting_records_a_process_change_that_starts_new_limits(built, personas):
    by = personas.hub_worker
    actions.start_do(by=by, cycle=built.cycle, on=DO_START)
    actions.record_do(by=by, cycle=built.cycle, ran_as_planned="yes")
    actions.record_study(by=by, cycle=built.cycle, study_date=date(2026, 4, 20), learning="Yes")
    with pytest.raises(actions.ImprovementError) as error:
        actions.record_act(
            by=by,
            cycle=built.cycle,
            decision="abandon",
            rationale="x",
            process_change_measures=[built.measure],
        )
    assert error.value.field == "process_change_measures"
    actions.record_act(
        by=by,
        cycle=built.cycle,
        decision="adopt",
        rationale="Calls returned sooner, no more dropped",
        process_change_measures=[built.measure],
        process_change_date=date(2026, 2, 16),
        process_change_note="Booked call-back slots",
    )
    from livingwell.improvement.queries import chart

    pic = picture(project_queryset().get(pk=built.project.pk))
    drawn = chart(pic, built.measure)
    assert drawn["rebases"] == ["Booked call-back slots"]
    assert [r["label"]["text"] for r in drawn["figure"]["rebases"]] == ["Booked call-back slots"]
