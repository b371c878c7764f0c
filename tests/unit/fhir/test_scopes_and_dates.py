"""SMART system scopes and FHIR date search values, read by hand-worked examples."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from livingwell.fhir.scopes import ScopeError, check, grants, parse
from livingwell.fhir.search import SearchError, date_test


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        ("system/Patient.rs", ("Patient", "rs")),
        ("system/Patient.read", ("Patient", "rs")),
        ("system/*.read", ("*", "rs")),
        ("system/ServiceRequest.c", ("ServiceRequest", "c")),
        ("system/*.*", ("*", "cruds")),
    ],
)
def test_smart_scopes_v1_and_v2_are_read(scope, expected):
    assert parse(scope) == expected


@pytest.mark.parametrize(
    "scope", ["patient/Patient.read", "user/*.rs", "system/Patient.", "system/Patient.sr", "x"]
)
def test_anything_but_a_system_scope_is_refused(scope):
    with pytest.raises(ScopeError):
        parse(scope)


def test_grants_answers_by_type_and_interaction():
    scopes = ["system/Patient.rs", "system/ServiceRequest.c"]
    assert grants(scopes, "Patient", "r") and grants(scopes, "Patient", "s")
    assert not grants(scopes, "Patient", "c")
    assert grants(scopes, "ServiceRequest", "c") and not grants(scopes, "ServiceRequest", "r")
    assert not grants(scopes, "Encounter", "r")
    assert grants(["system/*.rs"], "Encounter", "s")


def test_check_refuses_a_type_the_api_does_not_serve():
    with pytest.raises(ScopeError, match="Medication"):
        check(["system/Medication.rs"], {"Patient"})
    with pytest.raises(ScopeError):
        check([], {"Patient"})


@pytest.mark.parametrize(
    ("value", "inside", "outside"),
    [
        ("2026-03", datetime(2026, 3, 31, 23, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC)),
        ("ge2026-03-02", datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 1, 23, tzinfo=UTC)),
        ("lt2026", datetime(2025, 12, 31, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)),
        ("le2026-12", datetime(2026, 12, 31, 23, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)),
        ("gt2026-12-31", datetime(2027, 1, 1, tzinfo=UTC), datetime(2026, 12, 31, 12, tzinfo=UTC)),
        ("ne2026", datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 6, 1, tzinfo=UTC)),
    ],
)
def test_date_prefixes_cover_the_values_precision(value, inside, outside):
    test = date_test("date", value)
    assert test(inside) and not test(outside)


@pytest.mark.parametrize("value", ["2026-13", "2026-02-30", "yesterday", "ap2026", "2026-1-1"])
def test_a_date_that_is_not_one_is_a_search_error(value):
    with pytest.raises(SearchError):
        date_test("date", value)
