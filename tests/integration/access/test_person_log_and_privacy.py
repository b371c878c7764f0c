"""Who has looked at my record; the privacy officer's workspace, unusual access and reports."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from tests import factories
from tests.integration.access.access_helpers import ALL_MARKERS, build_shared_record

from livingwell.access.models import AuditEvent
from livingwell.access.queries import access_log_for, unusual_access
from livingwell.core.models import SiteConfig

pytestmark = pytest.mark.django_db


def _log_url(person):
    return reverse("access:person_log", args=[person.pk])


# --- the person's access log -------------------------------------------------------------------


def test_person_log_needs_sign_in(client, personas):
    shared = build_shared_record(personas)
    response = client.get(_log_url(shared.person))
    assert response.status_code == 302 and "/account/sign-in/" in response["Location"]


def test_person_log_is_not_found_without_a_relationship(client, personas):
    shared = build_shared_record(personas)
    factories.login(client, personas.unrelated_worker)
    real = client.get(_log_url(shared.person))
    missing = client.get(reverse("access:person_log", args=[uuid.uuid4()]))
    assert real.status_code == missing.status_code == 404
    assert shared.person.given_name not in real.content.decode()
    refusal = AuditEvent.objects.filter(outcome="refused", category="access_log").first()
    assert refusal.person_id == shared.person.pk


def test_person_log_speaks_plainly_and_carries_no_clinical_content(client, personas):
    shared = build_shared_record(personas)
    factories.login(client, personas.partner_worker)
    client.get(reverse("hub:record", args=[shared.intro.pk]))
    factories.login(client, personas.key_worker)
    response = client.get(_log_url(shared.person))
    body = response.content.decode()
    assert response.status_code == 200
    assert (
        "Partner Worker (Riverside Mind, partner organisation worker) looked at the record "
        "for direct care on "
    ) in body
    assert "Key Worker (Demo NHS Foundation Trust, key worker) looked at who has looked" in body
    for text in ALL_MARKERS.values():
        assert text not in body
    rows = access_log_for(shared.person)
    assert rows[0].who == "Key Worker" and rows[0].why == "for direct care"
    assert len(rows) == AuditEvent.objects.filter(person_id=shared.person.pk).count()


def test_privacy_officer_sees_the_log_and_their_reading_is_recorded(client, personas):
    shared = build_shared_record(personas)
    factories.login(client, personas.privacy_officer)
    response = client.get(_log_url(shared.person))
    assert response.status_code == 200
    read = AuditEvent.objects.filter(category="access_log").last()
    assert read.actor == personas.privacy_officer and read.purpose == "privacy_review"
    assert "to check that access was appropriate" in response.content.decode()
    assert client.get(reverse("access:person_log", args=[uuid.uuid4()])).status_code == 404


# --- the workspace -----------------------------------------------------------------------------


def test_workspace_needs_sign_in_and_the_privacy_role(client, personas):
    url = reverse("access:privacy_workspace")
    assert "/account/sign-in/" in client.get(url)["Location"]
    for persona in ("key_worker", "hub_worker", "site_admin"):
        factories.login(client, getattr(personas, persona))
        assert client.get(url).status_code == 403
    factories.login(client, personas.privacy_officer)
    page = client.get(url).content.decode()
    assert "Privacy officer&#x27;s workspace" in page or "Privacy officer's workspace" in page
    assert "Nothing waiting." in page and "No unusual access." in page
    assert 'href="/access/privacy/"' in page  # the staff nav links it


def test_unusual_access_flags_a_worker_opening_many_records_outside_their_caseload(
    client, personas
):
    config = SiteConfig.current()
    config.unusual_access_threshold = 2
    config.save()
    intros = [factories.introduction() for _ in range(3)]
    factories.login(client, personas.hub_worker)
    for intro in intros:
        assert client.get(reverse("hub:record", args=[intro.pk])).status_code == 200
    # The key worker reads their own caseload many times: never unusual.
    shared = build_shared_record(personas)
    factories.login(client, personas.key_worker)
    for _ in range(4):
        client.get(reverse("hub:record", args=[shared.intro.pk]))

    flagged = unusual_access(threshold=2)
    assert [(u.actor_name, u.people) for u in flagged] == [("Hub Worker", 3)]
    assert unusual_access(threshold=3) == []

    factories.login(client, personas.privacy_officer)
    page = client.get(reverse("access:privacy_workspace")).content.decode()
    assert "Hub Worker" in page and "more than 2 different people" in page


def test_records_a_hub_worker_holds_are_their_caseload(client, personas):
    intro = factories.introduction()
    from livingwell.hub import actions as hub

    hub.take_ownership(by=personas.hub_worker, introduction=intro)
    factories.login(client, personas.hub_worker)
    client.get(reverse("hub:record", args=[intro.pk]))
    read = AuditEvent.objects.filter(action="read").last()
    assert read.detail == {"basis": "hub", "caseload": True}
    assert unusual_access(threshold=0) == []


# --- access reports ----------------------------------------------------------------------------


def test_report_needs_sign_in_and_the_privacy_role(client, personas):
    url = reverse("access:access_report")
    assert "/account/sign-in/" in client.post(url, {"kind": "worker"})["Location"]
    factories.login(client, personas.key_worker)
    assert client.post(url, {"kind": "worker"}).status_code == 403


def test_person_report_on_screen_and_as_csv(client, personas):
    shared = build_shared_record(personas)
    factories.login(client, personas.partner_worker)
    client.get(reverse("hub:record", args=[shared.intro.pk]))
    factories.login(client, personas.privacy_officer)
    url = reverse("access:access_report")

    bad = client.post(url, {"kind": "person", "person-reference": "LW-NOPE-NOPE"})
    assert "No introduction has that reference" in bad.content.decode()
    assert 'value="LW-NOPE-NOPE"' in bad.content.decode()

    page = client.post(url, {"kind": "person", "person-reference": shared.intro.reference})
    body = page.content.decode()
    assert page.status_code == 200
    assert f"Access report for {shared.person.display_name}" in body
    assert "Partner Worker" in body and f'value="{shared.person.pk}"' in body

    export = client.post(url, {"kind": "person", "person_id": shared.person.pk, "format": "csv"})
    assert export["Content-Type"].startswith("text/csv")
    assert "attachment" in export["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0][:3] == ["when_utc", "worker", "role"]
    assert any(r[1] == "Partner Worker" and r[5] == "read" for r in rows[1:])
    assert all(r[4] == str(shared.person.pk) for r in rows[1:])
    assert AuditEvent.objects.filter(action="access_report.export").get().person_id == (
        shared.person.pk
    )
    for text in ALL_MARKERS.values():
        assert text not in export.content.decode()

    missing = client.post(url, {"kind": "person", "person_id": uuid.uuid4(), "format": "csv"})
    assert missing.status_code == 404


def test_worker_report_lists_what_one_worker_did(client, personas):
    shared = build_shared_record(personas)
    factories.login(client, personas.partner_worker)
    client.get(reverse("hub:record", args=[shared.intro.pk]))
    factories.login(client, personas.privacy_officer)
    url = reverse("access:access_report")
    empty = client.post(url, {"kind": "worker"})
    assert "Choose a worker" in empty.content.decode()
    page = client.post(url, {"kind": "worker", "worker-worker": personas.partner_worker.pk})
    body = page.content.decode()
    assert "Access report for Partner Worker" in body
    assert shared.person.display_name in body
    export = client.post(
        url, {"kind": "worker", "worker_id": personas.partner_worker.pk, "format": "csv"}
    )
    rows = list(csv.reader(io.StringIO(export.content.decode())))[1:]
    assert rows and all(r[1] == "Partner Worker" for r in rows)
    event = AuditEvent.objects.get(action="access_report.export")
    assert event.detail == {"worker": str(personas.partner_worker.pk)}


# --- the questions open_introduction answers in the statement that loads the introduction -------


def test_hub_sees_a_closed_introduction_while_its_open_door_is_open_and_not_after(client, personas):
    from livingwell.hub import actions as hub
    from livingwell.intake.models import Introduction

    intro = factories.introduction()
    hub.close(by=personas.hub_worker, introduction=intro, reason="moved_away")
    factories.login(client, personas.hub_worker)
    url = reverse("hub:record", args=[intro.pk])
    assert client.get(url).status_code == 200  # closed, the door held open
    read = AuditEvent.objects.filter(action="read", object_id=str(intro.pk)).last()
    assert read.detail == {"basis": "hub", "caseload": False}

    Introduction.objects.filter(pk=intro.pk).update(
        open_door_until=timezone.now() - timedelta(minutes=1)
    )
    assert client.get(url).status_code == 404  # the door shut: no relationship left
    assert AuditEvent.objects.filter(
        actor=personas.hub_worker, person_id=intro.person_id, outcome=AuditEvent.Outcome.REFUSED
    ).exists()


def test_holding_another_of_the_persons_introductions_puts_them_on_the_caseload(client, personas):
    from livingwell.hub import actions as hub

    first = factories.introduction()
    second = factories.introduction(person=None)
    second.person = first.person  # the same person, introduced twice
    second.save(update_fields=["person"])
    hub.take_ownership(by=personas.hub_worker, introduction=first)
    factories.login(client, personas.hub_worker)
    client.get(reverse("hub:record", args=[second.pk]))  # held by no one
    read = AuditEvent.objects.filter(action="read", object_id=str(second.pk)).last()
    assert read.detail == {"basis": "hub", "caseload": True}

    factories.login(client, personas.unrelated_worker)
    assert client.get(reverse("hub:record", args=[second.pk])).status_code == 404
