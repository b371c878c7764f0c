"""Reading and searching each resource type as a partner system would, every answer validated."""

from __future__ import annotations

import pytest
from tests.fhir_support import api_for, assert_bundle_valid, assert_valid, person_in_care

from livingwell.access.models import AuditEvent
from livingwell.fhir import resources as R

pytestmark = pytest.mark.django_db

PERSON_TYPES = [
    "Patient",
    "EpisodeOfCare",
    "Encounter",
    "ServiceRequest",
    "Task",
    "CarePlan",
    "Goal",
    "QuestionnaireResponse",
    "Observation",
    "Consent",
    "AuditEvent",
]


@pytest.fixture
def care(personas):
    from livingwell.access import actions as access_actions

    care = person_in_care(personas)
    # A sharing choice on record, so that Consent has something to serve.
    access_actions.set_sharing(
        by=personas.hub_worker,
        person=care.person,
        organisation=personas.council,
        share_out=False,
        share_in=True,
    )
    return care


@pytest.mark.parametrize("resource_type", PERSON_TYPES)
def test_each_person_resource_type_is_served_valid_and_read_back(personas, care, resource_type):
    api = api_for(personas.trust)
    response = api.get(
        resource_type,
        {"patient": f"Patient/{care.person.pk}"}
        if resource_type != "Patient"
        else {"_id": str(care.person.pk)},
    )
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/fhir+json")
    bundle = response.json()
    assert bundle["type"] == "searchset" and bundle["total"] >= 1, resource_type
    assert_bundle_valid(bundle)
    first = bundle["entry"][0]["resource"]
    read = api.get(f"{resource_type}/{first['id']}")
    assert read.status_code == 200, read.content
    assert read.json() == first
    assert_valid(read.json())


@pytest.mark.parametrize("resource_type", ["Organization", "HealthcareService", "Questionnaire"])
def test_each_open_resource_type_is_served_valid(personas, care, resource_type):
    from livingwell.directory.models import Organization, Service

    listing = Organization.objects.create(name="Riverside Mind", network_organisation=personas.vcs)
    Service.objects.create(organization=listing, name="Peer support group", is_public=True)
    Service.objects.create(organization=listing, name="Not listed", is_public=False)
    api = api_for(personas.trust)
    bundle = api.get(resource_type).json()
    assert_bundle_valid(bundle)
    assert bundle["total"] >= 1
    if resource_type == "HealthcareService":
        assert [e["resource"]["name"] for e in bundle["entry"]] == ["Peer support group"]
        assert bundle["entry"][0]["resource"]["providedBy"]["reference"] == (
            f"Organization/{personas.vcs.pk}"
        )


def test_patient_carries_the_nhs_number_with_its_verification_status(personas, care):
    api = api_for(personas.trust)
    patient = api.get(f"Patient/{care.person.pk}").json()
    nhs = [i for i in patient["identifier"] if i["system"] == "https://fhir.nhs.uk/Id/nhs-number"]
    assert nhs[0]["value"] == "9434765919"
    assert nhs[0]["extension"][0]["url"].endswith("Extension-UKCore-NHSNumberVerificationStatus")
    assert patient["meta"]["profile"] == [
        "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient"
    ]
    by_nhs = api.get("Patient", {"identifier": "https://fhir.nhs.uk/Id/nhs-number|9434765919"})
    assert [e["resource"]["id"] for e in by_nhs.json()["entry"]] == [str(care.person.pk)]


def test_phq9_total_is_an_observation_with_loinc_and_snomed_derived_from_the_response(
    personas, care
):
    api = api_for(personas.trust)
    obs = api.get(f"Observation/{care.response.pk}").json()
    codes = {(c["system"], c["code"]) for c in obs["code"]["coding"]}
    assert (R.LOINC, "44261-6") in codes and (R.SNOMED, "720433000") in codes
    assert obs["valueQuantity"]["value"] == 12
    assert obs["derivedFrom"] == [{"reference": f"QuestionnaireResponse/{care.response.pk}"}]
    assert api.get(f"QuestionnaireResponse/{care.response.pk}").status_code == 200


def test_goal_is_base_r4_goal_in_the_persons_words(personas, care):
    api = api_for(personas.trust)
    goals = api.get("Goal", {"patient": str(care.person.pk)}).json()["entry"]
    assert goals[0]["resource"]["meta"]["profile"] == [
        "http://hl7.org/fhir/StructureDefinition/Goal"
    ]
    assert goals[0]["resource"]["description"]["text"] == "Sleep through the night"


def test_search_pages_with_count_and_next_links(personas, care):
    api = api_for(personas.trust)
    first = api.get("Encounter", {"patient": str(care.person.pk), "_count": "1"}).json()
    assert first["total"] == 3  # the first conversation and two contacts
    seen = [first["entry"][0]["resource"]["id"]]
    page = first
    while next_link := [link for link in page["link"] if link["relation"] == "next"]:
        url = next_link[0]["url"].split("/fhir/", 1)[1]
        page = api.get(url).json()
        assert len(page["entry"]) == 1
        seen.append(page["entry"][0]["resource"]["id"])
    assert len(seen) == len(set(seen)) == 3


def test_last_updated_status_and_date_filter(personas, care):
    api = api_for(personas.trust)
    pid = str(care.person.pk)
    everything = api.get("Encounter", {"patient": pid}).json()["total"]
    assert (
        api.get("Encounter", {"patient": pid, "_lastUpdated": "gt2999-01-01"}).json()["total"] == 0
    )
    assert (
        api.get("Encounter", {"patient": pid, "_lastUpdated": "ge2000-01-01"}).json()["total"]
        == everything
    )
    assert api.get("Task", {"patient": pid, "status": "accepted"}).json()["total"] == 1
    assert api.get("Encounter", {"patient": pid, "date": "lt2000"}).json()["total"] == 0


def test_bad_search_parameters_get_an_operation_outcome_naming_each(personas, care):
    api = api_for(personas.trust)
    response = api.get(
        "Encounter", {"patient": str(care.person.pk), "colour": "red", "_count": "x"}
    )
    assert response.status_code == 400
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome"
    texts = " ".join(i["diagnostics"] for i in outcome["issue"])
    assert "colour" in texts and "_count" in texts
    bad_date = api.get("Encounter", {"patient": str(care.person.pk), "date": "2024-13-45"})
    assert bad_date.status_code == 400


def test_every_read_and_search_is_audited(personas, care):
    api = api_for(personas.trust)
    before = AuditEvent.objects.filter(person_id=care.person.pk, action__startswith="fhir.").count()
    api.get(f"Patient/{care.person.pk}")
    api.get("Encounter", {"patient": str(care.person.pk)})
    events = list(
        AuditEvent.objects.filter(person_id=care.person.pk, action__startswith="fhir.").order_by(
            "id"
        )
    )
    assert len(events) == before + 2
    assert [e.action for e in events[-2:]] == ["fhir.read", "fhir.search"]
    assert all(e.outcome == "allowed" and "API client" in e.actor_name for e in events[-2:])
    assert events[-1].detail["basis"] == "hub"


def test_metadata_lists_exactly_what_is_served(client):
    statement = client.get("/fhir/metadata").json()
    from fhir.resources.R4B import get_fhir_model_class

    get_fhir_model_class("CapabilityStatement").model_validate(statement)
    assert statement["fhirVersion"] == "4.0.1"
    types = {r["type"] for r in statement["rest"][0]["resource"]}
    assert types == R.SERVED_TYPES
