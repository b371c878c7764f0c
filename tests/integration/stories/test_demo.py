"""The seed adds story collections, a few hundred stories and the panels' choices."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from livingwell.stories import consent
from livingwell.stories.impact import chosen_public_stories
from livingwell.stories.models import Collection, Selection, Story


@pytest.mark.django_db
def test_the_seed_adds_collections_stories_and_choices():
    call_command("seed", "--people", "60", "--years", "1", "--seed", "5", stdout=io.StringIO())
    assert Collection.objects.count() == 2
    assert Story.objects.count() >= 300
    assert Story.objects.filter(person__isnull=False).exists()
    assert Selection.objects.filter(panel__level=1).count() >= 6
    assert Selection.objects.filter(panel__level=2).exists()
    assert consent.public_stories().exists()
    assert chosen_public_stories()
    page = Client().get(reverse("stories:impact")).content.decode()
    assert "In people&#x27;s own words" in page or "In people's own words" in page
    assert "No stories are shared here" not in page
