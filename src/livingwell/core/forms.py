"""What every form of ours shares: a required field left empty says which field it is."""

from __future__ import annotations

from django import forms
from django.forms.utils import pretty_name
from django.utils.translation import gettext

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
