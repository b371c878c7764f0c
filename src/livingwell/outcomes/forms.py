"""Forms generated from a measure definition: one set of radios per item."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from livingwell.core import forms as lw_forms
from livingwell.outcomes.actions import MAX_LINK_DAYS, NOT_BY_LINK
from livingwell.outcomes.definitions import MEASURES, get_definition
from livingwell.outcomes.models import MEASURE_CHOICES, Occasion, Source

MAX_GOALS = 3


def item_field_name(link_id: str) -> str:
    return f"item_{link_id}"


class MeasureForm(lw_forms.Form):
    """Answers to one measure. ``texts`` maps linkId to the item wording to show.

    For GBO, ``goals`` is the plan's goals ([{"key", "text"}]); item n rates goal n and its key
    travels in a hidden field, so a plan edited meanwhile cannot shift the ratings.
    """

    def __init__(self, *args, measure: str, texts: dict[str, str], goals=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure = measure
        self.definition = get_definition(measure)
        self.item_link_ids: list[str] = []
        items = self.definition.items
        if measure == "gbo":
            items = items[: min(len(goals or []), MAX_GOALS)]
        for index, item in enumerate(items):
            if measure == "gbo":
                goal = goals[index]
                label = _("Goal %(n)s: “%(text)s”") % {"n": item.link_id, "text": goal["text"]}
                self.fields[f"goal_{item.link_id}"] = forms.CharField(
                    widget=forms.HiddenInput, initial=goal["key"], required=False
                )
            else:
                label = f"{item.link_id}. {texts.get(item.link_id, item.demo_text)}"
            help_text = ""
            if measure == "dialog":
                help_text = item.label
            choices = [(str(v), str(v)) for v in sorted(item.values)]
            self.fields[item_field_name(item.link_id)] = forms.ChoiceField(
                label=label,
                help_text=help_text,
                choices=choices,
                widget=forms.RadioSelect,
                required=False,
            )
            self.item_link_ids.append(item.link_id)

    def item_fields(self):
        return [self[item_field_name(i)] for i in self.item_link_ids]

    def answers(self) -> dict[str, int]:
        data = self.cleaned_data
        return {
            link_id: int(data[item_field_name(link_id)])
            for link_id in self.item_link_ids
            if data.get(item_field_name(link_id)) not in (None, "")
        }

    def goal_keys(self) -> dict[str, str]:
        if self.measure != "gbo":
            return {}
        return {
            link_id: self.cleaned_data.get(f"goal_{link_id}") or ""
            for link_id in self.item_link_ids
            if self.cleaned_data.get(item_field_name(link_id)) not in (None, "")
        }

    def add_answer_errors(self, errors: dict) -> None:
        for link_id, message in errors.items():
            name = item_field_name(link_id) if link_id is not None else None
            self.add_error(name if name in self.fields else None, message)


class StaffMeasureForm(MeasureForm):
    """A worker recording a measure: with the person now, or from a paper form."""

    source = forms.ChoiceField(
        label=_("How was it completed?"),
        choices=[
            (Source.WORKER, _("With me, now or today")),
            (Source.PAPER, _("On a paper form (give the date written on it)")),
        ],
        widget=forms.RadioSelect,
        initial=Source.WORKER,
    )
    completed_at = forms.DateField(
        label=_("Date completed"),
        help_text=_("For a paper form, the date the person filled it in. For example, 27/3/2026."),
        error_messages={
            "required": _("Enter the date the measure was completed"),
            "invalid": _("Enter a real date, for example 27/3/2026"),
        },
        # A date input only shows a value written as YYYY-MM-DD; the site's locale format
        # (27/03/2026) left it blank, so the worker had to retype today's date.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    occasion = forms.ChoiceField(
        label=_("When in support is this?"), choices=Occasion.choices, initial=Occasion.REVIEW
    )

    field_order = ["source", "completed_at", "occasion"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["completed_at"].initial = timezone.localdate()

    def clean_completed_at(self):
        value = self.cleaned_data["completed_at"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The completed date cannot be in the future."))
        return value


class SendLinkForm(lw_forms.Form):
    measure = forms.ChoiceField(
        label=_("Measure"),
        choices=[(c, t) for c, t in MEASURE_CHOICES if c not in NOT_BY_LINK],
        widget=forms.RadioSelect,
    )
    occasion = forms.ChoiceField(
        label=_("When in support is this?"), choices=Occasion.choices, initial=Occasion.REVIEW
    )
    valid_days = forms.IntegerField(
        label=_("Days the link works for"),
        min_value=1,
        max_value=MAX_LINK_DAYS,
        initial=7,
        widget=forms.NumberInput(attrs={"data-width": "2", "inputmode": "numeric"}),
    )

    def valid_for(self) -> timedelta:
        return timedelta(days=self.cleaned_data["valid_days"])


DIALOG_CHOICES = [(i.link_id, f"{i.link_id}. {i.label}") for i in get_definition("dialog").items]


class OutcomeForm(lw_forms.Form):
    """One outcome in the site's framework (used in a formset)."""

    key = forms.CharField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Outcome"), max_length=200, required=False)
    i_statements = forms.CharField(
        label=_("“I” statements, one per line"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    measures = forms.MultipleChoiceField(
        label=_("Measures that show this outcome"),
        choices=[(c, get_definition(c).title) for c in MEASURES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    dialog_domains = forms.MultipleChoiceField(
        label=_("DIALOG items that show this outcome"),
        choices=DIALOG_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    goals = forms.BooleanField(label=_("Personal goals (GBO) count towards it"), required=False)

    def as_outcome(self) -> dict | None:
        data = self.cleaned_data
        if not data or not (data.get("title") or "").strip():
            return None
        return {
            "key": data.get("key") or "",
            "title": data["title"],
            "i_statements": [s for s in data.get("i_statements", "").splitlines() if s.strip()],
            "measures": data.get("measures") or [],
            "dialog_domains": data.get("dialog_domains") or [],
            "goals": data.get("goals", False),
        }


OutcomeFormSet = forms.formset_factory(OutcomeForm, extra=1, max_num=20)


class FrameworkNoteForm(lw_forms.Form):
    note = forms.CharField(
        label=_("What changed, and who agreed it (for example, the lived-experience panel)"),
        max_length=300,
        required=False,
    )


def outcome_initial(outcomes: list[dict]) -> list[dict]:
    return [
        {
            "key": o.get("key", ""),
            "title": o.get("title", ""),
            "i_statements": "\n".join(o.get("i_statements", [])),
            "measures": o.get("measures", []),
            "dialog_domains": o.get("dialog_domains", []),
            "goals": o.get("goals", False),
        }
        for o in outcomes
    ]
