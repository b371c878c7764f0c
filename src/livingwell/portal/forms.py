"""The portal's forms (lw_forms: a missing answer names its field)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from livingwell.access.person import PART_WORDS, PROXY_PARTS
from livingwell.core.forms import Form
from livingwell.portal.models import Feedback, PlanContribution


class DateOfBirthField(forms.DateField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Date of birth"))
        kwargs.setdefault("help_text", _("For example, 27 3 2007 or 2007-03-27"))
        kwargs.setdefault("input_formats", ["%d %m %Y", "%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"])
        kwargs.setdefault(
            "error_messages", {"invalid": _("Enter the date of birth as day, month and year")}
        )
        super().__init__(**kwargs)


class SignInForm(Form):
    contact = forms.CharField(
        label=_("Your mobile phone number or email address"),
        help_text=_("The one your support workers have for you"),
        max_length=254,
    )
    date_of_birth = DateOfBirthField()


class CodeForm(Form):
    code = forms.CharField(
        label=_("Sign-in code"),
        help_text=_("The 6 numbers we sent you"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ContributionForm(Form):
    kind = forms.ChoiceField(
        label=_("What do you want to add?"),
        choices=PlanContribution.Kind.choices,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(label=_("In your own words"), widget=forms.Textarea, max_length=2000)
    by_when = forms.DateField(
        label=_("By when (for a step, optional)"),
        required=False,
        help_text=_("For example, 2027-01-31"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ComeBackForm(Form):
    message = forms.CharField(
        label=_("Anything you would like the Hub to know (optional)"),
        required=False,
        widget=forms.Textarea,
        max_length=2000,
    )


class QuestionForm(Form):
    event = forms.IntegerField(required=False, widget=forms.HiddenInput)
    message = forms.CharField(
        label=_("What would you like to ask?"), widget=forms.Textarea, max_length=2000
    )


class SharingForm(Form):
    organisation = forms.UUIDField(widget=forms.HiddenInput)
    share_out = forms.ChoiceField(
        label=_("May others see what this organisation records about you?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        widget=forms.RadioSelect,
    )
    share_in = forms.ChoiceField(
        label=_("May this organisation see what others record about you?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        widget=forms.RadioSelect,
    )


class AboutMeForm(Form):
    what_helps = forms.CharField(
        label=_("What helps me"), required=False, widget=forms.Textarea, max_length=2000
    )
    what_to_avoid = forms.CharField(
        label=_("What to avoid"), required=False, widget=forms.Textarea, max_length=2000
    )
    who_to_contact = forms.CharField(
        label=_("Who to contact in a crisis"),
        required=False,
        widget=forms.Textarea,
        max_length=2000,
    )
    crisis_preferences = forms.CharField(
        label=_("What I would like to happen in a crisis"),
        required=False,
        widget=forms.Textarea,
        max_length=2000,
    )


class ProxyForm(Form):
    name = forms.CharField(label=_("Their name"), max_length=150)
    phone = forms.CharField(label=_("Their mobile phone (optional)"), required=False, max_length=30)
    email = forms.EmailField(label=_("Their email (optional)"), required=False)
    date_of_birth = DateOfBirthField(label=_("Their date of birth"))
    parts = forms.MultipleChoiceField(
        label=_("What they may see"),
        choices=[(str(p), PART_WORDS[p]) for p in PROXY_PARTS],
        widget=forms.CheckboxSelectMultiple,
    )
    ends_on = forms.DateField(
        label=_("Until"),
        help_text=_("For example, 2027-06-30. At most a year from today."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self):
        data = super().clean()
        if not data.get("phone") and not data.get("email"):
            raise forms.ValidationError(_("Give their mobile phone or email, so they can sign in."))
        return data


class FeedbackForm(Form):
    helpfulness = forms.TypedChoiceField(
        label=_("How helpful has your support been?"),
        choices=Feedback.Helpfulness.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything you would like to tell us (optional)"),
        required=False,
        widget=forms.Textarea,
        max_length=2000,
    )
