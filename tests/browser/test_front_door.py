"""A person asks for support on a phone: the urgent path, a validation error, the reference,
Back then Send again, a refusal that keeps what was typed; a worker's errors on the staff form."""

import re

import pytest
from django.test import RequestFactory
from tests.browser.conftest import assert_accessible, sign_in_as

from livingwell.intake import rate_limit
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
    # A double click sends once (NHS.UK frontend's button), so the page is the first answer.
    page.get_by_role("button", name="Send").dblclick()
    page.get_by_role("heading", name="We have your request").wait_for()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "We have your request"
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
    assert "Get help now" in page.locator("main").inner_text()
    assert "send this form" not in page.locator("main").inner_text()
    assert_accessible(page)
    assert Introduction.objects.get().urgent is True


def test_back_then_send_again_is_the_same_introduction(phone_page):
    page = phone_page
    page.goto("/introduce/for-myself/")
    page.get_by_label("No", exact=True).check()
    fill_required(page)
    page.get_by_role("button", name="Send").click()
    page.get_by_role("heading", name="We have your request").wait_for()
    reference = page.locator(".lw-reference").inner_text()

    page.go_back()
    if not page.get_by_label("First name").input_value():
        # The browser did not put back what was typed: the person types it again.
        page.get_by_label("No", exact=True).check()
        fill_required(page)
    page.get_by_role("button", name="Send").click()
    page.get_by_role("heading", name="We already have your request").wait_for()
    assert page.locator(".lw-reference").inner_text() == reference
    assert page.get_by_text("You sent this before").is_visible()
    assert_accessible(page)
    assert Introduction.objects.count() == 1


def test_a_refused_introduction_keeps_what_was_typed(phone_page):
    # This browser's address has already sent its hour's introductions.
    here = RequestFactory().post("/", REMOTE_ADDR="127.0.0.1")
    for _ in range(rate_limit.RATE_LIMIT):
        rate_limit.count(here)
    page = phone_page
    page.goto("/introduce/for-myself/")
    page.get_by_label("No", exact=True).check()
    fill_required(page)
    page.get_by_role("button", name="Send").click()

    summary = page.get_by_role("alert")
    summary.wait_for()
    assert "We could not send this yet" in summary.inner_text()
    assert "111" in summary.inner_text()
    assert page.title().startswith("Error: ")
    assert page.get_by_label("First name").input_value() == "Sam"
    assert (
        "not been sleeping"
        in page.get_by_label("What is going on for you at the moment?").input_value()
    )
    assert page.get_by_label("No", exact=True).is_checked()
    assert_accessible(page)
    assert Introduction.objects.count() == 0


def test_the_staff_form_names_each_problem_about_the_person(page, personas):
    sign_in_as(page, personas.hub_worker)
    page.goto("/introduce/staff/new/")
    assert page.get_by_label("What would the person like to be called? (optional)").is_visible()
    page.get_by_role("button", name="Make the introduction").click()
    summary = page.get_by_role("alert")
    summary.wait_for()
    assert page.title().startswith("Error: ")
    assert "This field is required" not in summary.inner_text()
    assert "Enter the person's first name" in summary.inner_text()
    # The summary's first link goes to the first choice of the question it names.
    summary.get_by_role("link", name="Select who is making the introduction").click()
    assert page.evaluate("document.activeElement.id") == "id_route_0"
    assert_accessible(page)
