"""Signing in to the portal: a one-time code to the phone or email on the record, with the date
of birth; locked out like staff sign-in; never saying whether a record exists."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from tests import factories
from tests.integration.portal.portal_support import grant, shared_record

from livingwell.access.models import AuditEvent
from livingwell.access.person import SESSION_KEY

pytestmark = pytest.mark.django_db


def _code(outbox) -> str:
    return re.search(r"\b(\d{6})\b", outbox[-1].body).group(1)


def _ask(client, contact, dob="1990-01-01"):
    return client.post(reverse("portal:sign_in"), {"contact": contact, "date_of_birth": dob})


def test_a_person_signs_in_with_the_code_sent_to_their_phone_and_their_date_of_birth(
    client, personas, outbox
):
    record = shared_record(personas)
    response = _ask(client, "+44 7700 900501")
    assert response["Location"] == reverse("portal:code")
    assert len(outbox) == 1 and outbox[0].to == "07700900501"
    assert "Robin" not in outbox[0].body  # no name on a phone screen
    before_key = client.session.session_key
    response = client.post(reverse("portal:code"), {"code": _code(outbox)})
    assert response["Location"] == reverse("portal:home")
    assert client.session.session_key != before_key  # rotated at sign-in
    assert client.session[SESSION_KEY]["person"] == str(record.person.pk)
    assert client.get(reverse("portal:plan")).status_code == 200
    event = AuditEvent.objects.filter(action="portal.sign_in").get()
    assert event.acting_role == "person" and event.person_id == record.person.pk


def test_a_code_works_once_and_not_after_it_runs_out(client, personas, outbox):
    from datetime import timedelta

    from django.utils import timezone

    from livingwell.portal import actions
    from livingwell.portal.models import SignInCode

    shared_record(personas)
    _ask(client, "robin@example.org")
    code = _code(outbox)
    row = SignInCode.objects.get()
    assert client.post(reverse("portal:code"), {"code": code}).status_code == 302
    assert actions.sign_in_with_code(code_id=row.pk, code=code) is None
    _ask(client, "robin@example.org")
    late = SignInCode.objects.exclude(pk=row.pk).get()
    in_eleven_minutes = timezone.now() + timedelta(minutes=actions.CODE_MINUTES + 1)
    assert (
        actions.sign_in_with_code(code_id=late.pk, code=_code(outbox), at=in_eleven_minutes) is None
    )
    refused = AuditEvent.objects.filter(action="portal.sign_in", outcome="refused").count()
    assert refused == 2


def test_a_wrong_date_of_birth_sends_nothing_and_says_the_same(client, personas, outbox):
    shared_record(personas)
    response = _ask(client, "07700 900501", dob="1991-01-01")
    assert response["Location"] == reverse("portal:code")  # the same answer as a match
    assert outbox == []
    page = client.get(reverse("portal:code")).content.decode()
    assert "If the details you gave match our records" in page


def test_two_records_with_the_same_phone_and_date_of_birth_get_no_code(client, personas, outbox):
    shared_record(personas)
    factories.introduction(
        person=factories.person_details(phone="07700900501", date_of_birth=shared_dob())
    )
    _ask(client, "07700 900501")
    assert outbox == []


def shared_dob():
    from datetime import date

    return date(1990, 1, 1)


def test_wrong_codes_lock_the_sign_in_like_staff_sign_in(client, personas, outbox, settings):
    shared_record(personas)
    _ask(client, "07700 900501")
    good = _code(outbox)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(reverse("portal:code"), {"code": "000000"})
        assert response.status_code == 200
    response = client.post(reverse("portal:code"), {"code": "000000"})
    assert response.status_code == settings.AXES_HTTP_RESPONSE_CODE
    # Locked: even the right code is refused, and no new code is sent.
    response = client.post(reverse("portal:code"), {"code": good})
    assert response.status_code == settings.AXES_HTTP_RESPONSE_CODE
    assert SESSION_KEY not in client.session
    sent = len(outbox)
    assert _ask(client, "07700 900501").status_code == settings.AXES_HTTP_RESPONSE_CODE
    assert len(outbox) == sent


def test_guessing_dates_of_birth_locks_the_sign_in(client, personas, outbox, settings):
    shared_record(personas)
    for day in range(1, settings.AXES_FAILURE_LIMIT + 1):
        _ask(client, "07700 900501", dob=f"1980-01-{day:02d}")
    assert _ask(client, "07700 900501").status_code == settings.AXES_HTTP_RESPONSE_CODE
    assert outbox == []


def test_a_proxy_signs_in_as_themselves_and_sees_only_their_grant(client, personas, outbox):
    record = shared_record(personas)
    grant(record.person, parts=["plan"], phone="07700 900777")
    _ask(client, "07700900777", dob="1970-05-05")
    client.post(reverse("portal:code"), {"code": _code(outbox)})
    viewer = client.session[SESSION_KEY]
    assert viewer["kind"] == "proxy" and viewer["name"] == "Sam Carer"
    assert client.get(reverse("portal:plan")).status_code == 200
    assert client.get(reverse("portal:sharing")).status_code == 404


def test_signing_in_as_a_person_ends_a_staff_sign_in_in_the_same_browser(client, personas, outbox):
    shared_record(personas)
    factories.login(client, personas.key_worker)
    _ask(client, "07700 900501")
    client.post(reverse("portal:code"), {"code": _code(outbox)})
    assert client.get(reverse("portal:plan")).status_code == 200
    assert client.get(reverse("hub:board")).status_code == 302  # no longer signed in as staff
