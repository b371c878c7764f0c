"""The scenario form: the common changes as fields, or a whole scenario file pasted in."""

from __future__ import annotations

import json

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
    default_period,
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

    def rota_fields(self):
        return [self[f"rota_{day}"] for day in WEEKDAYS]

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
        return data


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
