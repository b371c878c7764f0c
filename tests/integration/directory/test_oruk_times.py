"""The ORUK API's time and date parameters: a time with a zone (as HSDS writes opening times) is
understood like the times the directory stores, and bad values are a 400, never a 500."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

BASE = "/api/oruk"
LISTS = ("/services", "/service_at_locations")


@pytest.fixture
def api_client():
    # Errors come back as the response a visitor would get, not raised into the test.
    return Client(raise_request_exception=False)


def _names(response) -> set[str]:
    assert response.status_code == 200, response.content
    body = response.json()
    return {c.get("name") or c["service"]["name"] for c in body["contents"]}


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize(
    ("zoned", "plain"),
    [
        ({"start_time": "00:00:00Z"}, {"start_time": "00:00:00"}),
        ({"end_time": "17:00:00Z"}, {"end_time": "17:00:00"}),
        ({"start_time": "09:00+01:00", "end_time": "17:00-05:00"}, {"start_time": "09:00"}),
        ({"start_time": "09:59:59.5Z"}, {"start_time": "09:59:59.5"}),
    ],
)
def test_a_time_with_a_zone_reads_as_the_opening_times_do(api_client, seeded, path, zoned, plain):
    # Opening times are stored as the service's own clock times: the importer keeps "10:00Z" as
    # 10:00. A time asked with a zone is read the same way, so a query matches what was published.
    got = _names(api_client.get(BASE + path, {**zoned, "per_page": 100}))
    assert got == _names(api_client.get(BASE + path, {**plain, "per_page": 100}))
    assert got, "the seeded services open 10:00 to 16:00 and should match"


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize(
    "params",
    [
        {"start_time": "24:00:00Z"},
        {"end_time": "12:00+25:00"},
        {"start_time": "noonZ"},
        {"modified_after": "2025-13-01T00:00:00Z"},
    ],
)
def test_a_bad_time_or_date_is_a_400_with_a_reason(api_client, seeded, path, params):
    response = api_client.get(BASE + path, params)
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


@pytest.mark.parametrize("path", LISTS)
def test_modified_after_without_a_zone_is_the_sites_local_time(api_client, seeded, path):
    # The seeded services were last modified at 2025-01-01T09:00:00Z (09:00 in London in winter).
    assert _names(api_client.get(BASE + path, {"modified_after": "2025-01-01T08:59:00"}))
    assert not _names(api_client.get(BASE + path, {"modified_after": "2025-01-01T09:01:00"}))
