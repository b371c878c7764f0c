from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from livingwell.access.models import SharingPreference
from livingwell.accounts.models import Organisation, User
from livingwell.core import forms as lw_forms

MIN_REASON = 10
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def reason_field(label, help_text=""):
    return forms.CharField(
        label=label,
        min_length=MIN_REASON,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=help_text,
        error_messages={
            "required": _("Give the reason, in at least 10 characters"),
            "min_length": _("Give the reason in at least 10 characters"),
        },
    )


class ReferenceForm(lw_forms.Form):
    reference = forms.CharField(
        label=_("Reference number"),
        max_length=20,
        help_text=_("The introduction's reference, for example LW-7K3M-9QRT"),
        error_messages={"required": _("Enter the reference number")},
    )

    def clean_reference(self):
        return self.cleaned_data["reference"].strip().upper()


class BreakGlassForm(ReferenceForm):
    reason = reason_field(
        _("Why do you need emergency access?"),
        _(
            "Say what the emergency is and why you cannot wait. The privacy officer reviews "
            "every emergency access."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reference"].widget = forms.HiddenInput()


class OverrideForm(lw_forms.Form):
    reason = reason_field(
        _("What is the safeguarding concern?"),
        _(
            "Say why you need to see what the person asked not to share. Do not write clinical "
            "details you would not put in the record. The privacy officer reviews every override."
        ),
    )


class SharingForm(lw_forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.filter(is_active=True),
        empty_label=_("Choose an organisation"),
        error_messages={"required": _("Choose the organisation")},
    )
    share_out = forms.ChoiceField(
        label=_("May other organisations see what this organisation records?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether this organisation shares out")},
    )
    share_in = forms.ChoiceField(
        label=_("May this organisation see what other organisations record?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether this organisation shares in")},
    )
    open_record = forms.BooleanField(
        label=_("The person wants this organisation to be able to open their record"),
        required=False,
    )
    expressed = forms.ChoiceField(
        label=_("How did the person tell you?"),
        help_text=_(
            "These are the person's choices, recorded on their behalf: they are shown as the "
            "person's decision, told to you."
        ),
        # "Through the portal" is the person's own act, never a worker's to record.
        choices=[
            c
            for c in SharingPreference.Expressed.choices
            if c[0] != SharingPreference.Expressed.PORTAL
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Say how the person told you")},
    )
    note = forms.CharField(
        label=_("When and where (optional)"),
        required=False,
        max_length=300,
        help_text=_("For example: 3 March, at the drop-in"),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("open_record") and cleaned.get("share_in") == "no":
            self.add_error(
                "share_in", _("To open the record, the organisation must be able to share in")
            )
        return cleaned


class ReviewForm(lw_forms.Form):
    outcome = forms.ChoiceField(
        label=_("Was this access appropriate?"),
        choices=[
            ("appropriate", _("Yes, appropriate")),
            ("inappropriate", _("No, not appropriate")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the access was appropriate")},
    )
    note = forms.CharField(
        label=_("Note (needed if not appropriate)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == "inappropriate" and not cleaned.get("note", "").strip():
            self.add_error("note", _("Say what was wrong and what action is being taken"))
        return cleaned


class PersonReportForm(ReferenceForm):
    pass


class WorkerReportForm(lw_forms.Form):
    worker = forms.ModelChoiceField(
        label=_("Worker"),
        queryset=User.objects.filter(memberships__isnull=False).distinct().order_by("display_name"),
        empty_label=_("Choose a worker"),
        error_messages={"required": _("Choose a worker")},
    )
