"""Security issue "Close the holes", item 7: each handover step and taking ownership names who
may take it (the offering side, the receiving side, the Hub) in access/permissions.py, and the
action holds to it whoever calls it (a page, a command, a test)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests import factories
from tests.integration.access.access_helpers import build_shared_record

from livingwell.access.models import AuditEvent
from livingwell.access.permissions import HANDOVER_STEPS, NotPermitted, Side
from livingwell.hub import actions as hub
from livingwell.hub.models import Handover

pytestmark = pytest.mark.django_db


def _offer(shared, org):
    return hub.offer_handover(
        by=shared.personas.hub_worker,
        introduction=shared.intro,
        to_organisation=org,
        what_is_asked="Debt advice.",
    )


def _advance(client, handover, to_state):
    return client.post(reverse("hub:handover_advance", args=[handover.pk]), {"to_state": to_state})


def test_a_partner_cannot_withdraw_another_organisations_offer(client, personas):
    shared = build_shared_record(personas)  # Riverside Mind holds an accepted handover
    offer = _offer(shared, personas.other_vcs)
    partner = personas.partner_worker
    factories.login(client, partner)

    response = _advance(client, offer, "withdrawn")

    assert response.status_code == 404
    offer.refresh_from_db()
    assert offer.state == "offered"
    refused = AuditEvent.objects.get(action="handover.withdrawn")
    assert refused.outcome == "refused" and refused.actor == partner
    assert refused.person_id == shared.person.pk
    with pytest.raises(NotPermitted):
        hub.advance_handover(by=partner, handover=offer, to_state="withdrawn")
    offer.refresh_from_db()
    assert offer.state == "offered"


def test_a_partner_cannot_take_ownership_of_an_introduction(client, personas):
    shared = build_shared_record(personas)
    owner = shared.intro.owner
    partner = personas.partner_worker
    factories.login(client, partner)
    response = client.post(reverse("hub:own", args=[shared.intro.pk]))
    assert response.status_code in {403, 404}
    shared.intro.refresh_from_db()
    assert shared.intro.owner == owner
    with pytest.raises(NotPermitted):
        hub.take_ownership(by=partner, introduction=shared.intro)
    shared.intro.refresh_from_db()
    assert shared.intro.owner == owner
    assert not AuditEvent.objects.filter(action="introduction.own").exists()


def test_a_key_worker_outside_the_hub_cannot_take_ownership(client, personas):
    shared = build_shared_record(personas)
    factories.login(client, personas.key_worker)
    assert client.post(reverse("hub:own", args=[shared.intro.pk])).status_code == 404
    with pytest.raises(NotPermitted):
        hub.take_ownership(by=personas.key_worker, introduction=shared.intro)


def test_the_hub_takes_ownership(client, personas):
    shared = build_shared_record(personas)
    colleague = factories.user("hub_colleague", team=personas.hub_team, role="hub_worker")
    factories.login(client, colleague)
    assert client.post(reverse("hub:own", args=[shared.intro.pk])).status_code == 302
    shared.intro.refresh_from_db()
    assert shared.intro.owner == colleague


def test_the_receiving_side_declines_rather_than_withdraws(client, personas):
    shared = build_shared_record(personas)
    offer = _offer(shared, personas.other_vcs)
    factories.login(client, personas.unrelated_worker)  # works for the receiving organisation
    assert _advance(client, offer, "withdrawn").status_code == 404
    offer.refresh_from_db()
    assert offer.state == "offered"


def test_the_offering_side_cannot_answer_its_own_offer(personas):
    shared = build_shared_record(personas)
    offer = _offer(shared, personas.other_vcs)
    with pytest.raises(NotPermitted):
        hub.respond_to_handover(by=personas.key_worker, handover=offer, accept=True)
    offer.refresh_from_db()
    assert offer.state == "offered"


def test_another_organisation_cannot_answer_an_offer(personas):
    shared = build_shared_record(personas)
    offer = _offer(shared, personas.other_vcs)
    with pytest.raises(NotPermitted):
        hub.respond_to_handover(by=personas.partner_worker, handover=offer, accept=True)


def test_a_partner_cannot_mark_another_organisations_handover_started(client, personas):
    shared = build_shared_record(personas)
    offer = _offer(shared, personas.other_vcs)
    hub.respond_to_handover(by=personas.unrelated_worker, handover=offer, accept=True)
    factories.login(client, personas.partner_worker)
    assert _advance(client, offer, "started").status_code == 404
    offer.refresh_from_db()
    assert offer.state == "accepted"
    # The receiving organisation and the Hub may.
    factories.login(client, personas.unrelated_worker)
    assert _advance(client, offer, "started").status_code == 302
    factories.login(client, personas.hub_worker)
    assert _advance(client, offer, "completed").status_code == 302
    offer.refresh_from_db()
    assert offer.state == "completed"


def test_only_the_offering_side_carries_on_after_a_decline(client, personas):
    shared = build_shared_record(personas)
    offer = _offer(shared, personas.other_vcs)
    hub.respond_to_handover(
        by=personas.unrelated_worker, handover=offer, accept=False, reason="Service is full."
    )
    url = reverse("hub:handover_acknowledge", args=[offer.pk])
    factories.login(client, personas.partner_worker)
    assert client.post(url, {"note": "We will carry on."}).status_code == 404
    with pytest.raises(NotPermitted):
        hub.acknowledge_declined_handover(
            by=personas.partner_worker, handover=offer, note="We will carry on."
        )
    offer.refresh_from_db()
    assert offer.returned_handled_at is None
    factories.login(client, personas.key_worker)
    assert client.post(url, {"note": "Weekly calls instead."}).status_code == 302
    offer.refresh_from_db()
    assert offer.returned_handled_at is not None


def test_every_handover_step_names_who_may_take_it():
    assert set(HANDOVER_STEPS) == {str(s) for s in Handover.State} | {"acknowledged"}
    for step, sides in HANDOVER_STEPS.items():
        assert sides and sides <= set(Side), step


def test_the_record_shows_each_side_only_the_steps_it_may_take(client, personas):
    shared = build_shared_record(personas)  # Riverside Mind's handover is accepted
    offer = _offer(shared, personas.other_vcs)
    record = reverse("hub:record", args=[shared.intro.pk])
    withdraw = f'action="{reverse("hub:handover_advance", args=[offer.pk])}"'
    start = f'action="{reverse("hub:handover_advance", args=[shared.handover.pk])}"'

    factories.login(client, personas.partner_worker)
    page = client.get(record).content.decode()
    assert start in page and "Mark support started" in page  # their own handover
    assert withdraw not in page and "Withdraw" not in page  # another organisation's offer

    factories.login(client, personas.key_worker)
    page = client.get(record).content.decode()
    assert withdraw in page and start not in page

    factories.login(client, personas.hub_worker)
    page = client.get(record).content.decode()
    assert withdraw in page and start in page
