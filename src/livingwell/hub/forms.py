from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from livingwell.accounts.models import Membership, Organisation, Team
from livingwell.core import forms as lw_forms
from livingwell.core import record_dates
from livingwell.hub.models import Contact, ContactMode, Tier
from livingwell.intake.models import ClosedReason
from livingwell.people.names import NameField

LONG = forms.Textarea(attrs={"rows": 4})
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def long_text(label, required=True, help_text=""):
    return forms.CharField(
        label=label, required=required, max_length=5000, widget=LONG, help_text=help_text
    )


class RecordDatesMixin:
    """Dates checked against the introduction by the one rule (core.record_dates), so the
    message sits beside the field; the action checks them again for every other caller."""

    def __init__(self, *args, introduction, **kwargs):
        super().__init__(*args, **kwargs)
        self.introduction = introduction

    def _checked(self, name: str, check) -> dt.date | None:
        value = self.cleaned_data.get(name)
        if value:
            try:
                check(value, received_at=self.introduction.received_at)
            except record_dates.RecordDateError as exc:
                raise forms.ValidationError(str(exc)) from None
        return value


class TierChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            queryset=Tier.objects.filter(is_active=True),
            empty_label=None,
            widget=forms.RadioSelect,
            **kwargs,
        )


class BoardFilterForm(lw_forms.Form):
    """The huddle board's filters, from its query string. A team or tier that is not one of the
    active ones is an error (a 400 with the message), never an empty board."""

    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label=_("All teams"),
        error_messages={"invalid_choice": _("Choose a team from the list.")},
    )
    tier = forms.ModelChoiceField(
        label=_("Tier"),
        queryset=Tier.objects.filter(is_active=True).order_by("order"),
        required=False,
        empty_label=_("All tiers"),
        error_messages={"invalid_choice": _("Choose a tier from the list.")},
    )

    def __init__(self, data, **kwargs):
        super().__init__(data, auto_id="filter-%s", **kwargs)

    def query_string(self) -> str:
        """The valid filters as a query string, for the links to the sections' own pages."""
        chosen = {name: value.pk for name, value in self.cleaned_data.items() if value}
        return urlencode(chosen)


class ConversationForm(lw_forms.Form):
    mode = forms.ChoiceField(
        label=_("How did you talk?"), choices=ContactMode.choices, widget=forms.RadioSelect
    )
    place = forms.CharField(
        label=_("Where (optional)"),
        required=False,
        max_length=150,
        help_text=_("For example, by phone, a café, their GP surgery, at home"),
    )
    whats_happening = long_text(_("What is happening for the person"))
    what_matters = long_text(_("What matters to them"))
    strengths = long_text(_("Their strengths and what is already helping"), required=False)
    what_they_want = long_text(_("What they want from support"), required=False)
    risks = long_text(_("Risks to themselves or others"), required=False)
    safety_plan = long_text(_("Safety plan"), required=False)
    next_step = long_text(_("The next step you agreed"))
    tier = TierChoiceField(label=_("Support tier"))


class AllocateForm(lw_forms.Form):
    membership = forms.ModelChoiceField(
        label=_("Key worker"),
        queryset=Membership.objects.none(),
        empty_label="",
        help_text=_("Anyone in any partner organisation can be the key worker"),
    )
    reason = forms.CharField(
        label=_("Reason for the transfer (needed when changing key worker)"),
        required=False,
        max_length=300,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = (
            Membership.objects.current()
            .filter(team__isnull=False, team__is_active=True)
            .exclude(role__in=["privacy_officer", "site_admin", "analyst"])
            .select_related("user", "team", "organisation")
            .order_by("team__name", "user__display_name")
        )
        self.fields["membership"].label_from_instance = lambda m: (
            f"{m.user} – {m.get_role_display()}, {m.team} "
            f"({m.organisation.short_name or m.organisation})"
        )


class TierForm(lw_forms.Form):
    tier = TierChoiceField(label=_("Move to tier"))
    reason = forms.CharField(label=_("Why"), max_length=300)


class PlanForm(RecordDatesMixin, lw_forms.Form):
    """A new version of the plan. It starts from the whole current version (`from_version`), with
    one empty action row more than it has, so nothing the worker did not change is lost."""

    goal_1 = forms.CharField(label=_("Goal 1, in the person's own words"), max_length=300)
    goal_2 = forms.CharField(label=_("Goal 2 (optional)"), required=False, max_length=300)
    goal_3 = forms.CharField(label=_("Goal 3 (optional)"), required=False, max_length=300)
    review_date = forms.DateField(label=_("Review date"), widget=DATE)
    agreed_with_person = forms.BooleanField(
        label=_("The person helped write this plan and agrees with it"), required=False
    )

    MIN_ACTION_ROWS = 2

    def __init__(self, data=None, *, introduction, from_version=None):
        previous = list(from_version.actions) if from_version else []
        self.action_rows = max(self.MIN_ACTION_ROWS, len(previous) + 1)
        initial = {}
        if from_version:
            initial = {f"goal_{i}": g["text"] for i, g in enumerate(from_version.goals[:3], 1)}
            initial["review_date"] = from_version.review_date
            initial["agreed_with_person"] = from_version.agreed_with_person
            for i, action in enumerate(previous, 1):
                initial[f"action_{i}"] = action.get("what", "")
                initial[f"who_{i}"] = action.get("who", "")
                if action.get("by"):
                    initial[f"by_{i}"] = dt.date.fromisoformat(action["by"])
        super().__init__(data, initial=initial, introduction=introduction)
        # Action rows go between the goals and the review date, in order.
        fields = {name: self.fields.pop(name) for name in ("review_date", "agreed_with_person")}
        for i in range(1, self.action_rows + 1):
            self.fields[f"action_{i}"] = forms.CharField(
                label=_("Action %(n)d: what will happen") % {"n": i},
                required=False,
                max_length=300,
            )
            self.fields[f"who_{i}"] = NameField(
                label=_("Who will do action %(n)d") % {"n": i}, required=False, max_length=150
            )
            self.fields[f"by_{i}"] = forms.DateField(
                label=_("By when (action %(n)d)") % {"n": i}, required=False, widget=DATE
            )
        self.fields.update(fields)

    def clean_review_date(self):
        value = self._checked("review_date", record_dates.check_planned_date)
        if value < timezone.localdate():
            raise forms.ValidationError(_("The review date must be today or later"))
        return value

    def clean(self):
        cleaned = super().clean()
        for i in range(1, self.action_rows + 1):
            what = cleaned.get(f"action_{i}")
            if not what and (cleaned.get(f"who_{i}") or cleaned.get(f"by_{i}")):
                self.add_error(
                    f"action_{i}", _("Enter what will happen in action %(n)d") % {"n": i}
                )
            if cleaned.get(f"by_{i}"):
                try:
                    record_dates.check_planned_date(
                        cleaned[f"by_{i}"], received_at=self.introduction.received_at
                    )
                except record_dates.RecordDateError as exc:
                    self.add_error(f"by_{i}", str(exc))
        return cleaned

    def goals(self):
        return [
            self.cleaned_data.get(f"goal_{i}", "")
            for i in (1, 2, 3)
            if self.cleaned_data.get(f"goal_{i}")
        ]

    def actions(self):
        return [
            {
                "what": self.cleaned_data.get(f"action_{i}", ""),
                "who": self.cleaned_data.get(f"who_{i}", ""),
                "by": self.cleaned_data.get(f"by_{i}") or "",
            }
            for i in range(1, self.action_rows + 1)
        ]


class ContactForm(RecordDatesMixin, lw_forms.Form):
    outcome = forms.ChoiceField(
        label=_("What happened"), choices=Contact.Outcome.choices, widget=forms.RadioSelect
    )
    mode = forms.ChoiceField(label=_("How"), choices=ContactMode.choices, widget=forms.RadioSelect)
    contact_date = forms.DateField(
        label=_("Date of the contact"),
        widget=DATE,
        help_text=_("Leave as today unless recording a past contact"),
    )
    duration_minutes = forms.IntegerField(
        label=_("Length in minutes"), min_value=0, max_value=1440, initial=0
    )
    note = long_text(_("Note"), required=False)
    restricted = forms.BooleanField(label=_("Only my team can see this note"), required=False)

    def clean_contact_date(self):
        return self._checked("contact_date", record_dates.check_record_date)

    def contact_at(self):
        day = self.cleaned_data["contact_date"]
        if day == timezone.localdate():
            return timezone.now()
        return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


class HandoverForm(lw_forms.Form):
    introduction = forms.ChoiceField(label=_("Person"), choices=[])
    to_organisation = forms.ModelChoiceField(
        label=_("Hand over to"),
        queryset=Organisation.objects.filter(is_active=True),
        empty_label="",
    )
    what_is_asked = long_text(_("What are you asking them to do?"))

    def __init__(self, *args, caseload=(), fixed_introduction=None, **kwargs):
        super().__init__(*args, **kwargs)
        if fixed_introduction is not None:
            self.fields["introduction"].widget = forms.HiddenInput()
            self.fields["introduction"].choices = [
                (str(fixed_introduction.pk), fixed_introduction.reference)
            ]
            self.initial["introduction"] = str(fixed_introduction.pk)
        else:
            self.fields["introduction"].choices = [("", "")] + [
                (str(i.pk), f"{i.person.display_name} ({i.reference})") for i in caseload
            ]


class RespondForm(lw_forms.Form):
    decision = forms.ChoiceField(
        label=_("Your answer"),
        choices=[("accept", _("Accept")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    reason = long_text(_("Reason for declining (needed if you decline)"), required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "decline" and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Give a reason, so the Hub can find a better fit"))
        return cleaned


class AcknowledgeForm(lw_forms.Form):
    note = long_text(_("What happens next for the person"))


class CloseForm(lw_forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason for closing"), choices=ClosedReason.choices, widget=forms.RadioSelect
    )
    note = long_text(_("Closing note (optional)"), required=False)


class ReturnForm(lw_forms.Form):
    tier = TierChoiceField(label=_("Support tier"))
    note = forms.CharField(label=_("Why they are coming back"), max_length=300)


class FindForm(lw_forms.Form):
    reference = forms.CharField(
        label=_("Reference number"), max_length=20, help_text=_("For example LW-7K3M-9QRT")
    )

    def clean_reference(self):
        return self.cleaned_data["reference"].strip().upper()
