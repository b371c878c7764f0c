"""Who is signed in: Django's own auth backend and django-otp's own middleware decide, unchanged;
the staff policy then reads the user's memberships once and the site's settings once.

These tests hold the checks those stock pieces make (session hash, active account, device owner
and confirmation) and bound what a staff page reads before its own work.
"""

from __future__ import annotations

import re
import uuid

import pytest
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import path
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from tests.factories import PASSWORD, login
from tests.integration.accounts.accounts_helpers import LOGIN, MFA, browser, sign_in_fully

from livingwell.access.permissions import Permission
from livingwell.access.policy import staff
from livingwell.accounts.models import User
from livingwell.core.models import SiteConfig
from livingwell.urls import urlpatterns as site_urlpatterns

pytestmark = pytest.mark.django_db
BOARD = "/hub/"
SIGNED_IN_TABLES = (
    "accounts_user",
    "otp_totp_totpdevice",
    "accounts_usersession",
    "accounts_membership",
    "core_siteconfig",
)


@staff(Permission.VIEW_BOARD)
def _least_staff_page(request):
    """A staff page that does nothing of its own but read the site's settings, as every page's
    layout does: what the staff policy and the middleware cost on their own."""
    return HttpResponse(SiteConfig.for_request(request).name, content_type="text/plain")


urlpatterns = [path("__least_staff_page__/", _least_staff_page), *site_urlpatterns]


def _statements(client, url):
    """(response, the text of every statement the request ran)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response, [q["sql"] for q in captured.captured_queries]


def _reads_of(sql, table):
    """Statements reading ``table`` itself (not through a join or a subquery of another)."""
    own = re.compile(rf'FROM "{table}"(?= WHERE| INNER| LEFT|$)')
    return sum(bool(own.search(s)) for s in sql)


def test_sign_in_is_djangos_backend_and_django_otps_middleware():
    assert "django.contrib.auth.backends.ModelBackend" in settings.AUTHENTICATION_BACKENDS
    assert "django_otp.middleware.OTPMiddleware" in settings.MIDDLEWARE
    assert not any(path.startswith("livingwell.") for path in settings.AUTHENTICATION_BACKENDS), (
        "sign-in is stock: no backend of ours"
    )


@pytest.mark.urls(__name__)
def test_a_staff_page_reads_who_is_signed_in_once_and_little_else(personas):
    client = login(browser(), personas.hub_worker)
    assert client.get("/__least_staff_page__/").status_code == 200  # the session row is fresh
    response, sql = _statements(client, "/__least_staff_page__/")
    assert response.status_code == 200
    assert response.content.decode() == "Living Well"
    assert response.wsgi_request.user.is_verified()
    for table in SIGNED_IN_TABLES:
        assert _reads_of(sql, table) == 1, table
    # The session (read, then saved) and the five rows above, savepoints aside: nothing that
    # grows with the user's memberships, the site's size or the page.
    reads_and_writes = [s for s in sql if "SAVEPOINT" not in s]
    assert len(reads_and_writes) <= 7, "\n".join(reads_and_writes)


@pytest.mark.urls(__name__)
def test_more_memberships_cost_no_more_statements(personas):
    client = login(browser(), personas.hub_worker)
    client.get("/__least_staff_page__/")
    _response, before = _statements(client, "/__least_staff_page__/")
    for team in (personas.community_team, personas.vcs_team, personas.other_team):
        personas.hub_worker.memberships.create(
            organisation=team.organisation, team=team, role="key_worker"
        )
    _response, after = _statements(client, "/__least_staff_page__/")
    assert len(after) == len(before)


def test_the_board_reads_each_signed_in_row_once(personas):
    client = login(browser(), personas.hub_worker)
    client.get(BOARD)
    response, sql = _statements(client, BOARD)
    assert response.status_code == 200
    assert response.wsgi_request.user.pk == personas.hub_worker.pk
    for table in SIGNED_IN_TABLES:
        assert _reads_of(sql, table) == 1, table


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


def test_a_recovery_code_device_passes_mfa(personas):
    user = personas.hub_worker
    device = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
    client = login(browser(), user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    response = client.get(BOARD)
    assert response.status_code == 200
    assert response.wsgi_request.user.otp_device == device
