"""Every page that shows a form's errors starts its title with "Error: " (NHS.UK design system),
whatever the form is called on the page, and a page without errors does not."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from tests import factories
from tests.outcomes_support import in_support

pytestmark = pytest.mark.django_db


def _title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)


def test_pages_with_errors_say_so_first_in_their_title(client, personas):
    intro = in_support(personas.hub_worker)
    factories.login(client, personas.hub_worker)
    pages = [
        (f"/hub/introductions/{intro.pk}/contact/", {}),
        (f"/hub/introductions/{intro.pk}/plan/", {}),
        (reverse("outcomes:send_link", args=[intro.pk]), {}),
        (reverse("outcomes:record", args=[intro.pk, "phq9"]), {"source": "worker"}),
        (f"/access/introductions/{intro.pk}/sharing/", {}),
    ]
    for url, data in pages:
        assert _title(client.get(url)).startswith("Error: ") is False, url
        response = client.post(url, data)
        assert response.status_code == 200, url
        title = _title(response)
        assert title.startswith("Error: ") and not title.startswith("Error: Error"), (url, title)


def test_a_search_with_a_mistake_says_error_in_its_title(client):
    response = client.get(reverse("directory:public_search"), {"postcode": "nowhere"})
    assert _title(response).startswith("Error: ")
    assert not _title(client.get(reverse("directory:public_search"))).startswith("Error")
