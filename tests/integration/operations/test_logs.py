"""The logs of a run of the main pages hold no person data, and every line written while a
request is answered carries its request id."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import date

import pytest
from django.urls import reverse
from tests.factories import login, person_details
from tests.logscan import LogScan, log_scan  # noqa: F401 (a fixture)
from tests.outcomes_support import in_support

from livingwell.people.models import Person

pytestmark = pytest.mark.django_db

PERSON = {
    "given_name": "Zenobia",
    "family_name": "Quartermaine",
    "date_of_birth": date(1987, 3, 14),
    "nhs_number": "9434765919",
    "phone": "07700 900456",
    "email": "zenobia.q@example.org",
}


def drive_the_main_pages(client, personas):
    """The front door (a good and a bad submission), sign-in (a failure too), the board, a
    record, its outcomes and a link sent, find, someone else's record, a page that is not
    there, /health/ and the background work page."""
    front = {
        "risk_now": "no",
        "whats_happening": "Low for months.",
        "given_name": "Ottoline",
        "family_name": "Fairweather-Brook",
        "dob_day": "2",
        "dob_month": "11",
        "dob_year": "1979",
        "postcode": "sw9 8aa",
        "phone": "07700 900777",
        "submission_key": "k" * 32,
    }
    client.post("/introduce/for-myself/", front)
    client.post("/introduce/for-myself/", front | {"postcode": "nowhere", "phone": "abc"})
    client.post(reverse("accounts:login"), {"username": "Zenobia", "password": "wrong" * 3})
    intro = in_support(personas.hub_worker, person=person_details(**PERSON))
    login(client, personas.hub_worker)
    client.get(reverse("hub:board"))
    client.get(reverse("hub:record", args=[intro.pk]))
    client.get(reverse("outcomes:person", args=[intro.pk]))
    client.post(
        reverse("outcomes:send_link", args=[intro.pk]),
        {"measure": "phq9", "occasion": "review", "valid_days": "7"},
    )
    client.post(reverse("hub:find"), {"reference": intro.reference})
    client.post(reverse("hub:contact", args=[intro.pk]), {"when": "not a date"})
    client.get(reverse("hub:record", args=[uuid.uuid4()]))
    client.get("/no-such-page/")
    client.get("/health/")
    login(client, personas.unrelated_worker)
    client.get(reverse("hub:record", args=[intro.pk]))
    login(client, personas.site_admin)
    client.get(reverse("operations:background_tasks"))
    return intro


def test_no_person_data_in_the_logs_of_the_main_pages(client, personas, log_scan):  # noqa: F811
    drive_the_main_pages(client, personas)
    assert len(log_scan.lines) > 5  # the scan saw the run's logs (4xx answers at least)
    people = Person.objects.all()
    assert {"Zenobia", "Ottoline"} <= {p.given_name for p in people}
    assert log_scan.findings(extra_people=people) == []


def test_the_scan_finds_person_data_when_it_is_there(personas, log_scan):  # noqa: F811
    person = Person.objects.get(pk=in_support(personas.hub_worker).person_id)
    logging.getLogger("livingwell.test").warning("looked at %s", person.date_of_birth)
    logging.getLogger("livingwell.test").error("oops", extra={"who": person.family_name})
    assert len(log_scan.findings()) == 2


def test_every_line_of_a_request_carries_its_id(client, personas):
    scan = LogScan().start()
    try:
        response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="abcdef12-from-proxy")
        other = client.get("/no-such-page/")
    finally:
        scan.stop()
    assert response["X-Request-ID"] == "abcdef12-from-proxy"
    assert other["X-Request-ID"] not in ("", "-", "abcdef12-from-proxy")
    ids = [request_id for request_id, line in scan.lines if "Not Found" in line]
    assert ids == ["abcdef12-from-proxy", other["X-Request-ID"]]
    # Free text from the client is never taken as an id.
    odd = client.get("/no-such-page/", HTTP_X_REQUEST_ID="Zenobia Quartermaine 1987")
    assert "Zenobia" not in odd["X-Request-ID"]


def test_production_logs_are_json_with_the_request_id(settings):

    from pythonjsonlogger.json import JsonFormatter

    from livingwell.core.logs import REQUEST_ID, RequestIdFilter

    config = settings.LOGGING["formatters"]["json"]
    formatter = JsonFormatter(config["fmt"], rename_fields=config["rename_fields"])
    record = logging.LogRecord("livingwell.x", logging.WARNING, "", 0, "hello %s", ("there",), None)
    token = REQUEST_ID.set("r-12345678")
    try:
        RequestIdFilter().filter(record)
    finally:
        REQUEST_ID.reset(token)
    line = json.loads(formatter.format(record))
    assert line["message"] == "hello there" and line["request_id"] == "r-12345678"
    assert line["level"] == "WARNING" and line["logger"] == "livingwell.x"
