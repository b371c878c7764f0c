"""Template helpers that render Django form fields as NHS.UK frontend components."""

from django import forms, template
from django.utils.translation import ngettext

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
