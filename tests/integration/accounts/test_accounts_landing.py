"""Each role lands on a page it can use after signing in, and the site name leads there."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.integration.accounts.accounts_helpers import browser, sign_in_fully

pytestmark = pytest.mark.django_db

LANDINGS = [
    ("hub_worker", "hub:board"),
    ("key_worker", "hub:board"),
    ("partner_worker", "hub:board"),
    ("privacy_officer", "access:privacy_workspace"),
    ("analyst", "insight:dashboard"),
    ("site_admin", "insight:dashboard"),
]


@pytest.mark.parametrize(("persona", "page"), LANDINGS)
def test_each_role_lands_on_a_page_it_can_use(personas, persona, page):
    client = browser()
    response = sign_in_fully(client, getattr(personas, persona))
    assert response["Location"] == reverse(page)
    landed = client.get(response["Location"])
    assert landed.status_code == 200
    body = landed.content.decode()
    assert "You do not have access" not in body
    # The site name in the header leads to the same page.
    assert f'class="nhsuk-header__service-name lw-brand" href="{reverse(page)}"' in body


def test_sign_out_is_in_the_header(personas):
    client = browser()
    sign_in_fully(client, personas.hub_worker)
    body = client.get(reverse("hub:board")).content.decode()
    header = body[body.index("<header") : body.index("</header>")]
    assert 'action="/account/sign-out/"' in header and "Sign out" in header
