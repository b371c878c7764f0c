"""What every form of ours shares: a required field left empty says which field it is; the
fields the staff pages type the same way; and the POST half of a form page (validate, call one
action, show its refusal beside the field or say what was done)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.forms.utils import pretty_name
from django.utils.translation import gettext, gettext_lazy

from livingwell.core.refusals import Refused

_DJANGO_REQUIRED = forms.Field.default_error_messages["required"]
_CHOSEN = (forms.ChoiceField, forms.ModelChoiceField, forms.MultipleChoiceField)


def required_message(name: str, field: forms.Field) -> str:
    """ "Enter what is happening" for a field labelled "What is happening?", "Choose how" for a
    choice labelled "How": the NHS.UK design system's pattern for a missing answer."""
    label = str(field.label or pretty_name(name)).strip().rstrip("?:.").strip()
    if len(label) > 1 and not label[1].isupper():  # keep "NHS number" as it is
        label = label[0].lower() + label[1:]
    if isinstance(field, forms.BooleanField):
        return gettext("Confirm %(label)s") % {"label": label}
    if isinstance(field, _CHOSEN):
        return gettext("Choose %(label)s") % {"label": label}
    return gettext("Enter %(label)s") % {"label": label}


class NamedErrors:
    """Mixin for forms: Django's "This field is required." becomes a message naming the field;
    a message a form sets itself is kept."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if str(field.error_messages.get("required")) == str(_DJANGO_REQUIRED):
                field.error_messages["required"] = required_message(name, field)


class Form(NamedErrors, forms.Form):
    pass


class ModelForm(NamedErrors, forms.ModelForm):
    pass


# --------------------------------------------------------------------------------------------
# Fields typed the same way on many pages. The actions check what is required and the ranges
# (their refusal names the field), so these fields only turn the typing into values.


def date_field(label, help_text="", *, required=False) -> forms.DateField:
    """A date typed in the browser's date input (ISO, so it round-trips through ``initial``)."""
    return forms.DateField(
        label=label,
        help_text=help_text,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("Enter a real date, for example 2026-03-30.")},
    )


def text_field(label, help_text="", *, rows=None, max_length=4000) -> forms.CharField:
    """Optional text: one line, or a text area of ``rows`` lines."""
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput
    return forms.CharField(
        label=label, help_text=help_text, required=False, max_length=max_length, widget=widget
    )


def radios(label, choices, *, required=True, help_text="") -> forms.ChoiceField:
    """One answer from a short list, as radio buttons (the NHS.UK pattern); ``choices`` are the
    model's own, so the labels are said once."""
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        required=required,
        help_text=help_text,
    )


def decimal_text(label, help_text="", *, max_length=20) -> forms.CharField:
    """A number kept as typed (the action reads it as a Decimal and names the field if it is not
    one), in a short box that brings up the phone's number keys."""
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=max_length,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "data-width": "5"}),
    )


# --------------------------------------------------------------------------------------------
# The POST half of a form page


def posted(request):
    """The data to bind a page's form to: the POST, or None on a GET (an unbound form)."""
    return request.POST if request.method == "POST" else None


def show_refusal(form: forms.BaseForm, refusal: Refused) -> None:
    """An action's refusal beside the field it names, or above the form when the form has no
    such field."""
    form.add_error(refusal.field if refusal.field in form.fields else None, str(refusal))


def submit(
    request, form: forms.BaseForm, call: Callable[[dict], Any], *, done: str | Callable[[Any], str]
) -> Any:
    """On a POST with a valid form, run ``call(form.cleaned_data)`` (one action, ``by`` the
    user) and say ``done`` (or ``done(result)``) as a success message; return the action's
    result for the caller to redirect with (True if the result is empty, so that what was done
    always reads as true). A refusal goes on the form (``show_refusal``) and None is returned,
    as on a GET or an invalid form, for the caller to show the form again."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = call(form.cleaned_data)
    except Refused as refusal:
        show_refusal(form, refusal)
        return None
    messages.success(request, done(result) if callable(done) else done)
    return result or True


def perform(request, call: Callable[[], Any], *, done: str) -> bool:
    """For a button with no form (publish, remove, send): run the action and say ``done`` as a
    success message, or its refusal as an error message. True when it was done."""
    try:
        call()
    except Refused as refusal:
        messages.error(request, str(refusal))
        return False
    messages.success(request, done)
    return True
