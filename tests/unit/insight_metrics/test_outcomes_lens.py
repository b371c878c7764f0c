"""The outcomes lens against a hand-built caseload; every expected figure worked out by hand.

People in support (all seen 20 days ago, the period is the last 30 days):
- A: ReQoL-10 20 -> 27 (+7: improvement, from below 25 to 25+: reliable recovery); GBO goal 1
  2 -> 6 (+4 improvement), goal 2 5 -> 4 (-1 no change) = improvement; DIALOG item 1 4 -> 5
  (+1 improvement), the rest unchanged = improvement.
- B: ReQoL-10 30 -> 24 (-6: deterioration; not in the clinical range at the start); GBO goal 1
  3 -> 3 (no change); PHQ-9 answered once (a baseline, not paired).
- C: ReQoL-10 22 -> 25 (+3: no reliable change; clinical at start, not recovered); DIALOG item 1
  4 -> 3 (deterioration), item 2 4 -> 5 (improvement) = no reliable change.
- D: no measure at all.
- E: GBO rated goal 1 first and goal 2 later: no goal rated on both occasions, so not paired.
Not in support: F, new and waiting for a first conversation, with no answers.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from tests.factories import introduction
from tests.insight_support import dialog, reqol
from tests.outcomes_support import PHQ9_12, in_support

from livingwell.insight import metrics
from livingwell.insight.metrics import collect
from livingwell.insight.outcomes_lens import outcome_tables
from livingwell.outcomes.actions import plan_goals, record_response

pytestmark = pytest.mark.django_db

OPEN = metrics.Disclosure(threshold=0, rounding=1)


@pytest.fixture
def lens(personas):
    hw = personas.hub_worker
    today = timezone.localdate()
    first, later = today - timedelta(days=15), today - timedelta(days=2)

    def answer(intro, measure, answers, when, goal_keys=None):
        record_response(
            by=hw,
            introduction=intro,
            measure=measure,
            answers=answers,
            completed_at=when,
            goal_keys=goal_keys,
        )

    a = in_support(hw, days_ago=20, goals=["Sleep better", "Back to football"])
    ka = [g["key"] for g in plan_goals(a)]
    answer(a, "reqol10", reqol(20), first)
    answer(a, "reqol10", reqol(24), first + timedelta(days=3))  # in between: not compared
    answer(a, "reqol10", reqol(27), later)
    answer(a, "gbo", {"1": 2, "2": 5}, first, {"1": ka[0], "2": ka[1]})
    answer(a, "gbo", {"1": 6, "2": 4}, later, {"1": ka[0], "2": ka[1]})
    answer(a, "dialog", dialog(), first)
    answer(a, "dialog", dialog(i1=5), later)

    b = in_support(hw, days_ago=20, goals=["Pay the rent"])
    kb = plan_goals(b)[0]["key"]
    answer(b, "reqol10", reqol(30), first)
    answer(b, "reqol10", reqol(24), later)
    answer(b, "gbo", {"1": 3}, first, {"1": kb})
    answer(b, "gbo", {"1": 3}, later, {"1": kb})
    answer(b, "phq9", PHQ9_12, first)

    c = in_support(hw, days_ago=20)
    answer(c, "reqol10", reqol(22), first)
    answer(c, "reqol10", reqol(25), later)
    answer(c, "dialog", dialog(), first)
    answer(c, "dialog", dialog(i1=3, i2=5), later)

    in_support(hw, days_ago=20)  # D
    e = in_support(hw, days_ago=20, goals=["Walk the dog", "Call my sister"])
    ke = [g["key"] for g in plan_goals(e)]
    answer(e, "gbo", {"1": 3}, first, {"1": ke[0]})
    answer(e, "gbo", {"2": 5}, later, {"2": ke[1]})

    introduction()  # F: not in support
    filters = metrics.Filters(start=today - timedelta(days=30), end=today)
    return {t.key: t for t in outcome_tables(metrics.Dataset(filters))}


def row(table, label):
    return next(r for r in table.rows if r[0] == label)


def test_completion_and_pairing(lens):
    table = lens["outcomes_completion"]
    # 5 in support; A, B, C and E answered something; A, B and C have a pair.
    assert table.rows[0] == ["Any measure", 5, 4, (4, 5), 3, (3, 4)]
    assert row(table, "Recovering Quality of Life (ReQoL-10)")[2:] == [3, (3, 5), 3, (3, 3)]
    assert row(table, "Goal-Based Outcomes (GBO)")[2:] == [3, (3, 5), 2, (2, 3)]
    assert row(table, "DIALOG scale")[2:] == [2, (2, 5), 2, (2, 2)]
    assert row(table, "Patient Health Questionnaire (PHQ-9)")[2:] == [1, (1, 5), 0, (0, 1)]
    assert row(table, "Generalised Anxiety Disorder scale (GAD-7)")[2:] == [0, (0, 5), 0, (0, 0)]


def test_reliable_change_per_measure(lens):
    table = lens["outcomes_change"]
    # ReQoL-10: A improved, C no reliable change, B deteriorated.
    assert row(table, "Recovering Quality of Life (ReQoL-10)")[1:] == [
        3, 1, 1, 1, (1, 3), (1, 3), (1, 3)
    ]  # fmt: skip
    assert row(table, "DIALOG scale")[1:5] == [2, 1, 1, 0]
    assert row(table, "Goal-Based Outcomes (GBO)")[1:5] == [2, 1, 1, 0]
    assert row(table, "Patient Health Questionnaire (PHQ-9)")[1:5] == [0, 0, 0, 0]
    assert OPEN.table(table)[-1][5] == "–"  # nothing paired: no share


def test_reqol_reliable_recovery(lens):
    # Pairs A, B, C; A (20) and C (22) started below 25; only A recovered.
    assert lens["outcomes_recovery"].rows == [
        ["Recovering Quality of Life (ReQoL-10)", 3, 2, 1, (1, 2)]
    ]


def test_goal_progress_per_goal_and_per_person(lens):
    goals, people = lens["outcomes_goals"].rows
    # Goals paired: A's two (one improved by 4, one down 1), B's one (unchanged); E's unpaired.
    assert goals[1:5] == [3, 1, 2, 0]
    assert people[1:5] == [2, 1, 1, 0]


def test_framework_outcome_by_outcome(lens):
    table = lens["outcomes_framework"]
    counts = {r[0]: r[1:5] for r in table.rows}
    assert counts == {
        # A: ReQoL and goals improved; B: ReQoL worse; C: DIALOG item 1 worse, item 2 better.
        "Recovering and staying well": [3, 1, 1, 1],
        # DIALOG 6 and 7: unchanged for A and C.
        "Connected, with positive relationships": [2, 0, 2, 0],
        # GBO: A improved, B unchanged.
        "Choice and control": [2, 1, 1, 0],
        "Settled, safe accommodation of my choice": [2, 0, 2, 0],
        "Good, person-centred help": [2, 0, 2, 0],
        "Chances to learn, work and volunteer": [2, 0, 2, 0],
    }
    assert "default outcomes" in table.notes[0]


def test_answers_after_the_period_are_not_counted(personas):
    hw = personas.hub_worker
    today = timezone.localdate()
    a = in_support(hw, days_ago=20)
    record_response(by=hw, introduction=a, measure="reqol10", answers=reqol(20), completed_at=today)
    record_response(by=hw, introduction=a, measure="reqol10", answers=reqol(30), completed_at=today)
    before = metrics.Filters(start=today - timedelta(days=30), end=today - timedelta(days=1))
    od = collect(metrics.Dataset(before))
    assert od.cohort == 1 and not od.with_baseline
    od = collect(metrics.Dataset(metrics.Filters(start=before.start, end=today)))
    assert [p.category for p in od.pairs["reqol10"]] == ["reliable_improvement"]


def test_small_numbers_are_suppressed_on_the_lens(lens):
    shown = metrics.Disclosure(threshold=7, rounding=5).table(lens["outcomes_completion"])
    assert shown[0] == ["Any measure", "*", "*", "*", "*", "*"]  # rates hidden with counts
