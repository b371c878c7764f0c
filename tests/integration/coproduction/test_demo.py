"""The seed adds a year of co-production, made through the actions."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from livingwell.coproduction.models import Activity, Attendance, Decision, Expense, RateCard
from livingwell.coproduction.network import network_view
from livingwell.coproduction.public import published_decisions


@pytest.mark.django_db
def test_the_seed_adds_a_year_of_coproduction():
    call_command("seed", "--people", "60", "--years", "1", "--seed", "5", stdout=io.StringIO())
    today = timezone.localdate()
    held = list(Activity.objects.values_list("held_on", flat=True))
    assert len(held) >= 15 and (today - min(held)).days >= 330
    assert set(Activity.objects.values_list("kind", flat=True)) >= {
        "huddle",
        "design_workshop",
        "panel",
        "working_group",
        "recruitment_panel",
    }
    assert RateCard.objects.count() == 2
    paid = Attendance.objects.filter(payment="accepted")
    assert paid.exists() and {a.rate_card.version for a in paid} == {1, 2}
    assert Attendance.objects.filter(payment="declined").exists()
    assert Attendance.objects.filter(payment="offered").exists()
    assert Attendance.objects.filter(warning_shown=True).exists()
    assert Expense.objects.count() >= 3
    view = network_view()
    assert view.feedback_overdue == 2
    assert 0 < view.decisions_changed < view.decisions_total
    assert published_decisions() and all(d.public for d in published_decisions())
    assert Decision.objects.filter(status="draft").exists()
    for e in Expense.objects.all():
        e.receipt.delete(save=False)
