"""Builders for the FHIR API tests: a person in the care of two organisations, API clients,
bearer tokens from the real token endpoint, and the checks every served resource must pass."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date, timedelta

from django.test import Client
from django.utils import timezone
from fhir.resources.R4B import get_fhir_model_class

from livingwell.fhir import actions as fhir_actions
from livingwell.fhir import resources as R
from tests.factories import person_details
from tests.outcomes_support import PHQ9_12, in_support

ALL_READ = "system/*.rs"


def new_client(org, scopes: str = ALL_READ, name: str | None = None):
    client, secret = fhir_actions.create_client(
        by=None, organisation=org, name=name or f"{org.name} system", scopes=scopes.split()
    )
    return client, secret


def token(http: Client, fhir_client, secret: str, scope: str | None = None) -> str:
    basic = base64.b64encode(f"{fhir_client.application.client_id}:{secret}".encode()).decode()
    data = {"grant_type": "client_credentials"}
    if scope:
        data["scope"] = scope
    response = http.post("/fhir/auth/token", data, HTTP_AUTHORIZATION=f"Basic {basic}")
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


class Api:
    """A partner system's calls with one bearer token, through Django's test client."""

    def __init__(self, http: Client, bearer: str | None):
        self.http, self.bearer = http, bearer

    def get(self, path: str, params=None):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.bearer}"} if self.bearer else {}
        return self.http.get("/fhir/" + path.lstrip("/"), params or {}, **headers)

    def post(self, path: str, body: dict):
        import json

        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.bearer}"} if self.bearer else {}
        return self.http.post(
            "/fhir/" + path.lstrip("/"),
            json.dumps(body),
            content_type="application/fhir+json",
            **headers,
        )


def api_for(org, scopes: str = ALL_READ) -> Api:
    http = Client()
    client, secret = new_client(org, scopes)
    return Api(http, token(http, client, secret))


@dataclass
class Care:
    intro: object
    person: object
    handover: object
    trust_contact: object
    vcs_contact: object
    response: object


def person_in_care(p) -> Care:
    """A person the Hub (trust) saw and handed over to Riverside Mind (vcs), who accepted; a
    contact by each organisation, a plan with a goal, a PHQ-9."""
    from livingwell.hub import actions as hub
    from livingwell.outcomes.actions import record_response

    intro = in_support(
        p.hub_worker,
        days_ago=3,
        goals=["Sleep through the night"],
        person=person_details(nhs_number="9434765919", email="alex@example.org"),
    )
    now = timezone.now()
    trust_contact = hub.record_contact(
        by=p.hub_worker,
        introduction=intro,
        outcome="attended",
        mode="phone",
        contact_at=now - timedelta(days=2),
        duration_minutes=30,
    )
    handover = hub.offer_handover(
        by=p.hub_worker, introduction=intro, to_organisation=p.vcs, what_is_asked="Peer support"
    )
    handover = hub.respond_to_handover(by=p.partner_worker, handover=handover, accept=True)
    vcs_contact = hub.record_contact(
        by=p.partner_worker,
        introduction=intro,
        outcome="attended",
        mode="face_to_face",
        contact_at=now - timedelta(days=1),
    )
    response = record_response(
        by=p.hub_worker,
        introduction=intro,
        measure="phq9",
        answers=PHQ9_12,
        completed_at=date.today() - timedelta(days=1),
    )
    intro.refresh_from_db()
    return Care(intro, intro.person, handover, trust_contact, vcs_contact, response)


# R4 required bindings of the elements we fill (fhir.resources checks structure, not codes).
STATUS_CODES = {
    "Patient": {},
    "EpisodeOfCare": {
        "status": {"planned", "waitlist", "active", "onhold", "finished", "cancelled"}
    },
    "Encounter": {
        "status": {
            "planned",
            "arrived",
            "triaged",
            "in-progress",
            "onleave",
            "finished",
            "cancelled",
            "entered-in-error",
            "unknown",
        }
    },
    "ServiceRequest": {
        "status": {
            "draft",
            "active",
            "on-hold",
            "revoked",
            "completed",
            "entered-in-error",
            "unknown",
        },
        "intent": {"proposal", "plan", "directive", "order", "original-order"},
    },
    "Task": {
        "status": {
            "draft",
            "requested",
            "received",
            "accepted",
            "rejected",
            "ready",
            "cancelled",
            "in-progress",
            "on-hold",
            "failed",
            "completed",
            "entered-in-error",
        },
        "intent": {"unknown", "proposal", "plan", "order", "original-order"},
    },
    "CarePlan": {
        "status": {
            "draft",
            "active",
            "on-hold",
            "revoked",
            "completed",
            "entered-in-error",
            "unknown",
        },
        "intent": {"proposal", "plan", "order", "option"},
    },
    "Goal": {
        "lifecycleStatus": {
            "proposed",
            "planned",
            "accepted",
            "active",
            "on-hold",
            "completed",
            "cancelled",
            "entered-in-error",
            "rejected",
        }
    },
    "QuestionnaireResponse": {
        "status": {"in-progress", "completed", "amended", "entered-in-error", "stopped"}
    },
    "Observation": {
        "status": {
            "registered",
            "preliminary",
            "final",
            "amended",
            "corrected",
            "cancelled",
            "entered-in-error",
            "unknown",
        }
    },
    "Consent": {
        "status": {"draft", "proposed", "active", "rejected", "inactive", "entered-in-error"}
    },
    "AuditEvent": {"action": {"C", "R", "U", "D", "E"}, "outcome": {"0", "4", "8", "12"}},
    "Organization": {},
    "HealthcareService": {},
    "Questionnaire": {"status": {"draft", "active", "retired", "unknown"}},
}


def assert_valid(resource: dict) -> None:
    """The resource parses as its FHIR model (structure, cardinality, types: fhir.resources
    R4B, ADR 0018), claims its profile, and holds the codes and systems UK Core needs."""
    rtype = resource["resourceType"]
    get_fhir_model_class(rtype).model_validate(resource)
    assert resource["meta"]["profile"] == [R.PROFILES[rtype]], rtype
    for element, allowed in STATUS_CODES[rtype].items():
        assert resource[element] in allowed, (rtype, element, resource[element])
    if rtype == "Patient":
        systems = [i["system"] for i in resource["identifier"]]
        assert R.identifier_system("person") in systems
        for ident in resource["identifier"]:
            if ident["system"] == R.NHS_NUMBER:
                ext = ident["extension"][0]
                assert ext["url"] == R.VERIFICATION_EXT
                assert ext["valueCodeableConcept"]["coding"][0]["system"] == R.VERIFICATION_SYSTEM
                assert ext["valueCodeableConcept"]["coding"][0]["code"] in {
                    f"0{n}" for n in range(1, 9)
                }
        assert resource["gender"] in {"male", "female", "other", "unknown"}
    if rtype == "Observation" and "valueQuantity" in resource:
        q = resource["valueQuantity"]
        assert (q["system"], q["code"], q["unit"]) == (R.UCUM, "{score}", "{score}")
        assert resource["derivedFrom"][0]["reference"].startswith("QuestionnaireResponse/")
    if rtype == "Encounter":
        assert resource["class"]["system"] == R.ACT_CODE


def assert_bundle_valid(bundle: dict) -> None:
    get_fhir_model_class("Bundle").model_validate(bundle)
    for entry in bundle.get("entry", []):
        assert_valid(entry["resource"])
