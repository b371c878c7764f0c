"""Back, then Send again: the same introduction, acknowledged as already received.

The browser's Back either restores the form as it was (the same submission key) or fetches the
page again (a new key) and puts back what the person typed. Either way, what they mean by
pressing Send again is the introduction they already sent, not a second one. A genuinely
different introduction from the same browser still goes through.
"""

import re

import pytest
from tests import factories

from livingwell.intake.models import Introduction
from livingwell.people.models import Person

pytestmark = pytest.mark.django_db

SELF = "/introduce/for-myself/"
FAMILY = "/introduce/for-someone-else/"
STAFF = "/introduce/staff/new/"
DONE = "/introduce/thank-you/"
LIMIT = 10  # introductions per client per hour (intake/rate_limit.py)

VALID = {
    "risk_now": "no",
    "whats_happening": "Low for months.",
    "given_name": "Priya",
    "family_name": "Shah",
    "postcode": "sw9 8aa",
    "phone": "07700 900111",
}


def issued_key(client, url: str) -> str:
    """The submission key the form page issues, as a browser fetching the page gets it."""
    html = client.get(url).content.decode()
    return re.search(r'name="submission_key" value="([^"]+)"', html).group(1)


def send_from_a_fresh_page(client, url: str, data: dict):
    return client.post(url, data | {"submission_key": issued_key(client, url)})


def test_back_then_send_again_is_the_same_introduction_already_received(client):
    first = send_from_a_fresh_page(client, SELF, VALID)
    assert first.status_code == 302 and first["Location"] == DONE
    intro = Introduction.objects.get()
    page = client.get(DONE).content.decode()
    assert "We have your request" in page and "already" not in page

    # Back fetches the form again (a new key); the browser puts back what was typed; Send.
    again = send_from_a_fresh_page(client, SELF, VALID | {"postcode": "SW9 8AA "})
    assert again.status_code == 302 and again["Location"] == DONE
    assert Introduction.objects.count() == 1 and Person.objects.count() == 1
    page = client.get(DONE).content.decode()
    assert "We already have your request" in page
    assert "You sent this before, so we have not made a second request" in page
    assert intro.reference in page


def test_an_urgent_introduction_sent_again_says_so_and_shows_urgent_help(client):
    send_from_a_fresh_page(client, SELF, VALID | {"risk_now": "self"})
    send_from_a_fresh_page(client, SELF, VALID | {"risk_now": "self"})
    intro = Introduction.objects.get()
    page = client.get(DONE).content.decode()
    assert "We already have your request" in page and intro.reference in page
    assert "Get help now" in page and "Hub team will try to call today" in page


def test_a_different_introduction_from_the_same_browser_goes_through(client):
    send_from_a_fresh_page(client, SELF, VALID)
    other = VALID | {"given_name": "Ravi", "whats_happening": "Cannot sleep."}
    send_from_a_fresh_page(client, SELF, other)
    assert Introduction.objects.count() == 2
    page = client.get(DONE).content.decode()
    assert "We have your request" in page and "already" not in page
    # Back twice to the first one and Send: still the first one, not a third.
    send_from_a_fresh_page(client, SELF, VALID)
    assert Introduction.objects.count() == 2
    first = Introduction.objects.get(person__given_name="Priya")
    assert first.reference in client.get(DONE).content.decode()


def test_a_changed_story_sent_with_the_same_key_is_not_thrown_away(client):
    # Back restores the page as it was (the same key); the person adds to their story and sends.
    key = issued_key(client, SELF)
    client.post(SELF, VALID | {"submission_key": key})
    client.post(SELF, VALID | {"submission_key": key, "whats_happening": "Low, and worse today."})
    stories = set(Introduction.objects.values_list("whats_happening", flat=True))
    assert stories == {"Low for months.", "Low, and worse today."}
    # A double click of the changed one is still one more, not two.
    client.post(SELF, VALID | {"submission_key": key, "whats_happening": "Low, and worse today."})
    assert Introduction.objects.count() == 2


def test_the_same_words_from_the_family_form_are_a_different_introduction(client):
    send_from_a_fresh_page(client, SELF, VALID)
    family = VALID | {
        "introducer_name": "Ravi Shah",
        "relationship_to_person": "Brother",
        "introducer_phone": "07700 900222",
        "person_knows": "yes",
        "person_agrees": "yes",
    }
    send_from_a_fresh_page(client, FAMILY, family)
    send_from_a_fresh_page(client, FAMILY, family)
    assert sorted(Introduction.objects.values_list("route", flat=True)) == ["family", "self"]


def test_sent_again_over_the_rate_limit_is_answered_not_refused(client):
    for n in range(LIMIT):
        send_from_a_fresh_page(client, SELF, VALID | {"given_name": f"Person{n}"})
    assert send_from_a_fresh_page(client, SELF, VALID | {"given_name": "New"}).status_code == 429
    again = send_from_a_fresh_page(client, SELF, VALID | {"given_name": "Person3"})
    assert again.status_code == 302
    intro = Introduction.objects.get(person__given_name="Person3")
    assert intro.reference in client.get(DONE).content.decode()
    assert Introduction.objects.count() == LIMIT


def test_staff_back_then_make_the_introduction_again_is_the_same_one(client, personas):
    factories.login(client, personas.hub_worker)
    data = VALID | {
        "route": "gp",
        "introducer_name": "Dr Obi",
        "person_knows": "yes",
        "person_agrees": "yes",
    }
    assert send_from_a_fresh_page(client, STAFF, data).status_code == 302
    response = send_from_a_fresh_page(client, STAFF, data)
    assert response.status_code == 302
    intro = Introduction.objects.get()
    board = client.get(response["Location"]).content.decode()
    assert f"This introduction was already made: {intro.reference}" in board
    # Another person, by the same worker, is a new introduction.
    send_from_a_fresh_page(client, STAFF, data | {"given_name": "Ravi"})
    assert Introduction.objects.count() == 2
