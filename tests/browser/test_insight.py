"""Network insight in the browser: an analyst walks the dashboard and two lenses, drill-down is
refused (analyst: nobody named) and allowed (a key worker sees their own person), and the board
report downloads as a PDF. axe-core checks every page visited."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from tests.browser.conftest import assert_accessible, sign_in_as
from tests.insight_support import PERIOD, build

QUERY = urlencode({"from": PERIOD.start.isoformat(), "to": PERIOD.end.isoformat()})


def test_analyst_walks_the_dashboard_and_two_lenses(page, personas):
    build(personas)
    sign_in_as(page, personas.analyst)
    page.goto(f"/insight/?{QUERY}")
    assert page.get_by_role("heading", level=1).inner_text() == "Network insight"
    assert page.locator("svg[role=img]").count() >= 2  # the two XmR charts
    assert_accessible(page)

    page.get_by_role(
        "link", name="Outcomes: measures completed, paired and reliable change"
    ).click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Outcomes")
    assert page.locator("#table-outcomes_change").is_visible()
    assert page.locator("#table-outcomes_framework").is_visible()
    assert "Recovering and staying well" in page.locator("#table-outcomes_framework").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Network insight").click()
    page.get_by_role("link", name="Experience: what people said when support closed").click()
    assert page.locator("#table-experience_helpfulness").is_visible()
    assert "only when more than 7 people" in page.locator("#comments").inner_text()
    assert_accessible(page)


def test_drilldown_refused_for_the_analyst_names_nobody(page, personas):
    scenario = build(personas)
    sign_in_as(page, personas.analyst)
    page.goto(f"/insight/measures/urgent/?{QUERY}")
    assert_accessible(page)
    page.get_by_role("link", name="See the people behind these figures").click()
    assert page.locator("#drilldown-none").is_visible()
    assert page.locator("#drilldown-withheld").is_visible()
    assert scenario.i3.person.display_name not in page.content()
    assert page.locator("#drilldown-people").count() == 0
    assert_accessible(page)


def test_drilldown_allowed_for_the_key_worker_of_the_person(page, personas):
    scenario = build(personas)
    sign_in_as(page, personas.key_worker)
    page.goto(f"/insight/people-behind/urgent_not_same_day/?{QUERY}")
    people = page.locator("#drilldown-people")
    assert scenario.i3.person.display_name in people.inner_text()
    assert_accessible(page)
    people.get_by_role("link", name=scenario.i3.reference).click()
    assert page.get_by_role("heading", level=1).inner_text() == scenario.i3.person.display_name


def test_board_report_downloads_as_a_pdf(page, personas):
    build(personas)
    sign_in_as(page, personas.analyst)
    page.goto("/insight/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the quarterly board report (PDF)").click()
    assert download.value.suggested_filename.startswith("living-well-board-report-")
    assert Path(download.value.path()).read_bytes()[:4] == b"%PDF"
    response = page.request.get(f"/insight/board-report.pdf?{QUERY}")
    assert response.status == 200 and response.body()[:4] == b"%PDF"
