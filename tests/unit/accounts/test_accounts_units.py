"""Small pure pieces of sign-in: user-agent summaries, code handling, the demo password."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from livingwell.accounts import actions, useragents
from livingwell.accounts.demo import DEMO_PASSWORD
from livingwell.accounts.forms import CodeForm, SignInForm


@pytest.mark.parametrize(
    ("ua", "expected"),
    [
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
            "Edge on Windows",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
            "(KHTML, like Gecko) "
            "Chrome/126.0.0.0 Safari/537.36",
            "Chrome on macOS",
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
            "Firefox on Linux",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.0.0 Mobile Safari/537.36",
            "Chrome on Android",
        ),
        ("curl/8.5.0", "Unknown browser"),
        ("", "Unknown browser"),
    ],
)
def test_user_agent_summary(ua, expected):
    assert useragents.describe(ua) == expected


def test_demo_password_passes_the_site_password_rules():
    assert len(DEMO_PASSWORD) >= 12
    validate_password(DEMO_PASSWORD)


def test_short_and_common_passwords_are_refused():
    with pytest.raises(ValidationError):
        validate_password("short pass")
    with pytest.raises(ValidationError):
        validate_password("password1234")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("123 456", "123456"), (" ABCD-efgh ", "abcdefgh"), ("", ""), ("abcd efgh", "abcdefgh")],
)
def test_codes_are_normalised(typed, expected):
    assert actions.normalise_code(typed) == expected


def test_recovery_codes_are_shown_in_two_groups():
    assert actions.format_recovery_code("abcdefgh") == "abcd efgh"


@pytest.mark.parametrize(
    ("typed", "valid"), [("123456", True), ("123 456", True), ("12345", False), ("12345a", False)]
)
def test_code_form_wants_six_digits(typed, valid):
    form = CodeForm({"code": typed})
    assert form.is_valid() is valid
    if valid:
        assert form.cleaned_data["code"] == "123456"


def test_sign_in_form_uses_one_generic_refusal():
    messages = SignInForm.error_messages
    assert messages["invalid_login"] == messages["inactive"]
    form = SignInForm()
    assert form.fields["username"].widget.attrs["autocomplete"] == "username"
    assert form.fields["password"].widget.attrs["autocomplete"] == "current-password"
    code = CodeForm().fields["code"].widget.attrs
    assert code["autocomplete"] == "one-time-code"
    assert code["inputmode"] == "numeric"
