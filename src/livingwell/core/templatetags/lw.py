"""Template helpers that render Django form fields as NHS.UK frontend components."""

from django import forms, template
from django.forms.formsets import BaseFormSet
from django.utils.translation import gettext, ngettext

register = template.Library()


@register.filter
def widget_kind(field) -> str:
    widget = field.field.widget
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    return "input"


@register.filter
def nhsuk_widget(field):
    widget = field.field.widget
    attrs = {}
    if isinstance(widget, forms.Textarea):
        css = "nhsuk-textarea"
    elif isinstance(widget, forms.Select):
        css = "nhsuk-select"
    else:
        css = "nhsuk-input"
        width = widget.attrs.get("data-width")
        if width:
            css += f" nhsuk-input--width-{width}"
    if field.errors:
        css += f" {css.split()[0]}--error"
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    attrs["class"] = css
    return field.as_widget(attrs=attrs)


@register.filter
def days_ago(days: int) -> str:
    """ "1 day ago", "12 days ago": a number of whole days, in words."""
    return ngettext("%(days)s day ago", "%(days)s days ago", days) % {"days": days}


def _has_errors(value) -> bool:
    if isinstance(value, forms.BaseForm):
        return value.is_bound and bool(value.errors)
    if isinstance(value, BaseFormSet):
        return value.is_bound and not value.is_valid()
    return False


@register.simple_tag(takes_context=True)
def error_prefix(context) -> str:
    """ "Error: " before the page title when any form on the page has errors, as the NHS.UK
    design system asks, so screen reader users hear it first. One rule for every page."""
    if any(_has_errors(value) for value in context.flatten().values()):
        return gettext("Error: ")
    return ""


@register.filter
def error_target(field) -> str:
    """The id an error summary links to: the field's input, or for a set of radios or checkboxes
    the first of them (the set itself has no id to go to)."""
    if widget_kind(field) in {"radios", "checkboxes"}:
        return f"{field.auto_id}_0"
    return field.id_for_label or field.auto_id
