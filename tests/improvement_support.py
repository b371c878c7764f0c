"""A small improvement project for the tests, built through the real actions.

The measure's baseline is the hand-worked one of tests/unit/improvement/test_study_reading.py:
twelve weekly values from Monday 5 January 2026 (mean 11.5, limits 7.873 to 15.127).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from livingwell.improvement import actions

FIRST = date(2026, 1, 5)
BASELINE = [10, 12, 11, 13, 12, 10, 11, 12, 13, 11, 12, 11]
DO_START = date(2026, 3, 30)


@dataclass
class Built:
    project: object
    primary: object
    secondary: object
    idea: object
    measure: object
    balancing: object
    cycle: object
    prediction: object


def weekly_points(by, measure, values, start=FIRST):
    for i, value in enumerate(values):
        if value is not None:
            actions.record_point(by=by, measure=measure, on=start + timedelta(weeks=i), value=value)


def build_project(by, *, teams=()) -> Built:
    project = actions.create_project(
        by=by,
        title="Calls returned the same morning",
        aim_statement="Return 15 of every 20 Hub calls within two hours by 1 June 2026.",
        aim_target=15,
        aim_date=date(2026, 6, 1),
        data_from=FIRST,
        teams=teams,
    )
    primary = actions.add_driver(
        by=by, project=project, level="primary", text="Hub capacity when calls arrive"
    )
    secondary = actions.add_driver(
        by=by, project=project, level="secondary", parent=primary, text="Call-back slots"
    )
    idea = actions.add_change_idea(
        by=by, project=project, driver=secondary, text="Offer a booked call-back slot"
    )
    measure = actions.add_measure(
        by=by,
        project=project,
        name="Calls returned within two hours, of 20 sampled",
        kind="process",
        improvement="increase",
    )
    balancing = actions.add_measure(
        by=by,
        project=project,
        name="Calls dropped before answer",
        kind="balancing",
        improvement="decrease",
    )
    weekly_points(by, measure, BASELINE)
    cycle = actions.plan_cycle(
        by=by,
        project=project,
        change_idea=idea,
        purpose="Does a booked slot get calls returned sooner?",
        scale_people=5,
        scale_who="Two Hub workers",
        scale_where="Morning shift",
    )
    prediction = actions.add_prediction(
        by=by,
        cycle=cycle,
        measure=measure,
        direction="increase",
        expected_low=13,
        expected_high=16,
        rationale="Slots spread the calls across the morning.",
    )
    return Built(project, primary, secondary, idea, measure, balancing, cycle, prediction)
