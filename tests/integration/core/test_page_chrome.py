"""The page chrome (header, menu, urgent-help strip, footer) is rendered once per process for each
set of values it shows: what changes at run time must still show on the next page."""

import re

import pytest
from django.template import engines
from django.test import Client, RequestFactory
from tests.factories import login

from livingwell.accounts.models import Membership
from livingwell.core.models import SiteConfig
from livingwell.core.templatetags import chrome

pytestmark = pytest.mark.django_db


def _csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_fragment_is_reused_for_the_same_values_and_rendered_again_for_new_ones():
    template = engines["django"].from_string(
        '{% load chrome %}{% chrome "t" name %}{{ name }}:{{ other }}{% endchrome %}'
    )
    request = RequestFactory().get("/")
    assert template.render({"name": "A", "other": 1}, request) == "A:1"
    # `other` is not in the key, so the stored fragment is shown: the key must list everything.
    assert template.render({"name": "A", "other": 2}, request) == "A:1"
    assert template.render({"name": "B", "other": 2}, request) == "B:2"


def test_fragment_with_a_value_it_cannot_key_on_is_rendered_every_time():
    template = engines["django"].from_string(
        '{% load chrome %}{% chrome "t2" thing %}{{ thing.n }}{% endchrome %}'
    )
    request = RequestFactory().get("/")

    class Thing:
        def __init__(self, n):
            self.n = n

    assert template.render({"thing": Thing(1)}, request) == "1"
    assert template.render({"thing": Thing(2)}, request) == "2"


def test_staff_page_chrome_follows_site_settings_memberships_and_csrf_per_request(personas):
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
    assert 'aria-current="page">Huddle board</a>' in board

    Membership.objects.filter(user=personas.hub_worker).delete()
    # Without a role the page is refused; the menu is not shown from a stored copy.
    assert client.get("/hub/find/").status_code == 403
    page = client.get("/account/sessions/").content.decode()
    assert "Huddle board</a>" not in page


def test_signed_out_pages_show_no_staff_menu_or_sign_out(personas):
    login(Client(), personas.hub_worker).get("/hub/find/")  # a staff chrome is stored first
    page = Client().get("/urgent-help/", follow=True).content.decode()
    assert "nhsuk-header__navigation" not in page
    assert "Sign out" not in page
    assert chrome._RENDERED  # and the staff one was indeed stored
