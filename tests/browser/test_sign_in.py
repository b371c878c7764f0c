"""Staff sign-in in a real browser: password, authenticator set-up, code, sessions, lockout."""

import re

import pytest
from django.conf import settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from tests.browser.conftest import assert_accessible
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def current_code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def enter_password(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/account/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Continue").click()


def test_first_sign_in_sets_up_the_authenticator_then_sees_sessions(page, personas):
    user = personas.partner_worker
    TOTPDevice.objects.filter(user=user).delete()
    page.goto("/account/sign-in/")
    assert_accessible(page)
    enter_password(page, user.username, password="not the right one at all")
    page.get_by_role("alert").wait_for()
    assert "The username or password is not right" in page.get_by_role("alert").inner_text()
    assert_accessible(page)

    enter_password(page, user.username)
    page.get_by_role("heading", name="Set up your authenticator app").wait_for()
    assert page.get_by_role("img", name="QR code for your authenticator app").is_visible()
    assert_accessible(page)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page.get_by_label("Security code").fill(current_code(device))
    page.get_by_role("button", name="Confirm and continue").click()

    page.get_by_role("heading", name="Save your recovery codes").wait_for()
    assert page.locator(".lw-recovery-codes li").count() == 10
    assert_accessible(page)

    page.goto("/account/sessions/")
    page.get_by_role("heading", name="Your sessions").wait_for()
    assert page.get_by_text("This device").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()
    page.get_by_text("You have signed out.").wait_for()
    assert page.url == f"{page.lw_base}/"


def test_code_step_and_lockout(page, personas):
    user = personas.hub_worker
    enter_password(page, user.username)
    page.get_by_role("heading", name="Enter the code from your authenticator app").wait_for()
    assert_accessible(page)
    page.get_by_label("Security code").fill("12")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("alert").wait_for()
    assert "Enter the code as 6 digits" in page.get_by_role("alert").inner_text()
    assert_accessible(page)

    page.get_by_text("I cannot use my authenticator app").click()
    page.get_by_label("Recovery code").wait_for(state="visible")

    device = TOTPDevice.objects.get(user=user, confirmed=True)
    page.get_by_label("Security code").fill(current_code(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/hub/$"))

    other = page.context.browser.new_context(base_url=page.lw_base).new_page()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        enter_password(other, personas.key_worker.username, password="wrong wrong wrong")
    other.get_by_role("heading", name="Sign-in paused").wait_for()
    assert_accessible(other)
    other.context.close()
