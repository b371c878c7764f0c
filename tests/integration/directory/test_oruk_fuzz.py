"""Fuzzing the public Open Referral UK API from its own OpenAPI document (Schemathesis): whatever
a client sends, valid or not, the answer is never a server error, and every answer is one the
document describes (status code, content type, headers, and a body valid against the UK
profile's schema for it, read offline from the specification beside the checkout).

Bounded so that it runs in every `make test`: a few dozen examples per operation, no example
database, against a seeded directory inside the test's transaction (the app is called in-process
through WSGI, on the test's own connection).
"""

from __future__ import annotations

import time

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from tests.integration.directory.conftest import SCHEMA_BASE, SPEC

from livingwell.directory.api import api

EXAMPLES_PER_OPERATION = 30
# And a bound in time: past it, an operation's remaining examples send nothing (a slow host
# checks fewer; a normal run takes a second or two per operation).
SECONDS_PER_OPERATION = 30


def _offline(node):
    """The document points each answer at the UK profile's published schemas; read them from
    the copy of the specification beside the checkout instead (no network in tests)."""
    if isinstance(node, dict):
        return {
            key: (
                (SPEC / "schema" / value[len(SCHEMA_BASE) :]).resolve().as_uri()
                if key == "$ref" and isinstance(value, str) and value.startswith(SCHEMA_BASE)
                else _offline(value)
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_offline(item) for item in node]
    return node


def load(app):
    """The document the API serves, read through the app (it needs no database), with the
    profile's schemas read offline so that every answer is checked against them."""
    served = schemathesis.openapi.from_wsgi("/api/oruk/openapi.json", app).raw_schema
    loaded = schemathesis.openapi.from_dict(_offline(served))
    loaded.app = app
    return loaded


schema = load(get_wsgi_application())


@pytest.fixture
def in_process(monkeypatch):
    """Requests served inside the test's transaction, as Django's test client serves them: the
    connection is kept across requests instead of closed when each one finishes."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    # The fuzzer is one client sending hundreds of requests: lift the per-client limit, which
    # would otherwise answer 429 and hide the endpoints from it.
    monkeypatch.setattr(api.throttle[0], "num_requests", 10**9)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def deadline():
    """Set once per operation (Hypothesis runs every example inside one call of the test)."""
    return time.monotonic() + SECONDS_PER_OPERATION


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,  # a shared CI host is slow now and then; the bound is the example count
    database=None,  # nothing written outside the test run
    suppress_health_check=list(HealthCheck),
    derandomize=True,  # the same examples on every run, so a failure reproduces
)
def test_no_request_to_the_public_api_gets_a_server_error(case, seeded, in_process, deadline):
    if time.monotonic() > deadline:
        return
    case.call_and_validate(
        checks=[
            not_a_server_error,
            # Every answer is one the document describes: its status code, content type,
            # headers, and a body that matches the schema given for that status.
            status_code_conformance,
            content_type_conformance,
            response_headers_conformance,
            response_schema_conformance,
        ]
    )


# Inputs that once gave a server error, or would on one of the two databases, kept as explicit
# cases so that they are tried on every run whatever the fuzzer draws.
AWKWARD = [
    ("/services", {"start_time": "00:00:00Z"}),
    ("/services", {"end_time": "23:59:59+14:00"}),
    ("/service_at_locations", {"start_time": "00:00:00Z", "end_time": "00:00:00-01:00"}),
    ("/services", {"modified_after": "0001-01-01T00:00:00+14:00"}),
    ("/services", {"search": "a\x00b"}),
    ("/services", {"day": "\x00"}),
    ("/services", {"postcode": "SE1\x00"}),
    ("/service_at_locations", {"search": "\x00"}),
    ("/organizations", {"search": "\x00"}),
    ("/taxonomy_terms", {"search": "\x00"}),
    ("/services/\x00", {}),
    ("/services", {"page": "99999999999999999999"}),
    ("/services", {"minimum_age": "nan"}),
    ("/services", {"proximity": "inf", "postcode": "SE11"}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "params"), AWKWARD)
def test_awkward_inputs_get_an_answer_not_a_server_error(seeded, path, params):
    from django.test import Client

    response = Client(raise_request_exception=False).get("/api/oruk" + path, params)
    assert response.status_code < 500, response.content
    if response.status_code == 400:
        assert response.json()["detail"]


def _answering_off_the_document(app):
    """The site's app, except that the service list answers with a body its schema forbids."""

    def wsgi(environ, start_response):
        if environ["PATH_INFO"] == "/api/oruk/services":
            start_response("200 OK", [("Content-Type", "application/json")])
            return [b'{"total_items": "many"}']
        return app(environ, start_response)

    return wsgi


@pytest.mark.django_db
def test_the_conformance_checks_catch_an_answer_off_the_document(seeded, in_process):
    """The fuzz test above would fail on an answer the document does not describe."""
    off = load(_answering_off_the_document(get_wsgi_application()))
    case = off["/api/oruk/services"]["GET"].Case()
    # Schemathesis reports its failures as a group of the distinct ones it found.
    with pytest.raises(BaseExceptionGroup) as caught:
        case.call_and_validate(checks=[not_a_server_error, response_schema_conformance])
    (failure,) = caught.value.exceptions
    assert "Response violates schema" in str(failure)
