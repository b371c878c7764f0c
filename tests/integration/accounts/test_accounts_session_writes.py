"""A page request does not write the session row each time: the idle timeout's stamp (and with it
the session's expiry) moves forward at most once a minute. On SQLite every write queues for the
database's single write lock (behind a directory import, say); a page that only reads must not.
The timeout itself still holds: a session ends after at most the timeout without a request."""

from __future__ import annotations

import time

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.factories import login
from tests.integration.accounts.accounts_helpers import browser

from livingwell.accounts.middleware import LAST_ACTIVITY

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _writes(ctx) -> list[str]:
    statements = [str(q["sql"] or "") for q in ctx.captured_queries]
    return [sql for sql in statements if sql.lstrip().upper().startswith(WRITES)]


def _stamp(client, seconds_ago: int) -> None:
    session = client.session
    session[LAST_ACTIVITY] = int(time.time()) - seconds_ago
    session.save()


@pytest.mark.parametrize("page", ["hub:board", "directory:search", "directory:public_search"])
def test_a_page_request_within_the_minute_writes_nothing(personas, page):
    client = login(browser(), personas.hub_worker)
    client.get(reverse("hub:board"))  # the first request after sign-in stamps the session
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(page))
    assert response.status_code == 200
    assert _writes(ctx) == []


def test_the_stamp_and_the_sessions_expiry_move_once_the_minute_is_up(personas, settings):
    client = login(browser(), personas.hub_worker)
    client.get(reverse("hub:board"))
    _stamp(client, 45)  # well within the minute, even on a slow host
    before = client.session[LAST_ACTIVITY]
    client.get(reverse("hub:board"))
    assert client.session[LAST_ACTIVITY] == before  # not written again within the minute

    _stamp(client, 61)
    client.get(reverse("hub:board"))
    assert client.session[LAST_ACTIVITY] >= int(time.time()) - 5
    row = Session.objects.get(session_key=client.session.session_key)
    expected = timezone.now() + timezone.timedelta(minutes=settings.IDLE_TIMEOUT_MINUTES)
    assert abs((row.expire_date - expected).total_seconds()) < 10


def test_steady_work_is_never_timed_out_and_idleness_always_is(personas, settings):
    limit = settings.IDLE_TIMEOUT_MINUTES * 60
    client = login(browser(), personas.hub_worker)
    client.get(reverse("hub:board"))
    # A request every half minute for longer than the timeout: the stamp keeps up.
    for seconds_ago in (limit - 30, 61, 30):
        _stamp(client, seconds_ago)
        assert client.get(reverse("hub:board")).status_code == 200
    # Idle for the whole timeout (the stamp is at most a minute behind the last request).
    _stamp(client, limit + 1)
    response = client.get(reverse("hub:board"))
    assert response.status_code == 302 and response["Location"].startswith(
        reverse(settings.LOGIN_URL)
    )
