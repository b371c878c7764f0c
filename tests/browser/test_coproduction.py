"""Co-production in the browser: record an activity with the people in the room and both
ratings, log a decision it changed with its feedback, pay the attendees (the benefits warning
shown before accepting) and export the payroll. axe-core and the 320/390/1280 px layout check on
every page visited."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from tests.browser.conftest import assert_accessible, sign_in_as
from tests.coproduction_support import lead, person, rate_card

from livingwell.coproduction import actions
from livingwell.coproduction.models import Activity, Attendance, Decision


def test_record_an_activity_log_its_decision_pay_and_export(page, personas):
    by = lead(personas)
    held = timezone.localdate() - timedelta(days=20)
    rate_card(by, effective_from=held - timedelta(days=400))
    actions.set_settings(
        by=by,
        feedback_due_days=28,
        benefits_warning_amount="100.00",
        benefits_advice="Talk to the welfare rights service before you accept.",
    )
    person(by, name="Ade Bello")
    person(by, name="Mo Farouk", role="carer")
    person(by, name="Dr Lee", role="nhs")
    sign_in_as(page, by)

    page.goto("/coproduction/")
    assert page.get_by_role("heading", level=1).inner_text() == "Co-production"
    assert_accessible(page)
    page.get_by_role("button", name="Record an activity").click()
    page.get_by_label("Title").fill("Crisis café design day")
    page.get_by_label("Design workshop").check()
    page.get_by_label("Purpose").fill("Design the crisis café with people who used crisis care")
    page.get_by_label("Decisions in scope").fill("Opening hours")
    page.get_by_label("Date").fill(held.isoformat())
    page.get_by_label("Length in hours").fill("five")
    page.get_by_label("Level on the ladder").select_option(label="7. Co-production")
    page.get_by_label("Half day or day").check()
    page.get_by_role("button", name="Record the activity").click()
    assert "Enter the length in hours" in page.locator(".nhsuk-error-summary").inner_text()
    assert page.get_by_label("Title").input_value() == "Crisis café design day"  # kept
    assert_accessible(page)
    page.get_by_label("Length in hours").fill("5")
    page.get_by_role("button", name="Record the activity").click()
    assert "Who was in the room" in page.content()

    for name, role, enhanced in [
        ("Ade Bello", "Lived experience", True),
        ("Mo Farouk", "Carer", False),
        ("Dr Lee", "NHS", False),
    ]:
        page.get_by_role("link", name="Add someone who was in the room").click()
        page.get_by_label("Person", exact=True).select_option(label=name)
        page.get_by_label(role, exact=True).check()
        if enhanced:
            page.get_by_label("Enhanced role").check()
        page.get_by_role("button", name="Add them").click()
    assert_accessible(page)

    page.get_by_role("link", name="Rate the level achieved").click()
    page.get_by_label("as the participants rated it").select_option(label="5. Engagement")
    page.get_by_label("as staff rated it").select_option(label="6. Co-design")
    assert_accessible(page)
    page.get_by_role("button", name="Save the ratings").click()
    assert "5. Engagement" not in page.locator("#rating-participants").inner_text()
    assert "Engagement" in page.locator("#rating-participants").inner_text()
    assert "Co-design" in page.locator("#rating-staff").inner_text()

    page.get_by_role("link", name="Log a decision").click()
    page.get_by_label("Decision", exact=True).fill("Crisis café open until midnight")
    page.get_by_label("What people said").fill("Crises happen late at night")
    page.get_by_label("You said, we did: it changed the decision").check()
    page.get_by_label("What we did, or why we didn't").fill("We moved closing time to midnight")
    page.get_by_label("Who decided").fill("Network leadership group")
    page.get_by_label("Date decided").fill(held.isoformat())
    page.get_by_label("This decision is final").check()
    page.get_by_role("button", name="Log the decision").click()
    assert "statutory involvement duty" in page.locator(".nhsuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Applies", exact=True).check()
    page.get_by_label("How the duty was met").fill("Two design days and an open survey")
    page.get_by_label("Publish it on").check()
    page.get_by_role("button", name="Log the decision").click()
    assert page.locator("#feedback").inner_text().endswith("Not yet")
    page.get_by_label("Date fed back to the people involved").fill(
        (held + timedelta(days=3)).isoformat()
    )
    assert_accessible(page)
    page.get_by_role("button", name="Record the feedback date").click()
    assert (held + timedelta(days=3)).strftime("%-d %B %Y") in page.locator(
        "#feedback"
    ).inner_text()
    decision = Decision.objects.get()
    assert decision.status == "final" and decision.public and decision.changed == "changed"

    activity = Activity.objects.get()
    page.goto(f"/coproduction/activities/{activity.pk}/")
    page.get_by_role("link", name="Pay Ade Bello").click()
    assert page.locator("#benefits-warning").is_visible()  # £180 reaches the £100 set here
    assert "welfare rights service" in page.locator("#benefits-warning").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Accept the payment").click()
    assert (
        "Confirm the person has read the warning"
        in page.locator(".nhsuk-error-summary").inner_text()
    )
    page.get_by_label("has read the warning").check()
    page.get_by_role("button", name="Accept the payment").click()
    page.get_by_role("link", name="Pay Mo Farouk").click()
    page.get_by_role("button", name="Decline the payment").click()
    assert "Pay Dr Lee" not in page.content()  # staff take part in working time
    ade = Attendance.objects.get(person__name="Ade Bello")
    assert ade.amount == Decimal("180.00") and ade.warning_shown  # 5 hours: a day, enhanced

    page.goto("/coproduction/payments/")
    page.get_by_label("From").fill(held.replace(day=1).isoformat())
    page.get_by_label("To").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Show the period").click()
    assert "£180.00" in page.locator("#period-totals").inner_text()
    assert_accessible(page)
    with page.expect_download() as download:
        page.locator("#payroll-csv").click()
    text = open(download.value.path(), encoding="utf-8").read()
    rows = list(csv.reader(io.StringIO(text)))
    assert [r[0] for r in rows[1:-1]] == ["Ade Bello"]
    assert rows[-1][0] == "Total" and rows[-1][-1] == "180.00"

    page.goto("/coproduction/network/")
    assert_accessible(page)
    page.goto("/coproduction/you-said-we-did/")
    assert "Crisis café open until midnight" in page.content()
    assert_accessible(page)
