"""Directory pages: public search, staff search and service page, owners' edits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from tests.factories import login
from tests.integration.directory.conftest import uid

from livingwell.access.models import AuditEvent
from livingwell.directory import actions
from livingwell.directory.models import Service
from livingwell.directory.queries import service_for_handover

pytestmark = pytest.mark.django_db

PUBLIC = reverse("directory:public_search")


def svc(n: int) -> Service:
    return Service.objects.get(id=uid(f"service/{n}"))


def test_public_search_without_login(client, seeded):
    response = client.get(PUBLIC)
    assert response.status_code == 200
    assert b"Find support near you" in response.content
    assert b"services found" not in response.content  # no search yet


def test_public_search_by_need_says_why(client, seeded):
    response = client.get(PUBLIC, {"need": uid("term/housing")})
    body = response.content.decode()
    assert "4 services found" in body
    assert "Helps with: Housing advice" in body
    assert "Service 003" in body and "Service 001" not in body
    assert "Internal only service" not in body


def test_public_search_by_place_orders_by_distance(client, seeded):
    response = client.get(PUBLIC, {"postcode": "SE11 5AA", "within": "1"})
    results = response.context["results"]
    assert [r.service.name for r in results][:3] == ["Service 000", "Service 001", "Service 002"]
    assert all(r.distance_km <= 1 for r in results)
    assert "km from the middle of SE11" in response.content.decode()


def test_public_search_day_language_cost_age(client, seeded):
    r = client.get(PUBLIC, {"when": "SA"}).context["results"]
    assert {x.service.name for x in r} == {f"Service {n:03d}" for n in range(0, 12, 2)}
    assert "Open on Saturday" in r[0].reasons
    r = client.get(PUBLIC, {"language": "English", "free_only": "on", "age": "30"}).context[
        "results"
    ]
    assert len(r) == 12 and "Ages: 18 to 65" in r[0].reasons
    assert client.get(PUBLIC, {"age": "70"}).context["results"] == []


def test_an_empty_search_says_so(client, seeded):
    body = client.get(PUBLIC, {"q": "", "postcode": ""}).content.decode()
    assert "You did not choose anything to search for" in body
    assert "services found" not in body


def test_service_page_gives_days_and_ages_in_words(client, seeded):
    service = svc(0)
    service.schedules.all().delete()
    service.schedules.create(id=uid("schedule/words"), byday="TH,MO,WE", freq="WEEKLY")
    Service.objects.filter(pk=service.pk).update(minimum_age=16, maximum_age=None)
    body = client.get(reverse("directory:public_service", args=[service.id])).content.decode()
    assert "Monday, Wednesday, Thursday" in body and "MO,WE" not in body
    assert "16 and over" in body


@pytest.mark.parametrize(
    ("lo", "hi", "words"),
    [
        (None, None, "All ages"),
        (16, None, "16 and over"),
        (0, None, "All ages"),
        (None, 25, "Up to 25"),
        (0, 25, "Up to 25"),
        (18, 65, "18 to 65"),
        (18, 18, "Aged 18"),
    ],
)
def test_ages_in_words(lo, hi, words):
    assert Service(minimum_age=lo, maximum_age=hi).ages_in_words == words


def test_public_search_bad_input_is_explained_and_kept(client, seeded):
    response = client.get(PUBLIC, {"postcode": "nowhere", "q": "walking"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and "Enter a postcode like SE11 5AA" in body
    assert 'value="walking"' in body and 'value="nowhere"' in body
    response = client.get(PUBLIC, {"postcode": "ZZ9"})
    assert "We do not have ZZ9 on our map" in response.content.decode()
    assert client.get(PUBLIC, {"age": "-4"}).status_code == 200


def test_public_service_page(client, seeded):
    response = client.get(reverse("directory:public_service", args=[svc(3).id]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Service 003</h1>" in body and "3 High Street" in body
    assert "How handovers" not in body and "Hand over" not in body
    private = reverse("directory:public_service", args=[seeded["private"]["id"]])
    assert client.get(private).status_code == 404


def test_staff_search_needs_login(client, seeded):
    response = client.get(reverse("directory:search"))
    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_staff_search_without_permission(client, seeded, personas):
    login(client, personas.analyst)
    assert client.get(reverse("directory:search")).status_code == 403


def test_staff_search_includes_private_listings(client, seeded, personas):
    login(client, personas.hub_worker)
    body = client.get(reverse("directory:search"), {"q": "Internal"}).content.decode()
    assert "Internal only service" in body and "Staff only listing" in body


def test_service_page_shows_handover_stats_and_link(client, seeded, personas):
    from tests.integration.directory.test_directory_handover_stats import make_handovers

    service = svc(3)
    make_handovers(personas, service)
    login(client, personas.hub_worker)
    response = client.get(reverse("directory:service", args=[service.id]))
    body = response.content.decode()
    assert f'href="/hub/handover/new/?service={service.id}"' in body
    stats = response.context["stats"]
    assert (stats.total, stats.accepted, stats.declined, stats.waiting) == (4, 2, 1, 1)
    assert "67% (2 of 3)" in body
    assert "Service is full" in body
    assert "Edit this listing" not in body  # a Hub worker does not own it


def test_service_page_needs_login(client, seeded):
    response = client.get(reverse("directory:service", args=[svc(3).id]))
    assert response.status_code == 302


def test_service_for_handover():
    assert service_for_handover("not-a-uuid") is None
    assert service_for_handover(uid("missing")) is None


def test_service_for_handover_finds_service(seeded, personas):
    service = svc(1)
    actions.set_owner(by=personas.site_admin, service=service, organisation=personas.vcs)
    found = service_for_handover(str(service.id))
    assert found.name == "Service 001" and found.network_organisation == personas.vcs


# --- Editing -------------------------------------------------------------------------------------


@pytest.fixture
def owned(seeded, personas):
    service = svc(5)
    actions.set_owner(by=personas.site_admin, service=service, organisation=personas.vcs)
    return service


def edit_data(service, **changes):
    data = {
        "name": service.name,
        "description": service.description,
        "url": service.url,
        "email": service.email,
        "status": service.status,
        "fees": "",
        "minimum_age": "18",
        "maximum_age": "65",
        "alert": "",
        "is_public": "on",
        "accepting_introductions": "on",
        "typical_wait_days": "",
        "capacity_note": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_partner_edits_own_listing(client, owned, personas):
    login(client, personas.partner_worker)
    url = reverse("directory:edit", args=[owned.id])
    assert client.get(url).status_code == 200
    response = client.post(
        url, edit_data(owned, typical_wait_days="10", accepting_introductions=None)
    )
    assert response.status_code == 302
    owned.refresh_from_db()
    assert owned.typical_wait_days == 10 and owned.accepting_introductions is False
    assert owned.last_checked == timezone.localdate()
    event = AuditEvent.objects.get(action="directory.service.update", object_id=str(owned.id))
    assert event.object_id == str(owned.id)
    assert event.detail["fields"] == ["accepting_introductions", "typical_wait_days"]


def test_partner_cannot_edit_others_listing(client, seeded, owned, personas):
    login(client, personas.partner_worker)
    other = svc(6)
    assert client.get(reverse("directory:edit", args=[other.id])).status_code == 404
    assert (
        client.post(reverse("directory:edit", args=[other.id]), edit_data(other)).status_code == 404
    )
    assert client.post(reverse("directory:checked", args=[other.id])).status_code == 404
    assert not AuditEvent.objects.filter(object_id=str(other.id)).exists()


def test_unrelated_partner_worker_and_anonymous(client, owned, personas):
    url = reverse("directory:edit", args=[owned.id])
    assert client.get(url).status_code == 302
    login(client, personas.hub_worker)  # no directory permission at all
    assert client.get(url).status_code == 403


def test_admin_edits_any_listing(client, seeded, personas):
    login(client, personas.site_admin)
    other = svc(7)
    response = client.post(
        reverse("directory:edit", args=[other.id]), edit_data(other, name="Renamed")
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.name == "Renamed"


def test_bad_edit_is_explained_and_kept(client, owned, personas):
    login(client, personas.partner_worker)
    response = client.post(
        reverse("directory:edit", args=[owned.id]),
        edit_data(owned, minimum_age="70", maximum_age="20", name="Kept name"),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body and 'value="Kept name"' in body
    owned.refresh_from_db()
    assert owned.name == "Service 005" and owned.minimum_age == 18


def test_overdue_listing_flagged_to_owner_and_checked(client, owned, personas):
    Service.objects.filter(pk=owned.pk).update(
        last_checked=timezone.localdate() - timedelta(days=200)
    )
    login(client, personas.partner_worker)
    mine = client.get(reverse("directory:my_listings")).content.decode()
    assert "Service 005" in mine and "Check overdue" in mine
    assert "Service 006" not in mine
    page = client.get(reverse("directory:service", args=[owned.id])).content.decode()
    assert "Check overdue" in page
    response = client.post(reverse("directory:checked", args=[owned.id]))
    assert response.status_code == 302
    owned.refresh_from_db()
    assert owned.last_checked == timezone.localdate()
    assert AuditEvent.objects.filter(action="directory.service.checked").count() == 1
    assert "Check overdue" not in client.get(reverse("directory:my_listings")).content.decode()
