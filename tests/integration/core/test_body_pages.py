"""Pages whose body Jinja2 renders (the board, a record, its history) are put in a layout that is
rendered once per set of values it shows (core/jinja.render_with_body): the same page as the
full Django render, never anyone's data kept, the CSRF token and messages still each request's."""

import re

import pytest
from django.test import Client
from tests import factories
from tests.outcomes_support import in_support

from livingwell.core import jinja

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _without_tokens(html: str) -> str:
    return TOKEN.sub('name="csrfmiddlewaretoken" value=""', html)


@pytest.mark.parametrize("persona", ["hub_worker", "key_worker"])
def test_a_framed_page_is_the_page_django_renders_in_full(personas, persona, monkeypatch):
    from livingwell.hub.actions import allocate_key_worker

    user = getattr(personas, persona)
    intro = in_support(personas.hub_worker)
    allocate_key_worker(
        by=personas.hub_worker,
        introduction=intro,
        key_worker=personas.key_worker,
        team=personas.community_team,
    )
    client = factories.login(Client(), user)
    record = f"/hub/introductions/{intro.pk}/"
    for url in ("/hub/", record, f"{record}history/tiers/"):
        response = client.get(url)
        assert response.status_code == 200
        framed = response.content.decode()
        with monkeypatch.context() as patched:
            # Render as for a request with messages to show: Django renders the layout in full.
            patched.setattr(jinja, "_framed", _refuse)
            patched.setattr(jinja, "_has_messages", lambda request: True)
            full = client.get(url).content.decode()
        assert _without_tokens(framed) == _without_tokens(full), url
        assert intro.person.display_name in framed or url == "/hub/"


def _refuse(*args):
    raise AssertionError("the frame was used")


def test_no_frame_keeps_anyones_data(personas):
    intro = in_support(
        personas.hub_worker, person={"given_name": "Zebedee", "family_name": "Quist"}
    )
    client = factories.login(Client(), personas.hub_worker)
    assert "Zebedee" in client.get(f"/hub/introductions/{intro.pk}/").content.decode()
    kept = " ".join(" ".join(pieces) for pieces in jinja._FRAMES.values())
    assert jinja._FRAMES and "Zebedee" not in kept and "Quist" not in kept


def test_the_sign_out_form_carries_this_requests_token(personas):
    client = factories.login(Client(enforce_csrf_checks=True), personas.hub_worker)
    first = client.get("/hub/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', first).group(1)
    assert token and token != jinja._TOKEN
    response = client.post("/account/sign-out/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert client.get("/hub/").status_code == 302  # signed out


def test_a_message_is_shown_on_a_framed_page(personas):
    intro = in_support(personas.hub_worker)
    client = factories.login(Client(), personas.hub_worker)
    response = client.post(f"/hub/introductions/{intro.pk}/own/", follow=True)
    html = response.content.decode()
    assert "You now hold this introduction." in html
    # Shown once: the next view of the record has no message.
    again = client.get(f"/hub/introductions/{intro.pk}/").content.decode()
    assert "You now hold this introduction." not in again


def test_a_changed_template_forgets_the_kept_layouts(personas, tmp_path):
    from django.utils.autoreload import file_changed

    from livingwell.core.templatetags import chrome

    client = factories.login(Client(), personas.hub_worker)
    assert client.get("/hub/").status_code == 200
    assert jinja._FRAMES and chrome._RENDERED
    file_changed.send(sender=None, file_path=tmp_path / "notes.txt")
    assert jinja._FRAMES and chrome._RENDERED  # not a template: kept
    file_changed.send(sender=None, file_path=tmp_path / "base.html")
    assert not jinja._FRAMES and not chrome._RENDERED
