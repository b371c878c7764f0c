"""The seed adds demo improvement projects and learning responses, made through the actions."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from livingwell.accounts.models import User
from livingwell.improvement.models import ImprovementProject, LearningResponse, PDSACycle
from livingwell.improvement.queries import overdue_safety_actions, picture, project_queryset


@pytest.mark.django_db
def test_the_seed_adds_projects_and_learning_responses():
    call_command("seed", "--people", "60", "--years", "1", "--seed", "5", stdout=io.StringIO())
    titles = set(ImprovementProject.objects.values_list("title", flat=True))
    assert "Same-day answers to urgent introductions" in titles
    assert "Warmer handovers to partner organisations" in titles
    urgent = project_queryset().get(title="Same-day answers to urgent introductions")
    stages = list(urgent.cycles.order_by("number").values_list("key", "stage", "parent__key"))
    assert stages == [("C1", "done", None), ("C2", "done", "C1"), ("C3", "do", "C2")]
    series = picture(urgent).series[0]
    assert series.fidelity.iterative and series.fidelity.small_scale_first
    handovers = project_queryset().get(title="Warmer handovers to partner organisations")
    reading = next(iter(picture(handovers).readings.values())).reading
    assert reading.window_points >= 3 and reading.met is not None
    assert set(LearningResponse.objects.values_list("kind", flat=True)) == {"aar", "swarm", "mdt"}
    hub = User.objects.get(username="hub.worker")
    partner = User.objects.get(username="partner.worker")
    assert overdue_safety_actions(hub).count() == 1
    assert overdue_safety_actions(partner).count() == 1
    assert PDSACycle.objects.filter(predictions__locked_at__isnull=True, stage="done").count() == 0
