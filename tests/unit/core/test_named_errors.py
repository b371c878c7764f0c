"""A required field left empty names itself, in the NHS.UK design system's words."""

from __future__ import annotations

from django import forms

from livingwell.core import forms as lw_forms


class Example(lw_forms.Form):
    whats_happening = forms.CharField(label="What is happening?")
    how = forms.ChoiceField(label="How", choices=[("phone", "Phone")])
    nhs_number = forms.CharField(label="NHS number")
    agreed = forms.BooleanField(label="The person agrees")
    own = forms.CharField(label="Reason", error_messages={"required": "Give the reason"})


def test_empty_required_fields_name_themselves():
    form = Example(data={})
    assert not form.is_valid()
    assert form.errors == {
        "whats_happening": ["Enter what is happening"],
        "how": ["Choose how"],
        "nhs_number": ["Enter NHS number"],
        "agreed": ["Confirm the person agrees"],
        "own": ["Give the reason"],
    }
