"""The generators behind the seed: people, references, working hours and arrivals."""

import math
from collections import Counter
from datetime import UTC, date, datetime

from livingwell.people.models import ETHNICITY_CHOICES
from livingwell.people.nhs_number import is_valid
from livingwell.seed import data
from livingwell.seed.journeys import DAY, HOUR, JourneyBuilder
from livingwell.seed.network import Network, Staff
from livingwell.seed.people import PersonMaker

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)


def builder(seed=1, years=3):
    hub = Staff("u", "t", "o", "hub_worker", "hub")
    net = Network(staff={"hub": [hub]})
    return JourneyBuilder(
        seed=seed,
        net=net,
        now=NOW,
        years=years,
        tier_order={},
        open_door_days=183,
        reply_days=5,
        emit=lambda rows: None,
    )


def test_people_are_deterministic_for_a_seed():
    first_a, first_b = PersonMaker(5), PersonMaker(5)
    people_a = [first_a.make(date(2025, 1, 1)) for _ in range(50)]
    people_b = [first_b.make(date(2025, 1, 1)) for _ in range(50)]
    assert people_a == people_b
    assert all(p["given_name"] and p["family_name"] for p in people_a)
    other = PersonMaker(6)
    assert [other.make(date(2025, 1, 1)) for _ in range(50)] != people_a


def test_people_have_an_inner_london_mix():
    maker = PersonMaker(1)
    people = [maker.make(date(2025, 6, 1)) for _ in range(4000)]
    ethnicity = Counter(p["ethnicity"] for p in people)
    share = {k: v / len(people) for k, v in ethnicity.items()}
    assert set(ethnicity) <= {code for code, _label in ETHNICITY_CHOICES}
    assert 0.34 < share["white_british"] < 0.45
    assert 0.11 < share["white_other"] < 0.19
    assert 0.08 < share["black_african"] < 0.14
    assert 0.06 < share["black_caribbean"] < 0.12
    assert share.get("not_stated", 0) < 0.04
    ages = [(date(2025, 6, 1) - p["date_of_birth"]).days / 365.25 for p in people]
    assert min(ages) >= 18
    assert 0.5 < sum(1 for a in ages if 20 <= a < 45) / len(ages) < 0.8
    districts = {d for d, _w in data.POSTCODE_DISTRICTS}
    assert all(p["postcode"].split(" ")[0] in districts for p in people)
    genders = Counter(p["gender"] for p in people)
    assert genders["Non-binary"] > 0 and genders["Trans man"] + genders["Trans woman"] > 0
    deciles = Counter(p["deprivation_decile"] for p in people)
    assert deciles[1] + deciles[2] + deciles[3] > deciles[8] + deciles[9] + deciles[10]


def test_nhs_numbers_are_valid_test_range_numbers_and_some_are_missing():
    maker = PersonMaker(3)
    numbers = [maker.make(date(2025, 1, 1))["nhs_number"] for _ in range(2000)]
    present = [n for n in numbers if n]
    assert all(is_valid(n) and n.startswith("999") for n in present)
    assert len(set(present)) == len(present)
    assert 0.8 < len(present) / len(numbers) < 0.95


def test_references_never_repeat_and_look_like_the_real_ones():
    b = builder()
    refs = [b.reference() for _ in range(20000)]
    assert len(set(refs)) == len(refs)
    assert all(len(r) == 12 and r.startswith("LW-") and r[7] == "-" for r in refs)
    assert not any(c in r[3:] for r in refs for c in "01IOL")


def test_working_time_is_a_weekday_in_hours_and_never_earlier():
    b = builder()
    ts = NOW.timestamp()
    for k in range(500):
        t = ts + k * 7919.0
        w = b.work_time(t)
        assert w >= t - 1
        day = math.floor(w / DAY)
        assert (day + 3) % 7 < 5
        assert 9 * HOUR <= w - day * DAY <= 17.5 * HOUR


def test_arrivals_grow_over_the_years_and_stay_in_range():
    b = builder(years=4)
    times = [b.first_arrival() for _ in range(4000)]
    assert all(b.start <= t <= b.NOW for t in times)
    first_year = sum(1 for t in times if t < b.start + 365 * DAY)
    last_year = sum(1 for t in times if t >= b.NOW - 365 * DAY)
    assert last_year > first_year * 1.3
