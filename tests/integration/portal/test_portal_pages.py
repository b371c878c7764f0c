"""Every portal page, for the person, another person, a proxy within and beyond their grant, a
staff session and an expired session."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests import factories
from tests.integration.access.access_helpers import KWC, PLAN, RESTR, VCS
from tests.integration.portal.portal_support import (
    PORTAL_PAGES,
    grant,
    other_person_record,
    proxy_viewer,
    self_viewer,
    shared_record,
    sign_in,
)

from livingwell.access.models import AuditEvent

pytestmark = pytest.mark.django_db


def _last_event_id() -> int:
    # Not a count: on PostgreSQL ids go on from earlier tests' rolled-back rows.
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_the_person_opens_every_page_and_each_read_is_audited_as_theirs(client, personas):
    record = shared_record(personas)
    sign_in(client, self_viewer(record.person))
    for name in PORTAL_PAGES:
        before = _last_event_id()
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        read = AuditEvent.objects.filter(pk__gt=before, action="read").get()
        assert read.person_id == record.person.pk
        assert read.acting_role == "person" and read.actor_id is None
        assert read.outcome == AuditEvent.Outcome.ALLOWED


def test_the_person_sees_every_organisations_entries_but_never_a_team_restricted_one(
    client, personas
):
    record = shared_record(personas)
    sign_in(client, self_viewer(record.person))
    plan = client.get(reverse("portal:plan")).content.decode()
    assert PLAN in plan
    support = client.get(reverse("portal:support")).content.decode()
    assert KWC in support and VCS in support
    assert RESTR not in support
    download = client.get(reverse("portal:download_json")).content.decode()
    assert KWC in download and RESTR not in download


def test_another_persons_record_is_never_shown_and_their_ids_are_not_found(client, personas):
    record = shared_record(personas)
    other = other_person_record()
    others_grant = grant(other.person, parts=["plan"])
    sign_in(client, self_viewer(other.person))
    for name in PORTAL_PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert b"Robin" not in response.content and PLAN.encode() not in response.content
    sign_in(client, self_viewer(record.person))
    response = client.post(reverse("portal:proxy_revoke", args=[others_grant.pk]))
    assert response.status_code == 404
    others_grant.refresh_from_db()
    assert others_grant.revoked_at is None


def test_a_session_naming_a_person_who_does_not_exist_is_not_found(client, personas):
    import uuid

    from livingwell.access.person import Kind, PortalViewer

    sign_in(client, PortalViewer(person_id=str(uuid.uuid4()), kind=Kind.SELF))
    for name in PORTAL_PAGES:
        assert client.get(reverse(name)).status_code == 404, name


def test_a_proxy_sees_the_parts_granted_and_nothing_beyond(client, personas):
    record = shared_record(personas)
    g = grant(record.person, parts=["plan", "support"])
    sign_in(client, proxy_viewer(g))
    allowed = {"portal:home", "portal:plan", "portal:support"}
    for name in PORTAL_PAGES:
        before = _last_event_id()
        response = client.get(reverse(name))
        if name in allowed:
            assert response.status_code == 200, name
        else:
            assert response.status_code == 404, name
            refused = AuditEvent.objects.filter(pk__gt=before).get()
            assert refused.outcome == AuditEvent.Outcome.REFUSED
            assert refused.acting_role == "proxy" and refused.actor_name == "Sam Carer"
    support = client.get(reverse("portal:support")).content.decode()
    assert RESTR not in support


def test_a_proxy_can_never_hold_the_sharing_choices_nor_name_another_proxy(client, personas):
    record = shared_record(personas)
    from livingwell.access import actions as access_actions

    with pytest.raises(access_actions.AccessError):
        grant(record.person, parts=["plan", "sharing"])
    g = grant(record.person, parts=["plan"])
    sign_in(client, proxy_viewer(g))
    assert client.get(reverse("portal:sharing")).status_code == 404
    assert client.get(reverse("portal:proxies")).status_code == 404


def test_a_revoked_or_ended_grant_stops_at_the_next_request(client, personas):
    from datetime import timedelta

    from django.utils import timezone

    from livingwell.access import actions as access_actions

    record = shared_record(personas)
    g = grant(record.person, parts=["plan"])
    sign_in(client, proxy_viewer(g))
    assert client.get(reverse("portal:plan")).status_code == 200
    access_actions.revoke_proxy(by=self_viewer(record.person), grant=g)
    assert client.get(reverse("portal:plan")).status_code == 404
    assert client.get(reverse("portal:home")).status_code == 404

    ended = grant(record.person, parts=["plan"], name="Ended", phone="07700 900778")
    sign_in(client, proxy_viewer(ended))
    assert client.get(reverse("portal:plan")).status_code == 200
    from livingwell.access.models import ProxyGrant

    now = timezone.now()  # the end date the person chose has passed
    ProxyGrant.objects.filter(pk=ended.pk).update(
        started_at=now - timedelta(days=2), ends_at=now - timedelta(seconds=1)
    )
    assert client.get(reverse("portal:plan")).status_code == 404


def test_a_staff_session_is_refused_on_every_portal_page(client, personas):
    record = shared_record(personas)
    factories.login(client, personas.key_worker)
    for name in PORTAL_PAGES:
        assert client.get(reverse(name)).status_code == 403, name
    # Even with a person's portal identity planted in the same session.
    sign_in(client, self_viewer(record.person))
    for name in PORTAL_PAGES:
        assert client.get(reverse(name)).status_code == 403, name


def test_a_person_session_never_reaches_a_staff_page(client, personas):
    record = shared_record(personas)
    sign_in(client, self_viewer(record.person))
    for url in (
        reverse("hub:board"),
        reverse("hub:record", args=[record.intro.pk]),
        reverse("access:person_log", args=[record.person.pk]),
        reverse("access:privacy_workspace"),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url


def test_an_idle_session_is_signed_out(personas, settings):
    from django.test import Client

    record = shared_record(personas)
    idle = settings.IDLE_TIMEOUT_MINUTES * 60 + 5
    for name in PORTAL_PAGES:
        client = sign_in(Client(), self_viewer(record.person), idle_seconds=idle)
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"] == reverse("portal:signed_out")
        # The session is gone: the next page asks to sign in again.
        assert client.get(reverse("portal:home"))["Location"] == reverse("portal:sign_in")
    # Active within the limit: still signed in.
    client = sign_in(Client(), self_viewer(record.person), idle_seconds=idle - 30)
    assert client.get(reverse("portal:home")).status_code == 200


def test_no_session_goes_to_the_portal_sign_in(client):
    for name in PORTAL_PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"] == reverse("portal:sign_in")
