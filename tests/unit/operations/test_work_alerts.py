"""Alerts to workers about handovers with no reply and overdue safety actions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from tests.outcomes_support import in_support

from livingwell.hub.actions import offer_handover
from livingwell.improvement import actions as improvement
from livingwell.notifications.models import Message
from livingwell.operations import alerts, tasks


@pytest.fixture
def outbox(settings):
    from livingwell.core.messaging import MemoryBackend

    settings.LIVINGWELL_MESSAGE_BACKEND = "livingwell.core.messaging.MemoryBackend"
    MemoryBackend.outbox.clear()
    yield MemoryBackend.outbox
    MemoryBackend.outbox.clear()


def waiting_work_for(personas):
    hub = personas.hub_worker
    hub.email, personas.partner_worker.email = "hub@example.org", "partner@example.org"
    hub.save(update_fields=["email"])
    personas.partner_worker.save(update_fields=["email"])
    intro = in_support(hub)
    offer_handover(
        by=hub,
        introduction=intro,
        to_organisation=personas.vcs,
        what_is_asked="Peer support",
        at=timezone.now() - timedelta(days=30),
    )
    response = improvement.raise_response(
        by=hub,
        kind="aar",
        event_kind="near_miss",
        title="Urgent call not returned the same day",
        event_date=date(2026, 11, 2),
    )
    for owner in (hub, personas.partner_worker):
        improvement.add_safety_action(
            by=hub,
            response=response,
            description="Add a second daily check of the urgent list",
            owner=owner,
            due_date=timezone.localdate() - timedelta(days=3),
            measure="Urgent introductions answered the same day",
        )
    return intro


def test_each_worker_with_work_waiting_gets_one_alert_a_day_naming_no_one(personas, outbox):
    intro = waiting_work_for(personas)
    assert tasks.send_work_alerts.enqueue().return_value == 2
    by_address = {m.to: m for m in outbox}
    assert set(by_address) == {"hub@example.org", "partner@example.org"}
    hub_alert = by_address["hub@example.org"].body
    assert "1 handover you offered has had no reply" in hub_alert
    assert "1 safety action you own is overdue" in hub_alert
    assert "http://testserver/hub/" in hub_alert
    partner_alert = by_address["partner@example.org"].body
    assert "handover" not in partner_alert and "1 safety action" in partner_alert
    person = intro.person
    for message in outbox:
        for personal in (person.given_name, person.family_name, intro.reference, "Urgent call"):
            assert personal not in message.body and personal not in message.subject
    assert Message.objects.filter(kind="work_alert", status="sent").count() == 2
    # The next run the same day sends nothing more.
    assert alerts.send_due_alerts() == 0 and len(outbox) == 2


def test_no_alert_without_waiting_work_or_an_address(personas, outbox):
    assert alerts.send_due_alerts() == 0
    waiting_work_for(personas)
    personas.partner_worker.email = ""
    personas.partner_worker.save(update_fields=["email"])
    assert alerts.send_due_alerts() == 1
