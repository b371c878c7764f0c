"""The dashboard filter's lists of teams, tiers and organisations, read as plain rows.

Rendered by Django's own select widget and its templates, like every other form field.
"""

from __future__ import annotations

from django import forms
from django.forms.models import ModelChoiceIterator


class NameChoiceIterator(ModelChoiceIterator):
    """The choices as plain (pk, name) rows in one ordinary query, read only when rendered.

    Django's iterator reads whole model instances through ``QuerySet.iterator()``, which on
    PostgreSQL is a server-side cursor: three round trips per list instead of one.
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.queryset.values_list("pk", "name")


class NameChoiceField(forms.ModelChoiceField):
    """A model choice (validated against the queryset as usual) listed by the model's ``name``."""

    iterator = NameChoiceIterator
