"""A partner system reads the API with a FHIR client library (fhirpy) over real HTTP."""

from __future__ import annotations

import pytest
import requests
from fhirpy import SyncFHIRClient
from tests.fhir_support import assert_bundle_valid, assert_valid, new_client, person_in_care


@pytest.mark.django_db(transaction=True)
def test_a_partner_system_follows_its_person_with_fhirpy(live_server, personas):
    care = person_in_care(personas)
    client, secret = new_client(personas.vcs)
    answer = requests.post(
        f"{live_server.url}/fhir/auth/token",
        data={"grant_type": "client_credentials"},
        auth=(client.application.client_id, secret),
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    fhir = SyncFHIRClient(
        f"{live_server.url}/fhir", authorization=f"Bearer {answer.json()['access_token']}"
    )
    found = (
        fhir.resources("Patient")
        .search(identifier="https://fhir.nhs.uk/Id/nhs-number|9434765919")
        .fetch()
    )
    assert [p.id for p in found] == [str(care.person.pk)]
    assert_valid(found[0].serialize())
    # Every encounter, one a page, following the server's next links.
    encounters = fhir.resources("Encounter").search(patient=care.person.pk).limit(1).fetch_all()
    assert len(encounters) == 3
    for encounter in encounters:
        assert_valid(encounter.serialize())
    task = fhir.reference("Task", str(care.handover.pk)).to_resource()
    assert task["status"] == "accepted"
    bundle = requests.get(
        f"{live_server.url}/fhir/Observation",
        params={"patient": str(care.person.pk)},
        headers={"Authorization": f"Bearer {answer.json()['access_token']}"},
        timeout=30,
    ).json()
    assert_bundle_valid(bundle)
