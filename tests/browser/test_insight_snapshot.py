"""The dashboard's stored figures in the browser: the page says when they were calculated, an
analyst recalculates them now (a real POST with its CSRF token), care staff have no button.
axe-core checks every page visited."""

from __future__ import annotations

from urllib.parse import urlencode

from tests.browser.conftest import assert_accessible, sign_in_as
from tests.insight_support import PERIOD, build

QUERY = urlencode({"from": PERIOD.start.isoformat(), "to": PERIOD.end.isoformat()})


def test_analyst_sees_as_at_and_recalculates_now(page, personas):
    from livingwell.access.models import AuditEvent

    build(personas)
    sign_in_as(page, personas.analyst)
    page.goto(f"/insight/?{QUERY}")
    as_at = page.locator(".lw-as-at")
    assert "Figures as at" in as_at.inner_text()
    assert "recalculated every 60 minutes" in as_at.inner_text()
    assert_accessible(page)

    page.get_by_role("button", name="Recalculate now").click()
    assert "The figures have been recalculated." in page.content()
    assert page.url.endswith(f"/insight/?{QUERY}")
    assert page.locator("svg[role=img]").count() >= 2
    assert AuditEvent.objects.filter(action="insight.dashboard_recalculate").count() == 1
    assert_accessible(page)


def test_care_staff_see_as_at_without_the_button(page, personas):
    sign_in_as(page, personas.hub_worker)
    page.goto("/insight/")
    assert "Figures as at" in page.locator(".lw-as-at").inner_text()
    assert page.get_by_role("button", name="Recalculate now").count() == 0
    assert_accessible(page)
