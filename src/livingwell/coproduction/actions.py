"""Every change to co-production records.

Keyword-only, ``by`` the acting user (None only for the site's own commands: the seed), one
transaction each, an audit event in it. Bad input raises :class:`CoproductionError` naming the
field at fault; nothing is half stored. The audit detail carries keys, never what people said
and never an involved person's name.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import partial

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from livingwell.access import audit
from livingwell.access.permissions import Permission, has_permission
from livingwell.coproduction import payments, queries, rules
from livingwell.coproduction.models import (
    AGE_BAND_CHOICES,
    PAID_ROLES,
    Activity,
    Attendance,
    CoproductionSettings,
    Decision,
    Expense,
    InvolvedPerson,
    InvolvementRole,
    Ladder,
    RateCard,
)
from livingwell.coproduction.receipts import ReceiptError, check_receipt
from livingwell.core.refusals import Refused, checked_choice, checked_text
from livingwell.people.models import ETHNICITY_CHOICES, Sex


class CoproductionError(Refused):
    """A change that cannot be made; ``field`` names the input at fault (None: the whole form)."""


EARLIEST = date(2000, 1, 1)


def _allowed(by) -> None:
    if by is not None and not has_permission(by, Permission.LEAD_COPRODUCTION):
        raise PermissionDenied


def _log(by, verb: str, obj=None, **detail) -> None:
    audit.record(
        by=by,
        action=f"coproduction.{verb}",
        category="coproduction",
        purpose="involvement",
        obj=obj,
        detail=detail,
    )


_text = partial(checked_text, refusal=CoproductionError)


def _date(value, field: str, message: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise CoproductionError(message, field)
    if value < EARLIEST or value.year > timezone.localdate().year + 5:
        raise CoproductionError(
            _("Enter a date between 1 January 2000 and five years from now."), field
        )
    return value


def _money(value, field: str, message: str, *, positive: bool = True) -> Decimal:
    if isinstance(value, float):
        raise CoproductionError(message, field)  # amounts are never floats
    try:
        amount = Decimal(str(value).strip().lstrip("£"))
    except (InvalidOperation, ValueError):
        raise CoproductionError(message, field) from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("100000"):
        raise CoproductionError(message, field)
    if positive and amount == 0:
        raise CoproductionError(message, field)
    if amount != amount.quantize(payments.PENNY):
        raise CoproductionError(_("Use at most two decimal places (pence)."), field)
    return amount.quantize(payments.PENNY)


def _hours(value, field: str = "hours") -> Decimal:
    message = _("Enter the length in hours, for example 2.5")
    if isinstance(value, float):
        raise CoproductionError(message, field)
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise CoproductionError(message, field) from None
    if not hours.is_finite() or hours <= 0 or hours > 24:
        raise CoproductionError(_("Enter a length between 0 and 24 hours."), field)
    if hours != hours.quantize(payments.PENNY):
        raise CoproductionError(_("Use at most two decimal places."), field)
    return hours


_choice = partial(checked_choice, refusal=CoproductionError)


def _level(value, field: str, message: str, *, required: bool = True) -> int | None:
    if value in (None, "") and not required:
        return None
    try:
        level = int(value)
    except (TypeError, ValueError):
        raise CoproductionError(message, field) from None
    if level not in Ladder.values:
        raise CoproductionError(message, field)
    return level


# --------------------------------------------------------------------------------------------
# Site settings and the rate card


@transaction.atomic
def set_settings(
    *, by, feedback_due_days: int, benefits_warning_amount, benefits_advice: str
) -> CoproductionSettings:
    _allowed(by)
    if not isinstance(feedback_due_days, int) or not 1 <= feedback_due_days <= 365:
        raise CoproductionError(_("Enter a number of days from 1 to 365."), "feedback_due_days")
    amount = _money(
        benefits_warning_amount,
        "benefits_warning_amount",
        _("Enter the warning amount in pounds, for example 1000.00"),
        positive=False,
    )
    advice = _text(
        benefits_advice, "benefits_advice", _("Enter where people can get advice"), limit=2000
    )
    row = CoproductionSettings.current()
    row.feedback_due_days = feedback_due_days
    row.benefits_warning_amount = amount
    row.benefits_advice = advice
    row.save(update_fields=["feedback_due_days", "benefits_warning_amount", "benefits_advice"])
    _log(by, "settings.change", row, feedback_due_days=feedback_due_days, warning=str(amount))
    return row


RATE_FIELDS = ("hourly", "half_day", "day", "enhanced_hourly", "enhanced_half_day", "enhanced_day")


@transaction.atomic
def add_rate_card(
    *, by, effective_from: date, note: str = "", half_day_hours=4, **rates
) -> RateCard:
    """A new version of the rate card, in force from ``effective_from``. Versions are only added:
    activities already paid keep the version they were priced with."""
    _allowed(by)
    effective_from = _date(
        effective_from, "effective_from", _("Enter the date the rates start as a real date")
    )
    if RateCard.objects.filter(effective_from=effective_from).exists():
        raise CoproductionError(
            _("A version of the rate card already starts on that date."), "effective_from"
        )
    values = {
        name: _money(rates.get(name), name, _("Enter the rate in pounds, for example 75.00"))
        for name in RATE_FIELDS
    }
    half_day_hours = _hours(half_day_hours, "half_day_hours")
    version = (RateCard.objects.aggregate(n=Max("version"))["n"] or 0) + 1
    card = RateCard.objects.create(
        version=version,
        effective_from=effective_from,
        half_day_hours=half_day_hours,
        note=_text(note, "note", "", limit=300, required=False),
        created_by=by,
        created_at=timezone.now(),
        **values,
    )
    _log(by, "rate_card.add", card, version=version, effective_from=effective_from.isoformat())
    return card


# --------------------------------------------------------------------------------------------
# Involved people and activities


@transaction.atomic
def add_person(
    *,
    by,
    name: str,
    usual_role: str,
    email: str = "",
    phone: str = "",
    payroll_reference: str = "",
    ethnicity: str = "",
    age_band: str = "",
    sex: str = "",
    gender: str = "",
    deprivation_decile=None,
) -> InvolvedPerson:
    _allowed(by)
    if deprivation_decile in ("", None):
        deprivation_decile = None
    elif not isinstance(deprivation_decile, int) or not 1 <= deprivation_decile <= 10:
        raise CoproductionError(
            _("Enter a deprivation decile from 1 to 10, or leave it empty"), "deprivation_decile"
        )
    person = InvolvedPerson.objects.create(
        name=_text(name, "name", _("Enter the person's name"), limit=150),
        usual_role=_choice(
            usual_role, InvolvementRole.choices, "usual_role", _("Choose the person's usual role")
        ),
        email=_text(email, "email", "", limit=254, required=False),
        phone=_text(phone, "phone", "", limit=30, required=False),
        payroll_reference=_text(
            payroll_reference, "payroll_reference", "", limit=40, required=False
        ),
        ethnicity=_choice(
            ethnicity, ETHNICITY_CHOICES, "ethnicity", _("Choose an ethnic group"), blank=True
        ),
        age_band=_choice(
            age_band, AGE_BAND_CHOICES, "age_band", _("Choose an age band"), blank=True
        ),
        sex=_choice(sex, Sex.choices, "sex", _("Choose sex"), blank=True),
        gender=_text(gender, "gender", "", limit=60, required=False),
        deprivation_decile=deprivation_decile,
        created_at=timezone.now(),
    )
    _log(by, "person.add", person, role=person.usual_role)
    return person


@transaction.atomic
def record_activity(
    *,
    by,
    title: str,
    kind: str,
    purpose: str,
    decisions_in_scope: str,
    held_on: date,
    hours,
    intended_level,
    payment_basis: str,
) -> Activity:
    _allowed(by)
    activity = Activity.objects.create(
        title=_text(title, "title", _("Enter the activity's title"), limit=200),
        kind=_choice(kind, Activity.Kind.choices, "kind", _("Choose the kind of activity")),
        purpose=_text(purpose, "purpose", _("Enter the activity's purpose"), limit=4000),
        decisions_in_scope=_text(
            decisions_in_scope,
            "decisions_in_scope",
            _("Enter the decisions in scope"),
            limit=4000,
        ),
        held_on=_date(held_on, "held_on", _("Enter the date as a real date")),
        hours=_hours(hours),
        intended_level=_level(
            intended_level, "intended_level", _("Choose the level intended beforehand")
        ),
        payment_basis=_choice(
            payment_basis,
            Activity.Basis.choices,
            "payment_basis",
            _("Choose how involvement is paid"),
        ),
        created_by=by,
        created_at=timezone.now(),
    )
    _log(by, "activity.record", activity, kind=activity.kind, held_on=activity.held_on.isoformat())
    return activity


@transaction.atomic
def rate_activity(*, by, activity: Activity, participants_level=None, staff_level=None) -> Activity:
    """The level achieved, as the participants rated it and as staff rated it: kept apart."""
    _allowed(by)
    message = _("Choose a level on the ladder")
    participants = _level(participants_level, "participants_level", message, required=False)
    staff = _level(staff_level, "staff_level", message, required=False)
    if participants is None and staff is None:
        raise CoproductionError(
            _("Choose the level the participants rated, or staff rated, or both"),
            "participants_level",
        )
    fields = []
    if participants is not None:
        activity.participants_level = participants
        fields.append("participants_level")
    if staff is not None:
        activity.staff_level = staff
        fields.append("staff_level")
    activity.save(update_fields=fields)
    _log(by, "activity.rate", activity, participants=participants, staff=staff)
    return activity


@transaction.atomic
def add_attendance(
    *, by, activity: Activity, person: InvolvedPerson, role: str, enhanced: bool = False, hours=None
) -> Attendance:
    """Someone in the room. People with lived experience and carers are offered payment; staff
    of partner organisations take part in their working time."""
    _allowed(by)
    role = _choice(role, InvolvementRole.choices, "role", _("Choose the role they took part in"))
    if Attendance.objects.filter(activity=activity, person=person).exists():
        raise CoproductionError(_("This person is already recorded at this activity."), "person")
    hours = activity.hours if hours in (None, "") else _hours(hours)
    if hours > activity.hours:
        raise CoproductionError(
            _("They cannot have attended for longer than the activity lasted."), "hours"
        )
    paid = role in PAID_ROLES
    attendance = Attendance.objects.create(
        activity=activity,
        person=person,
        role=role,
        enhanced=bool(enhanced) and paid,
        hours=hours,
        payment=Attendance.Payment.OFFERED if paid else Attendance.Payment.NOT_PAID,
    )
    _log(by, "attendance.add", attendance, activity=str(activity.pk), role=role)
    return attendance


# --------------------------------------------------------------------------------------------
# Payment


PAYMENT_TRANSITIONS = {
    Attendance.Payment.OFFERED: {Attendance.Payment.ACCEPTED, Attendance.Payment.DECLINED},
    Attendance.Payment.ACCEPTED: set(),
    Attendance.Payment.DECLINED: set(),
    Attendance.Payment.NOT_PAID: set(),
}


def _answerable(attendance: Attendance, target: str) -> None:
    if attendance.payment == Attendance.Payment.NOT_PAID:
        raise CoproductionError(
            _("Staff taking part in their working time are not paid for involvement."), None
        )
    if target not in PAYMENT_TRANSITIONS[attendance.payment]:
        raise CoproductionError(_("This payment has already been answered."), None)


@transaction.atomic
def accept_payment(*, by, attendance: Attendance, warning_seen: bool = False) -> Attendance:
    """The person accepts the payment at the rate in force on the day. When it brings their tax
    year's total to the site's warning amount, they must have seen the warning first."""
    _allowed(by)
    attendance = (
        Attendance.objects.select_for_update()
        .select_related("activity", "person")
        .get(pk=attendance.pk)
    )
    _answerable(attendance, Attendance.Payment.ACCEPTED)
    if attendance.activity.held_on > timezone.localdate():
        raise CoproductionError(_("A payment is accepted once the activity has taken place."), None)
    offer = queries.offer_for(attendance)
    if offer.card is None:
        raise CoproductionError(
            _("No rate card is in force on the day of this activity. Add one first."), None
        )
    if offer.warning and not warning_seen:
        raise CoproductionError(
            _("Confirm the person has read the warning about benefits before they accept"),
            "warning_seen",
        )
    attendance.payment = Attendance.Payment.ACCEPTED
    attendance.rate_card = offer.card
    attendance.amount = offer.amount
    attendance.warning_shown = offer.warning
    attendance.answered_at = timezone.now()
    attendance.save(
        update_fields=["payment", "rate_card", "amount", "warning_shown", "answered_at"]
    )
    _log(
        by,
        "payment.accept",
        attendance,
        amount=str(offer.amount),
        rate_card=offer.card.version,
        warning=offer.warning,
    )
    return attendance


@transaction.atomic
def decline_payment(*, by, attendance: Attendance) -> Attendance:
    _allowed(by)
    attendance = Attendance.objects.select_for_update().get(pk=attendance.pk)
    _answerable(attendance, Attendance.Payment.DECLINED)
    attendance.payment = Attendance.Payment.DECLINED
    attendance.amount = payments.ZERO
    attendance.answered_at = timezone.now()
    attendance.save(update_fields=["payment", "amount", "answered_at"])
    _log(by, "payment.decline", attendance)
    return attendance


@transaction.atomic
def add_expense(
    *, by, attendance: Attendance, kind: str, description: str, amount, receipt
) -> Expense:
    """An expense with its receipt. Expenses are repaid whether or not the payment is declined:
    nobody should be out of pocket for taking part."""
    _allowed(by)
    kind = _choice(kind, Expense.Kind.choices, "kind", _("Choose the kind of expense"))
    description = _text(description, "description", _("Enter what the expense was for"), limit=200)
    amount = _money(amount, "amount", _("Enter the amount in pounds, for example 12.40"))
    try:
        check_receipt(receipt)
    except ReceiptError as exc:
        raise CoproductionError(str(exc), "receipt") from None
    expense = Expense(
        attendance=attendance,
        kind=kind,
        description=description,
        amount=amount,
        receipt_name=(receipt.name or "")[-200:],
        created_by=by,
        created_at=timezone.now(),
    )
    expense.receipt.save(receipt.name, receipt, save=False)
    expense.save(force_insert=True)
    _log(by, "expense.add", expense, attendance=str(attendance.pk), amount=str(amount))
    return expense


# --------------------------------------------------------------------------------------------
# Decisions


def _duty(duty: str, duty_how_met: str) -> tuple[str, str]:
    duty = _choice(
        duty or "",
        Decision.Duty.choices,
        "duty",
        _("Choose whether the statutory involvement duty applied"),
        blank=True,
    )
    how = _text(duty_how_met, "duty_how_met", "", limit=4000, required=False)
    return duty, how


def _require_duty(duty: str, how: str) -> None:
    missing = rules.duty_missing(duty, how)
    if missing:
        raise CoproductionError(missing[1], missing[0])


@transaction.atomic
def log_decision(
    *,
    by,
    activity: Activity,
    title: str,
    people_said: str,
    changed: str,
    response: str,
    decided_by: str,
    decided_on: date,
    feedback_given_on: date | None = None,
    duty: str = "",
    duty_how_met: str = "",
    final: bool = False,
    public: bool = False,
    **links,
) -> Decision:
    _allowed(by)
    unknown = set(links) - set(queries.LINK_TARGETS)
    if unknown:
        raise TypeError(f"Unknown links: {sorted(unknown)}")
    duty, how = _duty(duty, duty_how_met)
    if final:
        _require_duty(duty, how)
    if public and not final:
        raise CoproductionError(_("Only a final decision can be published"), "public")
    decided_on = _date(decided_on, "decided_on", _("Enter the date decided as a real date"))
    if feedback_given_on is not None:
        feedback_given_on = _date(
            feedback_given_on, "feedback_given_on", _("Enter the feedback date as a real date")
        )
        if feedback_given_on < decided_on:
            raise CoproductionError(
                _("People cannot be told about a decision before it was made."),
                "feedback_given_on",
            )
    now = timezone.now()
    decision = Decision.objects.create(
        activity=activity,
        title=_text(title, "title", _("Enter the decision"), limit=200),
        people_said=_text(people_said, "people_said", _("Enter what people said"), limit=4000),
        changed=_choice(
            changed,
            Decision.Changed.choices,
            "changed",
            _("Choose whether it changed the decision"),
        ),
        response=_text(response, "response", _("Enter what we did, or why we didn't"), limit=4000),
        decided_by=_text(decided_by, "decided_by", _("Enter who decided"), limit=200),
        decided_on=decided_on,
        feedback_given_on=feedback_given_on,
        duty=duty,
        duty_how_met=how,
        status=Decision.Status.FINAL if final else Decision.Status.DRAFT,
        finalised_at=now if final else None,
        public=public,
        created_by=by,
        created_at=now,
        **queries.link_refs(links),
    )
    _log(
        by,
        "decision.log",
        decision,
        activity=str(activity.pk),
        changed=decision.changed,
        final=final,
        public=public,
    )
    return decision


@transaction.atomic
def record_duty(*, by, decision: Decision, duty: str, duty_how_met: str) -> Decision:
    _allowed(by)
    if decision.status == Decision.Status.FINAL:
        raise CoproductionError(_("This decision is final: its duty assessment is kept."), None)
    duty, how = _duty(duty, duty_how_met)
    _require_duty(duty, how)
    decision.duty, decision.duty_how_met = duty, how
    decision.save(update_fields=["duty", "duty_how_met"])
    _log(by, "decision.duty", decision, duty=duty)
    return decision


@transaction.atomic
def finalise_decision(*, by, decision: Decision, public: bool = False) -> Decision:
    """Mark a decision final: refused until the statutory duty assessment is recorded."""
    _allowed(by)
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status == Decision.Status.FINAL:
        raise CoproductionError(_("This decision is already final."), None)
    _require_duty(decision.duty, decision.duty_how_met)
    decision.status = Decision.Status.FINAL
    decision.finalised_at = timezone.now()
    decision.public = bool(public)
    decision.save(update_fields=["status", "finalised_at", "public"])
    _log(by, "decision.finalise", decision, public=decision.public)
    return decision


@transaction.atomic
def record_feedback(*, by, decision: Decision, given_on: date) -> Decision:
    """The date the people involved were told what was decided (closing the loop)."""
    _allowed(by)
    given_on = _date(given_on, "given_on", _("Enter the date as a real date"))
    if given_on < decision.decided_on:
        raise CoproductionError(
            _("People cannot be told about a decision before it was made."), "given_on"
        )
    if given_on > timezone.localdate():
        raise CoproductionError(_("The date cannot be in the future."), "given_on")
    decision.feedback_given_on = given_on
    decision.save(update_fields=["feedback_given_on"])
    _log(by, "decision.feedback", decision, given_on=given_on.isoformat())
    return decision


@transaction.atomic
def set_public(*, by, decision: Decision, public: bool) -> Decision:
    _allowed(by)
    if public and decision.status != Decision.Status.FINAL:
        raise CoproductionError(_("Only a final decision can be published"), "public")
    decision.public = bool(public)
    decision.save(update_fields=["public"])
    _log(by, "decision.publish" if public else "decision.unpublish", decision)
    return decision
