"""Deciding whether two records are one person is the Hub's (access/permissions.py): a merge moves
introductions, and with them every relationship, from one person to the other, so a team lead
whose team holds one record must not be able to join it to another and read that one's history
(the same kind of hole as "Close the holes", item 1)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests import factories
from tests.outcomes_support import in_support

from livingwell.access.models import AuditEvent
from livingwell.access.permissions import NotPermitted
from livingwell.access.relationships import relationship
from livingwell.accounts.models import Role
from livingwell.hub import actions as hub
from livingwell.people import actions
from livingwell.people.models import Person, PossibleMatch

pytestmark = pytest.mark.django_db


def _pair(personas):
    """An earlier record, and a new one the community team holds."""
    same = factories.person_details(given_name="Mo", family_name="Ali", postcode="SE5 7AB")
    old = factories.introduction(person=dict(same))
    new = in_support(personas.hub_worker, person=dict(same))
    lead = factories.user("community_lead", team=personas.community_team, role=Role.TEAM_LEAD)
    hub.allocate_key_worker(
        by=personas.hub_worker,
        introduction=new,
        key_worker=personas.key_worker,
        team=personas.community_team,
    )
    match = PossibleMatch.objects.get(new_person=new.person, existing_person=old.person)
    return old, new, lead, match


def test_a_team_lead_outside_the_hub_cannot_open_or_decide_a_possible_match(client, personas):
    old, new, lead, match = _pair(personas)
    assert relationship(lead, new.person).basis == "care_team"
    assert relationship(lead, old.person) is None  # the earlier record is not theirs to read
    factories.login(client, lead)

    page = client.get(reverse("people:match", args=[match.pk]))
    decide = client.post(reverse("people:match_decide", args=[match.pk]), {"decision": "merge"})

    assert page.status_code == decide.status_code == 404
    assert "Ali" not in page.content.decode()
    assert AuditEvent.objects.filter(actor=lead, outcome="refused").count() == 2
    assert not AuditEvent.objects.filter(actor=lead, action="read", outcome="allowed").exists()
    with pytest.raises(NotPermitted):
        actions.merge(by=lead, match=match)
    with pytest.raises(NotPermitted):
        actions.mark_not_same(by=lead, match=match)
    assert Person.objects.get(pk=new.person_id).merged_into_id is None
    match.refresh_from_db()
    assert match.state == "open"


def test_the_hub_decides_a_possible_match(client, personas):
    _old, new, _lead, match = _pair(personas)
    factories.login(client, personas.hub_worker)
    assert client.get(reverse("people:match", args=[match.pk])).status_code == 200
    response = client.post(reverse("people:match_decide", args=[match.pk]), {"decision": "merge"})
    assert response.status_code == 302
    match.refresh_from_db()
    assert match.state == "merged"
    # After the merge the Hub still holds the moved introduction, so it can undo it.
    actions.undo_merge(by=personas.hub_worker, match=match)
    assert Person.objects.get(pk=new.person_id).merged_into_id is None
