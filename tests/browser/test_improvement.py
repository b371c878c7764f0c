"""Test and learn in the browser: a team runs two linked cycles with predictions, the second
locked when its Do stage starts; a prediction edit after that is refused; an After Action Review
with SEIPS factors and a safety action its owner sees. axe-core and the 320/390/1280 px layout
check on every page visited."""

from __future__ import annotations

from datetime import date, timedelta

from tests.browser.conftest import assert_accessible, sign_in_as
from tests.improvement_support import DO_START, build_project, weekly_points

from livingwell.improvement import actions
from livingwell.improvement.models import PDSACycle, Prediction


def studied_first_cycle(by):
    built = build_project(by)
    actions.start_do(by=by, cycle=built.cycle, on=DO_START)
    weekly_points(by, built.measure, [16, 14, 15], start=DO_START)
    actions.record_do(by=by, cycle=built.cycle, ran_as_planned="yes")
    actions.record_study(
        by=by, cycle=built.cycle, study_date=date(2026, 4, 20), learning="Slots worked"
    )
    return built


def test_a_team_runs_two_linked_cycles_and_the_second_is_locked(page, personas):
    built = studied_first_cycle(personas.hub_worker)
    sign_in_as(page, personas.hub_worker)
    page.goto("/improvement/")
    assert page.get_by_role("heading", level=1).inner_text() == "Improvement projects"
    assert_accessible(page)

    page.get_by_role("link", name="Calls returned the same morning").click()
    assert page.locator("svg.lw-driver-diagram").count() == 1
    assert "Call-back slots" in page.locator("#driver-list").inner_text()
    assert page.locator("#measure-M1 svg .lw-event-marker").count() == 1  # C1 on the chart
    assert_accessible(page)

    page.get_by_role("link", name="C1", exact=True).click()
    reading = page.locator("#reading-1")
    assert "Met" in reading.inner_text()
    assert "Special cause improvement" in reading.inner_text()
    page.get_by_label("Scale up").check()
    page.get_by_role("button", name="Record the decision").click()
    assert "Say why you made this decision" in page.locator(".nhsuk-error-summary").inner_text()
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    page.get_by_label("Scale up").check()
    page.get_by_label("Why", exact=True).fill("Try it on every shift")
    page.get_by_role("button", name="Record the decision").click()

    page.get_by_role("link", name="Plan a cycle that builds on this one").click()
    assert page.get_by_label("Builds on (optional)").input_value() == str(built.cycle.pk)
    page.get_by_label("How many people").fill("twenty")
    page.get_by_role("button", name="Plan the cycle").click()
    assert "Enter what this cycle is testing" in page.locator(".nhsuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Purpose").fill("Slots on every shift")
    page.get_by_role("button", name="Plan the cycle").click()
    assert "Enter how many people" in page.locator(".nhsuk-error-summary").inner_text()
    assert page.get_by_label("Purpose").input_value() == "Slots on every shift"  # kept
    page.get_by_label("How many people").fill("20")
    page.get_by_role("button", name="Plan the cycle").click()

    page.get_by_role("link", name="Add a prediction").click()
    page.get_by_label("Measure").select_option(label=built.measure.name)
    page.get_by_label("Increase").check()
    page.get_by_label("Lowest value expected").fill("14")
    page.get_by_label("Highest value expected").fill("18")
    assert_accessible(page)
    page.get_by_role("button", name="Save the prediction").click()

    page.get_by_role("button", name="Start the Do stage").click()
    assert "predictions are locked" in page.locator(".lw-message").inner_text()
    assert page.locator("#predictions-locked").is_visible()
    assert page.get_by_role("link", name="Add a prediction").count() == 0
    assert_accessible(page)

    second = PDSACycle.objects.get(project=built.project, key="C2")
    assert second.parent_id == built.cycle.pk and second.stage == "do"
    assert Prediction.objects.get(cycle=second).locked_at == second.do_started_at
    page.get_by_role("link", name="Back to the project").click()
    checklist = page.locator("#fidelity-I1")
    assert checklist.locator('[data-criterion="iterative"]').get_attribute("data-met") == "true"
    assert (
        checklist.locator('[data-criterion="small_scale_first"]').get_attribute("data-met")
        == "true"
    )


def test_a_prediction_edit_after_the_do_stage_starts_is_refused(page, personas):
    built = build_project(personas.hub_worker)
    sign_in_as(page, personas.hub_worker)
    page.goto(
        f"/improvement/{built.project.pk}/cycles/{built.cycle.pk}/predictions/"
        f"{built.prediction.pk}/"
    )
    page.get_by_label("Highest value expected").fill("20")
    # A colleague starts the Do stage while this form is open.
    actions.start_do(by=personas.hub_worker, cycle=built.cycle)
    page.get_by_role("button", name="Save the prediction").click()
    assert "locked when its Do stage started" in page.locator(".nhsuk-error-summary").inner_text()
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    assert Prediction.objects.get(pk=built.prediction.pk).expected_high == 16


def test_an_after_action_review_with_seips_factors_and_a_safety_action(page, personas):
    sign_in_as(page, personas.hub_worker)
    page.goto("/improvement/learning/")
    assert_accessible(page)
    page.get_by_role("button", name="Raise a learning response").click()
    page.get_by_label("After Action Review").check()
    page.get_by_label("Near miss").check()
    page.get_by_label("Title").fill("Urgent call-back missed at shift change")
    page.get_by_role("button", name="Raise the response").click()
    assert "Enter the date of the event" in page.locator(".nhsuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Date of the event").fill((date.today() - timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Raise the response").click()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Urgent call-back missed at shift change"
    )
    assert_accessible(page)

    page.get_by_role("link", name="Record the review").click()
    page.get_by_label("What was expected to happen?").fill("Called back the same day.")
    page.get_by_label("What actually happened?").fill("Each shift thought the other had it.")
    page.get_by_label("Why was there a difference?").fill("No one held the list at handover.")
    page.get_by_label("What can be learned?").fill("Hold urgent work across handovers.")
    page.get_by_label("Hub worker").check()
    page.get_by_label("Peer worker").check()
    page.get_by_label("Yes, they took part").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()

    for part, effect, text in (
        ("Organisation", "Contributed to what happened", "No fixed time to review urgent work"),
        ("Person (people in the work", "Went well", "A peer worker noticed and called"),
    ):
        page.get_by_role("link", name="Add a contributing factor").click()
        page.get_by_label(part).check()
        page.get_by_label(effect).check()
        page.get_by_label("Describe it").fill(text)
        page.get_by_role("button", name="Add the factor").click()
    assert "No fixed time to review urgent work" in page.locator("#factors").inner_text()

    page.get_by_role("link", name="Add a safety action").click()
    page.get_by_label("Safety action").fill("Review urgent work at every shift handover")
    page.get_by_label("Owner").select_option(label="Hub Worker")
    page.get_by_label("Due date").fill((date.today() - timedelta(days=1)).isoformat())
    page.get_by_label("How you will know it worked (its measure)").fill("Same-day answers")
    assert_accessible(page)
    page.get_by_role("button", name="Add the safety action").click()
    assert "Overdue" in page.locator("#action-1").inner_text()
    assert_accessible(page)

    page.goto("/improvement/learning/my-safety-actions/")
    assert "1 overdue" in page.locator("#overdue-count").inner_text()
    assert (
        "Review urgent work at every shift handover" in page.locator("#open-action-1").inner_text()
    )
    assert_accessible(page)

    page.goto("/improvement/learning/themes/")
    row = page.locator('tr[data-seips="organisation"]')
    assert row.locator("[data-contributed]").inner_text() == "1"
    assert "Urgent call-back missed at shift change" in row.inner_text()
    assert_accessible(page)
