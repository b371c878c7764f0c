"""The scenario form: the common changes as fields, or a whole scenario file pasted in."""

from __future__ import annotations

import json
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from livingwell.core.forms import Form
from livingwell.simulation.network import WEEKDAYS
from livingwell.simulation.scenario import (
    DEFAULT_REPLICATIONS,
    DEFAULT_SEED,
    DEFAULT_WARMUP_WEEKS,
    DEFAULT_WEEKS,
    FORMAT,
    MONTHS,
    ScenarioError,
    default_period,
    parse,
)

DAY_LABELS = {
    "monday": _("Monday"),
    "tuesday": _("Tuesday"),
    "wednesday": _("Wednesday"),
    "thursday": _("Thursday"),
    "friday": _("Friday"),
    "saturday": _("Saturday"),
    "sunday": _("Sunday"),
}
MONTH_LABELS = {
    "january": _("January"),
    "february": _("February"),
    "march": _("March"),
    "april": _("April"),
    "may": _("May"),
    "june": _("June"),
    "july": _("July"),
    "august": _("August"),
    "september": _("September"),
    "october": _("October"),
    "november": _("November"),
    "december": _("December"),
}
HOUR_RANGE = re.compile(r"^(\d{1,2})\s*(?:-|–|to)\s*(\d{1,2})$")
CLOSED = {"none", "closed"}


class ScenarioForm(Form):
    name = forms.CharField(label=_("Name of the scenario"), max_length=200, required=False)
    description = forms.CharField(
        label=_("What question does it answer? (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )
    data_start = forms.DateField(label=_("Data from (YYYY-MM-DD)"), required=False)
    data_end = forms.DateField(label=_("Data up to, not including (YYYY-MM-DD)"), required=False)
    weeks = forms.IntegerField(
        label=_("Weeks to simulate"), min_value=4, max_value=156, initial=DEFAULT_WEEKS
    )
    demand_multiplier = forms.FloatField(
        label=_("Demand as a multiple of today's (for example 1.1 for 10% more)"),
        min_value=0,
        max_value=10,
        required=False,
    )
    urgent_share = forms.FloatField(
        label=_("Share of introductions that are urgent (0 to 1)"),
        min_value=0,
        max_value=1,
        required=False,
    )
    conversations_per_worker_day = forms.FloatField(
        label=_("First conversations a Hub worker holds in a day"),
        min_value=0.1,
        max_value=50,
        required=False,
    )
    open_door_days = forms.FloatField(
        label=_("Days the open door stays open"), min_value=0, max_value=3650, required=False
    )
    urgent_line_hours = forms.CharField(
        label=_("Hours the urgent line answers when the Hub is closed"),
        help_text=_(
            "Ranges of whole hours on the 24-hour clock, separated by commas, for example "
            "17-24, 0-9. Write none to close the line. Empty keeps the hours the records show."
        ),
        max_length=200,
        required=False,
    )
    document = forms.CharField(
        label=_("Or paste a whole scenario file (JSON); it is used instead of the fields above"),
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        required=False,
        max_length=100_000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        start, end = default_period()
        self.fields["data_start"].initial = start
        self.fields["data_end"].initial = end
        for day in WEEKDAYS:
            self.fields[f"rota_{day}"] = forms.IntegerField(
                label=_("Hub workers holding first conversations on %(day)s")
                % {"day": DAY_LABELS[day]},
                min_value=0,
                max_value=500,
                required=False,
            )
        for month in MONTHS:
            self.fields[f"month_{month}"] = forms.FloatField(
                label=_("Introductions in %(month)s, as a multiple of the pattern seen")
                % {"month": MONTH_LABELS[month]},
                min_value=0,
                max_value=10,
                required=False,
            )

    def rota_fields(self):
        return [self[f"rota_{day}"] for day in WEEKDAYS]

    def month_fields(self):
        return [self[f"month_{month}"] for month in MONTHS]

    def clean_urgent_line_hours(self) -> list[dict] | None:
        """Ranges as the scenario file writes them; whether the hours make sense is the
        scenario's own check (``scenario.parse``), run in ``clean``."""
        text = self.cleaned_data.get("urgent_line_hours", "").strip()
        if not text:
            return None
        if text.lower() in CLOSED:
            return []
        ranges = []
        for part in text.split(","):
            match = HOUR_RANGE.match(part.strip())
            if not match:
                raise forms.ValidationError(
                    _(
                        "Write each range as two whole hours with a dash, for example 17-24; "
                        "'%(part)s' is not one."
                    )
                    % {"part": part.strip()}
                )
            ranges.append({"from": int(match[1]), "to": int(match[2])})
        return ranges

    def clean(self):
        data = super().clean()
        if data.get("document"):
            try:
                data["scenario"] = json.loads(data["document"])
            except json.JSONDecodeError as exc:
                self.add_error(
                    "document",
                    _("This is not valid JSON: %(msg)s at line %(line)s, column %(col)s.")
                    % {"msg": exc.msg, "line": exc.lineno, "col": exc.colno},
                )
            return data
        if not data.get("name"):
            self.add_error("name", _("Enter the name of the scenario"))
            return data
        changes: dict = {}
        for key in (
            "demand_multiplier",
            "urgent_share",
            "conversations_per_worker_day",
            "open_door_days",
        ):
            if data.get(key) is not None:
                changes[key] = data[key]
        rota = {day: data[f"rota_{day}"] for day in WEEKDAYS if data.get(f"rota_{day}") is not None}
        if rota:
            changes["hub_rota"] = rota
        months = {m: data[f"month_{m}"] for m in MONTHS if data.get(f"month_{m}") is not None}
        if months:
            changes["month_multipliers"] = months
        if data.get("urgent_line_hours") is not None:
            changes["urgent_line_hours"] = data["urgent_line_hours"]
        document = {
            "format": FORMAT,
            "name": data["name"],
            "description": data.get("description", ""),
            "weeks": data.get("weeks") or DEFAULT_WEEKS,
            "warmup_weeks": DEFAULT_WARMUP_WEEKS,
            "replications": DEFAULT_REPLICATIONS,
            "seed": DEFAULT_SEED,
            "changes": changes,
        }
        if data.get("data_start") and data.get("data_end"):
            document["data_period"] = {
                "start": data["data_start"].isoformat(),
                "end": data["data_end"].isoformat(),
            }
        data["scenario"] = document
        self._check_changes(document)
        return data

    def _check_changes(self, document: dict) -> None:
        """The scenario's own checks (the JSON Schema and what it cannot state), each error
        shown beside the field it is about."""
        try:
            parse(document)
        except ScenarioError as exc:
            for error in exc.errors:
                self.add_error(self._field_of(error), error)

    def _field_of(self, error: str) -> str | None:
        if error.startswith("changes.urgent_line_hours"):
            return "urgent_line_hours"
        for month in MONTHS:
            if error.startswith(f"changes.month_multipliers.{month}"):
                return f"month_{month}"
        return None


class RunForm(Form):
    replications = forms.IntegerField(
        label=_("Replications"), min_value=2, max_value=200, required=False
    )
    seed = forms.IntegerField(
        label=_("Seed (the same seed repeats the run exactly)"),
        min_value=0,
        max_value=2_147_483_647,
        required=False,
    )
