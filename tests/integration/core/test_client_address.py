"""The client's address, read once (core/client_address.py) by everything that keys on it or
records it: behind the one trusted proxy, the address the proxy added last; else the peer."""

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from tests.integration.accounts.accounts_helpers import browser, sign_in_fully, sign_in_password

from livingwell.accounts.models import UserSession
from livingwell.core.client_address import client_address
from livingwell.directory.api import api

PROXY = "10.0.0.5"


def request_from(remote_addr: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    "forwarded,expected",
    [
        ("203.0.113.7", "203.0.113.7"),
        ("198.51.100.1, 203.0.113.7", "203.0.113.7"),  # the left is the client's own claim
        ("2001:db8::1", "2001:db8::1"),
        (None, PROXY),  # a proxy that sent no header: its own address, never a guess
        ("not an address", PROXY),
    ],
)
def test_behind_the_proxy_the_address_it_added_last(settings, forwarded, expected):
    settings.LIVINGWELL_BEHIND_PROXY = True
    assert client_address(request_from(PROXY, forwarded)) == expected


def test_without_the_proxy_the_forwarded_header_is_ignored(settings):
    settings.LIVINGWELL_BEHIND_PROXY = False
    assert client_address(request_from("192.0.2.10", "203.0.113.7")) == "192.0.2.10"
    assert client_address(request_from("")) is None


def test_a_session_and_a_failed_sign_in_record_the_clients_address(personas, settings):
    settings.LIVINGWELL_BEHIND_PROXY = True
    through_proxy = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    failed = browser()
    failed.defaults.update(through_proxy)
    sign_in_password(failed, personas.key_worker, password="not the password at all")
    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"
    client = browser()
    client.defaults.update(through_proxy)
    sign_in_fully(client, personas.key_worker)
    assert UserSession.objects.get(user=personas.key_worker).ip_address == "203.0.113.7"


def test_the_directory_api_counts_each_client_behind_the_proxy(client, db, settings, monkeypatch):
    settings.LIVINGWELL_BEHIND_PROXY = True
    monkeypatch.setattr(api.throttle[0], "num_requests", 2)

    def status(forwarded: str) -> int:
        response = client.get(
            "/api/oruk/taxonomies", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded
        )
        return response.status_code

    assert [status("203.0.113.7") for _ in range(3)] == [200, 200, 429]
    assert status("203.0.113.8") == 200  # someone else through the same proxy
    assert status("198.51.100.9, 203.0.113.7") == 429  # a claimed address changes nothing


def test_the_directory_api_does_not_believe_a_forwarded_header_without_the_proxy(
    client, db, settings, monkeypatch
):
    settings.LIVINGWELL_BEHIND_PROXY = False
    monkeypatch.setattr(api.throttle[0], "num_requests", 2)
    codes = [
        client.get("/api/oruk/taxonomies", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(3)
    ]
    assert codes == [200, 200, 429]
