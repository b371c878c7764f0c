"""A person asks for support on a phone: the urgent path, a validation error, the reference."""

import re

import pytest
from tests.browser.conftest import assert_accessible

from livingwell.intake.models import Introduction

pytestmark = pytest.mark.django_db(transaction=True)


def fill_required(page, *, story="I have not been sleeping and feel low."):
    page.get_by_label("What is going on for you at the moment?").fill(story)
    page.get_by_label("First name").fill("Sam")
    page.get_by_label("Last name").fill("Okafor")
    page.get_by_label("Postcode").fill("SE11 5AA")
    page.get_by_label("Phone number").fill("07700 900982")


def test_self_introduction_with_a_mistake_then_success(phone_page):
    page = phone_page
    page.goto("/")
    assert page.get_by_role("region", name="Urgent help").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Ask for support").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="I want support for myself").click()
    assert_accessible(page)

    page.get_by_label("No", exact=True).check()
    fill_required(page)
    page.get_by_label("Postcode").fill("not a postcode")
    page.get_by_role("button", name="Send").click()

    # The error sits beside the field, everything typed is kept, nothing is stored.
    assert page.get_by_role("alert").is_visible()
    assert "Enter a real postcode" in page.locator("#id_postcode-error").inner_text()
    assert page.get_by_label("First name").input_value() == "Sam"
    assert (
        "not been sleeping"
        in page.get_by_label("What is going on for you at the moment?").input_value()
    )
    assert Introduction.objects.count() == 0
    assert_accessible(page)

    page.get_by_label("Postcode").fill("SE11 5AA")
    page.get_by_role("button", name="Send").click()
    page.get_by_role("heading", name="We have your request").wait_for()
    reference = page.locator(".lw-reference").inner_text()
    assert re.fullmatch(r"LW-[A-Z0-9]{4}-[A-Z0-9]{4}", reference)
    assert_accessible(page)
    intro = Introduction.objects.get()
    assert intro.reference == reference and not intro.urgent and intro.route == "self"


def test_risk_answer_shows_urgent_help_at_once_and_marks_urgent(phone_page):
    page = phone_page
    page.goto("/introduce/for-myself/")
    urgent_box = page.locator("#urgent-2")
    assert not urgent_box.is_visible()  # hidden until someone says there is risk
    page.get_by_label("Yes, to themselves").check()
    assert urgent_box.is_visible()
    assert "999" in urgent_box.inner_text() and "116 123" in urgent_box.inner_text()
    assert_accessible(page)
    fill_required(page)
    page.get_by_role("button", name="Send").click()
    page.get_by_role("heading", name="We have your request").wait_for()
    assert page.get_by_text("the Hub team will try to call today").is_visible()
    assert_accessible(page)
    assert Introduction.objects.get().urgent is True
