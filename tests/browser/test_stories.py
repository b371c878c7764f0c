"""Stories in a browser: a person tells a story on a phone, answering a triad by keyboard only;
a panel chooses a story with its reasons; consent is withdrawn and the story leaves the public
impact page. Every page is checked with axe at three widths."""

from __future__ import annotations

from datetime import date

import pytest
from tests import factories
from tests.browser.conftest import assert_accessible, sign_in_as
from tests.integration.stories import helpers

from livingwell.stories import actions
from livingwell.stories.models import Story

pytestmark = pytest.mark.django_db(transaction=True)

REASONS = "It shows how peer support changed everything. The panel agreed it was the clearest."


def test_a_person_tells_a_story_on_a_phone_with_the_triad_by_keyboard(
    phone_page, personas, settings
):
    settings.LIVINGWELL_MESSAGE_BACKEND = "livingwell.core.messaging.MemoryBackend"
    intro = factories.introduction()
    c = helpers.collection()
    _link, raw = actions.create_teller_link(
        by=personas.hub_worker, introduction=intro, collection=c
    )
    triad, dyad, choice = helpers.sigs(c)
    page = phone_page
    page.goto(f"/tell/{raw}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Tell us what changed"
    assert_accessible(page)

    page.get_by_label("No", exact=True).check()
    page.get_by_label("Connection").check()
    page.get_by_label("What happened?").fill("I went to the walking group.")
    page.get_by_label("Why does it matter to you?").fill("I feel less alone.")
    # The triad by keyboard only: into its first box, then Tab between the three.
    page.locator(f"#id_sig_{triad.pk}_1").focus()
    page.keyboard.type("50")
    page.keyboard.press("Tab")
    page.keyboard.type("30")
    page.keyboard.press("Tab")
    page.keyboard.type("30")  # adds up to 110: refused beside the triad, words kept
    assert page.locator(".lw-triad-total").inner_text() == "Total: 110 of 100"
    page.get_by_label("Learning across the network").check()
    page.get_by_label("The public website").check()
    page.get_by_role("button", name="Send my story").click()
    assert page.locator(".nhsuk-error-summary").is_visible()
    assert "must add up to 100" in page.locator(f"#id_sig_{triad.pk}_1-error").inner_text()
    assert page.get_by_label("What happened?").input_value() == "I went to the walking group."
    assert not Story.objects.exists()
    assert_accessible(page)

    page.locator(f"#id_sig_{triad.pk}_3").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("20")
    page.locator(f"#id_sig_{dyad.pk}_na").check()
    page.get_by_role("button", name="Send my story").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Thank you for your story"
    assert_accessible(page)
    story = Story.objects.get()
    first = story.answers.get(signifier=triad)
    assert (first.first, first.second, first.third) == pytest.approx((0.5, 0.3, 0.2))
    assert story.answers.get(signifier=dyad).not_applicable
    assert story.person_id == intro.person_id


def test_a_panel_chooses_and_withdrawal_takes_the_story_off_the_public_page(page, personas):
    c = helpers.collection()
    s = helpers.story(c, title="The walking group")
    actions.write_public_text(by=personas.key_worker, story=s, text="Walking made me well.")
    actions.approve_public_text(by=personas.hub_worker, story=s, warnings_read=True)
    lead = factories.user("lead", team=personas.hub_team, role="team_lead")
    sign_in_as(page, lead)

    page.goto(f"/stories/{c.pk}/panel/1/")
    assert_accessible(page)
    section = page.locator(f"section[aria-labelledby=domain-{s.domain_id}]")
    section.get_by_label("The walking group").check()
    section.get_by_label("Why the panel chose it, in full sentences").fill("good")
    section.get_by_label("Who was in the room, by role").fill("Peer worker: 2\nLived experience: 4")
    section.get_by_label("Date the panel met (YYYY-MM-DD)").fill(date.today().isoformat())
    section.get_by_role("button").click()
    assert "full sentences" in page.locator(".nhsuk-error-summary").inner_text()
    assert_accessible(page)
    section = page.locator(f"section[aria-labelledby=domain-{s.domain_id}]")
    section.get_by_label("The walking group").check()
    section.get_by_label("Why the panel chose it, in full sentences").fill(REASONS)
    section.get_by_role("button").click()
    assert "is recorded" in page.locator(".nhsuk-card, .nhsuk-inset-text, body").first.inner_text()
    assert s.selections.get().reasons == REASONS
    assert_accessible(page)

    for url in (
        f"/stories/{c.pk}/",
        f"/stories/{c.pk}/monitoring/",
        f"/stories/{c.pk}/tell/",
        f"/stories/story/{s.pk}/",
        f"/stories/story/{s.pk}/public-text/",
        "/stories/",
    ):
        page.goto(url)
        assert_accessible(page)

    public = page.context.browser.new_context(base_url=page.lw_base).new_page()
    public.goto("/impact/")
    assert "Walking made me well." in public.content()
    assert_accessible(public)

    page.goto(f"/stories/story/{s.pk}/consent/")
    assert_accessible(page)
    page.get_by_role("button", name="Withdraw consent for every use").click()
    assert "Consent withdrawn" in page.content()

    public.goto("/impact/")
    assert "Walking made me well." not in public.content()
    assert "No stories are shared here at the moment." in public.content()
