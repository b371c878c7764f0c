"""The person's portal on a phone: sign in with a one-time code, read the plan and add a step,
change a sharing choice and see it take effect for a worker, read who looked, download."""

from __future__ import annotations

import re

import pytest
from tests.browser.conftest import assert_accessible, sign_in_as
from tests.integration.access.access_helpers import KWC, PLAN
from tests.integration.portal.portal_support import shared_record

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def outbox(settings):
    from livingwell.core.messaging import MemoryBackend

    settings.LIVINGWELL_MESSAGE_BACKEND = "livingwell.core.messaging.MemoryBackend"
    MemoryBackend.outbox.clear()
    yield MemoryBackend.outbox
    MemoryBackend.outbox.clear()


def test_a_person_uses_their_portal_on_a_phone(phone_page, browser, live_server, personas, outbox):
    page = phone_page
    record = shared_record(personas)
    page.goto("/my/sign-in/")
    assert_accessible(page)
    page.get_by_label("Your mobile phone number or email address").fill("07700 900501")
    page.get_by_label("Date of birth").fill("1 1 1990")
    page.get_by_role("button", name="Send me a code").click()
    page.get_by_role("heading", name="Enter your sign-in code").wait_for()
    assert_accessible(page)
    code = re.search(r"\b(\d{6})\b", outbox[-1].body).group(1)
    page.get_by_label("Sign-in code").fill(code)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="My Living Well").wait_for()
    assert_accessible(page)

    page.get_by_role("link", name="My plan").click()
    page.get_by_role("heading", name="My plan", exact=True).wait_for()
    assert PLAN in page.content()
    page.get_by_label("A step I will take").check()
    page.get_by_label("In your own words").fill("Phone my sister on Fridays")
    page.get_by_role("button", name="Add to my plan").click()
    page.get_by_text("Added to your plan").wait_for()
    assert "Phone my sister on Fridays" in page.content()
    assert_accessible(page)

    page.goto("/my/sharing/")
    assert_accessible(page)
    page.get_by_role(
        "group", name="May others see what Demo NHS Foundation Trust records about you?"
    ).get_by_label("No").check()
    page.get_by_role("button", name="Save my choice for Demo NHS Foundation Trust").click()
    page.get_by_text("Your choice for Demo NHS Foundation Trust is saved").wait_for()
    assert_accessible(page)

    worker_context = browser.new_context(base_url=live_server.url)
    worker = worker_context.new_page()
    worker.lw_base = live_server.url
    sign_in_as(worker, personas.partner_worker)
    worker.goto(f"/hub/introductions/{record.intro.pk}/")
    worker.get_by_role("heading", name="Contacts").wait_for()
    assert KWC not in worker.content()  # the person's objection applies at once
    worker_context.close()

    page.goto("/my/who-has-looked/")
    page.get_by_role("heading", name="Who has looked at my record").wait_for()
    assert "Partner Worker" in page.content()
    assert_accessible(page)

    page.goto("/my/my-information/")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download a readable copy (PDF)").click()
    assert download.value.suggested_filename == "my-living-well-record.pdf"
