"""Co-production pages: activities, the people involved, decisions, payments, the network view,
and the public "You said, we did".

The records hold no care data and no link to anyone's care record: the pages need the
``lead_coproduction`` permission and load rows by id. Every change goes through
``coproduction.actions``; a refused one is shown beside the field it is about.
"""

from __future__ import annotations

import csv
from datetime import date

from django import forms as django_forms
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from livingwell.access import audit
from livingwell.access.permissions import Permission
from livingwell.access.policy import public, staff
from livingwell.coproduction import actions, network, payments, queries
from livingwell.coproduction import forms as f
from livingwell.coproduction import public as public_part
from livingwell.coproduction.models import (
    Activity,
    Attendance,
    CoproductionSettings,
    Decision,
    Expense,
    InvolvedPerson,
    RateCard,
)
from livingwell.coproduction.receipts import CONTENT_TYPES
from livingwell.core.exports import formula_safe
from livingwell.core.forms import perform, posted, submit
from livingwell.core.ids import as_uuid

LEAD = Permission.LEAD_COPRODUCTION
PAGE_ROWS = 50


def form_page(request, form, *, title, back_url, button, intro="", caption="", multipart=False):
    return render(
        request,
        "coproduction/form.html",
        {
            "form": form,
            "title": title,
            "back_url": back_url,
            "button": button,
            "intro": intro,
            "caption": caption,
            "multipart": multipart,
        },
    )


# --------------------------------------------------------------------------------------------
# Activities


@staff(LEAD)
@require_GET
def activities(request):
    rows = list(Activity.objects.order_by("-held_on", "title")[:PAGE_ROWS])
    return render(
        request,
        "coproduction/activities.html",
        {"rows": rows, "total": Activity.objects.count(), "page_rows": PAGE_ROWS},
    )


@staff(LEAD)
@require_http_methods(["GET", "POST"])
def activity_new(request):
    form = f.ActivityForm(posted(request))
    activity = submit(
        request,
        form,
        lambda data: actions.record_activity(by=request.user, **data),
        done=_("Activity recorded. Next: who was in the room."),
    )
    if activity:
        return redirect("coproduction:activity", activity_id=activity.pk)
    return form_page(
        request,
        form,
        title=_("Record an activity"),
        back_url=reverse("coproduction:activities"),
        button=_("Record the activity"),
    )


@staff(LEAD)
@require_GET
def activity(request, activity_id):
    item = get_object_or_404(Activity, pk=activity_id)
    attendances = list(item.attendances.select_related("person").prefetch_related("expenses"))
    decisions = list(item.decisions.all())
    return render(
        request,
        "coproduction/activity.html",
        {
            "activity": item,
            "attendances": attendances,
            "decisions": decisions,
            "overdue": queries.overdue_ids(decisions),
        },
    )


@staff(LEAD)
@require_http_methods(["GET", "POST"])
def activity_rate(request, activity_id):
    item = get_object_or_404(Activity, pk=activity_id)
    form = f.RatingForm(
        posted(request),
        initial={
            "participants_level": item.participants_level or "",
            "staff_level": item.staff_level or "",
        },
    )
    if submit(
        request,
        form,
        lambda data: actions.rate_activity(by=request.user, activity=item, **data),
        done=_("Ratings saved."),
    ):
        return redirect("coproduction:activity", activity_id=item.pk)
    return form_page(
        request,
        form,
        title=_("Rate the level achieved"),
        caption=item.title,
        back_url=reverse("coproduction:activity", args=[item.pk]),
        button=_("Save the ratings"),
        intro=_(
            "Ask the participants to agree their rating among themselves, and staff theirs, "
            "separately. Both are shown side by side."
        ),
    )


@staff(LEAD)
@require_http_methods(["GET", "POST"])
def attendance_add(request, activity_id):
    item = get_object_or_404(Activity, pk=activity_id)
    form = f.AttendanceForm(posted(request))
    if submit(
        request,
        form,
        lambda data: actions.add_attendance(by=request.user, activity=item, **data),
        done=lambda attendance: _("{name} added.").format(name=attendance.person.name),
    ):
        return redirect("coproduction:activity", activity_id=item.pk)
    return form_page(
        request,
        form,
        title=_("Add someone who was in the room"),
        caption=item.title,
        back_url=reverse("coproduction:activity", args=[item.pk]),
        button=_("Add them"),
        intro=_("Not listed? Add the person first: "),
    )


# --------------------------------------------------------------------------------------------
# Involved people


@staff(LEAD)
@require_http_methods(["GET", "POST"])
def person_new(request):
    form = f.PersonForm(posted(request))
    person = submit(
        request,
        form,
        lambda data: actions.add_person(by=request.user, **data),
        done=lambda added: _("{name} added.").format(name=added.name),
    )
    if person:
        back = Activity.objects.filter(pk=as_uuid(request.GET.get("activity"))).first()
        if back is not None:
            return redirect("coproduction:attendance_add", activity_id=back.pk)
        return redirect("coproduction:person", person_id=person.pk)
    return form_page(
        request,
        form,
        title=_("Add an involved person"),
        back_url=reverse("coproduction:activities"),
        button=_("Add the person"),
        intro=_(
            "An involved person's record is kept apart from any care record, even if they are "
            "also supported by the network. The equality questions are voluntary."
        ),
    )


@staff(LEAD)
@require_GET
def person(request, person_id):
    item = get_object_or_404(InvolvedPerson, pk=person_id)
    attendances = list(
        item.attendances.select_related("activity", "rate_card").order_by("-activity__held_on")[
            :PAGE_ROWS
        ]
    )
    return render(
        request,
        "coproduction/person.html",
        {"person": item, "attendances": attendances, "totals": queries.totals_for(item)},
    )


# --------------------------------------------------------------------------------------------
# Payments


def _attendance(attendance_id) -> Attendance:
    return get_object_or_404(
        Attendance.objects.select_related("activity", "person", "rate_card"), pk=attendance_id
    )


@staff(LEAD)
@require_http_methods(["GET", "POST"])
def payment(request, attendance_id):
    item = _attendance(attendance_id)
    form = f.AcceptForm(posted(request))
    if request.POST.get("answer") == "decline":
        done = submit(
            request,
            form,
            lambda data: actions.decline_payment(by=request.user, attendance=item),
            done=_("Payment declined. Expenses can still be repaid."),
        )
    else:
        done = submit(
            request,
            form,
            lambda data: actions.accept_payment(
                by=request.user, attendance=item, warning_seen=data["warning_seen"]
            ),
            done=_("Payment accepted."),
        )
    if done:
        return redirect("coproduction:activity", activity_id=item.activity_id)
    return render(
        request,
        "coproduction/payment.html",
        {"attendance": item, "offer": queries.offer_for(item), "form": form},
    )


@staff(LEAD)
@require_http_methods(["GET", "POST"])
def expense_add(request, attendance_id):
    item = _attendance(attendance_id)
    form = f.ExpenseForm(posted(request), request.FILES if request.method == "POST" else None)
    if submit(
        request,
        form,
        lambda data: actions.add_expense(by=request.user, attendance=item, **data),
        done=_("Expense added with its receipt."),
    ):
        return redirect("coproduction:activity", activity_id=item.activity_id)
    return form_page(
        request,
        form,
        title=_("Add an expense"),
        caption=f"{item.person.name} · {item.activity.title}",
        back_url=reverse("coproduction:activity", args=[item.activity_id]),
        button=_("Add the expense"),
        multipart=True,
    )


@staff(LEAD)
@require_GET
def receipt(request, expense_id):
    expense = get_object_or_404(Expense, pk=expense_id)
    if not expense.receipt:
        raise Http404
    extension = expense.receipt.name.rsplit(".", 1)[-1].lower()
    try:
        handle = expense.receipt.open("rb")
    except FileNotFoundError:  # lost from the receipts folder (a restore without it)
        raise Http404 from None
    audit.record(
        by=request.user,
        action="coproduction.receipt.view",
        category="coproduction",
        purpose="involvement",
        obj=expense,
    )
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"receipt-{expense.pk}.{extension}",
        content_type=CONTENT_TYPES.get(extension, "application/octet-stream"),
    )


def _period(request) -> tuple[f.PeriodForm, date, date]:
    today = timezone.localdate()
    default_start, default_end = date(today.year, today.month, 1), today
    form = f.PeriodForm(request.GET if "start" in request.GET else None)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    if not form.is_bound:
        form = f.PeriodForm(initial={"start": default_start, "end": default_end})
    return form, default_start, default_end


@staff(LEAD)
@require_GET
def payments_page(request):
    form, start, end = _period(request)
    lines = list(queries.payroll_lines(start, end))
    expenses = list(queries.expense_lines(start, end))
    return render(
        request,
        "coproduction/payments.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "lines": lines,
            "payroll_total": sum((a.amount for a in lines), payments.ZERO),
            "expenses": expenses,
            "expenses_total": sum((e.amount for e in expenses), payments.ZERO),
            "cards": list(RateCard.objects.all()[:10]),
            "config": CoproductionSettings.current(),
            "waiting": Attendance.objects.filter(payment=Attendance.Payment.OFFERED)
            .select_related("activity", "person")
            .order_by("activity__held_on")[:PAGE_ROWS],
        },
    )


def _csv_response(name: str, header: list[str], rows, total_label: str, total) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([formula_safe(str(v)) for v in row])
    writer.writerow([formula_safe(total_label)] + [""] * (len(header) - 2) + [str(total)])
    return response


def _export_period(request):
    form = f.PeriodForm(request.GET)
    if not form.is_valid():
        return None, None
    return form.cleaned_data["start"], form.cleaned_data["end"]


@staff(LEAD)
@require_GET
def payroll_csv(request):
    start, end = _export_period(request)
    if start is None:
        return HttpResponse(_("Choose a period with a start and an end date."), status=400)
    lines = list(queries.payroll_lines(start, end))
    rows = [
        [
            a.person.name,
            a.person.payroll_reference,
            a.activity.held_on.isoformat(),
            a.activity.title,
            a.get_role_display(),
            "yes" if a.enhanced else "no",
            a.hours,
            a.activity.get_payment_basis_display(),
            f"v{a.rate_card.version}",
            a.amount,
        ]
        for a in lines
    ]
    total = sum((a.amount for a in lines), payments.ZERO)
    audit.record(
        by=request.user,
        action="coproduction.payroll.export",
        category="coproduction",
        purpose="involvement",
        detail={"start": start.isoformat(), "end": end.isoformat(), "rows": len(rows)},
    )
    return _csv_response(
        f"involvement-payroll-{start}-{end}.csv",
        [
            _("Name"),
            _("Payroll reference"),
            _("Date"),
            _("Activity"),
            _("Role"),
            _("Enhanced"),
            _("Hours"),
            _("Basis"),
            _("Rate card"),
            _("Amount (£)"),
        ],
        rows,
        _("Total"),
        total,
    )


@staff(LEAD)
@require_GET
def expenses_csv(request):
    start, end = _export_period(request)
    if start is None:
        return HttpResponse(_("Choose a period with a start and an end date."), status=400)
    lines = list(queries.expense_lines(start, end))
    rows = [
        [
            e.attendance.person.name,
            e.attendance.person.payroll_reference,
            e.attendance.activity.held_on.isoformat(),
            e.attendance.activity.title,
            e.get_kind_display(),
            e.description,
            "yes" if e.receipt else "no",
            e.amount,
        ]
        for e in lines
    ]
    audit.record(
        by=request.user,
        action="coproduction.expenses.export",
        category="coproduction",
        purpose="involvement",
        detail={"start": start.isoformat(), "end": end.isoformat(), "rows": len(rows)},
    )
    return _csv_response(
        f"involvement-expenses-{start}-{end}.csv",
        [
            _("Name"),
            _("Payroll reference"),
            _("Date"),
            _("Activity"),
            _("Kind"),
            _("What it was for"),
            _("Receipt"),
            _("Amount (£)"),
        ],
        rows,
        _("Total"),
        sum((e.amount for e in lines), payments.ZERO),
    )


@staff(LEAD)
@require_http_methods(["GET", "POST"])
def rate_card_new(request):
    form = f.RateCardForm(posted(request), initial={"half_day_hours": "4"})
    if submit(
        request,
        form,
        lambda data: actions.add_rate_card(by=request.user, **data),
        done=_("New rate card version saved."),
    ):
        return redirect("coproduction:payments")
    return form_page(
        request,
        form,
        title=_("Add a version of the rate card"),
        back_url=reverse("coproduction:payments"),
        button=_("Save the rates"),
        intro=_(
            "Activities are paid at the version in force on their day: earlier activities keep "
            "their rates."
        ),
    )


@staff(LEAD)
@require_http_methods(["GET", "POST"])
def settings_page(request):
    config = CoproductionSettings.current()
    form = f.SettingsForm(
        posted(request),
        initial={
            "feedback_due_days": config.feedback_due_days,
            "benefits_warning_amount": config.benefits_warning_amount,
            "benefits_advice": config.benefits_advice,
        },
    )
    if submit(
        request,
        form,
        lambda data: actions.set_settings(by=request.user, **data),
        done=_("Co-production settings saved."),
    ):
        return redirect("coproduction:payments")
    return form_page(
        request,
        form,
        title=_("Co-production settings"),
        back_url=reverse("coproduction:payments"),
        button=_("Save the settings"),
    )


# --------------------------------------------------------------------------------------------
# Decisions


def _link_fields() -> dict:
    from livingwell.directory.models import Service
    from livingwell.improvement.models import ImprovementProject, PDSACycle
    from livingwell.insight.models import ChartAnnotation
    from livingwell.outcomes.models import OutcomeFrameworkVersion

    class Choice(django_forms.ModelChoiceField):
        def __init__(self, name, label, queryset):
            super().__init__(label=label, queryset=queryset, required=False)
            self.link_name = name

        def label_from_instance(self, obj):
            return queries.describe_link(self.link_name, obj)

    def choice(label, qs):
        return label, qs

    fields = {
        "improvement_project": choice(
            _("Improvement project it started (optional)"),
            ImprovementProject.objects.order_by("title"),
        ),
        "pdsa_cycle": choice(
            _("PDSA cycle that tests it (optional)"),
            PDSACycle.objects.select_related("project").order_by("project__title", "number"),
        ),
        "process_change": choice(
            _("Process change on an insight chart (optional)"),
            ChartAnnotation.objects.filter(
                kind="process_change", withdrawn_at__isnull=True
            ).order_by("-effective_date"),
        ),
        "directory_service": choice(
            _("Directory service it changed (optional)"), Service.objects.order_by("name")
        ),
        "outcome_framework_version": choice(
            _("Outcome framework version (optional)"),
            OutcomeFrameworkVersion.objects.order_by("-version"),
        ),
    }
    return {name: Choice(name, label, qs) for name, (label, qs) in fields.items()}


@staff(LEAD)
@require_GET
def decisions(request):
    rows = list(Decision.objects.select_related("activity").order_by("-decided_on")[:PAGE_ROWS])
    return render(
        request,
        "coproduction/decisions.html",
        {
            "rows": rows,
            "total": Decision.objects.count(),
            "overdue": queries.overdue_ids(rows),
            "overdue_total": Decision.objects.filter(queries.feedback_overdue_q()).count(),
            "page_rows": PAGE_ROWS,
        },
    )


@staff(LEAD)
@require_http_methods(["GET", "POST"])
def decision_new(request, activity_id):
    item = get_object_or_404(Activity, pk=activity_id)
    form = f.DecisionForm(posted(request), link_fields=_link_fields())
    decision = submit(
        request,
        form,
        lambda data: actions.log_decision(by=request.user, activity=item, **data),
        done=_("Decision logged."),
    )
    if decision:
        return redirect("coproduction:decision", decision_id=decision.pk)
    return form_page(
        request,
        form,
        title=_("Log a decision"),
        caption=item.title,
        back_url=reverse("coproduction:activity", args=[item.pk]),
        button=_("Log the decision"),
    )


@staff(LEAD)
@require_GET
def decision(request, decision_id):
    item = get_object_or_404(Decision.objects.select_related("activity"), pk=decision_id)
    return _decision_page(request, item, f.FeedbackForm(initial={"given_on": timezone.localdate()}))


def _decision_page(request, item, feedback_form, status=200):
    return render(
        request,
        "coproduction/decision.html",
        {
            "decision": item,
            "links": queries.decision_links(item),
            "overdue": bool(queries.overdue_ids([item])),
            "feedback_form": feedback_form,
        },
        status=status,
    )


@staff(LEAD)
@require_POST
def decision_feedback(request, decision_id):
    item = get_object_or_404(Decision, pk=decision_id)
    form = f.FeedbackForm(request.POST)
    if submit(
        request,
        form,
        lambda data: actions.record_feedback(
            by=request.user, decision=item, given_on=data["given_on"]
        ),
        done=_("Feedback date recorded."),
    ):
        return redirect("coproduction:decision", decision_id=item.pk)
    return _decision_page(request, item, form, status=400)


@staff(LEAD)
@require_http_methods(["GET", "POST"])
def decision_finalise(request, decision_id):
    item = get_object_or_404(Decision, pk=decision_id)
    form = f.FinaliseForm(
        posted(request), initial={"duty": item.duty, "duty_how_met": item.duty_how_met}
    )

    def run(data):
        if item.duty != data["duty"] or item.duty_how_met != data["duty_how_met"]:
            actions.record_duty(
                by=request.user,
                decision=item,
                duty=data["duty"],
                duty_how_met=data["duty_how_met"],
            )
        return actions.finalise_decision(by=request.user, decision=item, public=data["public"])

    if submit(request, form, run, done=_("The decision is final.")):
        return redirect("coproduction:decision", decision_id=item.pk)
    return form_page(
        request,
        form,
        title=_("Mark the decision final"),
        caption=item.title,
        back_url=reverse("coproduction:decision", args=[item.pk]),
        button=_("Mark it final"),
        intro=_(
            "Record whether the statutory involvement duty applied to this decision and how it "
            "was met. A final decision keeps this assessment."
        ),
    )


@staff(LEAD)
@require_POST
def decision_publish(request, decision_id):
    item = get_object_or_404(Decision, pk=decision_id)
    publish = request.POST.get("public") == "1"
    perform(
        request,
        lambda: actions.set_public(by=request.user, decision=item, public=publish),
        done=_("Published on 'You said, we did'.") if publish else _("No longer published."),
    )
    return redirect("coproduction:decision", decision_id=item.pk)


# --------------------------------------------------------------------------------------------
# Seeing it


@staff(LEAD)
@require_GET
def network_page(request):
    return render(request, "coproduction/network.html", {"view": network.network_view()})


@public
@require_GET
def you_said_we_did(request):
    return render(
        request,
        "coproduction/you_said_we_did.html",
        {"decisions": public_part.published_decisions()},
    )
