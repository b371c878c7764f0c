"""A long record in the browser: the latest contacts with a link to all of them, the paginated
contacts page and the plan's earlier versions, without JavaScript needed. axe checks every page."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from tests.browser.conftest import assert_accessible, sign_in_as
from tests.outcomes_support import in_support

from livingwell.hub import actions as hub

pytestmark = pytest.mark.django_db(transaction=True)


def test_record_links_to_all_contacts_and_earlier_plans(page, personas):
    worker = personas.hub_worker
    intro = in_support(worker, days_ago=60)
    now = timezone.now()
    for i in range(30):
        hub.record_contact(
            by=worker,
            introduction=intro,
            outcome="attended",
            mode="phone",
            contact_at=now - timedelta(days=50 - i),
            note=f"Contact note {i}",
        )
    for v in (1, 2):
        hub.save_plan(
            by=worker,
            introduction=intro,
            goals=[f"Goal of version {v}"],
            actions=[],
            review_date=date.today() + timedelta(days=30),
        )
    sign_in_as(page, worker)

    page.goto(f"/hub/introductions/{intro.pk}/")
    assert page.get_by_text("The latest 10 of 30 contacts.").is_visible()
    assert page.get_by_text("Contact note 29", exact=True).is_visible()
    assert page.get_by_text("Contact note 19", exact=True).count() == 0
    assert_accessible(page)

    page.get_by_role("link", name="All 30 contacts").click()
    assert page.get_by_role("heading", level=1, name="Contacts").is_visible()
    assert page.get_by_text("Showing 1 to 25 of 30, newest first.").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Older").click()
    assert page.get_by_text("Showing 26 to 30 of 30, newest first.").is_visible()
    assert page.get_by_text("Contact note 0", exact=True).is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Back to the record").click()
    page.get_by_role("link", name="See the earlier version of the plan").click()
    assert page.get_by_role("heading", level=1, name="Support plan versions").is_visible()
    assert page.get_by_text("Goal of version 1").is_visible()
    assert_accessible(page)
