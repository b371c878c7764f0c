"""Process changes and targets in the browser: a site administrator corrects a refused entry,
adds a process change and sees its note on the dashboard chart; the equity lens with its gender
and outcomes-by-group tables. axe-core checks every page visited."""

from __future__ import annotations

from urllib.parse import urlencode

from tests.browser.conftest import assert_accessible, sign_in_as

QUERY = urlencode({"from": "2026-01-05", "to": "2026-02-01"})


def test_site_admin_adds_a_process_change_seen_on_the_dashboard(page, personas):
    sign_in_as(page, personas.site_admin)
    page.goto("/insight/process-changes-and-targets/")
    assert page.get_by_role("heading", level=1).inner_text() == "Process changes and targets"
    assert_accessible(page)

    page.get_by_label("Introductions per week").check()
    page.get_by_label("Process change").check()
    page.get_by_label("Date it takes effect").fill("2026-01-15")
    page.get_by_role("button", name="Add", exact=True).click()
    summary = page.locator(".nhsuk-error-summary")
    assert "Enter a note saying what changed" in summary.inner_text()
    assert page.get_by_label("Date it takes effect").input_value() == "2026-01-15"  # kept
    assert_accessible(page)

    page.get_by_label("Note shown on the chart").fill("New Hub rota")
    page.get_by_role("button", name="Add", exact=True).click()
    assert "New Hub rota" in page.locator("#annotations").inner_text()

    page.goto(f"/insight/?{QUERY}")
    section = page.locator('section[aria-labelledby="chart-heading-introductions"]')
    assert "Process change: New Hub rota" in section.inner_text()
    assert section.locator("svg .lw-rebase").count() == 1
    assert_accessible(page)

    page.goto("/insight/measures/equity/")
    assert page.locator("#table-equity_gender").is_visible()
    assert page.locator("#table-equity_outcomes_ethnicity").is_visible()
    assert page.locator("#table-equity_outcomes_deprivation").is_visible()
    assert_accessible(page)
