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


def test_demo_population_loads_all_four_dimensions():
    summary = load_demo_population()
    assert summary == {"age_band": 7, "deprivation": 10, "ethnicity": 5, "sex": 2}
    total = sum(
        PopulationGroup.objects.filter(dimension="ethnicity").values_list("count", flat=True)
    )
    assert total == 300000
