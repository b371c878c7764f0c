"""Date boxes (type=date) need ISO dates, or a browser shows them empty."""

import re

import pytest
from django.urls import reverse
from tests import factories

pytestmark = pytest.mark.django_db


def test_period_filter_shows_its_dates_in_the_date_boxes(client, personas):
    factories.login(client, personas.analyst)
    html = client.get(reverse("insight:dashboard"), {"from": "2026-01-05", "to": "2026-03-29"})
    html = html.content.decode()
    values = re.findall(r'<input[^>]*type="date"[^>]*value="([^"]*)"', html)
    values += re.findall(r'<input[^>]*value="([^"]*)"[^>]*type="date"', html)
    assert "2026-01-05" in values and "2026-03-29" in values
