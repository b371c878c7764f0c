"""NHS login (OpenID Connect) against a local provider the test starts: P9 required to see the
record, the person found by NHS number, enabled only when configured."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests
from django.urls import reverse
from joserfc.jwk import RSAKey
from tests.integration.portal.oidc_provider import LocalProvider
from tests.integration.portal.portal_support import shared_record

from livingwell.access.models import AuditEvent
from livingwell.access.person import SESSION_KEY

pytestmark = pytest.mark.django_db

NHS_NUMBER = "9434765919"


@pytest.fixture
def provider(settings, tmp_path):
    client_key = RSAKey.generate_key(2048)
    key_file = tmp_path / "client.pem"
    key_file.write_bytes(client_key.as_pem(private=True))
    with LocalProvider(
        client_id="livingwell-test", client_public_pem=client_key.as_pem(private=False)
    ) as p:
        settings.NHS_LOGIN_METADATA_URL = p.metadata_url
        settings.NHS_LOGIN_CLIENT_ID = "livingwell-test"
        settings.NHS_LOGIN_PRIVATE_KEY_FILE = str(key_file)
        yield p


def _through_provider(client):
    start = client.get(reverse("portal:nhs_login"))
    assert start.status_code == 302
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302
    back = urlsplit(at_provider.headers["Location"])
    return client.get(f"{back.path}?{back.query}")


def _with_nhs_number(personas):
    record = shared_record(personas)
    record.person.nhs_number = NHS_NUMBER
    record.person.save(update_fields=["nhs_number"])
    return record


def test_a_p9_nhs_login_signs_the_person_in_to_their_own_record(client, personas, provider):
    record = _with_nhs_number(personas)
    provider.user = {"identity_proofing_level": "P9", "nhs_number": NHS_NUMBER}
    response = _through_provider(client)
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    assert client.session[SESSION_KEY]["person"] == str(record.person.pk)
    assert client.get(reverse("portal:plan")).status_code == 200
    # NHS login's way: the client proved itself with a signed assertion, and asked for P9.
    assert provider.seen_assertions and "P9.Cp.Cd" in provider.authorize_params["vtr"]
    event = AuditEvent.objects.filter(action="portal.sign_in").get()
    assert event.detail["method"] == "nhs_login" and event.person_id == record.person.pk


def test_the_nhs_number_from_userinfo_when_the_id_token_lacks_it(client, personas, provider):
    record = _with_nhs_number(personas)
    provider.user = {"identity_proofing_level": "P9"}
    provider.userinfo_only = {"nhs_number": NHS_NUMBER}
    response = _through_provider(client)
    assert response["Location"] == reverse("portal:home")
    assert client.session[SESSION_KEY]["person"] == str(record.person.pk)


def test_below_p9_sees_no_record(client, personas, provider):
    _with_nhs_number(personas)
    provider.user = {"identity_proofing_level": "P5", "nhs_number": NHS_NUMBER}
    response = _through_provider(client)
    assert response.status_code == 403
    assert "fully verified" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert client.get(reverse("portal:plan"))["Location"] == reverse("portal:sign_in")


def test_an_nhs_number_on_no_record_signs_no_one_in(client, personas, provider):
    _with_nhs_number(personas)
    provider.user = {"identity_proofing_level": "P9", "nhs_number": "9999999999"}
    response = _through_provider(client)
    assert response.status_code == 403
    assert SESSION_KEY not in client.session


def test_a_forged_callback_signs_no_one_in(client, personas, provider):
    _with_nhs_number(personas)
    provider.user = {"identity_proofing_level": "P9", "nhs_number": NHS_NUMBER}
    client.get(reverse("portal:nhs_login"))
    response = client.get(reverse("portal:nhs_login_callback") + "?code=made-up&state=made-up")
    assert response["Location"] == reverse("portal:sign_in")
    assert SESSION_KEY not in client.session


def test_an_id_token_not_signed_by_the_providers_published_key_signs_no_one_in(
    client, personas, provider
):
    _with_nhs_number(personas)
    provider.user = {"identity_proofing_level": "P9", "nhs_number": NHS_NUMBER}
    provider.signing_key = RSAKey.generate_key(2048, parameters={"kid": "provider-1"})
    response = _through_provider(client)
    assert response["Location"] == reverse("portal:sign_in")
    assert SESSION_KEY not in client.session


def test_not_configured_means_not_offered(client, settings):
    settings.NHS_LOGIN_METADATA_URL = ""
    assert client.get(reverse("portal:nhs_login")).status_code == 404
    assert client.get(reverse("portal:nhs_login_callback")).status_code == 404
    assert "NHS login" not in client.get(reverse("portal:sign_in")).content.decode()
