"""Equity by gender, and reliable improvement by ethnic group and deprivation decile.

Outcomes scenario (all seen 20 days ago; the period is the last 30 days), ReQoL-10 reliable
change is 5 points, DIALOG 1 point on an item:
- P1 Black African, decile 1: ReQoL-10 20 -> 27, improvement.
- P2 Black Caribbean, decile 1: ReQoL-10 30 -> 24, deterioration.
- P3 White British, decile 1: ReQoL-10 22 -> 25, no reliable change.
- P4 White Irish, decile 5: ReQoL-10 20 -> 27 improvement, but DIALOG item 1 4 -> 3
  deterioration: improved on one, worse on another = no reliable change overall.
- P5 Asian Indian, no decile: ReQoL-10 answered once: no pair, not counted.
- P6 no ethnic group, decile 5: ReQoL-10 20 -> 27, improvement.
By ethnic group: Black 2 people (1 improved, 1 deteriorated: 50%); White 2 (0 improved, 2 no
change: 0%); Not recorded 1 (1 improved); Asian 0 (P5 unpaired).
By decile: 1 -> 3 people (1 up, 1 same, 1 down: 1 in 3); 5 -> 2 people (1 up, 1 same: 50%).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from tests.factories import login, person_details
from tests.insight_support import PERIOD, at, dialog, introduce, reqol
from tests.outcomes_support import in_support

from livingwell.insight import metrics
from livingwell.insight.lenses import tables_for
from livingwell.outcomes.actions import record_response

pytestmark = pytest.mark.django_db

OPEN = metrics.Disclosure(threshold=0, rounding=1)
SAFE = metrics.Disclosure(threshold=7, rounding=5)


@pytest.fixture
def outcomes(personas):
    hw = personas.hub_worker
    today = timezone.localdate()
    first, later = today - timedelta(days=15), today - timedelta(days=2)

    def person(ethnicity="", decile=None):
        return in_support(
            hw,
            days_ago=20,
            person=person_details(ethnicity=ethnicity, deprivation_decile=decile),
        )

    def answer(intro, measure, answers, when):
        record_response(
            by=hw, introduction=intro, measure=measure, answers=answers, completed_at=when
        )

    for ethnicity, decile, start, end in [
        ("black_african", 1, 20, 27),
        ("black_caribbean", 1, 30, 24),
        ("white_british", 1, 22, 25),
        ("", 5, 20, 27),
    ]:
        intro = person(ethnicity, decile)
        answer(intro, "reqol10", reqol(start), first)
        answer(intro, "reqol10", reqol(end), later)
    p4 = person("white_irish", 5)
    answer(p4, "reqol10", reqol(20), first)
    answer(p4, "reqol10", reqol(27), later)
    answer(p4, "dialog", dialog(), first)
    answer(p4, "dialog", dialog(i1=3), later)
    p5 = person("asian_indian", None)
    answer(p5, "reqol10", reqol(20), first)
    filters = metrics.Filters(start=today - timedelta(days=30), end=today)
    tables = tables_for("equity", metrics.Dataset(filters))
    return {t.key: t for t in tables}


def row(table, label):
    return next(r for r in table.rows if r[0] == label)


def test_reliable_improvement_by_ethnic_group(outcomes):
    table = outcomes["equity_outcomes_ethnicity"]
    # label, people with a pair, improved, no change, deteriorated, three shares
    assert row(table, "Black") == ["Black", 2, 1, 0, 1, (1, 2), (0, 2), (1, 2)]
    assert row(table, "White") == ["White", 2, 0, 2, 0, (0, 2), (2, 2), (0, 2)]
    assert row(table, "Not recorded") == ["Not recorded", 1, 1, 0, 0, (1, 1), (0, 1), (0, 1)]
    assert row(table, "Asian")[1:5] == [0, 0, 0, 0]
    assert OPEN.table(table)[1] == ["Black", "2", "1", "0", "1", "50%", "0%", "50%"]


def test_reliable_improvement_by_deprivation_decile(outcomes):
    table = outcomes["equity_outcomes_deprivation"]
    assert row(table, "Decile 1")[1:5] == [3, 1, 1, 1]
    assert row(table, "Decile 5")[1:5] == [2, 1, 1, 0]
    assert row(table, "Decile 2")[1:5] == [0, 0, 0, 0]
    assert not any(r[0] == "Not recorded" for r in table.rows)  # P5 has no pair


def test_outcomes_by_group_are_suppressed_like_everything_else(outcomes):
    black = SAFE.table(outcomes["equity_outcomes_ethnicity"])[1]
    assert black[0] == "Black"
    assert black[1:5] == ["*", "*", "0", "*"]  # 1 to 7 hidden; zero shown
    assert black[5:] == ["*", "*", "*"]  # a rate on a hidden count is hidden too


def test_equity_by_gender_groups_free_text(personas):
    for day, gender in enumerate(
        [
            "Woman",
            "female",
            "trans woman",
            "Male",
            "Non-binary",
            "Two-spirit",
            "",
            "Prefer not to say",
        ],
        start=5,
    ):
        introduce(at(day, 9), gender=gender)
    table = metrics.equity(metrics.Dataset(PERIOD), "gender")
    counts = {r[0]: (r[1], r[2]) for r in table.rows}
    # Recorded (everything but "not recorded"): 3 + 1 + 1 + 1 = 6.
    assert counts == {
        "Woman": (3, (3, 6)),
        "Man": (1, (1, 6)),
        "Non-binary": (1, (1, 6)),
        "Other answers": (1, (1, 6)),
        "Not recorded": (2, None),
    }


def test_equity_page_and_csv_show_the_new_tables(client, personas, outcomes):
    login(client, personas.analyst)
    html = client.get(reverse("insight:metric", args=["equity"])).content.decode()
    assert "Gender: introductions compared with the local population" in html
    assert "Ethnic group: reliable change for people with a pair of answers" in html
    assert "Deprivation decile: reliable change for people with a pair of answers" in html
    assert "including trans women" in html  # the grouping is stated in the definition
    response = client.get(reverse("insight:csv", args=["equity_outcomes_ethnicity"]))
    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("Ethnic group,People with a pair,Reliable improvement")
    assert any(line.startswith("Black,*,*,0,*,*") for line in lines)
