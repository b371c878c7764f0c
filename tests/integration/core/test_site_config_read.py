"""SiteConfig.current() reads the settings row through a statement compiled once per process:
the same values as the ORM, created on first use, and every change seen at the next read."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from livingwell.core.models import SiteConfig

pytestmark = pytest.mark.django_db


def _plain(config):
    return {k: v for k, v in config.__dict__.items() if k != "_state"}


def test_created_on_first_use_then_read_with_the_same_values_as_the_orm():
    SiteConfig.objects.all().delete()
    created = SiteConfig.current()
    assert created.pk == 1 and created.name == "Living Well"
    read = SiteConfig.current()
    assert _plain(read) == _plain(SiteConfig.objects.get(id=1))
    assert not read._state.adding


def test_a_change_shows_at_the_next_read_in_one_query():
    SiteConfig.current()
    SiteConfig.objects.filter(id=1).update(name="Brightwater", break_glass_minutes=15)
    with CaptureQueriesContext(connection) as queries:
        config = SiteConfig.current()
    assert (config.name, config.break_glass_minutes) == ("Brightwater", 15)
    assert len(queries) == 1
