"""The ORUK API: every endpoint's responses validate against the UK profile's schemas."""

from __future__ import annotations

import pytest
from tests.integration.directory.conftest import TAXONOMY, build_service, import_docs, uid

from livingwell.directory.api import api

pytestmark = pytest.mark.django_db

BASE = "/api/oruk"


def get(client, path, **params):
    response = client.get(BASE + path, params)
    assert response["Access-Control-Allow-Origin"] == "*"
    return response


def assert_page(body, *, total, page, per_page):
    assert set(body) >= {
        "total_items",
        "total_pages",
        "page_number",
        "size",
        "first_page",
        "last_page",
        "empty",
        "contents",
    }
    assert body["total_items"] == total
    assert body["page_number"] == page
    assert body["total_pages"] == -(-total // per_page)
    assert body["size"] == len(body["contents"])
    assert body["first_page"] is (page == 1)
    assert body["last_page"] is (page >= body["total_pages"])
    assert body["empty"] is (body["size"] == 0)


def test_meta(client, oruk):
    response = get(client, "/")
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == "HSDS-UK-3.0"
    assert body["openapi_url"].endswith("/api/oruk/openapi.json")
    oruk.assert_valid(body, oruk.openapi_schema("/"))


def test_our_openapi_document_points_at_the_profile_schemas(client):
    response = get(client, "/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    paths = {p.split("/api/oruk", 1)[1] for p in doc["paths"]}
    assert {
        "/services",
        "/services/{id}",
        "/service_at_locations",
        "/taxonomies",
        "/taxonomy_terms/{id}",
        "/organizations/{id}",
    } <= paths
    services = doc["paths"]["/api/oruk/services/{id}"]["get"]["responses"]["200"]
    assert services["content"]["application/json"]["schema"]["$ref"].endswith(
        "schema/compiled/service.json"
    )


def test_services_list_validates_and_hides_private(client, oruk, seeded):
    response = get(client, "/services", per_page=5)
    assert response.status_code == 200
    body = response.json()
    oruk.assert_valid(body, oruk.openapi_schema("/services"))
    assert_page(body, total=12, page=1, per_page=5)
    names = [s["name"] for s in body["contents"]]
    assert names == sorted(names)
    # The private listing never appears, in a list or by id.
    all_names = [s["name"] for s in get(client, "/services", per_page=100).json()["contents"]]
    assert "Internal only service" not in all_names
    assert get(client, f"/services/{seeded['private']['id']}").status_code == 404


def test_last_page_and_beyond(client, oruk, seeded):
    body = get(client, "/services", per_page=5, page=3).json()
    assert_page(body, total=12, page=3, per_page=5)
    assert body["size"] == 2 and body["last_page"] is True
    oruk.assert_valid(body, oruk.openapi_schema("/services"))
    beyond = get(client, "/services", per_page=5, page=9).json()
    assert beyond["empty"] is True and beyond["contents"] == []
    oruk.assert_valid(beyond, oruk.openapi_schema("/services"))


def test_per_page_100_and_many_services(client, oruk, db):
    import_docs([build_service(n) for n in range(105)])
    body = get(client, "/services", per_page=100).json()
    assert_page(body, total=105, page=1, per_page=100)
    assert body["size"] == 100
    oruk.assert_valid(body, oruk.openapi_schema("/services"))
    second = get(client, "/services", per_page=100, page=2).json()
    assert second["size"] == 5 and second["last_page"] is True


def test_empty_directory(client, oruk, db):
    for path in (
        "/services",
        "/service_at_locations",
        "/organizations",
        "/taxonomies",
        "/taxonomy_terms",
    ):
        body = get(client, path).json()
        assert body["total_items"] == 0 and body["empty"] is True and body["contents"] == []
        assert body["total_pages"] == 0 and body["first_page"] and body["last_page"]
    oruk.assert_valid(get(client, "/services").json(), oruk.openapi_schema("/services"))


def test_full_service_validates(client, oruk, seeded):
    sid = seeded["services"][3]["id"]
    response = get(client, f"/services/{sid}")
    assert response.status_code == 200
    body = response.json()
    oruk.assert_valid(body, oruk.openapi_schema("/services/{id}"))
    assert body["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] == "SE11 5AA"
    assert body["attributes"][0]["taxonomy_term"]["name"] == "Housing advice"
    assert body["contacts"][0]["phones"][0]["number"] == "020 7946 0000"
    # Network-only fields are not published.
    for private_field in (
        "is_public",
        "accepting_introductions",
        "network_organisation",
        "last_checked",
        "typical_wait_days",
        "capacity_note",
    ):
        assert private_field not in body


def test_service_at_locations(client, oruk, seeded):
    body = get(client, "/service_at_locations", per_page=4).json()
    oruk.assert_valid(body, oruk.openapi_schema("/service_at_locations"))
    assert_page(body, total=12, page=1, per_page=4)
    sal_id = body["contents"][0]["id"]
    one = get(client, f"/service_at_locations/{sal_id}")
    assert one.status_code == 200
    # The profile's OpenAPI names compiled/service.json here, which requires a name and status
    # that a service-at-location does not have; we validate against the service_at_location
    # schema, which is what the response is.
    oruk.assert_valid(one.json(), oruk.file_schema("compiled/service_at_location.json"))
    oruk.assert_valid(one.json()["service"], oruk.file_schema("compiled/service.json"))


def test_organizations(client, oruk, seeded):
    body = get(client, "/organizations").json()
    oruk.assert_valid(body, oruk.page_schema("compiled/organization_list.json"))
    assert body["total_items"] == 3
    org_id = body["contents"][0]["id"]
    one = get(client, f"/organizations/{org_id}").json()
    oruk.assert_valid(one, oruk.file_schema("compiled/organization.json"))
    assert one["services"] and all(s["organization_id"] == org_id for s in one["services"])


def test_taxonomies_and_terms(client, oruk, seeded):
    body = get(client, "/taxonomies").json()
    oruk.assert_valid(body, oruk.openapi_schema("/taxonomies"))
    tax = get(client, f"/taxonomies/{TAXONOMY['id']}").json()
    oruk.assert_valid(tax, oruk.openapi_schema("/taxonomies/{id}"))
    assert len(tax["taxonomy_terms"]) == 3
    terms = get(client, "/taxonomy_terms").json()
    oruk.assert_valid(terms, oruk.openapi_schema("/taxonomy_terms"))
    assert terms["total_items"] == 3
    top = get(client, "/taxonomy_terms", top_only="true").json()
    assert {t["name"] for t in top["contents"]} == {"Housing advice", "Debt and benefits"}
    children = get(client, "/taxonomy_terms", parent_id=uid("term/debt")).json()
    assert [t["name"] for t in children["contents"]] == ["Rent arrears"]
    term = get(client, f"/taxonomy_terms/{uid('term/rent')}").json()
    oruk.assert_valid(term, oruk.openapi_schema("/taxonomy_terms/{id}"))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"taxonomy_term_id": uid("term/housing")}, {0, 3, 6, 9}),
        ({"taxonomy_id": uid("taxonomy/needs")}, {0, 3, 6, 9}),
        ({"search": "Housing"}, {0, 3, 6, 9}),
        ({"search": "number 11"}, {11}),
        ({"organization_id": uid("org/1")}, {1, 4, 7, 10}),
        ({"day": "SA"}, {0, 2, 4, 6, 8, 10}),
        ({"day": "wednesday"}, {1, 3, 5, 7, 9, 11}),
        ({"minimum_age": 18, "maximum_age": 65}, set(range(12))),
        ({"minimum_age": 19}, set()),
        ({"start_time": "09:00", "end_time": "17:00"}, set(range(12))),
        ({"start_time": "11:00"}, set()),
        ({"modified_after": "2030-01-01T00:00:00Z"}, set()),
        ({"postcode": "SE11 5AA", "proximity": 600}, {0, 1, 2, 3, 4, 5}),
    ],
)
def test_service_filters(client, oruk, seeded, params, expected):
    body = get(client, "/services", per_page=100, **params).json()
    oruk.assert_valid(body, oruk.openapi_schema("/services"))
    assert {int(s["name"].split()[-1]) for s in body["contents"]} == expected


def test_service_at_locations_by_postcode(client, oruk, seeded):
    body = get(client, "/service_at_locations", postcode="SE11", proximity=300).json()
    oruk.assert_valid(body, oruk.openapi_schema("/service_at_locations"))
    assert {c["service"]["name"] for c in body["contents"]} == {
        "Service 000",
        "Service 001",
        "Service 002",
    }


@pytest.mark.parametrize(
    "params",
    [
        {"page": "0"},
        {"page": "abc"},
        {"per_page": "101"},
        {"per_page": "-1"},
        {"taxonomy_term_id": "not-a-uuid"},
        {"day": "someday"},
        {"minimum_age": "old"},
        {"start_time": "25:99"},
        {"modified_after": "yesterday"},
        {"postcode": "NOT A POSTCODE"},
        {"postcode": "ZZ9"},
        {"proximity": "500"},
        {"proximity": "far", "postcode": "SE11"},
        {"search": "x" * 500},
    ],
)
def test_odd_parameters_get_400_json(client, seeded, params):
    for path in ("/services", "/service_at_locations"):
        response = get(client, path, **params)
        assert response.status_code == 400, (path, params, response.content)
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["detail"]


@pytest.mark.parametrize(
    "path",
    [
        "/services/nope",
        "/services/" + uid("missing"),
        "/taxonomies/x",
        "/taxonomy_terms/" + uid("missing"),
        "/organizations/x",
        "/service_at_locations/x",
        "/no-such-thing",
    ],
)
def test_not_found_is_json_with_cors(client, path, db):
    response = get(client, path)
    assert response.status_code == 404
    assert response.json()["detail"]


def test_throttled(client, db, monkeypatch):
    throttle = api.throttle[0]
    monkeypatch.setattr(throttle, "num_requests", 3)
    codes = [get(client, "/taxonomies").status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200]
    assert codes[3:] == [429, 429]


def test_nothing_about_people(client, seeded, personas):
    """Whatever the Hub holds, the API only ever serves directory records."""
    from tests.factories import introduction

    intro = introduction()
    text = b"".join(
        get(client, p, per_page=100).content
        for p in ("/services", "/service_at_locations", "/organizations")
    )
    assert str(intro.person.given_name).encode() not in text


def test_examples_import_and_serve_valid(client, oruk, db):
    import json

    from tests.integration.directory.conftest import EXAMPLES

    docs = [json.loads(f.read_text()) for f in sorted(EXAMPLES.glob("*.json"))]
    import_docs(*docs)
    sid = "ac148810-d857-441c-9679-408f346de14b"
    full = get(client, f"/services/{sid}").json()
    oruk.assert_valid(full, oruk.openapi_schema("/services/{id}"))
    assert full["name"] == "Community Counselling"


def test_the_schema_check_can_fail(oruk):
    """Guard against a validator that passes everything (e.g. an unresolved $ref)."""
    bad_page = {"total_items": "many", "contents": [{"id": "not-a-uuid", "name": "x"}]}
    problems = oruk.errors(bad_page, oruk.openapi_schema("/services"))
    assert any("status" in p for p in problems)
    assert any("uuid" in p for p in problems)
    assert any("total_items" in p for p in problems)
    assert oruk.errors({"id": uid("x"), "name": "x"}, oruk.openapi_schema("/services/{id}"))
