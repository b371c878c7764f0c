"""Front-door forms. Validated on the server; every message sits beside its field."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from livingwell.intake.models import RiskNow, Route, YesNoUnsure
from livingwell.people import nhs_number
from livingwell.people.models import ETHNICITY_CHOICES, Sex
from livingwell.people.names import NameField

POSTCODE_RE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
PHONE_RE = re.compile(r"^\+?[0-9 ()-]{7,20}$")
MAX_STORY = 5000


def text(
    label,
    *,
    required=True,
    max_length=100,
    help_text="",
    width=None,
    autocomplete=None,
    name=False,
):
    """A short text box; ``name=True`` for a name, checked by the one rule (people.names)."""
    attrs = {}
    if width:
        attrs["data-width"] = str(width)
    if autocomplete:
        attrs["autocomplete"] = autocomplete
    field_class = NameField if name else forms.CharField
    return field_class(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.TextInput(attrs=attrs),
        error_messages={
            "required": _("Enter %(label)s") % {"label": str(label).lower()},
            "max_length": _("%(label)s must be %(n)s characters or fewer")
            % {"label": label, "n": max_length},
        },
    )


def story(label, *, required=True, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=MAX_STORY,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": _("Tell us a little about what is going on"),
            "max_length": _("Please keep this to %(n)s characters or fewer") % {"n": MAX_STORY},
        },
    )


class PersonFieldsMixin(forms.Form):
    given_name = text(_("First name"), autocomplete="given-name", name=True)
    family_name = text(_("Last name"), autocomplete="family-name", name=True)
    preferred_name = text(
        _("What would you like to be called? (optional)"), required=False, name=True
    )
    dob_day = forms.IntegerField(label=_("Day"), required=False, min_value=1, max_value=31)
    dob_month = forms.IntegerField(label=_("Month"), required=False, min_value=1, max_value=12)
    dob_year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2100)
    postcode = text(_("Postcode"), max_length=10, width=10, autocomplete="postal-code")
    phone = text(_("Phone number"), required=False, max_length=30, width=20, autocomplete="tel")
    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        max_length=200,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Enter an email address like name@example.com")},
    )
    contact_preference = text(
        _("When and how is it best to contact you? (optional)"), required=False, max_length=200
    )
    safe_to_leave_message = forms.BooleanField(
        label=_("It is safe to leave a message"), required=False
    )
    sex = forms.ChoiceField(
        label=_("Sex (optional)"), required=False, choices=[("", "")] + list(Sex.choices)
    )
    gender = text(
        _("Gender (optional)"), required=False, max_length=60, help_text=_("In your own words")
    )
    ethnicity = forms.ChoiceField(
        label=_("Ethnic group (optional)"), required=False, choices=[("", "")] + ETHNICITY_CHOICES
    )

    def clean_postcode(self):
        value = re.sub(r"\s+", " ", self.cleaned_data["postcode"].strip().upper())
        if not POSTCODE_RE.match(value):
            raise forms.ValidationError(_("Enter a real postcode, like SE11 5AA"))
        return value

    def clean_phone(self):
        value = self.cleaned_data["phone"].strip()
        if value and not PHONE_RE.match(value):
            raise forms.ValidationError(_("Enter a phone number, like 07700 900 982"))
        return value

    def clean(self):
        cleaned = super().clean()
        parts = [cleaned.get("dob_day"), cleaned.get("dob_month"), cleaned.get("dob_year")]
        if any(p is not None for p in parts):
            if any(p is None for p in parts):
                self.add_error("dob_day", _("Date of birth must include a day, month and year"))
            else:
                try:
                    dob = dt.date(parts[2], parts[1], parts[0])
                except ValueError:
                    self.add_error("dob_day", _("Date of birth must be a real date"))
                else:
                    if dob > dt.date.today():
                        self.add_error("dob_day", _("Date of birth must be in the past"))
                    cleaned["date_of_birth"] = dob
        if not cleaned.get("phone") and not cleaned.get("email") and "phone" not in self.errors:
            self.add_error(
                "phone", _("Give a phone number or an email address so we can reach you")
            )
        return cleaned

    def person_data(self) -> dict:
        c = self.cleaned_data
        return {
            key: c.get(key) or ""
            for key in [
                "given_name",
                "family_name",
                "preferred_name",
                "postcode",
                "phone",
                "email",
                "sex",
                "gender",
                "ethnicity",
            ]
        } | {"date_of_birth": c.get("date_of_birth")}


class SafetyMixin(forms.Form):
    risk_now = forms.ChoiceField(
        label=_("Is anyone at risk of harm right now?"),
        choices=RiskNow.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Tell us whether anyone is at risk of harm right now")},
    )


class SelfIntroductionForm(SafetyMixin, PersonFieldsMixin):
    whats_happening = story(_("What is going on for you at the moment?"))
    what_would_help = story(_("What do you think would help? (optional)"), required=False)
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    website = forms.CharField(
        label=_("Leave this box empty"), required=False, max_length=200
    )  # honeypot

    field_order = ["risk_now", "whats_happening", "what_would_help"]

    def details(self) -> dict:
        c = self.cleaned_data
        return {
            "whats_happening": c["whats_happening"],
            "what_would_help": c.get("what_would_help", ""),
            "risk_now": c["risk_now"],
            "contact_preference": c.get("contact_preference", ""),
            "safe_to_leave_message": bool(c.get("safe_to_leave_message")),
        }


class FamilyIntroductionForm(SelfIntroductionForm):
    introducer_name = text(_("Your name"), max_length=150, autocomplete="name", name=True)
    relationship_to_person = text(
        _("How do you know them?"),
        max_length=100,
        help_text=_("For example, their partner, parent or friend"),
    )
    introducer_phone = text(_("Your phone number"), max_length=30, width=20, autocomplete="tel")
    person_knows = forms.ChoiceField(
        label=_("Do they know you are asking for support for them?"),
        choices=YesNoUnsure.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Tell us whether they know")},
    )
    person_agrees = forms.ChoiceField(
        label=_("Have they agreed to us contacting them?"),
        choices=YesNoUnsure.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Tell us whether they have agreed")},
    )

    field_order = [
        "risk_now",
        "introducer_name",
        "relationship_to_person",
        "introducer_phone",
        "person_knows",
        "person_agrees",
        "whats_happening",
        "what_would_help",
    ]

    def clean_introducer_phone(self):
        value = self.cleaned_data["introducer_phone"].strip()
        if not PHONE_RE.match(value):
            raise forms.ValidationError(_("Enter a phone number, like 07700 900 982"))
        return value

    def details(self) -> dict:
        c = self.cleaned_data
        return super().details() | {
            "introducer_name": c["introducer_name"],
            "relationship_to_person": c["relationship_to_person"],
            "introducer_phone": c["introducer_phone"],
            "person_knows": c["person_knows"],
            "person_agrees": c["person_agrees"],
        }


class StaffIntroductionForm(SafetyMixin, PersonFieldsMixin):
    route = forms.ChoiceField(
        label=_("Who is making the introduction?"),
        choices=[
            (Route.GP, Route.GP.label),
            (Route.PROFESSIONAL, Route.PROFESSIONAL.label),
            (Route.PARTNER, Route.PARTNER.label),
            (Route.FAMILY, Route.FAMILY.label),
            (Route.SELF, _("The person, by phone or in person")),
        ],
        widget=forms.RadioSelect,
    )
    introducer_name = text(_("Introducer's name"), required=False, max_length=150, name=True)
    introducer_role = text(_("Introducer's role"), required=False, max_length=150)
    introducer_organisation = text(
        _("Introducer's organisation or practice"), required=False, max_length=150, name=True
    )
    introducer_phone = text(_("Introducer's phone number"), required=False, max_length=30, width=20)
    nhs_number = text(
        _("NHS number (optional)"),
        required=False,
        max_length=12,
        width=10,
        help_text=_("10 digits, for example 485 777 3456"),
    )
    person_knows = forms.ChoiceField(
        label=_("Does the person know about this introduction?"),
        choices=YesNoUnsure.choices,
        widget=forms.RadioSelect,
    )
    person_agrees = forms.ChoiceField(
        label=_("Has the person agreed to it?"),
        choices=YesNoUnsure.choices,
        widget=forms.RadioSelect,
    )
    whats_happening = story(_("What is going on for the person?"))
    what_would_help = story(_("What might help? (optional)"), required=False)
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    field_order = [
        "route",
        "introducer_name",
        "introducer_role",
        "introducer_organisation",
        "introducer_phone",
        "risk_now",
    ]

    def clean_nhs_number(self):
        value = nhs_number.normalise(self.cleaned_data["nhs_number"])
        if value and not nhs_number.is_valid(value):
            raise forms.ValidationError(
                _("Enter a valid 10-digit NHS number (the last digit is a check digit)")
            )
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("route") in {
            Route.GP,
            Route.PROFESSIONAL,
            Route.PARTNER,
            Route.FAMILY,
        } and not cleaned.get("introducer_name"):
            self.add_error("introducer_name", _("Enter the introducer's name"))
        return cleaned

    def person_data(self) -> dict:
        return super().person_data() | {"nhs_number": self.cleaned_data.get("nhs_number", "")}

    def details(self) -> dict:
        c = self.cleaned_data
        return {
            key: c.get(key) or ""
            for key in [
                "whats_happening",
                "what_would_help",
                "risk_now",
                "contact_preference",
                "introducer_name",
                "introducer_role",
                "introducer_organisation",
                "introducer_phone",
                "person_knows",
                "person_agrees",
            ]
        } | {"safe_to_leave_message": bool(c.get("safe_to_leave_message"))}
