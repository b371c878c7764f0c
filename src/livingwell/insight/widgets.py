"""Filter widgets that render in Python rather than through the form template renderer.

Django renders a select through one template include per option, which costs more than the rest
of a dashboard page served from its snapshot. These give the same markup as Django's own
``select.html`` / ``input.html`` templates, built with ``format_html`` (every value escaped).
"""

from __future__ import annotations

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.html import format_html
from django.utils.safestring import mark_safe


def flatatt(attrs: dict) -> str:
    """Attributes in the given order, as Django's ``attrs.html``: True bare, False left out."""
    return mark_safe(  # noqa: S308 - every part built by format_html
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
            for name, value in attrs.items()
            if value is not False and value is not None
        )
    )


class QuickSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))]
        for _group, options, _index in widget["optgroups"]:
            for option in options:
                parts.append(
                    format_html(
                        '<option value="{}"{}>{}</option>',
                        str(option["value"]),
                        flatatt(option["attrs"]),
                        option["label"],
                    )
                )
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every part built by format_html


class QuickDateInput(forms.DateInput):
    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else format_html(' value="{}"', widget["value"])
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            widget["type"],
            widget["name"],
            shown,
            flatatt(widget["attrs"]),
        )


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
