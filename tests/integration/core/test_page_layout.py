"""The page layout (header, menu, urgent-help strip, footer) is rendered for each request: what
changes at run time shows on the next page, and nothing of one user's page is shown to another."""

import re
from pathlib import Path

import pytest
from django.test import Client
from tests.factories import login
from tests.outcomes_support import in_support

import livingwell
from livingwell.accounts.models import Membership
from livingwell.core.models import SiteConfig

pytestmark = pytest.mark.django_db

# Template tags that keep rendered HTML beyond the request: Django's fragment cache, and the
# {% chrome %} tag this project once had.
KEPT = re.compile(r"{%\s*(?:load\b[^%]*\b(?:cache|chrome)\b|cache\s|chrome\s)")


def _csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def _template_sources():
    """Every template of the site: (path, source)."""
    for path in Path(livingwell.__file__).parent.rglob("*.html"):
        yield path, path.read_text()


def test_no_template_keeps_page_parts_between_requests():
    """A page part kept across requests shows whatever its key forgot to name to the next user:
    every template renders in full for each request."""
    sources = list(_template_sources())
    assert any(path.name == "base.html" for path, _source in sources)
    for path, source in sources:
        assert not KEPT.search(source), path


def test_staff_page_layout_follows_site_settings_memberships_and_csrf_per_request(personas):
    client = login(Client(), personas.hub_worker)
    first = client.get("/account/sessions/").content.decode()
    assert ">Huddle board</a>" in first
    assert 'aria-current="page"' not in first.split("</header>")[0]  # in no menu section

    SiteConfig.objects.update_or_create(id=1, defaults={"name": "Brightwater Wellbeing"})
    second = client.get("/hub/find/").content.decode()
    assert "Brightwater Wellbeing</a>" in second.split("</header>")[0]
    assert "Brightwater Wellbeing · " in second.split("<footer")[1]
    # The sign-out form's token is the session's own, never a stored one.
    other = login(Client(), personas.site_admin)
    assert _csrf(other.get("/account/sessions/").content.decode()) != _csrf(second)

    board = client.get("/hub/").content.decode().split("</header>")[0]
    assert re.search(
        r'aria-current="page">\s*<strong class="nhsuk-header__navigation-item-current-fallback">'
        r"Huddle board</strong>",
        board,
    )

    Membership.objects.filter(user=personas.hub_worker).delete()
    # Without a role the page is refused; the menu is not shown from a stored copy.
    assert client.get("/hub/find/").status_code == 403
    page = client.get("/account/sessions/").content.decode()
    assert "Huddle board</a>" not in page


def test_signed_out_pages_show_no_staff_menu_or_sign_out(personas):
    login(Client(), personas.hub_worker).get("/hub/find/")  # a staff page rendered first
    page = Client().get("/urgent-help/", follow=True).content.decode()
    assert "nhsuk-header__navigation" not in page
    assert "Sign out" not in page


def test_the_sign_out_form_carries_this_requests_token(personas):
    client = login(Client(enforce_csrf_checks=True), personas.hub_worker)
    token = _csrf(client.get("/hub/find/").content.decode())
    response = client.post("/account/sign-out/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert client.get("/hub/find/").status_code == 302  # signed out


def test_a_message_is_shown_once_on_the_record(personas):
    intro = in_support(personas.hub_worker)
    client = login(Client(), personas.hub_worker)
    response = client.post(f"/hub/introductions/{intro.pk}/own/", follow=True)
    assert "You now hold this introduction." in response.content.decode()
    again = client.get(f"/hub/introductions/{intro.pk}/").content.decode()
    assert "You now hold this introduction." not in again
