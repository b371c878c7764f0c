"""Pure pieces of the directory: postcodes, days, distances, JSON flattening, URL policies."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from livingwell.directory.importer import FileUnreadable, read_oruk_json
from livingwell.directory.models import Service
from livingwell.directory.queries import QueryError, distance_m, outcode, parse_day


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("SE11 5AA", "SE11"),
        ("se115aa", "SE11"),
        (" sw9 ", "SW9"),
        ("EC1A 1BB", "EC1A"),
        ("W1", "W1"),
        ("nowhere", None),
        ("12345", None),
        ("", None),
    ],
)
def test_outcode(value, expected):
    assert outcode(value) == expected


@pytest.mark.parametrize(("value", "code"), [("MO", "MO"), ("monday", "MO"), ("Sat", "SA")])
def test_parse_day(value, code):
    assert parse_day(value) == code


def test_parse_day_rejects_nonsense():
    with pytest.raises(QueryError, match="not a day"):
        parse_day("someday")


def test_distance():
    # Kennington to Brixton is roughly 2.3 km.
    assert 2000 < distance_m(51.489, -0.111, 51.469, -0.113) < 2600
    assert distance_m(51.5, -0.1, 51.5, -0.1) == 0


def test_review_overdue():
    s = Service(last_checked=date(2025, 1, 1))
    assert not s.is_review_overdue(6, today=date(2025, 6, 1))
    assert s.is_review_overdue(6, today=date(2025, 8, 1))
    assert Service(last_checked=None).is_review_overdue(6, today=date(2025, 1, 1))


def test_flattening_a_nested_service():
    bundle = read_oruk_json(
        {
            "contents": [
                {
                    "id": "a",
                    "name": "S",
                    "status": "active",
                    "organization": {"id": "o", "name": "O", "description": "d"},
                    "schedules": [{"id": "s1", "byday": "MO"}],
                    "service_at_locations": [
                        {
                            "id": "sal",
                            "location": {
                                "id": "l",
                                "location_type": "physical",
                                "addresses": [{"id": "ad"}],
                            },
                        }
                    ],
                    "attributes": [{"id": "at", "taxonomy_term": {"id": "t", "name": "T"}}],
                }
            ]
        }
    )
    by_table = {(r.table, r.data["id"]): r for r in bundle.rows}
    assert by_table[("service", "a")].data["organization_id"] == "o"
    assert by_table[("schedule", "s1")].data["service_id"] == "a"
    assert by_table[("service_at_location", "sal")].data["location_id"] == "l"
    assert by_table[("address", "ad")].data["location_id"] == "l"
    assert (
        by_table[("address", "ad")].where
        == "contents[0].service_at_locations[0].location.addresses[0]"
    )
    attr = by_table[("attribute", "at")].data
    assert (attr["link_id"], attr["link_entity"], attr["taxonomy_term_id"]) == ("a", "service", "t")
    # Loaded in dependency order.
    order = [r.table for r in bundle.ordered()]
    assert order.index("organization") < order.index("service") < order.index("schedule")


def test_unreadable_shapes():
    with pytest.raises(FileUnreadable):
        read_oruk_json("text")
    with pytest.raises(FileUnreadable, match="schedules: expected an array"):
        read_oruk_json({"id": "a", "status": "active", "schedules": {"id": 1}})


def _patterns(resolver, prefix=""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def test_every_directory_and_api_url_declares_an_access_policy():
    mine = [
        (route, p)
        for route, p in _patterns(get_resolver())
        if route.startswith(("support/", "directory/", "api/oruk/"))
    ]
    assert len(mine) >= 15
    for route, p in mine:
        assert getattr(p.callback, "access_policy", None), route
        if route.startswith(("support/", "api/oruk/")):
            assert p.callback.access_policy == "public", route
