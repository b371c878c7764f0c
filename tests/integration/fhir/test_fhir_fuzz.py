"""Fuzzing the FHIR API from its own OpenAPI document (Schemathesis): whatever a client with a
valid token sends, the answer is never a server error.

Bounded so that it runs in every `make test`: a few examples per operation, no example database,
against a person in care inside the test's transaction (the app called in-process through WSGI,
on the test's own connection, as the ORUK fuzz test does).
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from tests.fhir_support import new_client, person_in_care, token

EXAMPLES_PER_OPERATION = 5

schema = schemathesis.openapi.from_wsgi("/fhir/openapi.json", get_wsgi_application())


@pytest.fixture
def bearer(db, personas):
    person_in_care(personas)
    client, secret = new_client(personas.trust, "system/*.rs system/ServiceRequest.c")
    return token(Client(), client, secret)


@pytest.fixture
def in_process():
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_request_to_the_fhir_api_gets_a_server_error(case, bearer, in_process):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {bearer}"}, checks=[not_a_server_error]
    )


AWKWARD = [
    ("/Patient", {"identifier": "|"}),
    ("/Patient", {"_id": "\x00"}),
    ("/Encounter", {"patient": "Patient/", "date": "ge9999-12-31T23:59:59+14:00"}),
    ("/Encounter", {"patient": "x", "_lastUpdated": "eq0001-01-01"}),
    ("/Encounter", {"patient": "x", "_count": "99999999999"}),
    ("/Goal/-", {}),
    ("/Consent/99999999999999999999", {}),
    ("/AuditEvent/1e5", {}),
    ("/Task", {"status": ",,,"}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "params"), AWKWARD)
def test_awkward_inputs_get_an_answer_not_a_server_error(bearer, path, params):
    response = Client(raise_request_exception=False).get(
        "/fhir" + path, params, HTTP_AUTHORIZATION=f"Bearer {bearer}"
    )
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        assert response.json()["resourceType"] == "OperationOutcome"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body", [b"", b"{", b"[]", b'{"resourceType": "Bundle", "entry": [1, "x", null]}', b"\xff"]
)
def test_awkward_bodies_get_an_operation_outcome_not_a_server_error(bearer, body):
    response = Client(raise_request_exception=False).post(
        "/fhir/", body, content_type="application/fhir+json", HTTP_AUTHORIZATION=f"Bearer {bearer}"
    )
    assert response.status_code in (400, 403), response.content
    assert response.json()["resourceType"] == "OperationOutcome"


@pytest.mark.django_db
def test_a_form_body_gets_an_operation_outcome_not_a_server_error(bearer):
    """Found by the fuzzer: a multipart form read by the token check left no body to read."""
    response = Client(raise_request_exception=False).post(
        "/fhir/", {"a": "b"}, HTTP_AUTHORIZATION=f"Bearer {bearer}"
    )
    assert response.status_code == 415, response.content
    assert response.json()["resourceType"] == "OperationOutcome"
