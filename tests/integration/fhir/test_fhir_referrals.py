"""Referrals in from a GP system: a transaction Bundle becomes one professional introduction."""

from __future__ import annotations

import copy

import pytest
from tests.fhir_support import api_for, assert_valid

from livingwell.accounts.models import Organisation
from livingwell.intake.models import Introduction
from livingwell.people.models import Person

pytestmark = pytest.mark.django_db

SENDER_SYSTEM = "https://fhir.example-gp-system.nhs.uk/Id/referral"


def referral_bundle(*, value="REF-0001", priority="routine", nhs="9434765919") -> dict:
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": "urn:uuid:6f1d5a1e-1b4b-4c8e-9f9e-0d6c1a2b3c4d",
                "resource": {
                    "resourceType": "Patient",
                    "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": nhs}],
                    "name": [{"use": "official", "family": "Okafor", "given": ["Chidi"]}],
                    "birthDate": "1988-04-02",
                    "gender": "male",
                    "telecom": [{"system": "phone", "value": "07700 900456"}],
                    "address": [{"postalCode": "SE11 4AA"}],
                },
                "request": {"method": "POST", "url": "Patient"},
            },
            {
                "fullUrl": "urn:uuid:0a6e2c57-8d1f-4b35-a1a0-5f5c7d6e9b21",
                "resource": {
                    "resourceType": "ServiceRequest",
                    "identifier": [{"system": SENDER_SYSTEM, "value": value}],
                    "status": "active",
                    "intent": "order",
                    "priority": priority,
                    "subject": {"reference": "urn:uuid:6f1d5a1e-1b4b-4c8e-9f9e-0d6c1a2b3c4d"},
                    "requester": {"display": "Dr A Patel"},
                    "note": [{"text": "Low mood for three months, not sleeping, off work."}],
                },
                "request": {"method": "POST", "url": "ServiceRequest"},
            },
        ],
    }


@pytest.fixture
def gp(personas):
    surgery = Organisation.objects.create(
        name="Riverside Surgery", short_name="Riverside GP", kind=Organisation.Kind.PRIMARY_CARE
    )
    return api_for(
        surgery, scopes="system/ServiceRequest.c system/Task.rs system/ServiceRequest.rs"
    )


def test_a_referral_in_makes_one_introduction_and_again_the_same_one(personas, gp):
    first = gp.post("", referral_bundle())
    assert first.status_code == 200, first.content
    body = first.json()
    assert body["type"] == "transaction-response"
    assert body["entry"][0]["response"]["status"] == "201 Created"
    intro_id = body["entry"][0]["response"]["location"].split("/")[1]
    intro = Introduction.objects.get(pk=intro_id)
    assert intro.route == "gp" and intro.introducer_organisation == "Riverside Surgery"
    assert intro.person.nhs_number == "9434765919" and not intro.urgent
    again = gp.post("", referral_bundle())
    assert again.json()["entry"][0]["response"]["status"] == "200 OK"
    assert again.json()["entry"][0]["response"]["location"] == f"ServiceRequest/{intro_id}"
    assert Introduction.objects.count() == 1 and Person.objects.count() == 1


def test_an_urgent_referral_goes_to_the_top_of_the_board(personas, gp):
    gp.post("", referral_bundle(value="R-1"))
    urgent = gp.post("", referral_bundle(value="R-2", priority="urgent", nhs="9434765870"))
    intro = Introduction.objects.get(pk=urgent.json()["entry"][0]["response"]["location"][15:])
    assert intro.urgent
    assert Introduction.objects.filter(state="new").first() == intro  # the board's own order


def test_the_sender_follows_its_referral_as_a_task_and_sees_nothing_else(personas, gp):
    from livingwell.hub import actions as hub
    from livingwell.hub.models import Tier

    location = gp.post("", referral_bundle()).json()["entry"][0]["response"]["location"]
    intro = Introduction.objects.get(pk=location.split("/")[1])
    task = gp.get(f"Task/{intro.pk}")
    assert task.status_code == 200
    assert task.json()["status"] == "requested"
    assert_valid(task.json())
    listed = gp.get("Task").json()
    assert [e["resource"]["id"] for e in listed["entry"]] == [str(intro.pk)]
    hub.record_first_conversation(
        by=personas.hub_worker,
        introduction=intro,
        tier=Tier.objects.get(slug="short-term"),
        fields={"mode": "phone", "whats_happening": "x", "what_matters": "y", "next_step": "z"},
    )
    assert gp.get(f"Task/{intro.pk}").json()["status"] == "in-progress"
    # The sender has no relationship with the person: not the record.
    gp_read = api_for(Organisation.objects.get(name="Riverside Surgery"))
    assert gp_read.get(f"Patient/{intro.person_id}").status_code == 404


BAD = {
    "not a bundle": ({"resourceType": "Patient"}, ["Bundle"]),
    "no identifier": ("identifier", ["ServiceRequest.identifier"]),
    "bad nhs number": ("nhs", ["NHS number"]),
    "no reason and wrong subject": ("reason+subject", ["ServiceRequest.note", "subject"]),
    "unknown element": ("extra", ["bogus"]),
}


def broken(kind):
    bundle = referral_bundle()
    request = bundle["entry"][1]["resource"]
    if kind == "identifier":
        del request["identifier"]
    elif kind == "nhs":
        bundle["entry"][0]["resource"]["identifier"][0]["value"] = "1234567890"
    elif kind == "reason+subject":
        del request["note"]
        request["subject"] = {"reference": "Patient/someone-else"}
    elif kind == "extra":
        request["bogus"] = True
    return bundle


@pytest.mark.parametrize("name", list(BAD))
def test_a_bad_bundle_gets_an_operation_outcome_naming_each_problem_and_stores_nothing(
    personas, gp, name
):
    body, expected = BAD[name]
    bundle = copy.deepcopy(body) if isinstance(body, dict) else broken(body)
    response = gp.post("", bundle)
    assert response.status_code == 400
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome"
    text = " ".join(i["diagnostics"] for i in outcome["issue"])
    for word in expected:
        assert word in text, (word, text)
    assert not Introduction.objects.exists() and not Person.objects.exists()


def test_posting_a_referral_needs_the_create_scope(personas):
    reader = api_for(personas.vcs, scopes="system/ServiceRequest.rs")
    assert reader.post("", referral_bundle()).status_code == 403
    assert not Introduction.objects.exists()
