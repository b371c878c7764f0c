"""Fuzzing the public Open Referral UK API from its own OpenAPI document (Schemathesis): whatever
a client sends, valid or not, the answer is never a server error.

Bounded so that it runs in every `make test`: a few dozen examples per operation, no example
database, against a seeded directory inside the test's transaction (the app is called in-process
through WSGI, on the test's own connection).
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from livingwell.directory.api import api

EXAMPLES_PER_OPERATION = 30


# The document the API serves, read once through the app (it needs no database).
schema = schemathesis.openapi.from_wsgi("/api/oruk/openapi.json", get_wsgi_application())


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


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,  # a shared CI host is slow now and then; the bound is the example count
    database=None,  # nothing written outside the test run
    suppress_health_check=list(HealthCheck),
    derandomize=True,  # the same examples on every run, so a failure reproduces
)
def test_no_request_to_the_public_api_gets_a_server_error(case, seeded, in_process):
    case.call_and_validate(checks=[not_a_server_error])
