"""Process changes and targets for the dashboard's SPC charts: the list, add, edit and withdraw.

Everyone who can see insight can read the list (with withdrawn entries kept as history); only
those who configure the site can change it, and every change goes through an audited action in
``insight.actions``.
"""

from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from livingwell.access.permissions import Permission
from livingwell.access.policy import staff
from livingwell.insight.models import ChartAnnotation


class ChartAnnotationForm(forms.Form):
    chart = forms.ChoiceField(
        label=gettext_lazy("Chart"), choices=ChartAnnotation.Chart.choices, widget=forms.RadioSelect
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("What are you adding?"),
        choices=ChartAnnotation.Kind.choices,
        widget=forms.RadioSelect,
    )
    effective_date = forms.DateField(
        label=gettext_lazy("Date it takes effect"),
        help_text=gettext_lazy(
            "For a process change, new limits start from the first week (Monday) on or after "
            "this date."
        ),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": gettext_lazy("Enter the date it takes effect."),
            "invalid": gettext_lazy("Enter a real date, for example 2026-01-05."),
        },
    )
    target_value = forms.CharField(
        label=gettext_lazy("Target value (targets only)"),
        help_text=gettext_lazy("In the chart's unit, for example 3 for 3 days."),
        required=False,
        max_length=20,
    )
    note = forms.CharField(
        label=gettext_lazy("Note shown on the chart"),
        help_text=gettext_lazy("What changed, or why the target was set. No names of people."),
        max_length=200,
        required=False,
    )


@staff(Permission.VIEW_INSIGHT)
def chart_annotations(request):
    """List process changes and targets; those who configure the site can add them."""
    from django.contrib import messages
    from django.core.exceptions import PermissionDenied
    from django.shortcuts import redirect

    from livingwell.access.permissions import has_permission
    from livingwell.insight import actions

    can_add = has_permission(request.user, Permission.CONFIGURE_SITE)
    if request.method == "POST" and not can_add:
        raise PermissionDenied
    form = ChartAnnotationForm(request.POST or None) if can_add else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            actions.add_chart_annotation(by=request.user, **form.cleaned_data)
        except actions.AnnotationError as exc:
            form.add_error(exc.field, str(exc))
        else:
            messages.success(request, _("Added. The dashboard charts now use it."))
            return redirect("insight:annotations")
    items = ChartAnnotation.objects.select_related("created_by").order_by(
        "chart", "-effective_date", "-created_at"
    )
    return render(
        request,
        "insight/annotations.html",
        {"form": form, "items": items, "can_add": can_add},
    )
