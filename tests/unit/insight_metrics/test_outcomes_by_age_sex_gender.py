"""Reliable change by age band, sex and gender (equity lens), with the gaps stated plainly.

Scenario (everyone first seen 20 days ago; the period is the last 30 days). ReQoL-10 reliable
change is 5 points: 20 -> 27 improvement, 30 -> 24 deterioration, 22 -> 25 no reliable change.
- P1 aged 20, female, "Woman": improvement.
- P2 aged 22, female, "woman": deterioration.
- P3 aged 40, male, "Man": improvement.
- P4 aged 41, male, "male": improvement.
- P5 aged 70, female, "Non-binary": no reliable change.
- P6 aged 30, sex and gender not recorded: improvement.
- P7 aged 40, female, "Woman": answered once, no pair, not counted.
Across the network: 6 people, 4 improved (67%), 1 deteriorated (17%).
By age band: 18-24 2 (1 up, 1 down); 25-34 1 (up); 35-44 2 (both up); 65+ 1 (no change).
By sex: female 3 (1 up, 1 same, 1 down); male 2 (2 up); not recorded 1 (up).
By gender: woman 2 (1 up, 1 down); man 2 (up); non-binary 1 (same); not recorded 1 (up).
"""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from tests.factories import login, person_details
from tests.insight_support import reqol
from tests.outcomes_support import in_support

from livingwell.insight import metrics
from livingwell.insight.lenses import tables_for
from livingwell.insight.metrics import OutcomeData, Pair
from livingwell.insight.outcomes_lens import outcomes_by_group
from livingwell.outcomes import DETERIORATION, IMPROVEMENT, NO_CHANGE
from livingwell.outcomes.actions import record_response

OPEN = metrics.Disclosure(threshold=0, rounding=1)
SAFE = metrics.Disclosure(threshold=7, rounding=5)


@pytest.fixture
def outcomes(personas, db):
    hw = personas.hub_worker
    today = timezone.localdate()
    received = today - timedelta(days=20)
    first, later = today - timedelta(days=15), today - timedelta(days=2)

    def person(age, sex, gender):
        return in_support(
            hw,
            days_ago=20,
            person=person_details(
                date_of_birth=date(received.year - age, 1, 1), sex=sex, gender=gender
            ),
        )

    def answer(intro, answers, when):
        record_response(
            by=hw, introduction=intro, measure="reqol10", answers=answers, completed_at=when
        )

    for age, sex, gender, start, end in [
        (20, "female", "Woman", 20, 27),
        (22, "female", "woman", 30, 24),
        (40, "male", "Man", 20, 27),
        (41, "male", "male", 20, 27),
        (70, "female", "Non-binary", 22, 25),
        (30, "", "", 20, 27),
    ]:
        intro = person(age, sex, gender)
        answer(intro, reqol(start), first)
        answer(intro, reqol(end), later)
    answer(person(40, "female", "Woman"), reqol(20), first)
    filters = metrics.Filters(start=today - timedelta(days=30), end=today)
    return {t.key: t for t in tables_for("equity", metrics.Dataset(filters))}


def counts(table) -> dict[str, list]:
    """label -> [people with a pair, improved, no change, deteriorated]"""
    return {r[0]: r[1:5] for r in table.rows if r[1]}


@pytest.mark.django_db
def test_reliable_change_by_age_band(outcomes):
    table = outcomes["equity_outcomes_age_band"]
    assert table.caption == "Age band: reliable change for people with a pair of answers"
    assert counts(table) == {
        "18-24": [2, 1, 0, 1],
        "25-34": [1, 1, 0, 0],
        "35-44": [2, 2, 0, 0],
        "65 and over": [1, 0, 1, 0],
    }
    assert [r[0] for r in table.rows] == [
        "Under 18",
        "18-24",
        "25-34",
        "35-44",
        "45-54",
        "55-64",
        "65 and over",
    ]
    assert OPEN.table(table)[1] == ["18-24", "2", "1", "0", "1", "50%", "0%", "50%"]


@pytest.mark.django_db
def test_reliable_change_by_sex_and_gender(outcomes):
    assert counts(outcomes["equity_outcomes_sex"]) == {
        "Female": [3, 1, 1, 1],
        "Male": [2, 2, 0, 0],
        "Not recorded": [1, 1, 0, 0],
    }
    assert counts(outcomes["equity_outcomes_gender"]) == {
        "Woman": [2, 1, 0, 1],
        "Man": [2, 2, 0, 0],
        "Non-binary": [1, 0, 1, 0],
        "Not recorded": [1, 1, 0, 0],
    }


@pytest.mark.django_db
def test_gaps_are_stated_against_the_network(outcomes):
    assert OPEN.gap_sentences(outcomes["equity_outcomes_age_band"]) == [
        "People aged 18–24: 50% reliably improved, against 67% across the network.",
        "People aged 18–24: 50% reliably deteriorated, against 17% across the network.",
        "People aged 25–34: 100% reliably improved, against 67% across the network.",
        "People aged 25–34: 0% reliably deteriorated, against 17% across the network.",
        "People aged 35–44: 100% reliably improved, against 67% across the network.",
        "People aged 35–44: 0% reliably deteriorated, against 17% across the network.",
        "People aged 65 and over: 0% reliably improved, against 67% across the network.",
        "People aged 65 and over: 0% reliably deteriorated, against 17% across the network.",
    ]
    sex = OPEN.gap_sentences(outcomes["equity_outcomes_sex"])
    female = "People recorded as female: 33% reliably improved, against 67% across the network."
    male = "People recorded as male: 100% reliably improved, against 67% across the network."
    unknown = "People whose sex is not recorded: 100% reliably improved, against 67% across the"
    assert female in sex and male in sex
    assert any(s.startswith(unknown) for s in sex)


@pytest.mark.django_db
def test_with_the_site_suppression_small_groups_say_their_figures_are_hidden(outcomes):
    table = outcomes["equity_outcomes_age_band"]
    assert SAFE.table(table)[1] == ["18-24", "*", "*", "0", "*", "*", "*", "*"]
    # Six people across the network: even the network's share is hidden, so nothing is compared.
    assert SAFE.gap_sentences(table) == [
        "Too few people across the network have a pair of answers to compare groups; the figures "
        "are hidden to protect privacy."
    ]


def _table(network, groups):
    table = metrics.Table("equity_outcomes_age_band", "Age band", [])
    table.outcome_network = network
    table.outcome_gaps = groups
    return table


# Hand-built counts: 100 people across the network, 45 improved (45%), 10 deteriorated (10%).
NETWORK = (100, 45, 10)
GROUPS = [
    ("People aged 18–24", 20, 6, 4),  # 30% improved, 20% deteriorated
    ("People aged 25–34", 40, 18, 4),  # 45%, 10%: in line
    ("People aged 35–44", 0, 0, 0),  # nobody: no sentence
    ("People whose age band is not recorded", 40, 21, 2),  # 52.5% (in line), 5%
]


def test_gap_sentences_from_known_counts_without_suppression():
    assert OPEN.gap_sentences(_table(NETWORK, GROUPS)) == [
        "People aged 18–24: 30% reliably improved, against 45% across the network.",
        "People aged 18–24: 20% reliably deteriorated, against 10% across the network.",
        "People whose age band is not recorded: 5% reliably deteriorated, against 10% across "
        "the network.",
    ]


def test_a_suppressed_group_is_never_described_by_a_number():
    # With 1-7 hidden and rounding to 5: 18-24 improved (6) is hidden; the others' 18 and 21
    # round to 20 of 40 (50%, in line with 45%); their deteriorations (4, 2) are hidden.
    sentences = SAFE.gap_sentences(_table(NETWORK, GROUPS))
    assert sentences == ["People aged 18–24: figures hidden to protect privacy."]
    assert not any(ch.isdigit() for ch in sentences[0].split(":", 1)[1])


def test_shares_are_worked_out_from_the_rounded_counts():
    # 13 of 52 improved (truly 25%) shows as 15 of 50 = 30%; 10 of 52 deteriorated (truly 19%)
    # shows as 10 of 50 = 20%: the sentence agrees with the table, not with the true counts.
    network = (100, 45, 10)
    assert SAFE.gap_sentences(_table(network, [("People aged 18–24", 52, 13, 10)])) == [
        "People aged 18–24: 30% reliably improved, against 45% across the network.",
        "People aged 18–24: 20% reliably deteriorated, against 10% across the network.",
    ]


def test_a_person_is_counted_in_the_age_band_of_their_earliest_introduction_in_support():
    from datetime import UTC, datetime

    # Born 18 June 2007: 17 when the first introduction arrived (10 March 2025), 18 at the
    # second (26 September 2025). Rows come later-first, as a database may return them.
    first = datetime(2025, 3, 10, 12, tzinfo=UTC)
    born = date(2007, 6, 18)
    data = SimpleNamespace(
        in_support=[
            {
                "id": "later",
                "person_id": "p",
                "received_at": first + timedelta(days=200),
                "person__date_of_birth": born,
            },
            {
                "id": "earlier",
                "person_id": "p",
                "received_at": first,
                "person__date_of_birth": born,
            },
        ],
        outcome_data=OutcomeData(
            pairs={
                "reqol10": [
                    Pair("earlier", "reqol10", IMPROVEMENT, None, None, 20),
                    Pair("later", "reqol10", NO_CHANGE, None, None, 27),
                ],
                "phq9": [Pair("later", "phq9", DETERIORATION, None, None, 12)],
            }
        ),
    )
    table = outcomes_by_group(data, "age_band")
    # One person, counted once, in the band of the earlier introduction; improved on one measure
    # and deteriorated on another: no reliable change overall.
    assert counts(table) == {"Under 18": [1, 0, 1, 0]}


@pytest.mark.django_db
def test_equity_page_and_csv_show_outcomes_by_age_sex_and_gender(client, personas, outcomes):
    from livingwell.core.models import SiteConfig

    login(client, personas.analyst)
    html = client.get(reverse("insight:metric", args=["equity"])).content.decode()
    for dimension in ("age_band", "sex", "gender"):
        assert f'id="table-equity_outcomes_{dimension}"' in html
    assert "Sex: reliable change for people with a pair of answers" in html
    assert "Too few people across the network have a pair of answers" in html
    assert "67% across the network" not in html  # the site's suppression is on
    response = client.get(reverse("insight:csv", args=["equity_outcomes_age_band"]))
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("Age band,People with a pair,Reliable improvement")
    assert "18-24,*,*,0,*,*,*,*" in lines

    config = SiteConfig.current()
    config.suppression_threshold, config.suppression_rounding = 0, 1
    config.save()
    html = client.get(reverse("insight:metric", args=["equity"])).content.decode()
    gender = html.split('id="table-equity_outcomes_gender"', 1)[1].split("Download", 1)[0]
    assert "Women: 50% reliably improved, against 67% across the network." in gender
    assert "Non-binary people: 0% reliably improved, against 67% across the network." in gender
    lines = client.get(reverse("insight:csv", args=["equity_outcomes_sex"])).content.decode()
    assert "Female,3,1,1,1,33%,33%,33%" in lines.splitlines()


@pytest.mark.django_db
def test_csv_states_the_gaps_as_the_page_does(client, personas, outcomes):
    from livingwell.core.models import SiteConfig

    login(client, personas.analyst)
    text = client.get(reverse("insight:csv", args=["equity_outcomes_gender"])).content.decode()
    assert "Gap,Too few people across the network have a pair of answers" in text
    config = SiteConfig.current()
    config.suppression_threshold, config.suppression_rounding = 0, 1
    config.save()
    text = client.get(reverse("insight:csv", args=["equity_outcomes_gender"])).content.decode()
    line = 'Gap,"Women: 50% reliably improved, against 67% across the network."'
    assert line in text.splitlines()
