"""Addresses in directory listings: only http and https web addresses and real email addresses
are taken in (the owner's form, the importer) or sent out (the public page, the ORUK API and
the export). A `javascript:` address shown as a link runs in the visitor's browser."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from tests.factories import login
from tests.integration.directory.conftest import build_service, import_docs, uid
from tests.integration.directory.test_directory_pages import edit_data, svc

from livingwell.directory import actions, exporter
from livingwell.directory.models import (
    Accessibility,
    Organization,
    Schedule,
    Service,
    ServiceArea,
    Taxonomy,
    TaxonomyTerm,
)

pytestmark = pytest.mark.django_db

HOSTILE = [
    "javascript:alert(document.cookie)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/path",
    "ftp://example.org/file",
    "mailto:someone@example.org",
    "example.org",
]


def _one(n: int, **fields) -> dict:
    """A service whose own fields, organisation, location and schedule carry `fields`."""
    svc = build_service(n)
    org = fields.pop("organization", {})
    svc["organization"].update(org)
    svc.update(fields.pop("service", {}))
    svc["schedules"][0].update(fields.pop("schedule", {}))
    location = svc["service_at_locations"][0]["location"]
    location["accessibility"] = [{"id": uid(f"access/{n}"), **fields.pop("accessibility", {})}]
    svc["service_areas"] = [{"id": uid(f"area/{n}"), **fields.pop("service_area", {})}]
    assert not fields
    return svc


def _own(refused) -> list:
    """The problems with the rows themselves, not with the rows that depend on a refused one."""
    return [p for p in refused.value.problems if not p.field.endswith("_id")]


# Every field that holds a web address, by where the importer finds it.
WEB_FIELDS = [
    ("service", "url"),
    ("organization", "website"),
    ("organization", "logo"),
    ("organization", "uri"),
    ("schedule", "schedule_link"),
    ("accessibility", "url"),
    ("service_area", "uri"),
]
EMAIL_FIELDS = [("service", "email"), ("service", "assurer_email"), ("organization", "email")]


@pytest.mark.parametrize(("record", "column"), WEB_FIELDS)
@pytest.mark.parametrize("address", HOSTILE)
def test_the_importer_refuses_an_address_that_is_not_http_or_https(db, record, column, address):
    doc = _one(1, **{record: {column: address}})
    with pytest.raises(actions.ImportRefused) as refused:
        import_docs(doc)
    assert [(p.field, "http" in p.reason) for p in _own(refused)] == [(column, True)]
    assert not Service.objects.exists()  # nothing stored


@pytest.mark.parametrize(("record", "column"), EMAIL_FIELDS)
def test_the_importer_refuses_an_email_that_is_not_one(db, record, column):
    doc = _one(2, **{record: {column: "javascript:alert(1)//@example.org"}})
    with pytest.raises(actions.ImportRefused) as refused:
        import_docs(doc)
    assert [p.field for p in _own(refused)] == [column]


def test_taxonomy_addresses_are_checked_too(db):
    taxonomy = {
        "id": uid("taxonomy/x"),
        "name": "Needs",
        "uri": "javascript:alert(1)",
        "taxonomy_terms": [{"id": uid("term/x"), "name": "Debt", "term_uri": "javascript:x"}],
    }
    with pytest.raises(actions.ImportRefused) as refused:
        import_docs(taxonomy)
    assert {p.field for p in _own(refused)} == {"uri", "term_uri"}
    assert not Taxonomy.objects.exists() and not TaxonomyTerm.objects.exists()


def test_good_addresses_still_import(db):
    doc = _one(
        3,
        service={"url": "https://example.org/a?b=c#d", "email": "help@example.org"},
        organization={"website": "http://example.org", "logo": "https://example.org/l.png"},
        schedule={"schedule_link": "https://book.example.org/"},
        accessibility={"url": "https://example.org/access"},
        service_area={"uri": "http://example.org/area/1"},
    )
    result = import_docs(doc)
    assert result.created and not result.problems
    assert Service.objects.get().url == "https://example.org/a?b=c#d"


def test_skip_invalid_imports_the_rest_and_names_the_bad_address(db):
    good, bad = build_service(4), build_service(5, url="javascript:alert(1)")
    result = import_docs(good, bad, skip_invalid=True)
    assert [(p.where, p.field) for p in result.problems][0] == ("(top level)", "url")
    assert list(Service.objects.values_list("name", flat=True)) == ["Service 004"]


@pytest.fixture
def owned(seeded, personas):
    service = svc(5)
    actions.set_owner(by=personas.site_admin, service=service, organisation=personas.vcs)
    return service


@pytest.mark.parametrize("address", ["javascript:alert(1)", "data:text/html,x", "example.org"])
def test_the_owners_form_refuses_it_beside_the_field_and_keeps_the_typing(
    client, owned, personas, address
):
    login(client, personas.partner_worker)
    response = client.post(
        reverse("directory:edit", args=[owned.id]),
        edit_data(owned, url=address, name="Kept name"),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "http" in " ".join(form.errors["url"])
    assert 'value="Kept name"' in response.content.decode()
    owned.refresh_from_db()
    assert owned.url == "https://example.org/services/5" and owned.name == "Service 005"


def test_the_owners_form_refuses_a_bad_email(client, owned, personas):
    login(client, personas.partner_worker)
    response = client.post(
        reverse("directory:edit", args=[owned.id]), edit_data(owned, email="javascript:x")
    )
    assert response.status_code == 200 and response.context["form"].errors["email"]


def test_the_action_refuses_it_too(owned, personas):
    with pytest.raises(actions.DirectoryError):
        actions.update_service(
            by=personas.partner_worker, service=owned, changes={"url": "javascript:alert(1)"}
        )


@pytest.fixture
def stored_before_the_rule(seeded):
    """Addresses saved before the rule existed (or by hand, outside the actions)."""
    service = svc(2)
    bad = "javascript:alert(1)"
    Service.objects.filter(pk=service.pk).update(url=bad, email="javascript:alert(1)")
    Organization.objects.filter(pk=service.organization_id).update(website=bad, logo=bad, uri=bad)
    Schedule.objects.filter(service=service).update(schedule_link=bad)
    sal = service.service_at_locations.get()
    Accessibility.objects.create(location=sal.location, url=bad, description="Step-free")
    ServiceArea.objects.create(service=service, name="Borough", uri=bad)
    return service


def test_an_old_bad_address_is_not_republished_by_the_api(client, stored_before_the_rule):
    sid = stored_before_the_rule.id
    for path in (f"/api/oruk/services/{sid}", "/api/oruk/services?per_page=100"):
        body = client.get(path).content.decode()
        assert "javascript" not in body.lower()
    body = client.get(f"/api/oruk/organizations/{stored_before_the_rule.organization_id}")
    assert "javascript" not in body.content.decode().lower()
    # The rest of the listing is still published.
    assert client.get(f"/api/oruk/services/{sid}").json()["name"] == "Service 002"


def test_an_old_bad_address_is_not_a_link_on_the_public_page(client, stored_before_the_rule):
    url = reverse("directory:public_service", args=[stored_before_the_rule.id])
    body = client.get(url).content.decode()
    assert "Service 002" in body
    assert "javascript" not in body.lower()


def test_an_old_bad_address_is_left_out_of_the_export(tmp_path, stored_before_the_rule):
    exporter.export(tmp_path)
    written = [json.loads((tmp_path / "services.json").read_text())]
    written += [f.read_text() for f in (tmp_path / "datapackage").glob("*.csv")]
    assert "javascript" not in json.dumps(written).lower()
