"""Security issue "Close the holes", item 1: a relationship that passes (break-glass, a handover
offer, an accepted partner handover that will end) cannot be turned into lasting access.

Only a worker with a lasting relationship of their own (the Hub while it holds the person's door
open, the key worker, the key worker's team) records the person's sharing choices; a choice that
widens access is kept as the person's decision, with who recorded it and how the person told them.
Nothing else reachable under break-glass or a summary-only relationship hands out access either.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests import factories
from tests.integration.access.access_helpers import build_shared_record

from livingwell.access import actions
from livingwell.access.models import AuditEvent, SafeguardingOverride, SharingPreference
from livingwell.access.relationships import relationship
from livingwell.accounts.models import Role
from livingwell.hub import actions as hub
from livingwell.hub.models import Allocation, Handover

pytestmark = pytest.mark.django_db

EMERGENCY = "Found collapsed at the centre, need the safety plan."
OPEN_FOR = {"share_out": "yes", "share_in": "yes", "open_record": "on", "expressed": "in_person"}


def _sharing_url(shared):
    return reverse("access:sharing", args=[shared.intro.pk])


def _colleague_of(personas, team, username="colleague"):
    """Someone else in the same organisation, with no relationship of their own."""
    return factories.user(username, team=team, role=Role.KEY_WORKER)


def _refused_last(user):
    event = AuditEvent.objects.filter(actor=user).last()
    return event is not None and event.outcome == "refused"


def test_break_glass_cannot_open_the_record_to_the_workers_organisation(client, personas):
    shared = build_shared_record(personas)
    worker = personas.unrelated_worker
    colleague = _colleague_of(personas, personas.other_team)
    actions.start_break_glass(by=worker, person=shared.person, reason=EMERGENCY)
    factories.login(client, worker)

    response = client.post(
        _sharing_url(shared), {"organisation": personas.other_vcs.pk, **OPEN_FOR}
    )

    assert response.status_code == 404
    assert shared.person.given_name not in response.content.decode()
    assert _refused_last(worker)
    assert not SharingPreference.objects.exists()
    assert relationship(colleague, shared.person) is None
    with pytest.raises(actions.AccessError):
        actions.set_sharing(
            by=worker,
            person=shared.person,
            organisation=personas.other_vcs,
            share_out=True,
            share_in=True,
            open_record=True,
            expressed="in_person",
        )
    assert not SharingPreference.objects.exists()


def test_a_partner_whose_handover_will_end_cannot_record_sharing_choices(client, personas):
    shared = build_shared_record(personas)
    partner = personas.partner_worker
    assert relationship(partner, shared.person).basis == "partner_handover"
    factories.login(client, partner)

    response = client.post(_sharing_url(shared), {"organisation": personas.vcs.pk, **OPEN_FOR})

    assert response.status_code == 404
    assert not SharingPreference.objects.exists()
    with pytest.raises(actions.AccessError):
        actions.set_sharing(
            by=partner,
            person=shared.person,
            organisation=personas.vcs,
            share_out=True,
            share_in=True,
            open_record=True,
            expressed="in_person",
        )
    # When the handover ends, so does the partner's access: nothing they did outlives it.
    hub.advance_handover(by=partner, handover=shared.handover, to_state="started")
    hub.advance_handover(by=partner, handover=shared.handover, to_state="completed")
    assert relationship(partner, shared.person) is None


def test_a_handover_offer_cannot_record_sharing_choices(client, personas):
    shared = build_shared_record(personas)
    hub.offer_handover(
        by=personas.hub_worker,
        introduction=shared.intro,
        to_organisation=personas.other_vcs,
        what_is_asked="Debt advice.",
    )
    worker = personas.unrelated_worker
    assert relationship(worker, shared.person).basis == "handover_offer"
    factories.login(client, worker)
    response = client.post(
        _sharing_url(shared), {"organisation": personas.other_vcs.pk, **OPEN_FOR}
    )
    assert response.status_code == 404
    assert not SharingPreference.objects.exists()


@pytest.mark.parametrize("persona", ["hub_worker", "key_worker"])
def test_a_lasting_relationship_records_a_widening_choice_as_the_persons_decision(
    client, personas, persona
):
    shared = build_shared_record(personas)
    worker = getattr(personas, persona)
    factories.login(client, worker)
    url = _sharing_url(shared)

    # How the person told them is asked for: without it nothing is stored, typing is kept.
    missing = client.post(
        url,
        {
            "organisation": personas.other_vcs.pk,
            "share_out": "yes",
            "share_in": "yes",
            "open_record": "on",
            "note": "At the drop-in",
        },
    )
    body = missing.content.decode()
    assert missing.status_code == 200
    assert "Say how the person told you" in body and 'value="At the drop-in"' in body
    assert not SharingPreference.objects.exists()

    response = client.post(
        url, {"organisation": personas.other_vcs.pk, **OPEN_FOR, "note": "At the drop-in"}
    )
    assert response.status_code == 302
    pref = SharingPreference.objects.get()
    assert pref.open_record and pref.widens_access
    assert pref.expressed == "in_person" and pref.set_by == worker
    event = AuditEvent.objects.get(action="sharing.set")
    assert event.detail["widens_access"] is True and event.detail["expressed"] == "in_person"
    assert "drop-in" not in str(event.detail)  # the note stays out of the audit trail

    page = client.get(url).content.decode()
    assert f"The person's decision, told to {worker.display_name} in person" in page
    assert "widens who may see the record" in page


def test_the_action_asks_how_the_person_told_the_worker_when_a_choice_widens_access(personas):
    shared = build_shared_record(personas)
    kwargs = {"by": personas.key_worker, "person": shared.person, "organisation": personas.vcs}
    # Narrowing: an objection is honoured at once.
    objection = actions.set_sharing(**kwargs, share_out=False, share_in=True)
    assert objection.widens_access is False
    # Widening again (withdrawing the objection) is the person's decision, told to the worker.
    with pytest.raises(actions.AccessError, match="how the person told you"):
        actions.set_sharing(**kwargs, share_out=True, share_in=True)
    with pytest.raises(actions.AccessError, match="how the person told you"):
        actions.set_sharing(**kwargs, share_out=True, share_in=True, expressed="told by a friend")
    widened = actions.set_sharing(**kwargs, share_out=True, share_in=True, expressed="phone")
    assert widened.widens_access and widened.expressed == "phone"


def test_a_safeguarding_override_is_refused_under_break_glass(client, personas):
    shared = build_shared_record(personas)
    actions.set_sharing(
        by=personas.key_worker,
        person=shared.person,
        organisation=personas.trust,
        share_out=False,
        share_in=True,
    )
    worker = personas.unrelated_worker
    actions.start_break_glass(by=worker, person=shared.person, reason=EMERGENCY)
    factories.login(client, worker)
    url = reverse("access:override", args=[shared.intro.pk])
    response = client.post(url, {"reason": "Disclosure of harm to a child at home."})
    assert response.status_code == 404
    assert not SafeguardingOverride.objects.exists()
    with pytest.raises(actions.AccessError):
        actions.record_safeguarding_override(
            by=worker, person=shared.person, reason="Disclosure of harm at home."
        )


def test_break_glass_cannot_allocate_the_worker_as_key_worker(client, personas):
    shared = build_shared_record(personas)
    lead = factories.user("elsewhere_lead", team=personas.other_team, role=Role.TEAM_LEAD)
    actions.start_break_glass(by=lead, person=shared.person, reason=EMERGENCY)
    membership = lead.memberships.get()
    factories.login(client, lead)
    response = client.post(
        reverse("hub:allocate", args=[shared.intro.pk]),
        {"membership": membership.pk, "reason": "Taking this on myself."},
    )
    assert response.status_code == 404
    assert not Allocation.objects.filter(key_worker=lead).exists()
    with pytest.raises(ValueError):
        hub.allocate_key_worker(
            by=lead,
            introduction=shared.intro,
            key_worker=lead,
            team=personas.other_team,
            reason="Taking this on myself.",
        )
    assert not Allocation.objects.filter(key_worker=lead).exists()


def test_break_glass_cannot_hand_the_person_over_to_the_workers_organisation(client, personas):
    shared = build_shared_record(personas)
    worker = personas.unrelated_worker
    actions.start_break_glass(by=worker, person=shared.person, reason=EMERGENCY)
    factories.login(client, worker)
    response = client.post(
        reverse("hub:handover_new"),
        {
            "introduction": shared.intro.pk,
            "to_organisation": personas.other_vcs.pk,
            "what_is_asked": "Support from us from now on.",
        },
    )
    assert response.status_code == 404
    assert not Handover.objects.filter(to_organisation=personas.other_vcs).exists()
    with pytest.raises(ValueError):
        hub.offer_handover(
            by=worker,
            introduction=shared.intro,
            to_organisation=personas.other_vcs,
            what_is_asked="Support from us from now on.",
        )
    assert not Handover.objects.filter(to_organisation=personas.other_vcs).exists()


def test_the_record_links_only_to_what_the_relationship_allows(client, personas):
    shared = build_shared_record(personas)
    actions.set_sharing(
        by=personas.key_worker,
        person=shared.person,
        organisation=personas.vcs,
        share_out=False,
        share_in=True,
    )
    record = reverse("hub:record", args=[shared.intro.pk])
    sharing = f'href="{_sharing_url(shared)}"'
    override = f'href="{reverse("access:override", args=[shared.intro.pk])}"'

    factories.login(client, personas.key_worker)
    page = client.get(record).content.decode()
    assert sharing in page

    actions.start_break_glass(by=personas.unrelated_worker, person=shared.person, reason=EMERGENCY)
    factories.login(client, personas.unrelated_worker)
    page = client.get(record).content.decode()
    assert "is not shared with you" in page  # Riverside Mind's entries are hidden from them
    assert sharing not in page and override not in page
    assert reverse("hub:plan", args=[shared.intro.pk]) not in page
    assert reverse("hub:contact", args=[shared.intro.pk]) in page

    factories.login(client, personas.partner_worker)
    page = client.get(record).content.decode()
    assert sharing not in page
