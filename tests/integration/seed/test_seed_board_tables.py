"""The seed fills what the huddle board reads instead of working it out on every load: the last
attended contact and the current key worker on each introduction, and the table of measures
due (ADR 0005: the bulk writer keeps the actions' rules)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from livingwell.intake.models import Introduction
from livingwell.outcomes.due import due_from_table
from livingwell.outcomes.models import MeasureDue
from livingwell.outcomes.queries import due_measures
from livingwell.seed import checks
from livingwell.seed.run import SeedOptions, seed_site


@pytest.fixture
def seeded(db):
    now = timezone.now()
    seed_site(SeedOptions(people=80, years=2, seed=3), progress=lambda m: None, now=now)
    return now


def test_seed_fills_the_boards_fields_and_table(seeded):
    assert checks.problems() == []
    assert Introduction.objects.filter(last_attended_contact_at__isnull=False).exists()
    assert Introduction.objects.filter(current_key_worker__isnull=False).exists()
    assert MeasureDue.objects.exists()
    expected = {
        (d.introduction.pk, m.measure, m.occasion, m.due_on, m.overdue)
        for d in due_measures(now=seeded)
        for m in d.measures
    }
    assert due_from_table(seeded) == expected


def test_checks_notice_a_stale_last_contact_or_key_worker(seeded):
    seen = Introduction.objects.filter(last_attended_contact_at__isnull=False).first()
    Introduction.objects.filter(pk=seen.pk).update(last_attended_contact_at=None)
    allocated = Introduction.objects.filter(current_key_worker__isnull=False).first()
    Introduction.objects.filter(pk=allocated.pk).update(current_key_worker=None)
    found = checks.problems()
    assert any(p.startswith("introductions whose last attended contact") for p in found)
    assert any(p.startswith("introductions whose current key worker") for p in found)
