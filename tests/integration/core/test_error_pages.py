"""Error pages: friendly, never Django's debug page, and a missing record looks exactly like one
the user has no relationship with."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from tests import factories
from tests.outcomes_support import in_support

import livingwell

pytestmark = pytest.mark.django_db

MAKEFILE = Path(livingwell.__file__).resolve().parents[2] / "Makefile"


def _main(html: str) -> str:
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"[0-9a-f-]{36}", "<id>", main)


def test_staff_404_says_what_to_do_next(client, personas):
    factories.login(client, personas.hub_worker)
    response = client.get(f"/hub/introductions/{uuid.uuid4()}/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "No such page or record" in body
    assert 'href="/hub/find/"' in body and "Find an introduction" in body
    assert 'href="/access/emergency/"' in body and "break glass" in body


def test_a_record_without_a_relationship_looks_like_no_record(client, personas):
    intro = in_support(personas.hub_worker)
    factories.login(client, personas.unrelated_worker)
    hidden = client.get(f"/hub/introductions/{intro.pk}/")
    missing = client.get(f"/hub/introductions/{uuid.uuid4()}/")
    assert hidden.status_code == missing.status_code == 404
    assert _main(hidden.content.decode()) == _main(missing.content.decode())


def test_public_404_points_to_the_start_page(client):
    body = client.get("/no-such-page/").content.decode()
    assert "Page not found" in body and "break glass" not in body


def test_make_run_serves_the_demo_with_debugging_off():
    recipe = MAKEFILE.read_text().split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "runserver" in recipe
    assert "LIVINGWELL_DEBUG" not in recipe
