"""The huddle board on a busy morning: each section shows its first rows and its total; "See all"
opens the section on its own page, a page at a time, without JavaScript; zero axe violations."""

import pytest
from tests import factories
from tests.browser.conftest import assert_accessible, sign_in_as

from livingwell.hub import queries

pytestmark = pytest.mark.django_db(transaction=True)


def test_board_see_all_opens_the_section_a_page_at_a_time(page, personas, monkeypatch):
    monkeypatch.setattr(queries, "PAGE_SIZE", 5)
    for i in range(12):
        factories.introduction(person=factories.person_details(given_name=f"Person{i:02d}"))
    sign_in_as(page, personas.hub_worker)
    page.goto("/hub/")
    new = page.locator("section[aria-labelledby=new-heading]")
    assert "(12)" in new.get_by_role("heading").inner_text()
    assert "The first 10 of 12 are shown." in new.inner_text()
    assert new.locator("tbody tr").count() == 10
    assert_accessible(page)

    new.get_by_role("link", name="See all 12").click()
    assert page.get_by_role("heading", level=1).inner_text().endswith("(12)")
    assert page.locator("tbody tr").count() == 5
    assert_accessible(page)
    page.get_by_role("link", name="Next").click()
    assert "Showing 6 to 10 of 12" in page.inner_text("main")
    assert_accessible(page)
    page.get_by_role("link", name="Back to the huddle board").click()
    assert page.url.endswith("/hub/")
