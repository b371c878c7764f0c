"""Process changes and targets for the dashboard's SPC charts: the list, add, edit and withdraw.

Everyone who can see insight can read the list (with withdrawn entries kept as history); only
those who configure the site can change it, and every change goes through an audited action in
``insight.actions``.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from livingwell.access.permissions import Permission, has_permission
from livingwell.access.policy import staff
from livingwell.core import forms as lw_forms
from livingwell.insight import actions
from livingwell.insight.models import ChartAnnotation, ChartAnnotationEdit


class ChartAnnotationForm(lw_forms.Form):
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


REASON_HELP = gettext_lazy(
    "Kept in the history on this page for the board and the collaborative. No names of people."
)


class EditAnnotationForm(lw_forms.Form):
    effective_date = ChartAnnotationForm.base_fields["effective_date"]
    target_value = forms.CharField(
        label=gettext_lazy("Target value"),
        help_text=gettext_lazy("In the chart's unit, for example 3 for 3 days."),
        required=False,
        max_length=20,
    )
    note = ChartAnnotationForm.base_fields["note"]
    reason = forms.CharField(
        label=gettext_lazy("Why are you changing it?"),
        help_text=REASON_HELP,
        max_length=actions.REASON_LIMIT,
        required=False,
    )

    def __init__(self, *args, annotation: ChartAnnotation, **kwargs):
        super().__init__(*args, **kwargs)
        if annotation.kind != ChartAnnotation.Kind.TARGET:
            del self.fields["target_value"]  # a process change has no value to change


class WithdrawAnnotationForm(lw_forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why are you withdrawing it?"),
        help_text=REASON_HELP,
        max_length=actions.REASON_LIMIT,
        required=False,
    )


def _day(value) -> str:
    return formats.date_format(value, "j F Y")


def _value(value) -> str:
    return "–" if value is None else f"{value:f}".rstrip("0").rstrip(".")


def _history(items: list[ChartAnnotation]) -> list[dict]:
    """Every edit and withdrawal, newest first, described in words (what it said before)."""
    rows = []
    for a in items:
        for edit in a.edits.all():
            changes = [_("it took effect from {d}").format(d=_day(edit.previous_effective_date))]
            if a.kind == ChartAnnotation.Kind.TARGET:
                changes.append(_("the target was {v}").format(v=_value(edit.previous_target_value)))
            changes.append(_("the note was “{n}”").format(n=edit.previous_note))
            rows.append(
                {
                    "at": edit.edited_at,
                    "annotation": a,
                    "what": _("Changed. Before this change, {changes}.").format(
                        changes="; ".join(changes)
                    ),
                    "by": edit.edited_by,
                    "reason": edit.reason,
                }
            )
        if a.withdrawn_at is not None:
            rows.append(
                {
                    "at": a.withdrawn_at,
                    "annotation": a,
                    "what": _("Withdrawn: it no longer changes the chart."),
                    "by": a.withdrawn_by,
                    "reason": a.withdrawal_reason,
                }
            )
    rows.sort(key=lambda r: r["at"], reverse=True)
    return rows


@staff(Permission.VIEW_INSIGHT)
def chart_annotations(request):
    """List process changes and targets (and their history); site administrators add them."""
    can_add = has_permission(request.user, Permission.CONFIGURE_SITE)
    if request.method == "POST" and not can_add:
        raise PermissionDenied
    form = (
        ChartAnnotationForm(request.POST if request.method == "POST" else None) if can_add else None
    )
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            actions.add_chart_annotation(by=request.user, **form.cleaned_data)
        except actions.AnnotationError as exc:
            form.add_error(exc.field, str(exc))
        else:
            messages.success(request, _("Added. The dashboard charts now use it."))
            return redirect("insight:annotations")
    items = list(
        ChartAnnotation.objects.select_related("created_by", "withdrawn_by")
        .prefetch_related(
            Prefetch("edits", queryset=ChartAnnotationEdit.objects.select_related("edited_by"))
        )
        .order_by("chart", "-effective_date", "-created_at")
    )
    return render(
        request,
        "insight/annotations.html",
        {
            "form": form,
            "items": [a for a in items if a.withdrawn_at is None],
            "withdrawn": [a for a in items if a.withdrawn_at is not None],
            "history": _history(items),
            "can_add": can_add,
        },
    )


def _annotation_in_force(request, annotation_id):
    annotation = get_object_or_404(
        ChartAnnotation.objects.select_related("created_by"), pk=annotation_id
    )
    if annotation.withdrawn_at is not None:
        messages.info(request, _("That process change or target has been withdrawn."))
        return annotation, redirect("insight:annotations")
    return annotation, None


@staff(Permission.CONFIGURE_SITE)
def edit_annotation(request, annotation_id):
    """Change the date, note or target value of a process change or target, with a reason."""
    annotation, gone = _annotation_in_force(request, annotation_id)
    if gone:
        return gone
    initial = {
        "effective_date": annotation.effective_date,
        "target_value": _value(annotation.target_value)
        if annotation.target_value is not None
        else "",
        "note": annotation.note,
    }
    form = EditAnnotationForm(
        request.POST if request.method == "POST" else None, initial=initial, annotation=annotation
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.edit_chart_annotation(
                by=request.user, annotation=annotation, **form.cleaned_data
            )
        except actions.AnnotationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, _("Changed. The dashboard charts now use the new values."))
            return redirect("insight:annotations")
    return render(
        request,
        "insight/annotation_change.html",
        {"form": form, "annotation": annotation, "mode": "edit"},
    )


@staff(Permission.CONFIGURE_SITE)
def withdraw_annotation(request, annotation_id):
    """Withdraw a process change or target, with a reason; it is kept in the history."""
    annotation, gone = _annotation_in_force(request, annotation_id)
    if gone:
        return gone
    form = WithdrawAnnotationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.withdraw_chart_annotation(
                by=request.user, annotation=annotation, **form.cleaned_data
            )
        except actions.AnnotationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(
                request,
                _("Withdrawn. The dashboard charts no longer use it; it stays in the history."),
            )
            return redirect("insight:annotations")
    return render(
        request,
        "insight/annotation_change.html",
        {"form": form, "annotation": annotation, "mode": "withdraw"},
    )
