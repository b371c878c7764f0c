"""Running the site in a browser: a link whose message failed says why and is sent again; the
site administrator's page of background work."""

import pytest
from tests.browser.conftest import assert_accessible, sign_in_as
from tests.operations_support import DATABASE_TASKS, broken_for_good, run_worker
from tests.outcomes_support import in_support

from livingwell.core.messaging import MemoryBackend
from livingwell.notifications import actions as messages
from livingwell.outcomes.actions import create_response_link
from livingwell.outcomes.models import ResponseLink

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_link_that_was_not_delivered_says_why_and_is_sent_again(page, personas, settings):
    settings.LIVINGWELL_MESSAGE_BACKEND = "livingwell.core.messaging.MemoryBackend"
    MemoryBackend.outbox.clear()
    intro = in_support(personas.hub_worker)
    link, _raw = create_response_link(by=personas.hub_worker, introduction=intro, measure="gad7")
    link.refresh_from_db()
    messages.record_failure(message=link.message, reason="permanent-failure")
    sign_in_as(page, personas.hub_worker)
    page.goto(f"/outcomes/{intro.pk}/")
    links = page.locator("#links")
    assert "Not delivered" in links.inner_text()
    assert "does not exist or cannot receive messages" in links.inner_text()
    assert_accessible(page)
    links.get_by_role("button", name="Send it again").click()
    assert "A new link was sent" in page.locator(".nhsuk-main-wrapper").inner_text()
    assert ResponseLink.objects.filter(introduction=intro).count() == 2
    assert len(MemoryBackend.outbox) == 2
    assert "Send it again" not in page.locator("#links").inner_text()
    assert_accessible(page)
    MemoryBackend.outbox.clear()


def test_the_site_administrator_sees_failed_background_work(page, personas, settings):
    settings.TASKS = DATABASE_TASKS
    broken_for_good.enqueue()
    run_worker()
    sign_in_as(page, personas.site_admin)
    page.goto("/")
    page.get_by_role("link", name="Background work").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Background work"
    assert "broken_for_good" in page.locator("#failed ~ div").first.inner_text()
    assert_accessible(page)
