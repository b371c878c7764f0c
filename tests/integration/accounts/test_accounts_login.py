"""Password step of staff sign-in: generic refusals, audit, lockout and session rotation."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.urls import reverse
from tests.integration.accounts.accounts_helpers import (
    LOGIN,
    MFA,
    browser,
    events,
    sign_in_password,
)

from livingwell.access.models import AuditEvent
from livingwell.accounts.models import User, UserSession

pytestmark = pytest.mark.django_db

GENERIC = "The username or password is not right"


def test_sign_in_page_is_public_and_accessible_markup(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html
    assert '<label class="nhsuk-label" for="id_username">' in html
    assert "style=" not in html
    assert html.count("<h1") == 1


def test_correct_password_goes_to_mfa_not_yet_verified(personas):
    client = browser()
    response = sign_in_password(client, personas.hub_worker)
    assert response.status_code == 302
    assert response["Location"] == MFA
    # Signed in with a password only: staff pages send the user back to the MFA step.
    assert client.session[SESSION_KEY] == str(personas.hub_worker.pk)
    board = client.get(reverse("hub:board"))
    assert board.status_code == 302
    assert board["Location"].startswith(reverse("accounts:mfa"))
    event = events("auth.login").get()
    assert event.actor == personas.hub_worker
    assert event.category == "authentication"
    assert event.person_id is None
    assert event.detail == {"stage": "password"}


def test_next_is_carried_to_mfa_only_when_safe(personas):
    client = browser()
    response = sign_in_password(client, personas.hub_worker, next="/account/sessions/")
    assert response["Location"] == f"{MFA}?next=%2Faccount%2Fsessions%2F"
    other = browser()
    response = sign_in_password(other, personas.key_worker, next="https://evil.example/")
    assert response["Location"] == MFA


def test_session_key_changes_at_sign_in(personas):
    client = browser()
    client.get(LOGIN)  # an anonymous session may exist before sign-in
    session = client.session
    session["probe"] = "x"
    session.save()
    before = session.session_key
    sign_in_password(client, personas.hub_worker)
    after = client.session.session_key
    assert after and after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert UserSession.objects.filter(session_key=after, user=personas.hub_worker).exists()


@pytest.mark.parametrize("username", ["hub_worker", "nobody_by_this_name"])
def test_wrong_password_or_unknown_user_gets_the_same_generic_refusal(personas, username):
    client = browser()
    response = client.post(LOGIN, {"username": username, "password": "not the password at all"})
    assert response.status_code == 200
    html = response.content.decode()
    assert GENERIC in html
    assert "There is a problem" in html
    assert SESSION_KEY not in client.session
    event = events("auth.login_failed").get()
    assert event.outcome == AuditEvent.Outcome.REFUSED
    assert event.actor is None
    if username == "hub_worker":
        assert event.detail["username"] == "hub_worker"
    else:
        # What was typed is not kept when it names no account: it may be a password.
        assert "username" not in event.detail
        assert event.detail["username_known"] is False


def test_inactive_user_gets_the_same_refusal(personas):
    User.objects.filter(pk=personas.key_worker.pk).update(is_active=False)
    client = browser()
    response = sign_in_password(client, personas.key_worker)
    assert response.status_code == 200
    assert GENERIC in response.content.decode()
    assert SESSION_KEY not in client.session


def test_lockout_after_five_failures_shows_locked_page_and_is_audited(personas):
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5
    client = browser()
    for _ in range(limit - 1):
        response = sign_in_password(client, personas.hub_worker, password="wrong password here")
        assert response.status_code == 200
    response = sign_in_password(client, personas.hub_worker, password="wrong password here")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Sign-in paused" in html
    assert "15 minutes" in html
    lockout = events("auth.lockout").first()
    assert lockout is not None
    assert lockout.severity == AuditEvent.Severity.HIGH
    assert lockout.detail["username"] == "hub_worker"
    # While locked, even the right password is refused, from any browser.
    response = sign_in_password(browser(), personas.hub_worker)
    assert response.status_code == 429
    assert "Sign-in paused" in response.content.decode()
    assert events("auth.login_failed").count() == limit + 1


def test_lockout_is_per_account_not_per_address(personas):
    client = browser()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in_password(client, personas.hub_worker, password="wrong password here")
    response = sign_in_password(client, personas.key_worker)
    assert response.status_code == 302
    assert response["Location"] == MFA


def test_signed_in_and_verified_user_visiting_sign_in_goes_to_board(personas):
    from tests.factories import login

    client = login(browser(), personas.hub_worker)
    response = client.get(LOGIN)
    assert response.status_code == 302
    assert response["Location"] == reverse("hub:board")
