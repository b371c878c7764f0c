"""A worker of two organisations records the work they do for one as that organisation's: a
contact, a first conversation and a handover are filed under the membership the relationship
with the person runs through (access.memberships.acting_membership), not their first."""

from __future__ import annotations

import pytest
from tests import factories
from tests.outcomes_support import in_support

from livingwell.accounts.models import Membership, Role
from livingwell.hub import actions as hub
from livingwell.hub.models import Tier
from livingwell.intake.models import Introduction

pytestmark = pytest.mark.django_db


def _worker_of_two(personas, name: str, first_team, first_role, second_team, second_role):
    worker = factories.user(name, team=first_team, role=first_role)
    Membership.objects.create(
        user=worker, organisation=second_team.organisation, team=second_team, role=second_role
    )
    return worker


def _council_key_worker_from_riverside(personas):
    """A worker of Riverside Support first and of a council team second, key worker for a person
    in the council team: (the worker, the council team, the introduction)."""
    council_team = factories.team(personas.council, "Council Wellbeing Team")
    both = _worker_of_two(
        personas,
        "both_worker",
        personas.vcs_team,
        Role.PARTNER_WORKER,
        council_team,
        Role.PEER_WORKER,
    )
    intro = in_support(personas.hub_worker)
    hub.allocate_key_worker(
        by=personas.hub_worker, introduction=intro, key_worker=both, team=council_team
    )
    return both, council_team, intro


def test_a_contact_is_filed_under_the_team_the_person_is_allocated_to(personas):
    both, council_team, intro = _council_key_worker_from_riverside(personas)
    contact = hub.record_contact(
        by=both, introduction=intro, outcome="attended", mode="phone", restricted=True
    )
    assert (contact.organisation_id, contact.team_id) == (personas.council.pk, council_team.pk)


def test_a_first_conversation_held_for_the_hub_is_the_hubs(personas):
    # First a partner's worker, then also in the Hub: the conversation is the Hub's work.
    both = _worker_of_two(
        personas,
        "hub_and_vcs",
        personas.vcs_team,
        Role.PARTNER_WORKER,
        personas.hub_team,
        Role.HUB_WORKER,
    )
    intro = factories.introduction()
    assert intro.state == Introduction.State.NEW
    conversation = hub.record_first_conversation(
        by=both,
        introduction=intro,
        tier=Tier.objects.get(slug="short-term"),
        fields={
            "mode": "phone",
            "whats_happening": "Low mood since losing work.",
            "what_matters": "Getting back to work.",
            "next_step": "Meet next week.",
        },
    )
    assert conversation.team_id == personas.hub_team.pk


def test_a_worker_of_one_organisation_files_as_before(personas):
    intro = in_support(personas.hub_worker)
    contact = hub.record_contact(
        by=personas.hub_worker, introduction=intro, outcome="attended", mode="phone"
    )
    assert contact.team_id == personas.hub_team.pk


def test_the_audit_names_the_role_and_organisation_the_worker_acts_in_for_the_person(
    personas, client
):
    """What the person reads in "who looked at my record", and the privacy officer in the audit,
    name the organisation the worker works with them for, not the worker's first."""
    from livingwell.access.models import AuditEvent

    both, council_team, intro = _council_key_worker_from_riverside(personas)
    hub.record_contact(by=both, introduction=intro, outcome="attended", mode="phone")
    factories.login(client, both)
    assert client.get(f"/hub/introductions/{intro.pk}/").status_code == 200
    events = AuditEvent.objects.filter(actor=both, person_id=intro.person_id)
    read = events.filter(action="read").latest("at")
    contact = events.get(action="contact.record")
    for event in (read, contact):
        assert (event.acting_role, event.organisation_name) == (
            Role.PEER_WORKER,
            personas.council.name,
        ), event.action
