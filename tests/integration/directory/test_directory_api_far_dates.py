"""``modified_after`` at the edges of the calendar: an answer, never a 500.

Clients send the smallest date their language has (0001-01-01, .NET's DateTime.MinValue) to mean
"everything"; a value whose UTC time falls outside the calendar used to overflow (a 500), and a
value without a zone raised a naive-datetime warning. Naive values are read in the site's zone.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

ALL = set(range(12))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0001-01-01T00:00:00", ALL),
        ("0001-01-01", ALL),
        ("0001-01-01T00:00:00Z", ALL),
        ("0001-01-01T00:00:00+05:00", ALL),  # before year 1 in UTC
        ("9999-12-31T23:59:59", set()),
        ("9999-12-31T23:59:59-05:00", set()),  # after year 9999 in UTC
        ("2000-01-01T00:00:00", ALL),
    ],
)
@pytest.mark.parametrize("path", ["/api/oruk/services", "/api/oruk/service_at_locations"])
def test_modified_after_at_the_edges_of_the_calendar(client, seeded, path, value, expected):
    response = client.get(path, {"modified_after": value, "per_page": 100})
    assert response.status_code == 200, response.content[:300]
    contents = response.json()["contents"]
    names = [c["service"]["name"] if "service" in c else c["name"] for c in contents]
    assert {int(name.split()[-1]) for name in names} == expected
