"""Date boxes (type=date) need ISO dates, or a browser shows them empty."""

import re

import pytest
from django.urls import reverse
from tests import factories

pytestmark = pytest.mark.django_db


def test_default_period_is_shown_in_the_date_boxes(client, personas):
    factories.login(client, personas.analyst)
    html = client.get(reverse("insight:dashboard")).content.decode()
    inputs = re.findall(r'<input[^>]*type="date"[^>]*>', html)
    assert len(inputs) == 2
    for tag in inputs:
        value = re.search(r'value="([^"]*)"', tag)
        assert value and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.group(1)), tag
