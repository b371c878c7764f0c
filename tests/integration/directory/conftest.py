"""Fixtures for the directory: the ORUK schemas (offline), and a seeded directory built through
the real import action."""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from livingwell.directory import actions, importer

REPO = Path(__file__).resolve().parents[3]


def _shared_folder() -> Path:
    """The read-only `shared` folder with the ORUK specification: LIVINGWELL_SHARED if set, else
    `../shared` beside this checkout (as in CI), else, for a clone of a local checkout made
    elsewhere (e.g. in a temporary folder), `shared` beside the repository it was cloned from."""
    candidates = []
    if os.environ.get("LIVINGWELL_SHARED"):
        candidates.append(Path(os.environ["LIVINGWELL_SHARED"]))
    candidates.append(REPO.parent / "shared")
    origin = subprocess.run(
        ["git", "config", "--get", "remote.origin.url"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    if origin.startswith("file://"):
        origin = origin[len("file://") :]
    if origin.startswith("/"):
        candidates.append(Path(origin).parent / "shared")
    return next((c for c in candidates if c.is_dir()), candidates[0])


SPEC = _shared_folder() / "spec" / "oruk-3.0"
SCHEMA_BASE = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/"
EXAMPLES = SPEC / "examples"


def _registry() -> Registry:
    resources = []
    for f in sorted((SPEC / "schema").rglob("*.json")):
        rel = f.relative_to(SPEC / "schema").as_posix()
        contents = json.loads(f.read_text())
        resources.append(
            (SCHEMA_BASE + rel, Resource.from_contents(contents, default_specification=DRAFT202012))
        )
    return Registry().with_resources(resources)


class Oruk:
    """Validates a response against the UK profile: by the profile's OpenAPI response schema
    where it has one, otherwise by the compiled schema for that record."""

    def __init__(self):
        if not SPEC.exists():
            pytest.fail(f"The ORUK spec folder is missing: {SPEC}")
        self.registry = _registry()
        self.openapi = json.loads((SPEC / "schema" / "openapi.json").read_text())

    def validator(self, schema: dict) -> Draft202012Validator:
        return Draft202012Validator(
            schema, registry=self.registry, format_checker=Draft202012Validator.FORMAT_CHECKER
        )

    def openapi_schema(self, path: str) -> dict:
        pointer = path.replace("~", "~0").replace("/", "~1")
        return {
            "$ref": f"{SCHEMA_BASE}openapi.json#/paths/{pointer}/get/responses/200/content/"
            "application~1json/schema"
        }

    def page_schema(self, item_file: str) -> dict:
        return {
            "allOf": [{"$ref": f"{SCHEMA_BASE}openapi.json#/components/schemas/Page"}],
            "properties": {
                "contents": {"type": "array", "items": {"$ref": SCHEMA_BASE + item_file}}
            },
        }

    def file_schema(self, file: str) -> dict:
        return {"$ref": SCHEMA_BASE + file}

    def errors(self, instance, schema: dict) -> list[str]:
        return [
            f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in self.validator(schema).iter_errors(instance)
        ]

    def assert_valid(self, instance, schema: dict) -> None:
        problems = self.errors(instance, schema)
        assert not problems, "\n".join(problems[:20])


@pytest.fixture(scope="session")
def oruk() -> Oruk:
    return Oruk()


@pytest.fixture(autouse=True)
def _clear_throttle_cache(db):
    # The API's per-client counts live in the cache, the database cache all workers share.
    cache.clear()
    yield
    cache.clear()


def uid(label: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"livingwell-test/{label}"))


def build_service(n: int, *, taxonomy_term: dict | None = None, **overrides) -> dict:
    """A fully nested ORUK service, as a publisher would send it."""
    sid = uid(f"service/{n}")
    loc = uid(f"location/{n}")
    svc = {
        "id": sid,
        "name": f"Service {n:03d}",
        "description": f"Support number {n}",
        "status": "active",
        "url": f"https://example.org/services/{n}",
        "email": f"service{n}@example.org",
        "minimum_age": 18,
        "maximum_age": 65,
        "last_modified": "2025-01-01T09:00:00Z",
        "organization": {
            "id": uid(f"org/{n % 3}"),
            "name": f"Organisation {n % 3}",
            "description": "A community organisation",
        },
        "schedules": [
            {
                "id": uid(f"schedule/{n}"),
                "freq": "WEEKLY",
                "byday": "MO,WE" if n % 2 else "SA",
                "opens_at": "10:00:00",
                "closes_at": "16:00:00",
            }
        ],
        "service_at_locations": [
            {
                "id": uid(f"sal/{n}"),
                "location": {
                    "id": loc,
                    "location_type": "physical",
                    "name": f"Hall {n}",
                    "latitude": 51.489 + n * 0.001,
                    "longitude": -0.111,
                    "addresses": [
                        {
                            "id": uid(f"address/{n}"),
                            "address_1": f"{n} High Street",
                            "city": "London",
                            "state_province": "Greater London",
                            "postal_code": "SE11 5AA",
                            "country": "GB",
                            "address_type": "physical",
                        }
                    ],
                },
            }
        ],
        "languages": [{"id": uid(f"lang/{n}"), "name": "English", "code": "en"}],
        "cost_options": [{"id": uid(f"cost/{n}"), "option": "Free", "amount": 0}],
        "contacts": [
            {
                "id": uid(f"contact/{n}"),
                "name": "Reception",
                "phones": [{"id": uid(f"phone/{n}"), "number": "020 7946 0000"}],
            }
        ],
    }
    if taxonomy_term:
        svc["attributes"] = [{"id": uid(f"attr/{n}"), "taxonomy_term": taxonomy_term}]
    svc.update(overrides)
    return svc


def import_docs(*docs, skip_invalid: bool = False):
    bundle = importer.Bundle()
    for doc in docs:
        bundle.rows.extend(importer.read_oruk_json(doc).rows)
    return actions.import_directory(by=None, bundle=bundle, skip_invalid=skip_invalid)


TAXONOMY = {
    "id": uid("taxonomy/needs"),
    "name": "Living Well needs",
    "description": "What a person needs help with",
    "taxonomy_terms": [
        {"id": uid("term/housing"), "name": "Housing advice", "description": "Housing"},
        {"id": uid("term/debt"), "name": "Debt and benefits", "description": "Money"},
        {
            "id": uid("term/rent"),
            "name": "Rent arrears",
            "description": "Rent",
            "parent_id": uid("term/debt"),
        },
    ],
}


@pytest.fixture
def seeded(personas):
    """12 public services (4 about housing), 1 private one, and the postcode districts."""
    from livingwell.directory import postcodes

    housing = {**TAXONOMY["taxonomy_terms"][0], "taxonomy_id": TAXONOMY["id"]}
    services = [build_service(n, taxonomy_term=housing if n % 3 == 0 else None) for n in range(12)]
    private = build_service(99, name="Internal only service")
    import_docs(TAXONOMY, services, private)
    from livingwell.directory.models import Service

    actions.update_service(
        by=personas.site_admin,
        service=Service.objects.get(id=private["id"]),
        changes={"is_public": False},
    )
    postcodes.import_centroids(by=None, path=postcodes.DEMO_FILE)
    return {"services": services, "private": private}
