"""A directory listing's name is typed by partner workers and shown to the public: the one rule
for a name (people.names) applies, on the page and in the action."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.factories import login
from tests.integration.directory.conftest import build_service, import_docs
from tests.integration.directory.test_directory_pages import edit_data, svc

from livingwell.directory import actions
from livingwell.directory.models import Organization, Service

pytestmark = pytest.mark.django_db


@pytest.fixture
def owned(seeded, personas):
    service = svc(5)
    actions.set_owner(by=personas.site_admin, service=service, organisation=personas.vcs)
    return service


def test_a_listing_name_with_a_direction_override_is_refused_beside_the_field(
    client, owned, personas
):
    login(client, personas.partner_worker)
    url = reverse("directory:edit", args=[owned.id])
    response = client.post(url, edit_data(owned, name="Sunrise\u202e peeS"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_name-error"' in html and "hidden characters" in html
    assert Service.objects.get(pk=owned.pk).name == "Service 005"


def test_update_service_holds_the_rule_and_stores_the_name_normalised(owned, personas):
    with pytest.raises(actions.DirectoryError, match="hidden characters"):
        actions.update_service(
            by=personas.partner_worker, service=owned, changes={"name": "\u200b\u200b"}
        )
    actions.update_service(
        by=personas.partner_worker, service=owned, changes={"name": "  Cafe\u0301   Club "}
    )
    assert Service.objects.get(pk=owned.pk).name == "Caf\u00e9 Club"


def test_an_imported_name_follows_the_same_rule(db):
    """A file from another system is checked row by row like any other bad value."""
    good = build_service(1, name="  Cafe\u0301   Club ")
    bad = build_service(2)
    bad["organization"]["name"] = "\u202eytirahC"
    result = import_docs([good, bad], skip_invalid=True)
    assert any(p.field == "name" and "hidden characters" in p.reason for p in result.problems)
    assert list(Service.objects.values_list("name", flat=True)) == ["Caf\u00e9 Club"]
    assert not Organization.objects.filter(name__contains="\u202e").exists()
