"""The population table: import command, validation, demo table."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from livingwell.access.models import AuditEvent
from livingwell.insight.demo import load_demo_population
from livingwell.insight.models import PopulationGroup

pytestmark = pytest.mark.django_db


def test_import_population_replaces_dimensions_in_the_file(tmp_path):
    PopulationGroup.objects.create(dimension="sex", group="female", count=1)
    PopulationGroup.objects.create(dimension="age_band", group="18_24", count=9)
    path = tmp_path / "pop.csv"
    path.write_text("dimension,group,count\nsex,female,60\nsex,male,40\n", encoding="utf-8")
    call_command("insight", "import-population", str(path))
    assert dict(PopulationGroup.objects.filter(dimension="sex").values_list("group", "count")) == {
        "female": 60,
        "male": 40,
    }
    assert PopulationGroup.objects.filter(dimension="age_band").count() == 1  # untouched
    assert AuditEvent.objects.filter(action="insight.population_import").count() == 1


@pytest.mark.parametrize(
    "text,message",
    [
        ("dim,group,count\n", "header"),
        ("dimension,group,count\nplanet,earth,1\n", "Line 2: unknown dimension"),
        ("dimension,group,count\nsex,female,lots\n", "Line 2: the count must be a whole number"),
        ("dimension,group,count\nsex,female,1\nsex,female,2\n", "Line 3: sex female appears twice"),
    ],
)
def test_bad_files_are_refused_whole(tmp_path, text, message):
    PopulationGroup.objects.create(dimension="sex", group="female", count=5)
    path = tmp_path / "pop.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("insight", "import-population", str(path))
    assert list(PopulationGroup.objects.values_list("count", flat=True)) == [5]


def test_demo_population_loads_all_five_dimensions():
    summary = load_demo_population()
    assert summary == {"age_band": 7, "deprivation": 10, "ethnicity": 5, "gender": 4, "sex": 2}
    for dimension in summary:  # each dimension describes the same 300,000 synthetic residents
        total = sum(
            PopulationGroup.objects.filter(dimension=dimension).values_list("count", flat=True)
        )
        assert total == 300000, dimension


def test_equity_page_compares_gender_and_sex_with_the_demo_population(client, personas):
    from django.urls import reverse
    from tests.factories import login
    from tests.insight_support import at, introduce

    load_demo_population()
    for day, (sex, gender) in enumerate(
        [("female", "Woman"), ("female", "woman"), ("male", "Man"), ("", "Non-binary")], start=5
    ):
        introduce(at(day, 9), sex=sex, gender=gender)
    login(client, personas.analyst)
    html = client.get(
        reverse("insight:metric", args=["equity"]), {"from": "2026-01-05", "to": "2026-01-18"}
    ).content.decode()
    gender = html.split('id="table-equity_gender"', 1)[1].split("</table>", 1)[0]
    # Population shares: woman 151,200 (50%), man 145,900 (49%), non-binary 1,700 (1%),
    # other 1,200 (0%) of 300,000; the introductions themselves are hidden (1-7).
    rows = {
        r.split("</th>", 1)[0].rsplit(">", 1)[1]: r for r in gender.split("<tr")[2:] if "</th>" in r
    }
    assert ">50%<" in rows["Woman"] and ">49%<" in rows["Man"] and ">1%<" in rows["Non-binary"]
    assert (
        "No population figures have been imported for this dimension"
        not in html.split('id="table-equity_gender"', 1)[1].split("Download", 1)[0]
    )
    sex = html.split('id="table-equity_sex"', 1)[1].split("</table>", 1)[0]
    assert ">51%<" in sex and ">49%<" in sex  # female 153,000 and male 147,000 of 300,000
