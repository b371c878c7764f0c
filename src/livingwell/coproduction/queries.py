"""Read-side shaping for co-production: payment offers, running totals, payroll and expense
lines, overdue feedback. The arithmetic itself is in ``payments`` (pure Python)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from livingwell.coproduction import payments
from livingwell.coproduction.models import (
    Attendance,
    CoproductionSettings,
    Decision,
    Expense,
    RateCard,
)


def rates_of(card: RateCard) -> payments.Rates:
    return payments.Rates(
        effective_from=card.effective_from,
        hourly=card.hourly,
        half_day=card.half_day,
        day=card.day,
        enhanced_hourly=card.enhanced_hourly,
        enhanced_half_day=card.enhanced_half_day,
        enhanced_day=card.enhanced_day,
        half_day_hours=card.half_day_hours,
        version=card.version,
    )


def card_in_force(on: date) -> RateCard | None:
    return RateCard.objects.filter(effective_from__lte=on).order_by("-effective_from").first()


def person_lines(person, *, exclude=None) -> list[payments.Line]:
    """The person's accepted and declined payments (declined ones count nothing)."""
    rows = Attendance.objects.filter(
        person=person, payment__in=[Attendance.Payment.ACCEPTED, Attendance.Payment.DECLINED]
    ).select_related("activity")
    if exclude is not None:
        rows = rows.exclude(pk=exclude.pk)
    return [
        payments.Line(
            on=a.activity.held_on,
            amount=a.amount,
            declined=a.payment == Attendance.Payment.DECLINED,
        )
        for a in rows
    ]


@dataclass(frozen=True)
class Offer:
    attendance: Attendance
    card: RateCard | None
    amount: Decimal | None
    tax_year: int
    total_before: Decimal
    total_after: Decimal | None
    warning: bool
    warning_amount: Decimal
    advice: str

    @property
    def tax_year_label(self) -> str:
        return payments.tax_year_label(self.tax_year)


def offer_for(attendance: Attendance) -> Offer:
    """What accepting would pay, the tax year's running total before and after it, and whether
    the site's benefits warning applies: shown to the person before they accept."""
    config = CoproductionSettings.current()
    on = attendance.activity.held_on
    year = payments.tax_year_of(on)
    before = payments.totals_by_tax_year(person_lines(attendance.person, exclude=attendance)).get(
        year, payments.ZERO
    )
    card = card_in_force(on)
    amount = None
    if card is not None:
        amount = payments.fee(
            rates_of(card),
            hours=attendance.hours,
            basis=attendance.activity.payment_basis,
            enhanced=attendance.enhanced,
        )
    warning = amount is not None and payments.reaches_warning(
        before, amount, config.benefits_warning_amount
    )
    return Offer(
        attendance=attendance,
        card=card,
        amount=amount,
        tax_year=year,
        total_before=before,
        total_after=(before + amount) if amount is not None else None,
        warning=warning,
        warning_amount=config.benefits_warning_amount,
        advice=config.benefits_advice,
    )


def totals_for(person) -> list[tuple[str, Decimal]]:
    """Running totals per tax year, newest first, labelled 2026/27."""
    totals = payments.totals_by_tax_year(person_lines(person))
    return [(payments.tax_year_label(y), totals[y]) for y in sorted(totals, reverse=True)]


def payroll_lines(start: date, end: date):
    """Accepted involvement payments for activities held from ``start`` to ``end``."""
    return (
        Attendance.objects.filter(
            payment=Attendance.Payment.ACCEPTED,
            activity__held_on__gte=start,
            activity__held_on__lte=end,
        )
        .select_related("activity", "person", "rate_card")
        .order_by("person__name", "activity__held_on", "activity__title")
    )


def expense_lines(start: date, end: date):
    return (
        Expense.objects.filter(
            attendance__activity__held_on__gte=start, attendance__activity__held_on__lte=end
        )
        .select_related("attendance__activity", "attendance__person")
        .order_by("attendance__person__name", "attendance__activity__held_on", "created_at")
    )


def feedback_overdue_q(today: date | None = None) -> Q:
    """Decisions not yet fed back to the people involved, past the site's number of days."""
    today = today or timezone.localdate()
    days = CoproductionSettings.current().feedback_due_days
    return Q(feedback_given_on__isnull=True, decided_on__lt=today - timedelta(days=days))


def overdue_ids(decisions, today: date | None = None) -> set:
    return set(
        Decision.objects.filter(
            feedback_overdue_q(today), pk__in=[d.pk for d in decisions]
        ).values_list("pk", flat=True)
    )


# What a decision may link to, as typed references (see Decision): the link's name, the model it
# names, the Decision field holding the reference, and the model field the reference matches.
LINK_TARGETS = {
    "improvement_project": ("improvement", "ImprovementProject", "improvement_project_ref", "pk"),
    "pdsa_cycle": ("improvement", "PDSACycle", "pdsa_cycle_ref", "pk"),
    "process_change": ("insight", "ChartAnnotation", "process_change_ref", "pk"),
    "directory_service": ("directory", "Service", "directory_service_ref", "pk"),
    "outcome_framework_version": (
        "outcomes",
        "OutcomeFrameworkVersion",
        "outcome_framework_version",
        "version",
    ),
}


def _target_model(name: str):
    from django.apps import apps

    app, model, _field, _key = LINK_TARGETS[name]
    return apps.get_model(app, model)


def link_refs(links: dict) -> dict:
    """The Decision fields for the chosen links (model instances of the right kind, or None)."""
    refs = {}
    for name, obj in links.items():
        if obj is None:
            continue
        _app, _model, field_name, key = LINK_TARGETS[name]
        if not isinstance(obj, _target_model(name)):
            raise TypeError(f"{name} must be a {_model}")
        refs[field_name] = getattr(obj, key)
    return refs


def describe_link(name: str, obj) -> str:
    """A link's target in words, for the decision page and the form's choices."""
    if name == "improvement_project":
        return _("Improvement project: {title}").format(title=obj.title)
    if name == "pdsa_cycle":
        return _("PDSA cycle {key} of {project}").format(key=obj.key, project=obj.project.title)
    if name == "process_change":
        return _("Process change on the chart '{chart}' from {on}: {note}").format(
            chart=obj.get_chart_display(), on=obj.effective_date.strftime("%d %b %Y"), note=obj.note
        )
    if name == "directory_service":
        return _("Directory service: {name}").format(name=obj.name)
    return _("Outcome framework version {n}").format(n=obj.version)


@dataclass(frozen=True)
class Link:
    name: str
    target: object | None  # None: the record it named no longer exists

    @property
    def label(self) -> str:
        return describe_link(self.name, self.target) if self.target is not None else ""


def decision_links(decision: Decision) -> list[Link]:
    found = []
    for name, (_app, _model, field_name, key) in LINK_TARGETS.items():
        ref = getattr(decision, field_name)
        if ref is None:
            continue
        target = _target_model(name).objects.filter(**{key: ref}).first()
        found.append(Link(name, target))
    return found
