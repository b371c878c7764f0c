"""The directory in a browser: a person finds support on their phone, and a worker finds a service
and starts a closed-loop handover from it."""

import random

import pytest
from tests import factories
from tests.browser.conftest import assert_accessible, sign_in_as
from tests.outcomes_support import in_support

from livingwell.directory import actions
from livingwell.directory.demo import build_demo_directory
from livingwell.directory.models import Service
from livingwell.hub.models import Handover

pytestmark = pytest.mark.django_db(transaction=True)


def _directory(personas):
    """A 40-service demo directory; Riverside Mind (a network partner) owns some listings."""
    build_demo_directory(random.Random(11), [personas.vcs], services=40)


def test_person_searches_the_public_directory_on_a_phone(phone_page, personas):
    _directory(personas)
    page = phone_page
    page.goto("/support/")
    assert page.get_by_role("heading", level=1).inner_text() == "Find support near you"
    assert_accessible(page)

    # A postcode that is not one: the message sits beside the field and the search is kept.
    page.get_by_label("What do you need help with?").select_option(label="Housing advice")
    page.get_by_label("Postcode or postcode district").fill("NOT A CODE")
    page.get_by_role("button", name="Search").click()
    postcode_group = page.locator(".nhsuk-form-group--error")
    assert "Enter a postcode like SE11 5AA" in postcode_group.inner_text()
    assert page.get_by_label("What do you need help with?").input_value() != ""
    assert_accessible(page)

    # By need alone.
    page.get_by_label("Postcode or postcode district").fill("")
    page.get_by_role("button", name="Search").click()
    heading = page.locator("#results-heading").inner_text()
    by_need = int(heading.split()[0])
    assert by_need > 0
    assert "Helps with: Housing advice" in page.locator(".lw-directory-results").inner_text()
    assert_accessible(page)

    # By need and postcode: only services nearby, each saying how far away it is.
    page.get_by_label("Postcode or postcode district").fill("SE11 5AA")
    page.get_by_label("Distance").select_option(label="Within 2 km")
    page.get_by_role("button", name="Search").click()
    results = page.locator(".lw-directory-results")
    nearby = int(page.locator("#results-heading").inner_text().split()[0])
    assert 0 < nearby <= by_need
    assert "km from the middle of SE11" in results.inner_text()
    # Nothing overflows the phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(page)

    first = results.locator("h3 a").first
    name = first.inner_text()
    first.click()
    assert page.get_by_role("heading", level=1).inner_text() == name
    svc = Service.objects.get(name=name)
    assert svc.is_public and page.url.endswith(f"/support/{svc.id}/")
    # The public page says nothing about handovers or the network's workings.
    assert "Hand over" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(page)


def test_staff_only_listing_is_not_public(phone_page, personas):
    _directory(personas)
    hidden = Service.objects.order_by("name").first()
    actions.update_service(by=personas.site_admin, service=hidden, changes={"is_public": False})
    response = phone_page.goto(f"/support/{hidden.id}/")
    assert response.status == 404
    assert hidden.name not in phone_page.content()
    assert_accessible(phone_page)


def test_worker_finds_a_service_and_starts_a_handover(page, personas):
    _directory(personas)
    intro = in_support(
        personas.hub_worker,
        person=factories.person_details(given_name="Robin", family_name="Okafor"),
    )
    svc = (
        Service.objects.filter(network_organisation=personas.vcs, accepting_introductions=True)
        .order_by("name")
        .first()
    )
    assert svc is not None, "the demo directory gives Riverside Mind listings"
    sign_in_as(page, personas.hub_worker)

    page.goto("/directory/")
    assert_accessible(page)
    page.get_by_label("Words to search for").fill(svc.name.split()[0])
    page.get_by_role("button", name="Search").click()
    assert_accessible(page)
    page.locator(".lw-directory-results").get_by_role("link", name=svc.name, exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == svc.name
    assert "Riverside Mind" in page.locator(".nhsuk-summary-list").first.inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Hand over a person to this service").click()
    assert f"To the service: {svc.name}" in page.content()
    # The handover form starts with the organisation that takes handovers for the service.
    chosen = page.get_by_label("Hand over to")
    assert chosen.locator("option:checked").inner_text() == "Riverside Mind"
    assert_accessible(page)

    # Nothing chosen: refused beside the field, nothing stored, the service kept.
    page.get_by_role("button", name="Offer the handover").click()
    assert page.locator(".nhsuk-error-summary").is_visible()
    assert Handover.objects.count() == 0
    assert f"To the service: {svc.name}" in page.content()
    assert_accessible(page)

    page.get_by_label("Person", exact=True).select_option(label=f"Robin Okafor ({intro.reference})")
    page.get_by_label("What are you asking them to do?").fill("Help with rent arrears letters.")
    page.get_by_role("button", name="Offer the handover").click()

    handover = Handover.objects.get()
    assert handover.introduction == intro and handover.to_organisation == personas.vcs
    assert handover.service_name == svc.name and handover.state == "offered"
    assert page.get_by_role("heading", level=1).inner_text() == "Robin Okafor"
    handovers = page.locator("table", has_text="Offered")
    assert f"Riverside Mind: {svc.name}" in page.content()
    assert handovers.count() >= 1
    assert_accessible(page)

    page.goto("/hub/")
    waiting = page.locator("section[aria-labelledby=awaiting-heading]")
    assert "Robin Okafor" in waiting.inner_text()
    assert svc.name in waiting.inner_text()
    # Robin's baseline measures are due from today, listed on the same board.
    assert "Robin Okafor" in page.locator("section[aria-labelledby=due-heading]").inner_text()
    assert_accessible(page)
