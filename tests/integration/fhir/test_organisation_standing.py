"""An organisation's standing holds what its current workers together hold, and nothing
personal: the access rules asked for an organisation (access.memberships.organisation_standing)."""

from __future__ import annotations

import pytest
from django.utils import timezone
from tests.outcomes_support import in_support

from livingwell.access.memberships import organisation_standing
from livingwell.access.relationships import Basis, relationship, standing_relationship
from livingwell.accounts.models import Membership

pytestmark = pytest.mark.django_db


def test_a_workers_break_glass_gives_their_organisation_nothing(personas):
    from livingwell.access import actions

    intro = in_support(personas.hub_worker)
    actions.start_break_glass(
        by=personas.unrelated_worker, person=intro.person, reason="Called by police, at risk now."
    )
    assert relationship(personas.unrelated_worker, intro.person).basis == Basis.BREAK_GLASS
    assert standing_relationship(organisation_standing(personas.other_vcs.pk), intro.person) is None


def test_the_key_workers_organisation_holds_the_care_team_relationship(personas):
    from livingwell.hub import actions as hub

    intro = in_support(personas.hub_worker)
    hub.allocate_key_worker(
        by=personas.hub_worker,
        introduction=intro,
        key_worker=personas.key_worker,
        team=personas.community_team,
    )
    rel = standing_relationship(organisation_standing(personas.trust.pk), intro.person)
    assert rel.basis == Basis.HUB  # the trust's Hub team holds the door open: strongest first
    hub.close(by=personas.hub_worker, introduction=intro, reason="person_declined")


def test_an_organisation_whose_workers_have_all_left_holds_nothing(personas):
    from livingwell.hub import actions as hub

    intro = in_support(personas.hub_worker)
    handover = hub.offer_handover(
        by=personas.hub_worker, introduction=intro, to_organisation=personas.vcs, what_is_asked="x"
    )
    hub.respond_to_handover(by=personas.partner_worker, handover=handover, accept=True)
    standing = organisation_standing(personas.vcs.pk)
    assert standing_relationship(standing, intro.person).basis == Basis.PARTNER_HANDOVER
    Membership.objects.filter(organisation=personas.vcs).update(ended_at=timezone.now())
    assert standing_relationship(organisation_standing(personas.vcs.pk), intro.person) is None


def test_a_worker_of_two_organisations_gives_neither_what_is_personal_to_them(personas):
    """A worker of Riverside Mind (their first organisation) and the council is key worker in
    the council team and writes an entry restricted to their team: it is the council team's
    (hub.actions files work under the membership the relationship runs through). The council's
    system holds the care team relationship and, through that team, the entry; Riverside Mind's
    system holds no relationship at all, though the key worker is one of its workers (found by
    the parity test, test_rule_parity.py)."""
    from tests import factories

    from livingwell.access.sharing import standing_sharing_view, visible_authoring_filter
    from livingwell.accounts.models import Role
    from livingwell.hub import actions as hub
    from livingwell.hub.models import Contact

    council_team = factories.team(personas.council, "Council Wellbeing Team")
    both = factories.user("both_worker", team=personas.vcs_team, role=Role.PARTNER_WORKER)
    Membership.objects.create(
        user=both, organisation=personas.council, team=council_team, role=Role.PEER_WORKER
    )
    intro = in_support(personas.hub_worker)
    hub.allocate_key_worker(
        by=personas.hub_worker, introduction=intro, key_worker=both, team=council_team
    )
    contact = hub.record_contact(
        by=both, introduction=intro, outcome="attended", mode="phone", restricted=True
    )
    assert contact.team_id == council_team.pk
    council = organisation_standing(personas.council.pk)
    assert standing_relationship(council, intro.person).basis == Basis.CARE_TEAM
    view = standing_sharing_view(council, intro.person)
    visible = Contact.objects.filter(visible_authoring_filter(None, intro.person, view=view))
    assert visible.filter(pk=contact.pk).exists()
    assert standing_relationship(organisation_standing(personas.vcs.pk), intro.person) is None
