"""Emergency access in the browser: a worker outside the care team breaks glass, sees the banner
and their access in the person's log; the privacy officer reviews it. Then the person's sharing
choice and a safeguarding override. axe checks every page."""

import pytest
from tests.browser.conftest import assert_accessible, sign_in_as
from tests.integration.access.access_helpers import CONV, build_shared_record

from livingwell.access.models import BreakGlass, SafeguardingOverride

pytestmark = pytest.mark.django_db(transaction=True)


def test_break_glass_journey_reaches_the_log_and_the_privacy_officer(browser, page, personas):
    shared = build_shared_record(personas)
    sign_in_as(page, personas.unrelated_worker)

    page.goto("/hub/find/")
    page.get_by_role("link", name="find a person and break glass").click()
    assert page.get_by_role("heading", name="Find a person in an emergency").is_visible()
    assert_accessible(page)
    page.get_by_label("Reference number").fill(shared.intro.reference)
    page.get_by_role("button", name="Find").click()
    assert page.get_by_text("There is no record you can open with that reference").is_visible()
    assert shared.intro.reference not in page.url
    assert_accessible(page)

    page.get_by_label("Why do you need emergency access?").fill("urgent")
    page.get_by_role("button", name="Break glass and open the record").click()
    assert page.get_by_role("alert").is_visible()  # the error summary
    assert "Give the reason in at least 10 characters" in page.content()
    assert_accessible(page)
    assert not BreakGlass.objects.exists()

    page.get_by_label("Why do you need emergency access?").fill(
        "Found collapsed in reception; need the safety plan now."
    )
    page.get_by_role("button", name="Break glass and open the record").click()
    assert page.get_by_role("heading", name="Robin Quayle").is_visible()
    assert page.get_by_text("You opened this record with break-glass access").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Who has looked at this record").click()
    log = page.locator("main").inner_text()
    assert "Unrelated Worker (Unrelated Community Trust, key worker) opened the record" in log
    assert "Emergency access" in log
    assert_accessible(page)

    officer = browser.new_context(base_url=page.lw_base).new_page()
    officer.lw_base = page.lw_base
    sign_in_as(officer, personas.privacy_officer)
    officer.goto("/access/privacy/")
    assert_accessible(officer)
    officer.get_by_role("link", name="Review access by Unrelated Worker").click()
    assert "Found collapsed in reception" in officer.content()
    assert_accessible(officer)
    officer.get_by_label("Yes, appropriate").check()
    officer.get_by_role("button", name="Record the review").click()
    assert "Review recorded." in officer.content()
    assert "Appropriate" in officer.locator("main").inner_text()
    assert_accessible(officer)
    assert BreakGlass.objects.get().review == "appropriate"
    officer.context.close()


def test_sharing_choice_and_safeguarding_override_pages(browser, page, personas):
    shared = build_shared_record(personas)
    key = browser.new_context(base_url=page.lw_base).new_page()
    key.lw_base = page.lw_base
    sign_in_as(key, personas.key_worker)
    key.goto(f"/hub/introductions/{shared.intro.pk}/")
    key.get_by_role("link", name="Sharing choices").click()
    assert_accessible(key)
    key.get_by_label("Organisation", exact=True).select_option(label="Demo NHS Foundation Trust")
    key.locator("#id_share_out_1").check()  # No
    key.locator("#id_share_in_0").check()  # Yes
    key.get_by_label("in person", exact=True).check()  # how the person told them
    key.get_by_role("button", name="Record the choice").click()
    assert "No: the person objects" in key.content()
    assert "The person's decision, told to Key Worker in person" in key.content()
    assert_accessible(key)
    key.context.close()

    sign_in_as(page, personas.partner_worker)
    page.goto(f"/hub/introductions/{shared.intro.pk}/")
    assert CONV not in page.content()
    page.get_by_role("link", name="Record a safeguarding override").click()
    assert_accessible(page)
    page.get_by_label("What is the safeguarding concern?").fill(
        "A child at the address may be at risk."
    )
    page.get_by_role("button", name="Record the override").click()
    assert CONV in page.content()
    assert_accessible(page)
    assert SafeguardingOverride.objects.get().user == personas.partner_worker
