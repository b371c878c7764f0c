"""Front-door forms. Validated on the server; every message names its field and sits beside it,
one message for each problem (NHS.UK design system: error messages).

Each form speaks in its own voice: to the person (SelfIntroductionForm), to someone who knows
them (FamilyIntroductionForm), or to a worker, about the person (StaffIntroductionForm). The
words that change with the voice are written once, in a Voice, and each form names its voice.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from livingwell.intake.models import RiskNow, Route, YesNoUnsure
from livingwell.people import nhs_number
from livingwell.people.models import ETHNICITY_CHOICES, Sex

POSTCODE_RE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
PHONE_RE = re.compile(r"^\+?[0-9 ()-]{7,20}$")
NUMBER_RE = re.compile(r"^[0-9]+$")
# What the form issues (uuid4().hex) and what resends.submission_key derives: letters and digits.
SUBMISSION_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_STORY = 5000
MAX_EMAIL = 200
EARLIEST_BIRTH_YEAR = 1900


def too_long(name, limit: int):
    return format_lazy(_("{name} must be {limit} characters or fewer"), name=name, limit=limit)


def text(
    label,
    *,
    name=None,
    missing=None,
    required=True,
    max_length=100,
    help_text="",
    width=None,
    autocomplete=None,
):
    """A one-line answer. `name` is the field's name in its messages (the label, if that reads
    as a name); `missing` the message when a required answer is not given, unless the form's
    voice gives it."""
    attrs = {}
    if width:
        attrs["data-width"] = str(width)
    if autocomplete:
        attrs["autocomplete"] = autocomplete
    messages = {"max_length": too_long(name or label, max_length)}
    if missing:
        messages["required"] = missing
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.TextInput(attrs=attrs),
        error_messages=messages,
    )


def choice(label, choices, *, missing, required=True, radios=True):
    """A choice from a list: not choosing (or sending something not on it) has one message."""
    return forms.ChoiceField(
        label=label,
        required=required,
        choices=choices,
        widget=forms.RadioSelect if radios else forms.Select,
        error_messages={"required": missing, "invalid_choice": missing},
    )


@dataclass(frozen=True)
class Words:
    label: str | None = None
    help_text: str | None = None
    missing: str | None = None


@dataclass(frozen=True)
class Voice:
    """The words of an introduction form that change with who is filling it in."""

    fields: dict[str, Words] = field(default_factory=dict)
    # When neither a phone number nor an email address is given.
    reach: str = ""
    # The summary of the optional questions about sex, gender and ethnic group.
    about: str = ""


TO_THE_PERSON = Voice(
    fields={
        "whats_happening": Words(
            label=_("What is going on for you at the moment?"),
            missing=_("Enter what is going on for you"),
        ),
        "what_would_help": Words(label=_("What do you think would help? (optional)")),
        "given_name": Words(missing=_("Enter your first name")),
        "family_name": Words(missing=_("Enter your last name")),
        "preferred_name": Words(label=_("What would you like to be called? (optional)")),
        "postcode": Words(missing=_("Enter your postcode")),
        "contact_preference": Words(label=_("When and how is it best to contact you? (optional)")),
        "gender": Words(help_text=_("In your own words")),
    },
    reach=_("Enter a phone number or an email address so we can reach you"),
    about=_("About you (optional): helps us check the service is fair to everyone"),
)

ABOUT_THEM = Voice(
    fields={
        "whats_happening": Words(
            label=_("What is going on for them at the moment?"),
            missing=_("Enter what is going on for them"),
        ),
        "what_would_help": Words(label=_("What do you think would help them? (optional)")),
        "given_name": Words(missing=_("Enter their first name")),
        "family_name": Words(missing=_("Enter their last name")),
        "preferred_name": Words(label=_("What would they like to be called? (optional)")),
        "postcode": Words(missing=_("Enter their postcode")),
        "contact_preference": Words(label=_("When and how is it best to contact them? (optional)")),
        "gender": Words(help_text=_("In their own words")),
    },
    reach=_("Enter a phone number or an email address so we can reach them"),
    about=_("About them (optional): helps us check the service is fair to everyone"),
)

ABOUT_THE_PERSON = Voice(
    fields={
        "whats_happening": Words(
            label=_("What is going on for the person?"),
            missing=_("Enter what is going on for the person"),
        ),
        "what_would_help": Words(label=_("What might help? (optional)")),
        "given_name": Words(missing=_("Enter the person's first name")),
        "family_name": Words(missing=_("Enter the person's last name")),
        "preferred_name": Words(label=_("What would the person like to be called? (optional)")),
        "postcode": Words(missing=_("Enter the person's postcode")),
        "contact_preference": Words(
            label=_("When and how is it best to contact the person? (optional)")
        ),
        "gender": Words(help_text=_("In the person's own words")),
    },
    reach=_("Enter a phone number or an email address so we can reach the person"),
    about=_("About the person (optional): helps us check the service is fair to everyone"),
)

DOB_PARTS = ("dob_day", "dob_month", "dob_year")
DOB_MISSING = {
    ("dob_day",): _("Date of birth must include a day"),
    ("dob_month",): _("Date of birth must include a month"),
    ("dob_year",): _("Date of birth must include a year"),
    ("dob_day", "dob_month"): _("Date of birth must include a day and month"),
    ("dob_day", "dob_year"): _("Date of birth must include a day and year"),
    ("dob_month", "dob_year"): _("Date of birth must include a month and year"),
}
DOB_NOT_REAL = _("Date of birth must be a real date")


class PersonFieldsMixin(forms.Form):
    """Who the introduction is about, and how to reach them, in the form's voice."""

    voice: Voice = TO_THE_PERSON

    given_name = text(_("First name"), autocomplete="given-name")
    family_name = text(_("Last name"), autocomplete="family-name")
    preferred_name = text(_("Preferred name (optional)"), name=_("Preferred name"), required=False)
    # Checked together, as one date, in clean(): one message for the date, not one a box.
    dob_day = forms.CharField(label=_("Day"), required=False)
    dob_month = forms.CharField(label=_("Month"), required=False)
    dob_year = forms.CharField(label=_("Year"), required=False)
    postcode = text(_("Postcode"), max_length=10, width=10, autocomplete="postal-code")
    phone = text(_("Phone number"), required=False, max_length=30, width=20, autocomplete="tel")
    # Its length is checked in clean_email, so that a long, wrong address has one message.
    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Enter an email address like name@example.com")},
    )
    contact_preference = text(
        _("When and how to contact (optional)"),
        name=_("Contact preferences"),
        required=False,
        max_length=200,
    )
    safe_to_leave_message = forms.BooleanField(
        label=_("It is safe to leave a message"), required=False
    )
    sex = choice(
        _("Sex (optional)"),
        [("", "")] + list(Sex.choices),
        missing=_("Select sex from the list"),
        required=False,
        radios=False,
    )
    gender = text(_("Gender (optional)"), name=_("Gender"), required=False, max_length=60)
    ethnicity = choice(
        _("Ethnic group (optional)"),
        [("", "")] + ETHNICITY_CHOICES,
        missing=_("Select an ethnic group from the list"),
        required=False,
        radios=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, words in self.voice.fields.items():
            field_ = self.fields[name]
            if words.label:
                field_.label = words.label
            if words.help_text:
                field_.help_text = words.help_text
            if words.missing:
                field_.error_messages["required"] = words.missing

    @property
    def about_person(self):
        return self.voice.about

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

    def clean_email(self):
        value = self.cleaned_data["email"]
        if len(value) > MAX_EMAIL:
            raise forms.ValidationError(too_long(_("Email address"), MAX_EMAIL))
        return value

    def clean(self):
        cleaned = super().clean()
        dob = self._date_of_birth(cleaned)
        if dob:
            cleaned["date_of_birth"] = dob
        unanswered = not cleaned.get("phone") and not cleaned.get("email")
        if unanswered and not {"phone", "email"} & set(self.errors):
            self.add_error("phone", self.voice.reach)
        return cleaned

    def _date_of_birth(self, cleaned) -> dt.date | None:
        """The date of birth, if one was given and is right; otherwise one message, on the
        first box with the problem."""
        given = {part: (cleaned.get(part) or "").strip() for part in DOB_PARTS}
        if not any(given.values()):
            return None
        missing = tuple(part for part in DOB_PARTS if not given[part])
        if missing:
            self.add_error(missing[0], DOB_MISSING[missing])
            return None
        for part in DOB_PARTS:
            if not NUMBER_RE.match(given[part]):
                self.add_error(part, DOB_NOT_REAL)
                return None
        if len(given["dob_year"]) != 4:
            self.add_error("dob_year", _("Year must include 4 numbers"))
            return None
        day, month, year = (int(given[part]) for part in DOB_PARTS)
        if not 1 <= month <= 12:
            self.add_error("dob_month", DOB_NOT_REAL)
            return None
        try:
            dob = dt.date(year, month, day)
        except ValueError:
            self.add_error("dob_day", DOB_NOT_REAL)
            return None
        if dob > timezone.localdate():
            self.add_error("dob_day", _("Date of birth must be in the past"))
            return None
        if year < EARLIEST_BIRTH_YEAR:
            self.add_error("dob_year", _("Date of birth must be after 1900"))
            return None
        return dob

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
    risk_now = choice(
        _("Is anyone at risk of harm right now?"),
        RiskNow.choices,
        missing=_("Select whether anyone is at risk of harm right now"),
    )


def story(label, *, name, required=True):
    return forms.CharField(
        label=label,
        required=required,
        max_length=MAX_STORY,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "max_length": format_lazy(
                _("Keep {name} to {limit} characters or fewer"), name=name, limit=MAX_STORY
            )
        },
    )


class StoryMixin(forms.Form):
    """What is going on, and what might help, in the words of whoever fills the form in (the
    labels and the message when it is missing are the voice's)."""

    whats_happening = story(_("What is going on?"), name=_("what is going on"))
    what_would_help = story(
        _("What would help? (optional)"), name=_("what would help"), required=False
    )


class SubmissionKeyMixin(forms.Form):
    # Issued with the form: the same introduction sent twice makes one (intake/resends.py).
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_submission_key(self):
        # A form without a usable key (an old page, a tampered one) is still sent: a key of its
        # own, rather than a message about a box the person cannot see.
        value = self.cleaned_data["submission_key"]
        return value if SUBMISSION_KEY_RE.match(value) else uuid.uuid4().hex


class SelfIntroductionForm(SubmissionKeyMixin, StoryMixin, SafetyMixin, PersonFieldsMixin):
    voice = TO_THE_PERSON

    website = forms.CharField(label=_("Leave this box empty"), required=False)  # honeypot

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
    voice = ABOUT_THEM

    introducer_name = text(
        _("Your name"), missing=_("Enter your name"), max_length=150, autocomplete="name"
    )
    relationship_to_person = text(
        _("How do you know them?"),
        name=_("How you know them"),
        missing=_("Enter how you know them"),
        max_length=100,
        help_text=_("For example, their partner, parent or friend"),
    )
    introducer_phone = text(
        _("Your phone number"),
        missing=_("Enter your phone number"),
        max_length=30,
        width=20,
        autocomplete="tel",
    )
    person_knows = choice(
        _("Do they know you are asking for support for them?"),
        YesNoUnsure.choices,
        missing=_("Select whether they know you are asking for support for them"),
    )
    person_agrees = choice(
        _("Have they agreed to us contacting them?"),
        YesNoUnsure.choices,
        missing=_("Select whether they have agreed to us contacting them"),
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
            raise forms.ValidationError(_("Enter your phone number, like 07700 900 982"))
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


class StaffIntroductionForm(SubmissionKeyMixin, StoryMixin, SafetyMixin, PersonFieldsMixin):
    voice = ABOUT_THE_PERSON

    route = choice(
        _("Who is making the introduction?"),
        [
            (Route.GP, Route.GP.label),
            (Route.PROFESSIONAL, Route.PROFESSIONAL.label),
            (Route.PARTNER, Route.PARTNER.label),
            (Route.FAMILY, Route.FAMILY.label),
            (Route.SELF, _("The person, by phone or in person")),
        ],
        missing=_("Select who is making the introduction"),
    )
    introducer_name = text(_("Introducer's name"), required=False, max_length=150)
    introducer_role = text(_("Introducer's role"), required=False, max_length=150)
    introducer_organisation = text(
        _("Introducer's organisation or practice"), required=False, max_length=150
    )
    introducer_phone = text(_("Introducer's phone number"), required=False, max_length=30, width=20)
    nhs_number = forms.CharField(
        label=_("NHS number (optional)"),
        required=False,
        max_length=20,
        help_text=_("10 digits, for example 485 777 3456"),
        widget=forms.TextInput(attrs={"data-width": "10"}),
        error_messages={"max_length": _("NHS number must be 10 digits")},
    )
    person_knows = choice(
        _("Does the person know about this introduction?"),
        YesNoUnsure.choices,
        missing=_("Select whether the person knows about this introduction"),
    )
    person_agrees = choice(
        _("Has the person agreed to it?"),
        YesNoUnsure.choices,
        missing=_("Select whether the person has agreed to this introduction"),
    )

    # The order of the page, so that the error summary lists the problems in the same order.
    field_order = [
        "route",
        "introducer_name",
        "introducer_role",
        "introducer_organisation",
        "introducer_phone",
        "person_knows",
        "person_agrees",
        "risk_now",
        "whats_happening",
        "what_would_help",
        "nhs_number",
    ]

    def clean_introducer_phone(self):
        value = self.cleaned_data["introducer_phone"].strip()
        if value and not PHONE_RE.match(value):
            raise forms.ValidationError(
                _("Enter the introducer's phone number, like 07700 900 982")
            )
        return value

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
            if "introducer_name" not in self.errors:
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
