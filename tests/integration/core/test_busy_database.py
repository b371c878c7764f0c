"""When the database cannot do what a request needs just now (on SQLite: still locked by another
writer after the busy timeout; on PostgreSQL: a lock or statement timeout, a lost connection),
the answer is a 503 that says to try again shortly, with Retry-After, never a 500. A bug is still
a 500."""

from __future__ import annotations

import time

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from tests.factories import login
from tests.integration.intake.test_front_door_views import VALID

from livingwell.accounts.middleware import LAST_ACTIVITY
from livingwell.intake import views as intake_views

pytestmark = pytest.mark.django_db


@pytest.fixture
def visitor():
    return Client(raise_request_exception=False)


def _locked(*args, **kwargs):
    raise OperationalError("database is locked")


def test_a_locked_database_is_a_503_with_retry_after_on_the_front_door(visitor, monkeypatch):
    monkeypatch.setattr(intake_views, "submit_introduction", _locked)
    response = visitor.post("/introduce/for-myself/", VALID)
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    body = response.content.decode()
    assert "busy" in body and "try again" in body
    assert "116 123" in body  # urgent help is on this page too


def test_a_locked_database_is_a_503_when_the_session_is_saved(personas, monkeypatch):
    from django.contrib.sessions.backends.db import SessionStore

    staff = login(Client(raise_request_exception=False), personas.hub_worker)
    staff.get(reverse("hub:board"))
    session = staff.session
    session[LAST_ACTIVITY] = int(time.time()) - 120  # so this request saves the session
    session.save()
    monkeypatch.setattr(SessionStore, "save", _locked)
    response = staff.get(reverse("hub:board"))
    assert response.status_code == 503 and response["Retry-After"]


def test_the_oruk_api_answers_a_json_503(visitor, monkeypatch):
    from livingwell.directory import api

    monkeypatch.setattr(api, "public_services", _locked)
    response = visitor.get("/api/oruk/services")
    assert response.status_code == 503
    assert response["Retry-After"] and response["Access-Control-Allow-Origin"] == "*"
    assert "try again" in response.json()["detail"]


def test_a_bug_is_still_a_500(visitor, monkeypatch):
    def broken(*args, **kwargs):
        raise ZeroDivisionError

    monkeypatch.setattr(intake_views, "submit_introduction", broken)
    response = visitor.post("/introduce/for-myself/", VALID)
    assert response.status_code == 500
    assert "Retry-After" not in response
