"""Who is signed in, read ahead for a staff page (access/standing.read_ahead, accounts/signed_in).

A staff page reads the user, their MFA device, their session's row, their roles and the site's
settings together; Django's and django-otp's checks then run on the rows read. These tests hold
the read-ahead page to what the usual one-at-a-time reads decide, case by case.
"""

from __future__ import annotations

import re
import uuid

import pytest
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.db import connection
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from tests.factories import PASSWORD, login
from tests.integration.accounts.accounts_helpers import LOGIN, MFA, browser, sign_in_fully

from livingwell.access import standing
from livingwell.accounts import signed_in
from livingwell.accounts.models import User, UserSession

pytestmark = pytest.mark.django_db
BOARD = "/hub/"


def _tables_read(client, url):
    """(response, the statements' text) of one request, pipelined statements included."""
    sql = []

    def seen(execute, statement, params, many, context):
        sql.append(statement)
        return execute(statement, params, many, context)

    with connection.execute_wrapper(seen):
        response = client.get(url)
    return response, sql


def _count(sql, table):
    """Statements reading ``table`` itself (not through a join or a subquery of another)."""
    own = re.compile(rf'FROM "{table}"(?= WHERE| INNER| LEFT|$)')  # not aliased: its own
    return sum(bool(own.search(s)) for s in sql)


def test_a_staff_page_reads_each_signed_in_row_once(personas):
    client = login(browser(), personas.hub_worker)
    assert UserSession.objects.filter(session_key=client.session.session_key).exists()
    client.get(BOARD)
    response, sql = _tables_read(client, BOARD)
    assert response.status_code == 200
    assert response.wsgi_request.user.pk == personas.hub_worker.pk
    assert response.wsgi_request.user.is_verified()
    assert response.wsgi_request._lw_session_row[0] == client.session.session_key  # read ahead
    for table in (
        "accounts_user",
        "otp_totp_totpdevice",
        "accounts_usersession",
        "accounts_membership",
        "core_siteconfig",
    ):
        assert _count(sql, table) == 1, table


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a pipeline is PostgreSQL's")
def test_on_postgresql_they_are_one_round_trip(personas, statement_batches):
    client = login(browser(), personas.hub_worker)
    assert UserSession.objects.filter(session_key=client.session.session_key).exists()
    assert client.get(BOARD).status_code == 200
    assert statement_batches[0] == 5  # user, device, session row, memberships, settings


def test_the_rows_read_ahead_are_the_rows_the_orm_reads(personas, rf):
    user = personas.key_worker
    client = login(browser(), user)
    request = client.get(BOARD).wsgi_request
    found = request.user._wrapped
    stored = User.objects.get(pk=user.pk)
    for field in User._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(stored, field.attname), field.name
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    for field in TOTPDevice._meta.concrete_fields:
        assert getattr(found.otp_device, field.attname) == getattr(device, field.attname)
    assert [m.pk for m in found._lw_memberships] == [m.pk for m in standing.memberships(user)]


def test_a_changed_password_still_signs_the_session_out(personas):
    client = browser()
    sign_in_fully(client, personas.hub_worker)
    assert client.get(BOARD).status_code == 200
    user = User.objects.get(pk=personas.hub_worker.pk)
    user.set_password(PASSWORD + "-changed")
    user.save()
    response = client.get(BOARD)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert SESSION_KEY not in client.session


def test_a_session_without_its_hash_is_signed_out(personas):
    client = login(browser(), personas.hub_worker)
    session = client.session
    del session[HASH_SESSION_KEY]
    session.save()
    assert client.get(BOARD)["Location"].startswith(LOGIN)


def test_a_session_naming_no_such_user_is_signed_out(personas):
    client = login(browser(), personas.partner_worker)
    session = client.session
    session[SESSION_KEY] = str(uuid.uuid4())
    session.save()
    assert client.get(BOARD)["Location"].startswith(LOGIN)
    assert SESSION_KEY not in client.session


def test_a_device_no_longer_confirmed_asks_for_mfa_again(personas):
    client = login(browser(), personas.hub_worker)
    TOTPDevice.objects.filter(user=personas.hub_worker).update(confirmed=False)
    response = client.get(BOARD)
    assert response.status_code == 302
    assert response["Location"] == MFA
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_a_session_naming_someone_elses_device_asks_for_mfa(personas):
    client = login(browser(), personas.hub_worker)
    theirs = TOTPDevice.objects.get(user=personas.key_worker, confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = theirs.persistent_id
    session.save()
    response = client.get(BOARD)
    assert response["Location"] == MFA
    assert DEVICE_ID_SESSION_KEY not in client.session


@pytest.mark.parametrize("named", ["otp_totp.totpdevice/not-a-number", "nowhere.device/1", ""])
def test_a_device_id_that_names_nothing_asks_for_mfa(personas, named):
    client = login(browser(), personas.hub_worker)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = named
    session.save()
    assert client.get(BOARD)["Location"] == MFA


def test_a_recovery_code_device_is_read_ahead_too(personas):
    user = personas.hub_worker
    device = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
    client = login(browser(), user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    response, sql = _tables_read(client, BOARD)
    assert response.status_code == 200
    assert response.wsgi_request.user.otp_device == device
    assert _count(sql, "otp_static_staticdevice") == 1
    assert _count(sql, "otp_totp_totpdevice") == 0


def test_other_pages_learn_who_is_signed_in_the_usual_way(personas):
    client = login(browser(), personas.hub_worker)
    assert UserSession.objects.filter(session_key=client.session.session_key).exists()
    response, sql = _tables_read(client, reverse("accounts:sessions"))
    assert response.status_code == 200
    assert not hasattr(response.wsgi_request, "_lw_session_row")
    assert _count(sql, "accounts_user") == 1
    assert _count(sql, "accounts_usersession") >= 1


def test_rows_are_held_only_for_the_user_and_device_they_belong_to(personas):
    """A held row never stands in for another user's or another device's."""
    backend = signed_in.ModelBackend()
    other = personas.key_worker
    held = signed_in.Held(user_id=personas.hub_worker.pk, user=personas.hub_worker)
    with signed_in.holding(held):
        assert backend.get_user(other.pk) == other
        assert backend.get_user(personas.hub_worker.pk) is personas.hub_worker
    assert backend.get_user(personas.hub_worker.pk) is not personas.hub_worker  # read again

    inactive = User.objects.get(pk=other.pk)
    inactive.is_active = False
    with signed_in.holding(signed_in.Held(user_id=other.pk, user=inactive)):
        assert backend.get_user(other.pk) is None
    with signed_in.holding(signed_in.Held(user_id=other.pk, user=None)):
        assert backend.get_user(other.pk) is None

    mine = TOTPDevice.objects.get(user=personas.hub_worker, confirmed=True)
    theirs = TOTPDevice.objects.get(user=other, confirmed=True)
    middleware = signed_in.OTPMiddleware(lambda request: None)
    held = signed_in.Held(
        user_id=other.pk, user=other, device_id=theirs.persistent_id, device=theirs
    )
    with signed_in.holding(held):
        assert middleware._device_from_persistent_id(mine.persistent_id) == mine
        assert middleware._device_from_persistent_id(theirs.persistent_id) is theirs
