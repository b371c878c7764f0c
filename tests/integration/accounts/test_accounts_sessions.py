"""Sessions: sign-out, idle timeout, seeing and ending other sessions, disabled accounts."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.urls import reverse
from tests.factories import login
from tests.integration.accounts.accounts_helpers import (
    LOGIN,
    LOGOUT,
    SAFARI_IPHONE,
    SESSIONS,
    browser,
    events,
    sign_in_fully,
    sign_in_password,
)

from livingwell.accounts.middleware import LAST_ACTIVITY
from livingwell.accounts.models import User, UserSession

pytestmark = pytest.mark.django_db


def test_logout_is_post_only(personas):
    client = login(browser(), personas.hub_worker)
    response = client.get(LOGOUT)
    assert response.status_code == 405
    assert client.session[SESSION_KEY] == str(personas.hub_worker.pk)


def test_logout_ends_the_session_on_the_server(personas):
    client = browser()
    sign_in_fully(client, personas.hub_worker)
    key = client.session.session_key
    stolen_cookie = client.cookies["sessionid"].value
    assert Session.objects.filter(session_key=key).exists()
    assert UserSession.objects.filter(session_key=key).exists()

    response = client.post(LOGOUT)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert not Session.objects.filter(session_key=key).exists()
    assert not UserSession.objects.filter(session_key=key).exists()
    assert events("auth.logout").get().actor == personas.hub_worker

    # Replaying the old cookie gets nowhere.
    replay = browser()
    replay.cookies["sessionid"] = stolen_cookie
    assert replay.get(reverse("hub:board"))["Location"].startswith(LOGIN)


def test_logout_needs_sign_in(client):
    response = client.post(LOGOUT)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_idle_timeout_signs_out_with_a_message(personas, settings):
    client = browser()
    sign_in_fully(client, personas.hub_worker)
    assert client.get(reverse("hub:board")).status_code == 200
    key = client.session.session_key
    session = client.session
    session[LAST_ACTIVITY] = int(time.time()) - settings.IDLE_TIMEOUT_MINUTES * 60 - 5
    session.save()

    response = client.get(reverse("hub:board"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert not Session.objects.filter(session_key=key).exists()
    assert not UserSession.objects.filter(session_key=key).exists()
    page = client.get(response["Location"])
    assert "You were signed out after 30 minutes without activity." in page.content.decode()
    event = events("auth.session_ended").get()
    assert event.detail == {"reason": "idle"}
    assert event.actor == personas.hub_worker


def test_activity_within_the_timeout_keeps_the_session(personas, settings):
    client = browser()
    sign_in_fully(client, personas.hub_worker)
    session = client.session
    session[LAST_ACTIVITY] = int(time.time()) - settings.IDLE_TIMEOUT_MINUTES * 60 + 60
    session.save()
    assert client.get(reverse("hub:board")).status_code == 200
    assert client.session[LAST_ACTIVITY] >= int(time.time()) - 5


def test_sessions_page_needs_sign_in_and_mfa(personas, client):
    assert client.get(SESSIONS)["Location"].startswith(LOGIN)
    half = browser()
    sign_in_password(half, personas.hub_worker)
    response = half.get(SESSIONS)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:mfa')}?next=%2Faccount%2Fsessions%2F"


def test_sessions_page_lists_only_my_sessions(personas):
    laptop = browser()
    sign_in_fully(laptop, personas.hub_worker)
    phone = browser(SAFARI_IPHONE)
    sign_in_fully(phone, personas.hub_worker)
    someone_else = browser()
    sign_in_fully(someone_else, personas.key_worker)

    response = laptop.get(SESSIONS)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Firefox on Windows" in html
    assert "Safari on iPhone" in html
    assert "This device" in html
    assert html.count('name="session"') == 1  # the other session, not this one
    mine = UserSession.objects.filter(user=personas.hub_worker)
    assert mine.count() == 2
    for row in mine:
        assert row.session_key not in html  # keys are credentials: pages use opaque ids
    theirs = UserSession.objects.get(user=personas.key_worker)
    assert str(theirs.public_id) not in html


def test_ending_another_session_kills_it(personas):
    laptop = browser()
    sign_in_fully(laptop, personas.hub_worker)
    phone = browser(SAFARI_IPHONE)
    sign_in_fully(phone, personas.hub_worker)
    phone_row = UserSession.objects.get(session_key=phone.session.session_key)

    response = laptop.post(SESSIONS, {"session": str(phone_row.public_id)})
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=phone_row.session_key).exists()
    assert not UserSession.objects.filter(pk=phone_row.pk).exists()
    event = events("auth.session_ended").get()
    assert event.detail == {"session": str(phone_row.public_id), "reason": "ended_by_user"}
    assert event.object_id == ""  # never the session key

    after = phone.get(reverse("hub:board"))
    assert after.status_code == 302
    assert after["Location"].startswith(LOGIN)
    assert laptop.get(reverse("hub:board")).status_code == 200


def test_session_row_deleted_elsewhere_signs_out_at_next_request(personas):
    client = browser()
    sign_in_fully(client, personas.hub_worker)
    UserSession.objects.filter(session_key=client.session.session_key).delete()
    response = client.get(reverse("hub:board"))
    assert response["Location"].startswith(LOGIN)
    page = client.get(response["Location"])
    assert "This session was ended from another device" in page.content.decode()


def test_end_all_other_sessions(personas):
    me = browser()
    sign_in_fully(me, personas.hub_worker)
    others = [browser(SAFARI_IPHONE), browser()]
    for other in others:
        sign_in_fully(other, personas.hub_worker)
    colleague = browser()
    sign_in_fully(colleague, personas.key_worker)

    response = me.post(SESSIONS, {"action": "end_others"}, follow=True)
    assert "Ended 2 other sessions." in response.content.decode()
    assert UserSession.objects.filter(user=personas.hub_worker).count() == 1
    for other in others:
        assert other.get(reverse("hub:board"))["Location"].startswith(LOGIN)
    assert me.get(reverse("hub:board")).status_code == 200
    assert colleague.get(reverse("hub:board")).status_code == 200
    assert events("auth.session_ended").count() == 2


def test_cannot_end_someone_elses_session_or_the_current_one(personas):
    me = browser()
    sign_in_fully(me, personas.hub_worker)
    colleague = browser()
    sign_in_fully(colleague, personas.key_worker)
    theirs = UserSession.objects.get(user=personas.key_worker)
    mine = UserSession.objects.get(user=personas.hub_worker)

    page = me.post(SESSIONS, {"session": str(theirs.public_id)}, follow=True)
    assert "That session has already ended." in page.content.decode()
    assert UserSession.objects.filter(pk=theirs.pk).exists()
    assert colleague.get(reverse("hub:board")).status_code == 200

    page = me.post(SESSIONS, {"session": str(mine.public_id)}, follow=True)
    assert "To end the session you are using now, sign out." in page.content.decode()
    page = me.post(SESSIONS, {"session": "not-a-uuid"}, follow=True)
    assert page.status_code == 200
    assert "That session has already ended." in page.content.decode()
    assert not events("auth.session_ended").exists()


def test_user_made_inactive_is_signed_out_at_next_request(personas):
    client = browser()
    sign_in_fully(client, personas.hub_worker)
    key = client.session.session_key
    User.objects.filter(pk=personas.hub_worker.pk).update(is_active=False)
    response = client.get(reverse("hub:board"))
    assert response["Location"].startswith(LOGIN)
    assert not Session.objects.filter(session_key=key).exists()
    assert not UserSession.objects.filter(session_key=key).exists()
    event = events("auth.session_ended").get()
    assert event.detail == {"reason": "account_inactive"}


def test_sign_in_records_the_session(personas):
    client = browser(SAFARI_IPHONE)
    sign_in_fully(client, personas.key_worker)
    row = UserSession.objects.get(user=personas.key_worker)
    assert row.session_key == client.session.session_key
    assert row.user_agent == SAFARI_IPHONE
    assert row.ip_address == "127.0.0.1"
