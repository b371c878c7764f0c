"""The MHSDS-shaped return of a seeded site, and NHS England's measures from its tables agreeing
with insight's own figures for the same period."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.utils import timezone

from livingwell.fhir import mhsds
from livingwell.seed.run import SeedOptions, seed_site

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def seeded(db):
    now = timezone.now()
    seed_site(SeedOptions(people=80, years=2, seed=3), progress=lambda m: None, now=now)
    end = timezone.localdate(now)
    return end - timedelta(days=180), end


def check_the_export(seeded, tmp_path):
    """Each table as CSV and Parquet, with a manifest."""
    start, end = seeded
    out = io.StringIO()
    call_command(
        "mhsds",
        "export",
        "--from",
        start.isoformat(),
        "--to",
        end.isoformat(),
        str(tmp_path),
        stdout=out,
    )
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["period"] == {"from": start.isoformat(), "to": end.isoformat()}
    for name in mhsds.TABLES:
        info = manifest["tables"][name]
        with (tmp_path / info["csv"]).open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert len(rows) == info["rows"]
        parquet = pq.read_table(tmp_path / info["parquet"])
        assert parquet.num_rows == info["rows"]
        assert parquet.column_names == mhsds.COLUMNS[name]
    for name in mhsds.TABLES[:5]:
        assert manifest["tables"][name]["rows"] > 0, name
    with (tmp_path / "MHS606CodedScoreAssessmentRefer.csv").open(encoding="utf-8") as handle:
        codes = {row["CodedAssToolType"] for row in csv.DictReader(handle)}
    assert codes <= set(mhsds.SCORE_RANGE)
    assert "CMH access" in out.getvalue()


def test_the_national_measures_from_the_tables_agree_with_insight(seeded, tmp_path):
    """One seeded site for both checks (seeding is the slow part): the export, then the
    measures."""
    check_the_export(seeded, tmp_path)
    start, end = seeded
    tables = mhsds.build(start, end)
    national = mhsds.measures(tables, start, end)
    ours = mhsds.insight_figures(start, end)
    assert national.access_people > 0
    assert national.access_people == ours.access_people
    assert national.paired_referrals and national.paired_referrals == ours.paired_referrals


def test_an_unknown_date_is_refused_clearly(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not a date"):
        call_command("mhsds", "export", "--from", "yesterday", "--to", "2026-01-01", str(tmp_path))
