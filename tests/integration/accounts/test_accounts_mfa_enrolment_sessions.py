"""Setting up an authenticator belongs to the session doing it.

Someone who has only the password must not be able to open the code step before the real user
enrols, read the setup key, and keep a working second factor once the user has enrolled.
"""

from __future__ import annotations

import base64
import re

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from tests.integration.accounts.accounts_helpers import MFA, browser, code_for, sign_in_password

from livingwell.accounts import actions

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_throttle_delay(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def setup_key(client) -> bytes:
    """The secret the enrolment page shows this browser."""
    html = client.get(MFA).content.decode()
    compact = re.search(r'id="setup-key">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    return base64.b32decode(compact + "=" * (-len(compact) % 8))


def code_from(secret: bytes) -> str:
    """The code an authenticator app set up with `secret` shows now."""
    return f"{TOTP(secret).token():06d}"


def device_with(user, secret: bytes) -> TOTPDevice:
    return next(d for d in TOTPDevice.objects.filter(user=user) if d.bin_key == secret)


def test_a_second_factor_cannot_be_obtained_by_another_session(personas):
    user = personas.partner_worker
    TOTPDevice.objects.filter(user=user).delete()
    intruder = browser()
    assert sign_in_password(intruder, user)["Location"] == MFA
    intruders_secret = setup_key(intruder)

    owner = browser()
    sign_in_password(owner, user)
    owners_secret = setup_key(owner)
    assert owners_secret != intruders_secret  # a new session is shown a new secret
    assert setup_key(owner) == owners_secret  # and the same one again on a reload
    assert setup_key(intruder) == intruders_secret

    done = owner.post(MFA, {"code": code_for(device_with(user, owners_secret))})
    assert "Save your recovery codes" in done.content.decode()
    # Confirming one device removed the others: only the owner's authenticator is left.
    assert [d.bin_key for d in TOTPDevice.objects.filter(user=user)] == [owners_secret]

    # The intruder's authenticator app opens nothing, in the old session or a new one.
    refused = intruder.post(MFA, {"code": code_from(intruders_secret)})
    assert refused.status_code == 200
    assert "That code is not right" in refused.content.decode()
    again = browser()
    sign_in_password(again, user)
    refused = again.post(MFA, {"code": code_from(intruders_secret)})
    assert "That code is not right" in refused.content.decode()
    assert again.get(reverse("hub:board"))["Location"].startswith(MFA)


def test_another_session_cannot_confirm_an_authenticator_it_did_not_set_up(personas):
    user = personas.partner_worker
    TOTPDevice.objects.filter(user=user).delete()
    owners_session, intruders_session = {}, {}
    owners = actions.start_totp_enrolment(by=user, session=owners_session)
    actions.start_totp_enrolment(by=user, session=intruders_session)
    # A code from the owner's app, typed in the intruder's session, confirms nothing.
    with pytest.raises(actions.InvalidCode):
        actions.confirm_totp_enrolment(
            by=user, session=intruders_session, code=code_from(owners.bin_key)
        )
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_once_one_session_has_enrolled_another_cannot_confirm_its_own(personas):
    user = personas.partner_worker
    TOTPDevice.objects.filter(user=user).delete()
    first_session, second_session = {}, {}
    first = actions.start_totp_enrolment(by=user, session=first_session)
    second = actions.start_totp_enrolment(by=user, session=second_session)
    actions.confirm_totp_enrolment(by=user, session=first_session, code=code_from(first.bin_key))
    with pytest.raises(actions.AccountError):
        actions.confirm_totp_enrolment(
            by=user, session=second_session, code=code_from(second.bin_key)
        )
    assert list(TOTPDevice.objects.filter(user=user)) == [first]


def test_losing_the_race_to_enrol_is_a_message_not_an_error(personas, monkeypatch):
    """Two sessions confirming at the same moment: the one that comes second is told, not
    shown a server error, and is then asked for a code like any sign-in."""
    user = personas.partner_worker
    TOTPDevice.objects.filter(user=user).delete()
    client = browser()
    sign_in_password(client, user)
    secret = setup_key(client)

    def lost(**kwargs):
        raise actions.AccountError("An authenticator app has already been set up.")

    monkeypatch.setattr(actions, "confirm_totp_enrolment", lost)
    response = client.post(MFA, {"code": code_from(secret)}, follow=True)
    assert response.status_code == 200
    assert "An authenticator app has already been set up." in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
