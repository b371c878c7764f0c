"""Outcomes in a browser: a worker records DIALOG twice and sees the change; a person completes a
PHQ-9 on their phone through a single-use link."""

from datetime import timedelta

import pytest
from django.utils import timezone
from tests import factories
from tests.browser.conftest import assert_accessible, sign_in_as
from tests.outcomes_support import in_support

from livingwell.access.models import AuditEvent
from livingwell.outcomes import actions
from livingwell.outcomes.models import MeasureResponse, ResponseLink

pytestmark = pytest.mark.django_db(transaction=True)

DIALOG_FIRST = {str(i): 3 for i in range(1, 12)}
# Item 1 (mental health) up by 2, item 2 (physical health) down by 1, the rest the same.
DIALOG_LATER = {**DIALOG_FIRST, "1": 5, "2": 2}


def _answer(page, answers: dict[str, int]) -> None:
    for link_id, value in answers.items():
        page.locator(f"input[name=item_{link_id}][value='{value}']").check()


def test_worker_records_dialog_and_sees_change(page, personas):
    intro = in_support(
        personas.hub_worker,
        days_ago=40,
        person=factories.person_details(given_name="Sam", family_name="Adeyemi"),
    )
    sign_in_as(page, personas.hub_worker)
    page.goto(f"/hub/introductions/{intro.pk}/")
    panel = page.locator(".lw-outcomes-panel")
    assert "No measures recorded yet." in panel.inner_text()
    assert_accessible(page)

    panel.get_by_role("link", name="Record DIALOG").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Record DIALOG scale"
    assert "not the real wording" in page.content()
    assert_accessible(page)

    # One item left out: DIALOG is refused with a message beside that item; nothing is stored.
    first_day = timezone.localdate() - timedelta(days=30)
    page.get_by_label("Date completed").fill(first_day.isoformat())
    page.get_by_label("When in support is this?").select_option(label="Baseline (start of support)")
    _answer(page, {k: v for k, v in DIALOG_FIRST.items() if k != "4"})
    page.get_by_role("button", name="Save").click()
    assert page.locator(".nhsuk-error-summary").is_visible()
    assert page.locator(".nhsuk-form-group--error .nhsuk-error-message").count() >= 1
    assert MeasureResponse.objects.count() == 0
    # What was typed is kept.
    assert page.locator("input[name=item_1][value='3']").is_checked()
    assert page.get_by_label("Date completed").input_value() == first_day.isoformat()
    assert_accessible(page)

    _answer(page, {"4": 3})
    page.get_by_role("button", name="Save").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Outcomes"
    section = page.locator("section[aria-labelledby=heading-dialog]")
    assert section.locator("svg").count() == 1  # the chart
    assert section.locator("table tbody tr").count() == 1
    assert "Change is shown once there are two responses." in section.inner_text()
    assert_accessible(page)

    section.get_by_role("link", name="Record DIALOG scale again").click()
    # The date starts as today, ready to save.
    assert page.get_by_label("Date completed").input_value() == timezone.localdate().isoformat()
    page.get_by_label("When in support is this?").select_option(label="Review")
    _answer(page, DIALOG_LATER)
    page.get_by_role("button", name="Save").click()

    section = page.locator("section[aria-labelledby=heading-dialog]")
    rows = section.locator("table tbody tr")
    assert rows.count() == 2
    assert first_day.strftime("%-d %b %Y") in rows.first.inner_text()
    change = section.locator(".nhsuk-inset-text").inner_text()
    assert "improved by 2 points (from 3 to 5)" in change
    assert "got worse by 1 point (from 3 to 2)" in change
    assert "Overall:" in change
    assert section.locator("svg").count() == 1
    assert_accessible(page)

    recorded = MeasureResponse.objects.filter(introduction=intro, measure="dialog")
    assert recorded.count() == 2
    assert AuditEvent.objects.filter(action="measure.record").count() == 2

    # The record's panel now shows the latest score.
    page.get_by_role("link", name="Back to the record").click()
    assert "2 responses" in page.locator(".lw-outcomes-panel").inner_text()
    assert_accessible(page)


def _phq9_link(personas, settings):
    from livingwell.core.messaging import MemoryBackend

    settings.LIVINGWELL_MESSAGE_BACKEND = "livingwell.core.messaging.MemoryBackend"
    MemoryBackend.outbox.clear()
    intro = in_support(
        personas.hub_worker,
        person=factories.person_details(given_name="Kit", family_name="Lowry"),
    )
    _link, raw = actions.create_response_link(
        by=personas.hub_worker, introduction=intro, measure="phq9", occasion="review"
    )
    message = MemoryBackend.outbox[-1]
    assert f"/measure/{raw}/" in str(message) and "Lowry" not in str(message)
    MemoryBackend.outbox.clear()
    return intro, raw


def test_person_completes_phq9_through_link_on_a_phone(phone_page, personas, settings):
    intro, raw = _phq9_link(personas, settings)
    page = phone_page
    page.goto(f"/measure/{raw}/")
    assert (
        "Patient Health Questionnaire (PHQ-9)" in page.get_by_role("heading", level=1).inner_text()
    )
    # The page names no one.
    assert "Lowry" not in page.content() and "Kit" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(page)

    # A question left out: refused beside it, answers kept, nothing stored, link still usable.
    answers = {"1": 2, "2": 2, "3": 1, "4": 1, "5": 1, "6": 0, "7": 1, "8": 0, "9": 0}
    _answer(page, {k: v for k, v in answers.items() if k != "6"})
    page.get_by_role("button", name="Send my answers").click()
    assert page.locator(".nhsuk-error-summary").is_visible()
    assert page.locator("#id_item_6-error").is_visible()
    assert page.locator("input[name=item_1][value='2']").is_checked()
    assert MeasureResponse.objects.count() == 0
    assert ResponseLink.objects.get().used_at is None
    assert_accessible(page)

    _answer(page, {"6": 0})
    page.get_by_role("button", name="Send my answers").click()
    assert "Thank you, your answers were received" in page.content()
    assert page.url.endswith("/measure/thank-you/")
    assert_accessible(page)

    response = MeasureResponse.objects.get()
    assert response.introduction == intro and response.source == "self_link"
    assert response.total == 8 and response.answers == answers
    assert ResponseLink.objects.get().used_at is not None

    # The link works once: opening it again is refused with a clear message.
    reopened = page.goto(f"/measure/{raw}/")
    assert reopened.status == 410
    assert page.get_by_role("heading", level=1).inner_text() == "This link has already been used"
    assert "your answers were received" in page.content()
    assert page.locator("input[type=radio]").count() == 0
    assert_accessible(page)
    assert MeasureResponse.objects.count() == 1


def test_unknown_link_is_refused_on_a_phone(phone_page, personas):
    response = phone_page.goto("/measure/" + "x" * 43 + "/")
    assert response.status == 404
    assert phone_page.get_by_role("heading", level=1).inner_text() == "This link is not valid"
    assert_accessible(phone_page)


def test_talking_therapies_summary_is_accessible(page, personas):
    from tests.integration.outcomes.test_talking_therapies_view import _record

    intro = in_support(personas.hub_worker, days_ago=100)
    for measure, first, latest in (("phq9", 14, 8), ("gad7", 10, 8)):
        _record(personas.hub_worker, intro, measure, first, 90)
        _record(personas.hub_worker, intro, measure, latest, 3)
    sign_in_as(page, personas.hub_worker)
    page.goto(f"/outcomes/{intro.pk}/")
    summary = page.locator("section[aria-labelledby=heading-talking-therapies]")
    text = summary.inner_text()
    assert "Overall this counts as reliable improvement." in text
    assert "does not count as recovery yet." in text
    assert_accessible(page)
