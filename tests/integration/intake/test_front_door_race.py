"""The same introduction sent several times at once: one introduction, and every answer names it.

Each sender is a thread with its own database connection, as each request is in a server with
several workers; they are released together so that they pass the "already sent?" look-up before
any of them has stored the introduction.
"""

import threading

import pytest
from django.db import connections
from django.test import Client

from livingwell.intake.models import Introduction
from livingwell.people.models import Person

SELF = "/introduce/for-myself/"
DONE = "/introduce/thank-you/"
SENDERS = 6
ROUNDS = 2

VALID = {
    "risk_now": "no",
    "whats_happening": "Low for months.",
    "given_name": "Priya",
    "family_name": "Shah",
    "postcode": "sw9 8aa",
    "phone": "07700 900111",
}


def send_at_once(data: dict) -> list[tuple[int, str]]:
    """Post `data` from SENDERS browsers at the same moment; each one's status and done page."""
    barrier = threading.Barrier(SENDERS)
    answers: list = [None] * SENDERS

    def send(i: int) -> None:
        try:
            client = Client(raise_request_exception=False)
            barrier.wait(timeout=30)
            response = client.post(SELF, data)
            page = client.get(DONE).content.decode() if response.status_code == 302 else ""
            answers[i] = (response.status_code, page)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


@pytest.mark.django_db(transaction=True)
def test_the_same_introduction_sent_at_once_answers_with_its_one_reference():
    for round_ in range(ROUNDS):
        key = f"sent-at-once-{round_}".ljust(32, "x")
        answers = send_at_once(VALID | {"submission_key": key})
        intro = Introduction.objects.get(submission_key=key)
        assert [status for status, _page in answers] == [302] * SENDERS
        assert all(intro.reference in page for _status, page in answers)
    assert Introduction.objects.count() == ROUNDS
    assert Person.objects.count() == ROUNDS
