"""The front door's rate limit: per member of the public (behind the trusted proxy too), in the
cache every worker shares, never counting a resend, and never refusing an urgent introduction."""

import html
import re

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connection

from livingwell.access.models import AuditEvent
from livingwell.intake.models import Introduction

pytestmark = pytest.mark.django_db

SELF = "/introduce/for-myself/"
DONE = "/introduce/thank-you/"
LIMIT = 10  # introductions per client per hour (intake/rate_limit.py)
PROXY = "10.0.0.5"

VALID = {
    "risk_now": "no",
    "whats_happening": "Low for months.",
    "given_name": "Priya",
    "family_name": "Shah",
    "postcode": "sw9 8aa",
    "phone": "07700 900111",
}


def submission(n: int, **fields) -> dict:
    """The nth of several different introductions (the same one sent again is not counted)."""
    return (
        VALID
        | {"submission_key": f"submission-{n:04d}".ljust(32, "x"), "given_name": f"Priya {n}"}
        | fields
    )


def through_proxy(client_address: str) -> dict:
    # What the one trusted proxy sends: its own address as the peer, the client's added last.
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": client_address}


def fill_the_limit(client, **extra) -> None:
    for n in range(LIMIT):
        response = client.post(SELF, submission(n), **extra)
        assert response.status_code == 302, response.status_code
    assert Introduction.objects.count() == LIMIT


def test_routine_introductions_over_the_limit_are_refused_keeping_what_was_typed(client):
    fill_the_limit(client)
    story = "Low for months, and I can't face work. <Nothing> seems to help."
    response = client.post(SELF, submission(LIMIT, whats_happening=story, given_name="Sam"))
    assert response.status_code == 429
    assert Introduction.objects.count() == LIMIT
    page = response.content.decode()
    # The form again, with everything typed in it, and why it was not sent at the top.
    assert re.search(r"<title>\s*Error: ", page)
    top = page.index('class="nhsuk-error-summary"')
    assert top < page.index("<form")
    assert "We could not send this yet" in page[top:]
    assert "Everything you typed is still here" in page
    assert "If you need help now" in page and "111" in page[top:]
    assert html.escape(story) in page and 'value="Sam"' in page
    assert submission(LIMIT)["submission_key"] in page
    assert 'value="no" checked' in page


def test_a_refused_family_introduction_keeps_what_was_typed(client):
    fill_the_limit(client)
    family = submission(
        LIMIT,
        introducer_name="Ravi Shah",
        relationship_to_person="Brother",
        introducer_phone="07700 900222",
        person_knows="yes",
        person_agrees="not_sure",
    )
    response = client.post("/introduce/for-someone-else/", family)
    assert response.status_code == 429
    page = response.content.decode()
    assert 'value="Ravi Shah"' in page and 'value="Brother"' in page
    assert "We could not send this yet" in page
    assert Introduction.objects.count() == LIMIT


def test_an_urgent_introduction_is_never_refused_by_the_rate_limit(client):
    fill_the_limit(client)
    response = client.post(SELF, submission(99, risk_now="self"))
    assert response.status_code == 302 and response["Location"] == DONE
    intro = Introduction.objects.get(submission_key=submission(99)["submission_key"])
    assert intro.urgent
    page = client.get(DONE).content.decode()
    assert intro.reference in page
    assert "Get help now" in page and "Hub team will try to call today" in page
    # Flagged for whoever reviews the front door's traffic, in the introduction's audit event.
    event = AuditEvent.objects.get(action="introduction.create", object_id=str(intro.pk))
    assert event.detail["urgent"] is True and event.detail["over_rate_limit"] is True
    # An unsure answer is urgent too, and is not refused either.
    unsure = client.post(SELF, submission(100, risk_now="not_sure"))
    assert unsure.status_code == 302
    assert Introduction.objects.filter(urgent=True).count() == 2


def test_a_resend_of_the_same_submission_is_not_counted(client):
    for _ in range(LIMIT + 2):  # double clicks, the back button, a reload
        response = client.post(SELF, submission(0))
        assert response.status_code == 302
    assert Introduction.objects.count() == 1
    first = Introduction.objects.get()
    # Nine more new introductions are still welcome; the one after them is not.
    for n in range(1, LIMIT):
        assert client.post(SELF, submission(n)).status_code == 302
    assert client.post(SELF, submission(LIMIT)).status_code == 429
    # Even now a resend of one already made is answered with its reference.
    response = client.post(SELF, submission(0))
    assert response.status_code == 302
    assert first.reference in client.get(DONE).content.decode()
    assert Introduction.objects.count() == LIMIT


def test_behind_the_proxy_each_member_of_the_public_has_their_own_count(client, settings):
    settings.LIVINGWELL_BEHIND_PROXY = True
    fill_the_limit(client, **through_proxy("203.0.113.7"))
    assert client.post(SELF, submission(50), **through_proxy("203.0.113.7")).status_code == 429
    # Someone else, reaching us through the same proxy, is not refused.
    assert client.post(SELF, submission(51), **through_proxy("203.0.113.8")).status_code == 302
    # Nor can a client start a new count by sending an address of its own: the proxy adds the
    # address it saw last, and only that one is believed.
    spoofed = through_proxy("198.51.100.1, 203.0.113.7")
    assert client.post(SELF, submission(52), **spoofed).status_code == 429


def test_without_the_proxy_a_forwarded_address_is_not_believed(client, settings):
    settings.LIVINGWELL_BEHIND_PROXY = False
    fill_the_limit(client, HTTP_X_FORWARDED_FOR="203.0.113.7")
    response = client.post(SELF, submission(50), HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert response.status_code == 429


def test_the_counts_are_kept_in_the_database_cache_every_worker_shares(client):
    # A per-process cache gives each worker its own small count; the database is shared.
    assert isinstance(caches["default"], DatabaseCache)
    client.post(SELF, submission(0))
    table = connection.ops.quote_name(django_settings.CACHES["default"]["LOCATION"])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key FROM {table}")  # noqa: S608 (a name from settings)
        keys = [row[0] for row in cursor.fetchall()]
    assert any("intake-rate" in key for key in keys)
