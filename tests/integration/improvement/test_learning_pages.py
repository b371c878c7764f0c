"""Learning responses: raised by any partner, SEIPS factors, safety actions, the thematic view,
the personal-data check, and the record's access rules on every page of a response about a
person (the access matrix)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from django.urls import reverse
from tests import factories
from tests.integration.access.access_helpers import build_shared_record

from livingwell.access.models import AuditEvent
from livingwell.improvement import actions
from livingwell.improvement.models import LearningResponse, SafetyAction
from livingwell.improvement.queries import overdue_safety_actions

pytestmark = pytest.mark.django_db


def raise_one(by, **kw):
    values = dict(
        kind="aar",
        event_kind="near_miss",
        title="Urgent call not returned the same day",
        event_date=date(2026, 11, 2),
    )
    values.update(kw)
    return actions.raise_response(by=by, **values)


@pytest.fixture
def linked(personas):
    shared = build_shared_record(personas)
    response = raise_one(personas.hub_worker, introduction=shared.intro)
    action = actions.add_safety_action(
        by=personas.hub_worker,
        response=response,
        description="Add a second daily check of the urgent list",
        owner=personas.partner_worker,
        due_date=date.today() - timedelta(days=3),
        measure="Urgent introductions answered the same day",
    )
    return shared, response, action


def pages(response, action):
    r = {"response_id": response.pk}
    return {
        "response": reverse("improvement:response", kwargs=r),
        "answers": reverse("improvement:answers", kwargs=r),
        "factor_add": reverse("improvement:factor_add", kwargs=r),
        "action_add": reverse("improvement:action_add", kwargs=r),
        "summary": reverse("improvement:summary", kwargs=r),
        "action_to_idea": reverse("improvement:action_to_idea", kwargs={"action_id": action.pk}),
    }


# (persona, expected status on every page of a response about the person). The partner owns the
# safety action and also holds an accepted handover; the unrelated worker has the role but no
# relationship; the analyst and the privacy officer have no learning role.
MATRIX = [
    ("hub_worker", 200),
    ("key_worker", 200),
    ("partner_worker", 200),
    ("unrelated_worker", 404),
    ("analyst", 403),
    ("privacy_officer", 403),
]


@pytest.mark.parametrize("persona,status", MATRIX, ids=[m[0] for m in MATRIX])
def test_access_matrix_for_a_response_about_a_person(client, personas, linked, persona, status):
    shared, response, action = linked
    factories.login(client, getattr(personas, persona))
    for name, address in pages(response, action).items():
        if name == "action_to_idea" and persona == "partner_worker":
            continue  # the owner reaches their own action whatever the relationship
        got = client.get(address)
        assert got.status_code == status, (name, got.status_code)
        if status != 200:
            assert b"Urgent call not returned" not in got.content
            assert shared.person.given_name.encode() not in got.content


def test_no_relationship_looks_the_same_as_no_such_response(client, personas, linked):
    _shared, response, _action = linked
    factories.login(client, personas.unrelated_worker)
    real = client.get(reverse("improvement:response", kwargs={"response_id": response.pk}))
    missing = client.get(reverse("improvement:response", kwargs={"response_id": uuid.uuid4()}))
    assert real.status_code == missing.status_code == 404
    assert (
        AuditEvent.objects.filter(
            category="learning_response", outcome="refused", actor=personas.unrelated_worker
        ).count()
        == 2
    )


def test_a_read_of_a_response_about_a_person_is_in_their_access_log(client, personas, linked):
    shared, response, _action = linked
    factories.login(client, personas.key_worker)
    client.get(reverse("improvement:response", kwargs={"response_id": response.pk}))
    assert AuditEvent.objects.filter(
        action="read",
        category="learning_response",
        person_id=shared.person.pk,
        actor=personas.key_worker,
    ).exists()


def test_lists_and_themes_leave_out_responses_about_people_the_user_does_not_work_with(
    client, personas, linked
):
    _shared, response, _action = linked
    actions.add_factor(
        by=personas.hub_worker,
        response=response,
        seips="tools",
        effect="contributed",
        description="The urgent list did not refresh",
    )
    open_one = raise_one(personas.unrelated_worker, title="Leaflets out of date")
    actions.add_factor(
        by=personas.unrelated_worker,
        response=open_one,
        seips="tools",
        effect="went_well",
        description="The new printer worked",
    )
    factories.login(client, personas.unrelated_worker)
    listed = client.get(reverse("improvement:responses")).content.decode()
    assert "Leaflets out of date" in listed and "Urgent call not returned" not in listed
    themes = client.get(reverse("improvement:themes"), {"start": "2026-01-01"}).content.decode()
    assert "Leaflets out of date" in themes and "Urgent call not returned" not in themes
    assert "and 1 about a person you do not work with" in themes
    factories.login(client, personas.hub_worker)
    themes = client.get(reverse("improvement:themes"), {"start": "2026-01-01"}).content.decode()
    assert "Urgent call not returned" in themes and "Leaflets out of date" in themes


def test_the_thematic_view_counts_factors_by_part_of_the_work_system(client, personas):
    by = personas.hub_worker
    first = raise_one(by)
    second = raise_one(by, kind="swarm", title="Handover letter sent to old address")
    for response, seips, effect in (
        (first, "tools", "contributed"),
        (first, "organisation", "contributed"),
        (second, "tools", "contributed"),
        (second, "person", "went_well"),
    ):
        actions.add_factor(
            by=by, response=response, seips=seips, effect=effect, description="A factor"
        )
    factories.login(client, by)
    page = client.get(reverse("improvement:themes"), {"start": "2026-01-01"}).content.decode()
    row = page[page.index('data-seips="tools"') :]
    row = row[: row.index("</tr>")]
    assert '<td class="nhsuk-table__cell nhsuk-table__cell--numeric" data-contributed>2' in row
    assert "Handover letter sent to old address" in row and "Urgent call not returned" in row


def test_an_overdue_safety_action_is_on_its_owners_list(client, personas, linked):
    _shared, _response, action = linked
    assert list(overdue_safety_actions(personas.partner_worker)) == [action]
    assert list(overdue_safety_actions(personas.hub_worker)) == []
    factories.login(client, personas.partner_worker)
    page = client.get(reverse("improvement:my_actions")).content.decode()
    assert "Add a second daily check of the urgent list" in page
    assert "1 overdue" in page
    client.post(reverse("improvement:action_done", kwargs={"action_id": action.pk}))
    assert SafetyAction.objects.get(pk=action.pk).status == "done"
    assert list(overdue_safety_actions(personas.partner_worker)) == []


def test_any_partner_can_raise_a_response_and_link_it_by_reference(client, personas):
    intro = factories.introduction()
    from livingwell.hub import actions as hub

    hub.take_ownership(by=personas.hub_worker, introduction=intro)
    factories.login(client, personas.hub_worker)
    new = reverse("improvement:response_new")
    base = {
        "kind": "aar",
        "event_kind": "near_miss",
        "title": "Call-back missed",
        "event_date": "2026-11-20",
    }
    response = client.post(new, {**base, "reference": "NOPE-1234"})
    assert "There is no introduction you can open with that reference" in response.content.decode()
    assert not LearningResponse.objects.exists()
    response = client.post(new, {**base, "reference": intro.reference})
    assert response.status_code == 302
    assert LearningResponse.objects.get().introduction == intro
    # The unrelated worker cannot link to a person they do not work with.
    factories.login(client, personas.unrelated_worker)
    response = client.post(new, {**base, "reference": intro.reference})
    assert "There is no introduction you can open" in response.content.decode()


def test_the_summary_is_checked_for_personal_data_before_it_is_shared(client, personas, linked):
    shared, response, _action = linked
    factories.login(client, personas.hub_worker)
    address = reverse("improvement:summary", kwargs={"response_id": response.pk})
    person = shared.person
    with_nhs = client.post(address, {"learning_summary": "NHS number 943 476 5919 was missed."})
    assert "an NHS number" in with_nhs.content.decode()
    assert "<title>Error: " in with_nhs.content.decode()
    born = client.post(
        address, {"learning_summary": f"Born {person.date_of_birth:%d/%m/%Y}; call missed."}
    )
    assert "date of birth" in born.content.decode()
    named = {"learning_summary": f"{person.given_name} waited too long for a call-back."}
    response_named = client.post(address, named)
    assert "the person&#x27;s first name" in response_named.content.decode()
    assert not LearningResponse.objects.get(pk=response.pk).shared_at
    # A name can be confirmed as an ordinary word; an NHS number never can.
    client.post(address, {"learning_summary": "NHS number 9434765919.", "names_checked": "on"})
    assert not LearningResponse.objects.get(pk=response.pk).shared_at
    client.post(address, {**named, "names_checked": "on"})
    assert LearningResponse.objects.get(pk=response.pk).shared_at
    clean = "Urgent lists need a second check at midday."
    client.post(address, {"learning_summary": clean})
    assert LearningResponse.objects.get(pk=response.pk).learning_summary == clean


def test_a_safety_action_becomes_a_change_idea(client, personas, linked):
    from tests.improvement_support import build_project

    _shared, _response, action = linked
    built = build_project(personas.hub_worker)
    factories.login(client, personas.hub_worker)
    address = reverse("improvement:action_to_idea", kwargs={"action_id": action.pk})
    missing = client.post(address, {"text": "Second check"})
    assert "Choose the project and driver" in missing.content.decode()
    client.post(address, {"driver": built.secondary.pk, "text": "Second check at midday"})
    idea = built.project.change_ideas.get(text="Second check at midday")
    assert idea.from_safety_action == action


def test_an_overdue_safety_action_shows_on_its_owners_board(client, personas):
    response = raise_one(personas.hub_worker)
    actions.add_safety_action(
        by=personas.hub_worker,
        response=response,
        description="Add a second daily check of the urgent list",
        owner=personas.key_worker,
        due_date=date.today() - timedelta(days=3),
        measure="Urgent introductions answered the same day",
    )
    factories.login(client, personas.key_worker)
    board = client.get(reverse("hub:board")).content.decode()
    assert 'id="overdue-safety-actions"' in board
    assert "You own 1 safety action from a learning response that is past its due date." in board
    assert reverse("improvement:my_actions") in board
    # Nobody else's board mentions it.
    factories.login(client, personas.hub_worker)
    assert 'id="overdue-safety-actions"' not in client.get(reverse("hub:board")).content.decode()
