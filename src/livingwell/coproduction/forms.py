"""Forms for the co-production pages.

The forms turn what was typed into values; the rules (required, ranges, dates, the duty before
a decision is final) are checked in ``coproduction.actions``, whose errors name the field. The
decision form also applies the duty rule (``rules.duty_missing``) itself, so the page says what
is missing before anything is sent to the action.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from livingwell.coproduction import rules
from livingwell.coproduction.models import (
    AGE_BAND_CHOICES,
    Activity,
    Decision,
    Expense,
    InvolvedPerson,
    InvolvementRole,
    Ladder,
)
from livingwell.core import forms as lw_forms
from livingwell.core.forms import date_field, decimal_text, radios, text_field
from livingwell.people.models import ETHNICITY_CHOICES, Sex

NOT_SAID = [("", _("Not answered"))]
LEVELS = [("", _("Not rated yet"))] + [(str(v), f"{v}. {label}") for v, label in Ladder.choices]


def amount_field(label, help_text=""):
    """An amount of money or hours, at most 12 characters as typed."""
    return decimal_text(label, help_text, max_length=12)


class ActivityForm(lw_forms.Form):
    title = text_field(_("Title"), max_length=200)
    kind = radios(_("Kind of activity"), Activity.Kind.choices)
    purpose = text_field(_("Purpose"), _("Why people are being involved."), rows=3)
    decisions_in_scope = text_field(
        _("Decisions in scope"), _("What the people involved can change."), rows=3
    )
    held_on = date_field(_("Date"), required=True)
    hours = amount_field(_("Length in hours"), _("For example 2.5"))
    intended_level = forms.ChoiceField(
        label=_("Level on the ladder of co-production intended beforehand"),
        choices=LEVELS[1:],
    )
    payment_basis = radios(_("How involvement is paid"), Activity.Basis.choices)


class RatingForm(lw_forms.Form):
    participants_level = forms.ChoiceField(
        label=_("Level achieved, as the participants rated it"), choices=LEVELS, required=False
    )
    staff_level = forms.ChoiceField(
        label=_("Level achieved, as staff rated it"), choices=LEVELS, required=False
    )


class PersonForm(lw_forms.Form):
    name = text_field(_("Name"), max_length=150)
    usual_role = radios(_("Usual role"), InvolvementRole.choices)
    email = forms.EmailField(label=_("Email (optional)"), required=False)
    phone = text_field(_("Phone (optional)"), max_length=30)
    payroll_reference = text_field(_("Payroll reference (optional)"), max_length=40)
    ethnicity = forms.ChoiceField(
        label=_("Ethnic group (optional)"),
        choices=NOT_SAID + list(ETHNICITY_CHOICES),
        required=False,
        help_text=_("Equality monitoring is voluntary and only ever counted in groups."),
    )
    age_band = forms.ChoiceField(
        label=_("Age band (optional)"), choices=NOT_SAID + AGE_BAND_CHOICES, required=False
    )
    sex = forms.ChoiceField(
        label=_("Sex (optional)"), choices=NOT_SAID + list(Sex.choices), required=False
    )
    gender = text_field(_("Gender, in their own words (optional)"), max_length=60)
    deprivation_decile = forms.TypedChoiceField(
        label=_("Deprivation decile of their area (optional)"),
        choices=NOT_SAID + [(str(n), str(n)) for n in range(1, 11)],
        coerce=int,
        empty_value=None,
        required=False,
    )


class AttendanceForm(lw_forms.Form):
    person = forms.ModelChoiceField(
        label=_("Person"), queryset=InvolvedPerson.objects.order_by("name")
    )
    role = radios(_("Role they took part in"), InvolvementRole.choices)
    enhanced = forms.BooleanField(
        label=_("Enhanced role (chairing, training, leading)"), required=False
    )
    hours = amount_field(
        _("Hours attended (optional)"), _("Leave empty if they were there throughout.")
    )


class AcceptForm(lw_forms.Form):
    warning_seen = forms.BooleanField(
        label=_("The person has read the warning about benefits and still wants to accept"),
        required=False,
    )


class ExpenseForm(lw_forms.Form):
    kind = radios(_("Kind of expense"), Expense.Kind.choices)
    description = text_field(_("What it was for"), max_length=200)
    amount = amount_field(_("Amount in pounds"), _("For example 12.40"))
    receipt = forms.FileField(
        label=_("Receipt"), help_text=_("A PDF, JPG or PNG, smaller than 5 MB."), required=False
    )


class DecisionForm(lw_forms.Form):
    title = text_field(_("Decision"), max_length=200)
    people_said = text_field(_("What people said"), rows=4)
    changed = radios(_("Did it change the decision?"), Decision.Changed.choices)
    response = text_field(
        _("What we did, or why we didn't"),
        _("In words the people involved will read: 'you said, we did' or 'we didn't, and why'."),
        rows=4,
    )
    decided_by = text_field(_("Who decided"), _("A board, a committee or a named role."))
    decided_on = date_field(_("Date decided"), required=True)
    feedback_given_on = date_field(
        _("Date fed back to the people involved (optional)"),
        _("Leave empty until you have told them; it shows as overdue after the site's days."),
    )
    duty = radios(
        _("Did the statutory involvement duty apply?"),
        Decision.Duty.choices,
        required=False,
        help_text=_("NHS Act 2006 s14Z45 (integrated care boards) or s242 (NHS trusts)."),
    )
    duty_how_met = text_field(_("How the duty was met, or why it did not apply"), rows=3)
    final = forms.BooleanField(
        label=_("This decision is final"),
        required=False,
        help_text=_("A final decision needs the duty assessment above."),
    )
    public = forms.BooleanField(
        label=_("Publish it on 'You said, we did'"),
        required=False,
        help_text=_("Only a final decision is published. Do not name anyone in it."),
    )

    def __init__(self, *args, link_fields=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in (link_fields or {}).items():
            self.fields[name] = field

    def clean(self):
        data = super().clean()
        if data.get("final"):
            missing = rules.duty_missing(data.get("duty", ""), data.get("duty_how_met", ""))
            if missing:
                self.add_error(missing[0], missing[1])
        return data


class FinaliseForm(lw_forms.Form):
    duty = radios(
        _("Did the statutory involvement duty apply?"), Decision.Duty.choices, required=False
    )
    duty_how_met = text_field(_("How the duty was met, or why it did not apply"), rows=3)
    public = forms.BooleanField(label=_("Publish it on 'You said, we did'"), required=False)

    def clean(self):
        data = super().clean()
        missing = rules.duty_missing(data.get("duty", ""), data.get("duty_how_met", ""))
        if missing:
            self.add_error(missing[0], missing[1])
        return data


class FeedbackForm(lw_forms.Form):
    given_on = date_field(_("Date fed back to the people involved"), required=True)


class RateCardForm(lw_forms.Form):
    effective_from = date_field(_("Rates start on"), required=True)
    hourly = amount_field(_("Hourly rate (£)"))
    half_day = amount_field(_("Half day (£)"))
    day = amount_field(_("Day (£)"))
    enhanced_hourly = amount_field(_("Enhanced role, hourly (£)"))
    enhanced_half_day = amount_field(_("Enhanced role, half day (£)"))
    enhanced_day = amount_field(_("Enhanced role, day (£)"))
    half_day_hours = amount_field(
        _("Longest half day in hours"), _("Longer than this is paid as a day. Usually 4.")
    )
    note = text_field(_("Note (optional)"), max_length=300)


class SettingsForm(lw_forms.Form):
    feedback_due_days = forms.IntegerField(
        label=_("Days within which people are told what was decided"), min_value=1, max_value=365
    )
    benefits_warning_amount = amount_field(
        _("Tax-year total (£) at which people are warned about benefits")
    )
    benefits_advice = text_field(_("Where people can get advice"), rows=4, max_length=2000)


class PeriodForm(lw_forms.Form):
    start = date_field(_("From"), required=True)
    end = date_field(_("To"), required=True)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end of the period must be on or after its start"))
        return data
