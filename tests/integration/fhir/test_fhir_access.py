"""Who may read what through the FHIR API: the organisation's relationship and the person's
sharing choices, as on the pages; every refusal an OperationOutcome and an audit event."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import get_resolver
from tests.fhir_support import Api, api_for, new_client, person_in_care, token

from livingwell.access.models import AuditEvent
from livingwell.fhir import actions as fhir_actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def care(personas):
    return person_in_care(personas)


def refusals(person_id=None):
    rows = AuditEvent.objects.filter(outcome="refused", action__startswith="fhir.")
    return rows.filter(person_id=person_id) if person_id else rows


def test_smart_configuration_names_the_token_endpoint(client):
    config = client.get("/fhir/.well-known/smart-configuration").json()
    assert config["token_endpoint"].endswith("/fhir/auth/token")
    assert config["grant_types_supported"] == ["client_credentials"]


def test_no_token_is_401_with_an_operation_outcome_and_audited(personas, care):
    before = refusals().count()
    response = Api(Client(), None).get(f"Patient/{care.person.pk}")
    assert response.status_code == 401
    assert response.json()["resourceType"] == "OperationOutcome"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert refusals().count() == before + 1
    bad = Api(Client(), "not-a-token").get(f"Patient/{care.person.pk}")
    assert bad.status_code == 401


def test_a_scope_that_does_not_allow_the_interaction_is_403_and_audited(personas, care):
    api = api_for(personas.trust, scopes="system/Observation.rs")
    before = refusals().count()
    response = api.get(f"Patient/{care.person.pk}")
    assert response.status_code == 403
    assert response.json()["issue"][0]["code"] == "forbidden"
    assert refusals().count() == before + 1
    assert api.get(f"Observation/{care.response.pk}").status_code == 200


def test_a_client_may_not_ask_for_scopes_beyond_those_granted(personas):
    http = Client()
    client, secret = new_client(personas.trust, "system/Observation.rs")
    import base64

    basic = base64.b64encode(f"{client.application.client_id}:{secret}".encode()).decode()
    response = http.post(
        "/fhir/auth/token",
        {"grant_type": "client_credentials", "scope": "system/Patient.rs"},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def test_an_organisation_without_a_relationship_gets_404_for_every_type(personas, care):
    api = api_for(personas.other_vcs)
    reads = {
        "Patient": care.person.pk,
        "EpisodeOfCare": care.intro.pk,
        "Encounter": care.trust_contact.pk,
        "Task": care.handover.pk,
        "ServiceRequest": care.handover.pk,
        "Observation": care.response.pk,
        "QuestionnaireResponse": care.response.pk,
    }
    for rtype, pk in reads.items():
        response = api.get(f"{rtype}/{pk}")
        assert response.status_code == 404, rtype
        assert response.json()["resourceType"] == "OperationOutcome"
        assert care.person.given_name not in response.content.decode()
    searched = api.get("Encounter", {"patient": str(care.person.pk)}).json()
    assert searched["total"] == 0
    assert refusals(care.person.pk).count() >= len(reads) + 1
    # The same answer as a resource that does not exist.
    import uuid

    assert api.get(f"Patient/{uuid.uuid4()}").status_code == 404


def test_the_partner_with_an_accepted_handover_reads_the_record(personas, care):
    api = api_for(personas.vcs)
    assert api.get(f"Patient/{care.person.pk}").status_code == 200
    ids = {
        e["resource"]["id"]
        for e in api.get("Encounter", {"patient": str(care.person.pk)}).json()["entry"]
    }
    assert {str(care.trust_contact.pk), str(care.vcs_contact.pk)} <= ids


def test_a_sharing_objection_hides_that_organisations_entries_from_another_client(personas, care):
    from livingwell.access import actions as access_actions

    trust = api_for(personas.trust)
    pid = str(care.person.pk)
    ids = {e["resource"]["id"] for e in trust.get("Encounter", {"patient": pid}).json()["entry"]}
    assert str(care.vcs_contact.pk) in ids
    # The person objects to Riverside Mind's entries being shared out.
    access_actions.set_sharing(
        by=personas.hub_worker,
        person=care.person,
        organisation=personas.vcs,
        share_out=False,
        share_in=True,
    )
    ids = {e["resource"]["id"] for e in trust.get("Encounter", {"patient": pid}).json()["entry"]}
    assert str(care.vcs_contact.pk) not in ids and str(care.trust_contact.pk) in ids
    assert trust.get(f"Encounter/{care.vcs_contact.pk}").status_code == 404
    # Riverside Mind still sees its own entries.
    vcs = api_for(personas.vcs)
    assert vcs.get(f"Encounter/{care.vcs_contact.pk}").status_code == 200


def test_the_organisation_sees_no_more_than_its_workers_would(personas, care):
    """The client's answer for each person matches the organisation's workers' relationship."""
    from livingwell.access.relationships import relationship

    for org, worker in (
        (personas.trust, personas.hub_worker),
        (personas.vcs, personas.partner_worker),
        (personas.other_vcs, personas.unrelated_worker),
    ):
        status = api_for(org).get(f"Patient/{care.person.pk}").status_code
        rel = relationship(worker, care.person)
        assert (status == 200) == (rel is not None and rel.full), org.name


def test_a_revoked_client_and_its_tokens_stop_at_once(personas, care):
    http = Client()
    client, secret = new_client(personas.trust)
    bearer = token(http, client, secret)
    api = Api(http, bearer)
    assert api.get(f"Patient/{care.person.pk}").status_code == 200
    fhir_actions.revoke_client(by=None, client=client)
    assert api.get(f"Patient/{care.person.pk}").status_code == 401


def test_the_command_creates_a_client_printing_its_secret_once_and_revokes_it(personas, care):
    out = io.StringIO()
    call_command(
        "fhir",
        "client",
        "create",
        "--organisation",
        "demo-nhs-foundation",
        "--name",
        "Trust EPR",
        "--scopes",
        "system/Patient.rs system/Encounter.rs",
        stdout=out,
    )
    lines = dict(line.split(": ", 1) for line in out.getvalue().splitlines() if ": " in line)
    from livingwell.fhir.models import FhirClient

    client = FhirClient.objects.get(name="Trust EPR")
    assert client.organisation == personas.trust
    assert client.application.client_id == lines["client_id"]
    assert client.application.client_secret != lines["client_secret"]  # kept only as a hash
    http = Client()
    bearer = token(http, client, lines["client_secret"])
    assert Api(http, bearer).get(f"Patient/{care.person.pk}").status_code == 200
    call_command("fhir", "client", "revoke", lines["client_id"], stdout=io.StringIO())
    assert Api(http, bearer).get(f"Patient/{care.person.pk}").status_code == 401


def test_the_command_refuses_unknown_scopes_and_organisations(personas):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="SMART"):
        call_command(
            "fhir",
            "client",
            "create",
            "--organisation",
            "riverside-mind",
            "--name",
            "x",
            "--scopes",
            "patient/Patient.read",
        )
    with pytest.raises(CommandError, match="No active organisation"):
        call_command(
            "fhir",
            "client",
            "create",
            "--organisation",
            "nowhere",
            "--name",
            "x",
            "--scopes",
            "system/Patient.rs",
        )


def fhir_operations():
    """Every FHIR API operation path (namespace fhir-api) with a concrete id."""
    import uuid

    from django.urls import URLPattern, URLResolver

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace == "fhir-api":
                    for q in p.url_patterns:
                        if isinstance(q, URLPattern) and q.name not in ("not-found",):
                            yield prefix + str(p.pattern) + str(q.pattern), q.name
                else:
                    yield from walk(p.url_patterns, prefix + str(p.pattern))

    out = []
    for route, name in walk(get_resolver().url_patterns):
        path = route.replace("<resource_id>", str(uuid.uuid4()))
        out.append(("/" + path.lstrip("^").rstrip("$"), name))
    return out


def test_every_fhir_operation_but_metadata_needs_a_bearer_token(db):
    """The OAuth check of the namespace the URL policy meta-test lists as public (ADR 0018)."""
    operations = fhir_operations()
    assert len(operations) >= 28
    open_ = {"metadata", "openapi-json"}
    for path, name in operations:
        response = Client().get(path)
        if name in open_:
            assert response.status_code == 200, path
        elif name == "api-root":  # the base takes a transaction Bundle (POST) only
            assert response.status_code in (404, 405), path
        else:
            assert response.status_code in (401, 405), (path, response.status_code)
            if response.status_code == 401:
                assert response.json()["resourceType"] == "OperationOutcome"
