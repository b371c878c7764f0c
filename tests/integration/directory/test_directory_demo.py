"""The demo borough's directory: realistic, deterministic, valid ORUK."""

from __future__ import annotations

import random

import pytest

from livingwell.directory import oruk as to_oruk
from livingwell.directory.demo import NEEDS, build_demo_directory
from livingwell.directory.models import Service
from livingwell.directory.search import search
from livingwell.directory.tables import TABLES

pytestmark = pytest.mark.django_db


def _fingerprint():
    return sorted(
        (str(i), n, p, w, str(o))
        for i, n, p, w, o in Service.objects.values_list(
            "id", "name", "is_public", "typical_wait_days", "network_organisation_id"
        )
    )


def test_demo_directory_is_realistic_and_valid(personas, oruk):
    orgs = [personas.trust, personas.council, personas.vcs, personas.other_vcs]
    summary = build_demo_directory(random.Random(7), orgs)
    assert summary.services == Service.objects.count() == 150
    assert set(summary.terms) == set(NEEDS)
    # Partner organisations own and take handovers for some listings; the trust owns none.
    owners = set(Service.objects.values_list("network_organisation__name", flat=True))
    assert {"Riverside Mind", "Demo Borough Council"} & owners
    assert "Demo NHS Foundation Trust" not in owners
    assert Service.objects.filter(is_public=False).exists()
    for svc in to_oruk.full_services_queryset().filter(is_public=True)[:40]:
        oruk.assert_valid(to_oruk.service(svc), oruk.openapi_schema("/services/{id}"))
    # Every need finds something near the middle of the borough.
    results = search({"postcode": "SE11", "within": 10}, public_only=True)
    assert len(results) > 50


def test_demo_directory_is_deterministic(personas):
    build_demo_directory(random.Random(3), [personas.vcs])
    first = _fingerprint()
    for table in reversed(TABLES):
        table.model.objects.all().delete()
    build_demo_directory(random.Random(3), [personas.vcs])
    assert _fingerprint() == first
