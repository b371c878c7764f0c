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
    page.get_by_label("Process change", exact=True).check()
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


def test_site_admin_changes_then_withdraws_a_target(page, personas):
    from datetime import date

    from livingwell.insight import actions

    actions.add_chart_annotation(
        by=personas.site_admin,
        chart="wait",
        kind="target",
        effective_date=date(2026, 1, 1),
        target_value=5,
        note="Seen within five days",
    )
    sign_in_as(page, personas.site_admin)
    page.goto("/insight/process-changes-and-targets/")
    page.get_by_role("link", name="Change target: Seen within five days").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Change a process change or target"
    assert page.get_by_label("Target value").input_value() == "5"
    assert_accessible(page)

    page.get_by_label("Target value").fill("4")
    page.get_by_role("button", name="Save the change").click()
    assert "Enter the reason for the change" in page.locator(".nhsuk-error-summary").inner_text()
    assert page.get_by_label("Target value").input_value() == "4"  # kept
    assert_accessible(page)

    page.get_by_label("Why are you changing it?").fill("Board agreed a stretch target")
    page.get_by_role("button", name="Save the change").click()
    assert "4" in page.locator("#annotations").inner_text()
    assert "Board agreed a stretch target" in page.locator("#annotations-history").inner_text()

    page.get_by_role("link", name="Withdraw target: Seen within five days").click()
    page.get_by_label("Why are you withdrawing it?").fill("Superseded by the new framework")
    assert_accessible(page)
    page.get_by_role("button", name="Withdraw it").click()
    assert "None in force." in page.locator("#annotations").inner_text()
    withdrawn = page.locator("#annotations-withdrawn").inner_text()
    assert "Seen within five days" in withdrawn and "Superseded by the new framework" in withdrawn
    assert_accessible(page)
