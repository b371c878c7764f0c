"""Notify's delivery receipts: authenticated, they move each message on, and the worker who sent
a link sees what became of it (and can send a failed one again)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from tests.factories import login
from tests.outcomes_support import in_support

from livingwell.access.models import AuditEvent
from livingwell.notifications.models import Message
from livingwell.outcomes.actions import create_response_link
from livingwell.outcomes.models import ResponseLink

URL = reverse("notifications:notify_receipt")
TOKEN = "a-long-shared-secret-the-site-gave-notify"


@pytest.fixture
def receipts(settings, outbox):
    settings.LIVINGWELL_NOTIFY_CALLBACK_TOKEN = TOKEN


@pytest.fixture
def outbox(settings):
    from livingwell.core.messaging import MemoryBackend

    settings.LIVINGWELL_MESSAGE_BACKEND = "livingwell.core.messaging.MemoryBackend"
    MemoryBackend.outbox.clear()
    yield MemoryBackend.outbox
    MemoryBackend.outbox.clear()


def sent_link(personas, gateway_id="notify-abc"):
    intro = in_support(personas.hub_worker)
    link, _raw = create_response_link(by=personas.hub_worker, introduction=intro, measure="gad7")
    link.refresh_from_db()
    # As Notify's backend records it: the gateway's id for the message.
    Message.objects.filter(pk=link.message_id).update(gateway_id=gateway_id)
    return intro, link


def receipt(client, status, *, gateway_id="notify-abc", token=TOKEN):
    body = {
        "id": gateway_id,
        "reference": "ignored",
        "to": "07700900123",
        "status": status,
        "notification_type": "sms",
    }
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(URL, json.dumps(body), content_type="application/json", headers=headers)


def test_receipts_need_the_sites_token(client, personas, receipts):
    _intro, link = sent_link(personas)
    assert receipt(client, "delivered", token=None).status_code == 401
    assert receipt(client, "delivered", token="wrong").status_code == 401
    link.message.refresh_from_db()
    assert link.message.status == Message.Status.SENT


def test_without_a_token_configured_there_is_no_callback(client, personas, outbox):
    assert receipt(client, "delivered").status_code == 404


def test_a_delivered_receipt_shows_where_the_link_was_sent_from(client, personas, receipts):
    intro, link = sent_link(personas)
    response = receipt(client, "delivered")
    assert response.status_code == 200 and response.json() == {"recorded": True}
    link.message.refresh_from_db()
    assert link.message.status == Message.Status.DELIVERED
    assert AuditEvent.objects.filter(action="message.delivered", person_id=intro.person_id)
    login(client, personas.hub_worker)
    page = client.get(reverse("outcomes:person", args=[intro.pk])).content.decode()
    assert "Links sent" in page and "Delivered" in page and "Send it again" not in page


def test_a_failed_link_says_why_in_words_and_can_be_sent_again(client, personas, receipts, outbox):
    intro, link = sent_link(personas)
    assert receipt(client, "permanent-failure").status_code == 200
    login(client, personas.hub_worker)
    page = client.get(reverse("outcomes:person", args=[intro.pk])).content.decode()
    assert "Not delivered" in page
    assert "The phone number or e-mail address does not exist" in page
    again = reverse("outcomes:send_link_again", args=[intro.pk, link.pk])
    assert again in page
    response = client.post(again)
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.withdrawn_at is not None
    newer = ResponseLink.objects.exclude(pk=link.pk).get(introduction=intro)
    assert (newer.measure, newer.occasion) == (link.measure, link.occasion)
    assert newer.message.status == Message.Status.SENT and len(outbox) == 2
    # The old one cannot be sent again twice over.
    client.post(again)
    assert ResponseLink.objects.filter(introduction=intro).count() == 2


def test_a_link_that_was_delivered_cannot_be_sent_again(client, personas, receipts):
    intro, link = sent_link(personas)
    receipt(client, "delivered")
    login(client, personas.hub_worker)
    client.post(reverse("outcomes:send_link_again", args=[intro.pk, link.pk]))
    assert ResponseLink.objects.filter(introduction=intro).count() == 1


def test_an_unrelated_worker_cannot_send_a_link_again(client, personas, receipts):
    intro, link = sent_link(personas)
    receipt(client, "permanent-failure")
    login(client, personas.unrelated_worker)
    response = client.post(reverse("outcomes:send_link_again", args=[intro.pk, link.pk]))
    assert response.status_code == 404
    assert ResponseLink.objects.filter(introduction=intro).count() == 1


def test_bad_receipts_get_a_clear_400_and_change_nothing(client, personas, receipts):
    _intro, link = sent_link(personas)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    assert client.post(URL, "not json", content_type="application/json", headers=headers).json()
    assert (
        client.post(URL, "not json", content_type="application/json", headers=headers).status_code
        == 400
    )
    assert receipt(client, "exploded").status_code == 400
    assert receipt(client, "delivered", gateway_id="not-ours").json() == {"recorded": False}
    link.message.refresh_from_db()
    assert link.message.status == Message.Status.SENT


def test_a_link_sent_without_receipts_says_sent_and_with_notify_waits_for_delivery(
    client, personas, receipts
):
    intro, link = sent_link(personas)
    login(client, personas.hub_worker)
    url = reverse("outcomes:person", args=[intro.pk])
    assert "waiting for delivery" not in client.get(url).content.decode()  # no receipt will come
    Message.objects.filter(pk=link.message_id).update(backend="notify")
    assert "Sent, waiting for delivery" in client.get(url).content.decode()
