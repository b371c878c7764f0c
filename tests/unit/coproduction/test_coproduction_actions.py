"""Co-production actions: audited, refusing bad input with the field named, the duty before a
decision is final, payments at the rate in force, the benefits warning before accepting."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from tests.coproduction_support import activity, lead, person, rate_card

from livingwell.access.models import AuditEvent
from livingwell.coproduction import actions
from livingwell.coproduction.actions import CoproductionError
from livingwell.coproduction.models import Attendance, CoproductionSettings, Decision, Expense

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%receipt\n"


@pytest.fixture
def by(personas):
    return lead(personas)


def test_only_the_coproduction_lead_may_record(personas, by):
    with pytest.raises(PermissionDenied):
        activity(personas.hub_worker)
    made = activity(by)
    assert AuditEvent.objects.filter(
        action="coproduction.activity.record", object_id=str(made.pk)
    ).exists()


def test_an_activity_refuses_bad_input_naming_the_field(by):
    with pytest.raises(CoproductionError) as err:
        activity(by, hours=Decimal("0"))
    assert err.value.field == "hours"
    with pytest.raises(CoproductionError) as err:
        activity(by, intended_level=9)
    assert err.value.field == "intended_level"


def test_ratings_by_participants_and_staff_are_kept_apart(by):
    a = activity(by)
    actions.rate_activity(by=by, activity=a, participants_level=4)
    actions.rate_activity(by=by, activity=a, staff_level=6)
    a.refresh_from_db()
    assert (a.intended_level, a.participants_level, a.staff_level) == (6, 4, 6)


def test_partner_staff_are_not_offered_payment(by):
    a = activity(by)
    le = actions.add_attendance(by=by, activity=a, person=person(by), role="lived_experience")
    nhs = actions.add_attendance(by=by, activity=a, person=person(by, "Dr Lee", "nhs"), role="nhs")
    assert le.payment == Attendance.Payment.OFFERED
    assert nhs.payment == Attendance.Payment.NOT_PAID
    with pytest.raises(CoproductionError):
        actions.add_attendance(by=by, activity=a, person=le.person, role="carer")


def test_a_payment_uses_the_rate_in_force_on_the_day(by):
    rate_card(by, date(2026, 1, 1))
    rate_card(by, date(2026, 6, 1), half_day="80.00", day="160.00")
    ade = person(by)
    before = actions.add_attendance(
        by=by, activity=activity(by, date(2026, 5, 31)), person=ade, role="lived_experience"
    )
    after = actions.add_attendance(
        by=by, activity=activity(by, date(2026, 6, 1)), person=ade, role="lived_experience"
    )
    assert actions.accept_payment(by=by, attendance=before).amount == Decimal("75.00")
    after = actions.accept_payment(by=by, attendance=after)
    assert after.amount == Decimal("80.00") and after.rate_card.version == 2


def test_the_benefits_warning_must_be_seen_before_accepting(by):
    rate_card(by)
    actions.set_settings(
        by=by,
        feedback_due_days=28,
        benefits_warning_amount="100.00",
        benefits_advice="Ask Citizens Advice",
    )
    ade = person(by)
    first = actions.add_attendance(
        by=by, activity=activity(by, date(2026, 5, 1)), person=ade, role="lived_experience"
    )
    actions.accept_payment(by=by, attendance=first)  # 75.00: under 100
    second = actions.add_attendance(
        by=by, activity=activity(by, date(2026, 5, 8)), person=ade, role="lived_experience"
    )
    with pytest.raises(CoproductionError) as err:
        actions.accept_payment(by=by, attendance=second)  # 150.00 would reach 100
    assert err.value.field == "warning_seen"
    second.refresh_from_db()
    assert second.payment == Attendance.Payment.OFFERED  # nothing half stored
    done = actions.accept_payment(by=by, attendance=second, warning_seen=True)
    assert done.warning_shown and done.amount == Decimal("75.00")


def test_a_declined_payment_is_zero_and_cannot_be_answered_again(by):
    rate_card(by)
    a = actions.add_attendance(by=by, activity=activity(by), person=person(by), role="carer")
    declined = actions.decline_payment(by=by, attendance=a)
    assert declined.amount == Decimal("0.00") and declined.payment == "declined"
    with pytest.raises(CoproductionError):
        actions.accept_payment(by=by, attendance=a)


def test_an_expense_needs_a_real_receipt(by, settings, tmp_path):
    a = actions.add_attendance(by=by, activity=activity(by), person=person(by), role="carer")
    fake = SimpleUploadedFile("receipt.pdf", b"<script>alert(1)</script>", "application/pdf")
    with pytest.raises(CoproductionError) as err:
        actions.add_expense(
            by=by, attendance=a, kind="travel", description="Bus", amount="4.50", receipt=fake
        )
    assert err.value.field == "receipt"
    wrong = SimpleUploadedFile("receipt.html", PDF, "text/html")
    with pytest.raises(CoproductionError):
        actions.add_expense(
            by=by, attendance=a, kind="travel", description="Bus", amount="4.50", receipt=wrong
        )
    assert Expense.objects.count() == 0
    real = SimpleUploadedFile("my bus ticket.pdf", PDF, "application/pdf")
    expense = actions.add_expense(
        by=by, attendance=a, kind="travel", description="Bus", amount="4.50", receipt=real
    )
    assert expense.amount == Decimal("4.50")
    assert "bus" not in expense.receipt.name and expense.receipt.name.endswith(".pdf")
    assert expense.receipt_name == "my bus ticket.pdf"
    expense.receipt.delete(save=False)


def _decision(by, a, **kw):
    fields = {
        "title": "Shorter self-introduction form",
        "people_said": "Too many questions before you can ask for help",
        "changed": "changed",
        "response": "We cut the form from 14 questions to 6",
        "decided_by": "Network leadership group",
        "decided_on": date(2026, 5, 20),
    }
    fields.update(kw)
    return actions.log_decision(by=by, activity=a, **fields)


def test_a_decision_cannot_be_final_without_the_duty_assessment(by):
    a = activity(by)
    with pytest.raises(CoproductionError) as err:
        _decision(by, a, final=True)
    assert err.value.field == "duty"
    with pytest.raises(CoproductionError) as err:
        _decision(by, a, final=True, duty="applies")
    assert err.value.field == "duty_how_met"
    draft = _decision(by, a)
    with pytest.raises(CoproductionError):
        actions.finalise_decision(by=by, decision=draft)
    with pytest.raises(CoproductionError):
        actions.set_public(by=by, decision=draft, public=True)
    actions.record_duty(by=by, decision=draft, duty="applies", duty_how_met="Workshop and survey")
    final = actions.finalise_decision(by=by, decision=draft, public=True)
    assert final.status == "final" and final.public and final.finalised_at


def test_the_database_refuses_a_final_decision_without_the_duty(by):
    d = _decision(by, activity(by))
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.filter(pk=d.pk).update(status="final", finalised_at=d.created_at)


def test_feedback_overdue_after_the_sites_days(by):
    from livingwell.coproduction.queries import feedback_overdue_q

    d = _decision(by, activity(by), decided_on=date(2026, 5, 1))
    assert CoproductionSettings.current().feedback_due_days == 28
    assert not Decision.objects.filter(feedback_overdue_q(date(2026, 5, 29))).exists()
    assert Decision.objects.filter(feedback_overdue_q(date(2026, 5, 30))).exists()
    with pytest.raises(CoproductionError):
        actions.record_feedback(by=by, decision=d, given_on=date(2026, 4, 30))
    actions.record_feedback(by=by, decision=d, given_on=date(2026, 5, 25))
    assert not Decision.objects.filter(feedback_overdue_q(date(2026, 6, 30))).exists()


def test_the_rate_card_refuses_a_second_version_on_the_same_day_and_bad_amounts(by):
    rate_card(by, date(2026, 1, 1))
    with pytest.raises(CoproductionError) as err:
        rate_card(by, date(2026, 1, 1))
    assert err.value.field == "effective_from"
    with pytest.raises(CoproductionError) as err:
        rate_card(by, date(2026, 2, 1), hourly="12.345")
    assert err.value.field == "hourly"
    with pytest.raises(CoproductionError) as err:
        rate_card(by, date(2026, 2, 1), day=150.0)  # a float is refused, never rounded
    assert err.value.field == "day"


def test_site_settings_are_checked(by):
    with pytest.raises(CoproductionError) as err:
        actions.set_settings(
            by=by, feedback_due_days=0, benefits_warning_amount="100", benefits_advice="x"
        )
    assert err.value.field == "feedback_due_days"
    with pytest.raises(CoproductionError) as err:
        actions.set_settings(
            by=by, feedback_due_days=14, benefits_warning_amount="lots", benefits_advice="x"
        )
    assert err.value.field == "benefits_warning_amount"


def test_nobody_attends_for_longer_than_the_activity(by):
    a = activity(by, hours=Decimal("2"))
    with pytest.raises(CoproductionError) as err:
        actions.add_attendance(by=by, activity=a, person=person(by), role="carer", hours="2.5")
    assert err.value.field == "hours"


def test_staff_in_working_time_and_future_activities_are_not_paid(by):
    from datetime import timedelta

    from django.utils import timezone

    rate_card(by)
    nhs = actions.add_attendance(
        by=by, activity=activity(by), person=person(by, "Dr Lee", "nhs"), role="nhs"
    )
    with pytest.raises(CoproductionError, match="working time"):
        actions.accept_payment(by=by, attendance=nhs)
    future = activity(by, held_on=timezone.localdate() + timedelta(days=7))
    att = actions.add_attendance(by=by, activity=future, person=person(by), role="carer")
    with pytest.raises(CoproductionError, match="once the activity has taken place"):
        actions.accept_payment(by=by, attendance=att)
