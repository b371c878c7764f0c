"""MFA step: TOTP codes, recovery codes, enrolment, lockout and demo mode."""

from __future__ import annotations

import base64
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from tests.integration.accounts.accounts_helpers import (
    MFA,
    browser,
    code_for,
    events,
    sign_in_fully,
    sign_in_password,
)

from livingwell.access.models import AuditEvent
from livingwell.accounts.demo import DEMO_PASSWORD, ensure_demo_mfa
from livingwell.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_throttle_delay(settings):
    # django-otp waits longer after each wrong code; tests check our lockout, not its timer.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def totp(user) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user, confirmed=True)


def give_recovery_codes(user, codes=("abcd2345", "efgh6723")) -> list[str]:
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    for code in codes:
        StaticToken.objects.create(device=device, token=code)
    return list(codes)


def test_mfa_needs_sign_in(client):
    response = client.get(MFA)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_mfa_page_asks_for_a_numeric_one_time_code(personas):
    client = browser()
    sign_in_password(client, personas.hub_worker)
    response = client.get(MFA)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'autocomplete="one-time-code"' in html
    assert 'inputmode="numeric"' in html
    assert "Demo site only" not in html
    assert "style=" not in html


def test_correct_totp_code_verifies_and_reaches_the_board(personas):
    client = browser()
    sign_in_password(client, personas.hub_worker)
    key_before = client.session.session_key
    response = client.post(MFA, {"code": code_for(totp(personas.hub_worker))})
    assert response.status_code == 302
    assert response["Location"] == reverse("hub:board")
    assert client.session[DEVICE_ID_SESSION_KEY] == totp(personas.hub_worker).persistent_id
    assert client.session.session_key != key_before  # rotated again once MFA is passed
    board = client.get(reverse("hub:board"))
    assert board.status_code == 200
    event = events("auth.mfa").get()
    assert event.actor == personas.hub_worker
    assert event.detail == {"method": "totp"}
    assert event.category == "authentication"


def test_code_with_spaces_is_accepted_and_next_is_followed(personas):
    client = browser()
    sign_in_password(client, personas.hub_worker, next="/account/sessions/")
    code = code_for(totp(personas.hub_worker))
    response = client.post(MFA, {"code": f"{code[:3]} {code[3:]}", "next": "/account/sessions/"})
    assert response["Location"] == "/account/sessions/"


def test_unsafe_next_is_ignored(personas):
    client = browser()
    sign_in_password(client, personas.hub_worker)
    response = client.post(
        MFA, {"code": code_for(totp(personas.hub_worker)), "next": "https://evil.example/x"}
    )
    assert response["Location"] == reverse("hub:board")


def test_wrong_code_is_refused_and_audited(personas):
    client = browser()
    sign_in_password(client, personas.hub_worker)
    right = code_for(totp(personas.hub_worker))
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = client.post(MFA, {"code": wrong})
    assert response.status_code == 200
    html = response.content.decode()
    assert "That code is not right" in html
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert client.get(reverse("hub:board"))["Location"].startswith(MFA)
    event = events("auth.mfa_failed").get()
    assert event.outcome == AuditEvent.Outcome.REFUSED
    assert event.actor == personas.hub_worker


def test_badly_formed_code_gets_a_field_message_and_is_not_counted(personas):
    client = browser()
    sign_in_password(client, personas.hub_worker)
    response = client.post(MFA, {"code": "12ab"})
    assert "Enter the code as 6 digits" in response.content.decode()
    assert not events("auth.mfa_failed").exists()


def test_wrong_codes_count_towards_lockout_and_end_the_half_sign_in(personas):
    user = personas.hub_worker
    client = browser()
    sign_in_password(client, user)
    right = code_for(totp(user))
    wrong = f"{(int(right) + 500_000) % 1_000_000:06d}"
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(MFA, {"code": wrong}).status_code == 200
    response = client.post(MFA, {"code": wrong})
    assert response.status_code == 429
    assert "Sign-in paused" in response.content.decode()
    assert "_auth_user_id" not in client.session  # signed out
    assert events("auth.lockout").exists()
    # The password no longer gets anyone in during the lockout.
    again = sign_in_password(browser(), user)
    assert again.status_code == 429


def test_password_success_does_not_clear_earlier_mfa_failures(personas):
    """Signing in again with the password must not give a fresh set of code guesses."""
    user = personas.hub_worker
    right = code_for(totp(user))
    wrong = f"{(int(right) + 500_000) % 1_000_000:06d}"
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client = browser()
        sign_in_password(client, user)
        client.post(MFA, {"code": wrong})
    client = browser()
    assert sign_in_password(client, user).status_code == 302
    assert client.post(MFA, {"code": wrong}).status_code == 429


def test_full_sign_in_clears_failures(personas):
    user = personas.hub_worker
    client = browser()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in_password(client, user, password="wrong password here")
    sign_in_fully(client, user)
    other = browser()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in_password(other, user, password="wrong password again").status_code == 200


def test_recovery_code_works_once_only(personas):
    user = personas.key_worker
    codes = give_recovery_codes(user)
    client = browser()
    sign_in_password(client, user)
    response = client.post(MFA, {"recovery_code": codes[0].upper()})
    assert response.status_code == 302
    assert response["Location"] == reverse("hub:board")
    assert client.session[DEVICE_ID_SESSION_KEY].startswith("otp_static")
    event = events("auth.mfa").get()
    assert event.detail == {"method": "recovery_code", "recovery_codes_left": 1}
    assert not StaticToken.objects.filter(token=codes[0]).exists()

    second = browser()
    sign_in_password(second, user)
    response = second.post(MFA, {"recovery_code": codes[0]})
    assert response.status_code == 200
    html = response.content.decode()
    assert "That recovery code is not right, or it has been used already" in html
    assert DEVICE_ID_SESSION_KEY not in second.session
    assert events("auth.mfa_failed").get().detail == {"method": "recovery_code"}


def test_enrolment_end_to_end(personas):
    user = personas.partner_worker
    TOTPDevice.objects.filter(user=user).delete()
    client = browser()
    assert sign_in_password(client, user)["Location"] == MFA

    page = client.get(MFA)
    html = page.content.decode()
    assert "Set up your authenticator app" in html
    qr = re.search(r'<img class="lw-qr" src="([^"]+)"[^>]* alt="([^"]+)"', html)
    assert qr.group(2) == "QR code for your authenticator app"
    assert qr.group(1).startswith("data:image/svg+xml;")
    assert "style=" not in html
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    secret = re.search(r'id="setup-key">([A-Z2-7 ]+)<', html).group(1)
    compact = secret.replace(" ", "")
    assert base64.b32decode(compact + "=" * (-len(compact) % 8)) == device.bin_key
    # A reload shows the same secret rather than a new one.
    assert client.get(MFA).content.decode().count(secret) == 1
    assert TOTPDevice.objects.filter(user=user).count() == 1

    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    refused = client.post(MFA, {"code": wrong})
    assert "That code is not right" in refused.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed

    done = client.post(MFA, {"code": code_for(device)})
    assert done.status_code == 200
    html = done.content.decode()
    assert "Save your recovery codes" in html
    shown = re.findall(r'<code class="lw-code">([a-z2-7]{4} [a-z2-7]{4})</code>', html)
    assert len(shown) == 10
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert {c.replace(" ", "") for c in shown} == stored
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert events("auth.mfa_enrolled").get().detail == {"recovery_codes": 10}
    # Shown once: coming back to the page does not show the codes again.
    again = client.get(MFA)
    assert again.status_code == 302
    assert again["Location"] == reverse("hub:board")


def test_recovery_code_from_enrolment_signs_in(personas):
    user = personas.partner_worker
    TOTPDevice.objects.filter(user=user).delete()
    client = browser()
    sign_in_password(client, user)
    client.get(MFA)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    html = client.post(MFA, {"code": code_for(device)}).content.decode()
    first = re.findall(r'<code class="lw-code">([a-z2-7]{4} [a-z2-7]{4})</code>', html)[0]
    other = browser()
    sign_in_password(other, user)
    assert other.post(MFA, {"recovery_code": first})["Location"] == reverse("hub:board")


def test_demo_mode_shows_the_code_for_demo_personas(personas, settings):
    settings.DEMO_MODE = True
    user = personas.hub_worker
    User.objects.filter(pk=user.pk).update(is_demo_persona=True)
    client = browser()
    sign_in_password(client, user)
    html = client.get(MFA).content.decode()
    assert "Demo site only" in html
    shown = re.search(r'<code class="lw-code">(\d{6})</code>', html).group(1)
    # The code shown is the one the authenticator shows now (allow for a step boundary).
    device = totp(user)
    assert shown in {code_for(device), code_for(device, offset_steps=-1)}
    assert client.post(MFA, {"code": shown})["Location"] == reverse("hub:board")


def _shown_code(client) -> str | None:
    found = re.search(r'<code class="lw-code">(\d{6})</code>', client.get(MFA).content.decode())
    return found.group(1) if found else None


def test_demo_persona_signing_in_twice_in_one_time_step_is_shown_a_code_that_works(
    personas, settings
):
    settings.DEMO_MODE = True
    user = personas.hub_worker
    User.objects.filter(pk=user.pk).update(is_demo_persona=True)
    first = browser()
    sign_in_password(first, user)
    assert first.post(MFA, {"code": _shown_code(first)})["Location"] == reverse("hub:board")
    # The same persona again at once (another tab, a colleague trying the demo): the code the
    # first sign-in used cannot be used again, so the page shows one the device accepts.
    second = browser()
    sign_in_password(second, user)
    assert second.post(MFA, {"code": _shown_code(second)})["Location"] == reverse("hub:board")


def test_demo_page_says_to_wait_when_no_code_is_usable_yet(personas, settings):
    settings.DEMO_MODE = True
    user = personas.hub_worker
    User.objects.filter(pk=user.pk).update(is_demo_persona=True)
    device = totp(user)
    # Every step the device would accept now has been used.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=10**12)
    client = browser()
    sign_in_password(client, user)
    html = client.get(MFA).content.decode()
    assert "Demo site only" in html and _shown_code(client) is None
    assert "Wait 30 seconds, then reload this page" in html


def test_demo_mode_does_not_show_codes_for_real_accounts(personas, settings):
    settings.DEMO_MODE = True
    client = browser()
    sign_in_password(client, personas.key_worker)
    html = client.get(MFA).content.decode()
    assert "Demo site only" not in html
    assert code_for(totp(personas.key_worker)) not in html


def test_no_code_shown_for_demo_personas_without_demo_mode(personas, settings):
    settings.DEMO_MODE = False
    User.objects.filter(pk=personas.hub_worker.pk).update(is_demo_persona=True)
    client = browser()
    sign_in_password(client, personas.hub_worker)
    html = client.get(MFA).content.decode()
    assert "Demo site only" not in html
    assert code_for(totp(personas.hub_worker)) not in html


def test_demo_persona_with_demo_password_and_device_goes_straight_to_the_code(db):
    user = User.objects.create_user(
        username="demo_hub", password=DEMO_PASSWORD, is_demo_persona=True
    )
    device = ensure_demo_mfa(user)
    assert device.confirmed
    assert ensure_demo_mfa(user) == device  # idempotent
    client = browser()
    sign_in_password(client, user, password=DEMO_PASSWORD)
    html = client.get(MFA).content.decode()
    assert "Enter the code from your authenticator app" in html
    assert "Set up your authenticator app" not in html


def test_demo_mfa_refused_for_real_accounts(personas):
    with pytest.raises(ValueError):
        ensure_demo_mfa(personas.key_worker)


def test_a_code_cannot_be_replayed(personas):
    user = personas.hub_worker
    first = browser()
    sign_in_password(first, user)
    code = code_for(totp(user))
    assert first.post(MFA, {"code": code})["Location"] == reverse("hub:board")
    second = browser()
    sign_in_password(second, user)
    response = second.post(MFA, {"code": code})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
