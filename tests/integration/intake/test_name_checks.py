"""Every form that takes a name uses the one rule (people.names): a name of invisible characters,
or holding a bidirectional override, is refused beside the field with nothing stored; a real name
is stored normalised (NFC, single spaces)."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from tests import factories
from tests.outcomes_support import in_support

from livingwell.hub.models import PlanVersion
from livingwell.intake.models import Introduction
from livingwell.people.actions import create_person
from livingwell.people.models import Person

pytestmark = pytest.mark.django_db

VALID = {
    "risk_now": "no",
    "whats_happening": "Low for months.",
    "given_name": "Priya",
    "family_name": "Shah",
    "postcode": "sw9 8aa",
    "phone": "07700 900111",
    "submission_key": "k" * 32,
}
FAMILY = {
    "introducer_name": "Ravi Shah",
    "relationship_to_person": "Brother",
    "introducer_phone": "07700 900222",
    "person_knows": "yes",
    "person_agrees": "yes",
}
STAFF = {"route": "gp", "introducer_name": "Dr Obi", "person_knows": "yes", "person_agrees": "yes"}
INVISIBLE = "\u200b\u200b\u200b"
OVERRIDE = "\u202eahsirP"
HIDDEN = "hidden characters"


def _refused_beside(response, field: str, message: str) -> None:
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="id_{field}-error"' in html
    assert message in html.split(f'id="id_{field}-error"', 1)[1].split("</span>", 2)[1]
    assert not Introduction.objects.exists() and not Person.objects.exists()


@pytest.mark.parametrize("field", ["given_name", "family_name", "preferred_name"])
@pytest.mark.parametrize("value", [INVISIBLE, OVERRIDE])
def test_front_door_refuses_a_spoofing_name(client, field, value):
    response = client.post("/introduce/for-myself/", VALID | {field: value})
    _refused_beside(response, field, HIDDEN)


def test_front_door_refuses_a_name_with_no_letter(client):
    response = client.post("/introduce/for-myself/", VALID | {"family_name": "..."})
    _refused_beside(response, "family_name", "at least one letter")


def test_front_door_stores_the_name_normalised(client):
    typed = "  Zoe\u0308   Anne\u00a0Marie "
    client.post("/introduce/for-myself/", VALID | {"given_name": typed})
    person = Person.objects.get()
    assert person.given_name == "Zo\u00eb Anne Marie"
    assert person.given_name == unicodedata.normalize("NFC", person.given_name)


def test_someone_else_introducing_is_named_by_the_same_rule(client):
    response = client.post(
        "/introduce/for-someone-else/", VALID | FAMILY | {"introducer_name": OVERRIDE}
    )
    _refused_beside(response, "introducer_name", HIDDEN)


@pytest.mark.parametrize("field", ["introducer_name", "introducer_organisation", "given_name"])
def test_staff_introduction_names_follow_the_same_rule(client, personas, field):
    factories.login(client, personas.hub_worker)
    response = client.post("/introduce/staff/new/", VALID | STAFF | {field: INVISIBLE})
    _refused_beside(response, field, HIDDEN)


def test_create_person_holds_the_rule_for_every_caller(personas):
    with pytest.raises(ValidationError):
        create_person(by=None, given_name=OVERRIDE, family_name="Shah")
    person = create_person(by=None, given_name=" Zoe\u0308 ", family_name="Shah")
    assert person.given_name == "Zo\u00eb"
    assert Person.objects.count() == 1


def test_who_will_do_a_plan_action_is_a_name_by_the_same_rule(client, personas):
    intro = in_support(personas.hub_worker, days_ago=5)
    factories.login(client, personas.hub_worker)
    data = {
        "goal_1": "Sleep better",
        "action_1": "Sleep group",
        "who_1": INVISIBLE,
        "review_date": (timezone.localdate() + timedelta(weeks=6)).isoformat(),
    }
    response = client.post(f"/hub/introductions/{intro.pk}/plan/", data)
    assert response.status_code == 200
    assert 'id="id_who_1-error"' in response.content.decode()
    assert not PlanVersion.objects.filter(introduction=intro).exists()


def test_the_actions_hold_the_rule_for_introducers_and_helpers(personas):
    import uuid

    from livingwell.hub import actions as hub
    from livingwell.intake.actions import submit_introduction

    with pytest.raises(ValidationError):
        submit_introduction(
            by=personas.hub_worker,
            submission_key=uuid.uuid4().hex,
            route="gp",
            person=factories.person_details(),
            details={"whats_happening": "Hard.", "risk_now": "no", "introducer_name": OVERRIDE},
        )
    assert not Introduction.objects.exists() and not Person.objects.exists()
    intro = in_support(personas.hub_worker, days_ago=5)
    with pytest.raises(hub.HubError, match="hidden characters"):
        hub.save_plan(
            by=personas.hub_worker,
            introduction=intro,
            goals=["Sleep better"],
            actions=[{"what": "Sleep group", "who": INVISIBLE}],
            review_date=timezone.localdate() + timedelta(weeks=6),
        )
    assert not PlanVersion.objects.filter(introduction=intro).exists()
