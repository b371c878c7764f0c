"""A Hub worker's morning: board → first conversation → key worker → plan → handover declined and
re-offered → closure → the person comes back through the open door."""

from datetime import timedelta

import pytest
from django.utils import timezone
from tests import factories
from tests.browser.conftest import assert_accessible, sign_in_as

from livingwell.accounts.models import Membership
from livingwell.hub.models import Handover
from livingwell.intake.models import Introduction

pytestmark = pytest.mark.django_db(transaction=True)


def test_hub_worker_walks_the_whole_loop(browser, live_server, personas):
    intro = factories.introduction(
        person=factories.person_details(given_name="Jordan", family_name="Reyes"), urgent=True
    )
    factories.introduction(person=factories.person_details(given_name="Casey", family_name="Moss"))

    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.lw_base = live_server.url
    sign_in_as(page, personas.hub_worker)

    page.goto("/hub/")
    urgent = page.locator("section[aria-labelledby=urgent-heading]")
    assert "Jordan Reyes" in urgent.inner_text()  # urgent is top of the board
    assert "Casey Moss" in page.locator("section[aria-labelledby=new-heading]").inner_text()
    assert "received: 2 = new 2 + in support 0 + closed 0" in page.locator(
        "#reconciliation"
    ).inner_text().replace("\n", " ")
    assert_accessible(page)

    urgent.get_by_role("link", name="Jordan Reyes").click()
    assert_accessible(page)
    page.get_by_role("link", name="Record the first conversation").click()
    page.get_by_label("Phone").check()
    page.get_by_label("What matters to them").fill("My daughter, and getting back to running.")
    page.get_by_label("The next step you agreed").fill("Weekly calls for a month.")
    page.get_by_label("Short-term support").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save the conversation").click()
    assert page.get_by_role("heading", name="First conversation").is_visible()

    page.get_by_role("link", name="Allocate a key worker").click()
    membership = Membership.objects.get(user=personas.key_worker)
    page.get_by_label("Key worker", exact=True).select_option(value=str(membership.pk))
    assert_accessible(page)
    page.get_by_role("button", name="Allocate").click()
    assert (
        "Key Worker (North Community Team), key worker"
        in page.locator(".nhsuk-summary-list").first.inner_text()
    )

    page.get_by_role("link", name="Write the support plan").click()
    page.get_by_label("Goal 1, in the person's own words").fill("Run 5k with my daughter")
    # A review within the year ahead a plan may look (core.record_dates).
    review = (timezone.localdate() + timedelta(days=60)).isoformat()
    page.get_by_label("Review date").fill(review)
    page.get_by_label("The person helped write this plan and agrees with it").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save a new version").click()
    assert page.get_by_text("Run 5k with my daughter").is_visible()

    page.get_by_role("link", name="Offer a handover").click()
    page.get_by_label("Hand over to").select_option(label="Riverside Mind")
    page.get_by_label("What are you asking them to do?").fill("Peer running group, Tuesdays.")
    assert_accessible(page)
    page.get_by_role("button", name="Offer the handover").click()
    assert "Offered, waiting for a reply" in page.content()

    # The partner declines with a reason.
    partner = browser.new_context(base_url=live_server.url).new_page()
    partner.lw_base = live_server.url
    sign_in_as(partner, personas.partner_worker)
    partner.goto("/hub/")
    partner.get_by_role("link", name="Jordan Reyes: reply").click()
    assert_accessible(partner)
    partner.get_by_role("radio", name="Decline").check()
    partner.get_by_role("button", name="Send your answer").click()
    assert "Give a reason" in partner.content()  # no reason: refused beside the field
    partner.get_by_role("radio", name="Decline").check()
    partner.get_by_label("Reason for declining (needed if you decline)").fill(
        "The group is full until spring."
    )
    partner.get_by_role("button", name="Send your answer").click()
    partner.context.close()

    # Back with its owner in the Hub, on the board and on the record.
    page.goto("/hub/")
    returned = page.locator("section[aria-labelledby=returned-heading]")
    assert "The group is full until spring." in returned.inner_text()
    returned.get_by_role("link", name="Jordan Reyes").click()
    page.get_by_role("link", name="Offer elsewhere").click()
    assert "Re-offering after Riverside Mind declined" in page.content()
    page.get_by_label("Hand over to").select_option(label="Unrelated Community Trust")
    page.get_by_label("What are you asking them to do?").fill("Walking group instead.")
    page.get_by_role("button", name="Offer the handover").click()
    declined = Handover.objects.get(state="declined")
    assert declined.returned_handled_at is not None
    assert Handover.objects.filter(state="offered", previous=declined).exists()

    # Withdraw the live offer, then close with a reason.
    page.get_by_role("button", name="Withdraw").click()
    page.get_by_role("link", name="Close").click()
    page.get_by_label("Supported, support has ended").check()
    assert_accessible(page)
    page.get_by_role("button", name="Close").click()
    assert "Closed on" in page.content()

    # Within the open door the person comes back into the same record.
    page.get_by_role("link", name="Come back through the open door").click()
    page.get_by_label("Staying well / community").check()
    page.get_by_label("Why they are coming back").fill("Things got harder after a move.")
    assert_accessible(page)
    page.get_by_role("button", name="Reopen").click()
    intro.refresh_from_db()
    assert (
        intro.state == "in_support"
        and Introduction.objects.filter(person=intro.person).count() == 1
    )
    assert "Came back on" in page.content()
    context.close()


def test_unrelated_worker_gets_not_found(browser, live_server, personas):
    intro = factories.introduction()
    page = browser.new_context(base_url=live_server.url).new_page()
    page.lw_base = live_server.url
    sign_in_as(page, personas.unrelated_worker)
    response = page.goto(f"/hub/introductions/{intro.pk}/")
    assert response.status == 404
    assert intro.person.family_name not in page.content()
    assert_accessible(page)
    page.context.close()
