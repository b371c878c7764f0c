"""What if, in the browser: an analyst on a seeded site writes a rota scenario, runs it and reads
the scenario beside the baseline, the back-test and the STRESS-DES report; a run still working
says how far it is and the page's script tells when it has finished, without reloading. axe-core
and the 320/390/1280 px layout check on every page visited."""

from __future__ import annotations

from datetime import UTC, date, datetime

from playwright.sync_api import expect
from tests.browser.conftest import assert_accessible, sign_in_as

from livingwell.accounts.models import User
from livingwell.seed.run import SeedOptions, seed_site
from livingwell.simulation import actions
from livingwell.simulation.models import Run

NOW = datetime(2026, 1, 5, 12, tzinfo=UTC)


def test_an_analyst_runs_a_rota_scenario_and_reads_the_comparison(page):
    seed_site(
        SeedOptions(people=250, years=2, seed=4), progress=lambda m: None, now=NOW, with_hooks=False
    )
    analyst = User.objects.get(username="analyst")
    sign_in_as(page, analyst)
    page.goto("/simulation/")
    assert page.get_by_role("heading", level=1).inner_text() == "What if: scenarios"
    assert_accessible(page)

    page.get_by_role("button", name="Write a scenario").click()
    page.get_by_role("button", name="Save the scenario").click()
    assert "Enter the name of the scenario" in page.locator(".nhsuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Name of the scenario").fill("Two more on Tuesdays")
    page.get_by_label("Data from (YYYY-MM-DD)").fill(date(2025, 1, 5).isoformat())
    page.get_by_label("Data up to, not including (YYYY-MM-DD)").fill(date(2026, 1, 5).isoformat())
    page.get_by_label("Weeks to simulate").fill("12")
    page.get_by_label("Hub workers holding first conversations on Tuesday").fill("4")
    # Hours across midnight written as one range: refused beside the field, what was typed kept.
    hours = page.get_by_label("Hours the urgent line answers when the Hub is closed")
    hours.fill("20-8")
    page.get_by_role("button", name="Save the scenario").click()
    assert "must come after 'from' (20)" in page.locator("#id_urgent_line_hours-error").inner_text()
    tuesday = page.get_by_label("Hub workers holding first conversations on Tuesday")
    assert tuesday.input_value() == "4"
    assert_accessible(page)
    page.get_by_label("Hours the urgent line answers when the Hub is closed").fill("")
    page.get_by_role("button", name="Save the scenario").click()
    assert "Scenario saved" in page.locator("body").inner_text()
    assert "tuesday: 4" in page.locator("#scenario-changes").inner_text()
    assert_accessible(page)

    page.get_by_label("Replications").fill("4")
    page.get_by_label("Seed (the same seed repeats the run exactly)").fill("7")
    page.get_by_role("button", name="Run the scenario").click()
    run = Run.objects.get()
    assert run.state == Run.State.DONE, run.error
    assert page.locator("#run-state").inner_text() == "Finished"
    headlines = page.locator("#headlines")
    assert "Median wait to first conversation (days)" in headlines.inner_text()
    assert "Urgent introductions answered the same day" in headlines.inner_text()
    assert page.locator("svg.lw-sim-chart").count() == 4  # three series and the back-test
    assert "off by" in page.locator("#backtest-error").inner_text()
    page.get_by_text("Figures: Mean wait to first conversation by week of introduction").click()
    assert page.locator("#table-weekly_wait_days tbody tr").count() == 12
    assert_accessible(page)

    page.get_by_role("link", name="The STRESS-DES report of this run").click()
    assert "seeds 7 to 10" in page.locator("body").inner_text()
    assert_accessible(page)

    # A run waiting in the queue: the page polls its progress and says when it has finished.
    queued = actions.request_run(
        by=analyst, scenario=run.scenario, enqueue=lambda run_id: None, replications=2
    )
    page.goto(f"/simulation/runs/{queued.pk}/")
    status = page.locator("#run-progress-text")
    assert status.inner_text() == "Waiting to start."
    assert status.get_attribute("aria-live") == "polite"
    assert page.get_by_role("link", name="Check progress").count() == 1
    assert_accessible(page)
    actions.execute_run(queued.pk)
    expect(status).to_contain_text("The run has finished.", timeout=20_000)
    status.get_by_role("link", name="See the result").click()
    assert page.locator("#run-state").inner_text() == "Finished"
