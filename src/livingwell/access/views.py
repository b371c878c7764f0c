"""Governance pages: emergency access, sharing choices, overrides, the person's access log and the
privacy officer's workspace. Thin: load through the access helper, call one action, respond."""

from __future__ import annotations

import csv
import uuid

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from livingwell.access import actions, audit, forms, queries
from livingwell.access.helpers import open_introduction, open_person, refuse
from livingwell.access.models import AuditEvent, BreakGlass, SafeguardingOverride, SharingPreference
from livingwell.access.permissions import Permission as P
from livingwell.access.permissions import has_permission
from livingwell.access.policy import staff
from livingwell.access.relationships import relationship
from livingwell.access.sharing import current_preferences, sharing_view
from livingwell.accounts.models import Organisation, User
from livingwell.core.exports import formula_safe
from livingwell.core.models import SiteConfig
from livingwell.intake.models import Introduction
from livingwell.people.models import Person

PENDING = BreakGlass.Review.PENDING


def _uuid(value):
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def _record(intro):
    return redirect("hub:record", introduction_id=intro.pk)


# --- emergency access (break-glass) ---------------------------------------------------------


def _emergency_page(request, form, glass_form=None, status=200):
    return render(
        request,
        "access/emergency.html",
        {
            "form": form,
            "glass_form": glass_form,
            "minutes": SiteConfig.current().break_glass_minutes,
        },
        status=status,
    )


@staff(P.BREAK_GLASS)
@require_http_methods(["GET", "POST"])
def emergency(request):
    """Find a person by reference in an emergency. POST, so nothing identifying is in a URL.

    A record the worker may open opens; any other answer (no such record, or no relationship)
    is the same page offering break-glass access, so the page never reveals that a record exists.
    """
    form = forms.ReferenceForm(request.POST if request.method == "POST" else None)
    glass_form = None
    if request.method == "POST" and form.is_valid():
        reference = form.cleaned_data["reference"]
        intro = Introduction.objects.select_related("person").filter(reference=reference).first()
        if intro is not None:
            rel = relationship(request.user, intro.person)
            if rel is not None and rel.full:
                return _record(intro)
            audit.record(
                by=request.user,
                action="find",
                person=intro.person,
                category="record",
                outcome=AuditEvent.Outcome.REFUSED,
            )
        glass_form = forms.BreakGlassForm(initial={"reference": reference})
    return _emergency_page(request, form, glass_form)


@staff(P.BREAK_GLASS)
@require_POST
def break_glass(request):
    glass_form = forms.BreakGlassForm(request.POST)
    form = forms.ReferenceForm(initial={"reference": request.POST.get("reference", "")[:20]})
    if glass_form.is_valid():
        reference = glass_form.cleaned_data["reference"]
        intro = Introduction.objects.select_related("person").filter(reference=reference).first()
        if intro is None:
            audit.record(
                by=request.user,
                action="break_glass.start",
                category="record",
                purpose="break_glass",
                outcome=AuditEvent.Outcome.REFUSED,
                severity=AuditEvent.Severity.HIGH,
            )
            glass_form.add_error(
                None, _("No record has that reference. Check the number and search again.")
            )
        else:
            try:
                actions.start_break_glass(
                    by=request.user, person=intro.person, reason=glass_form.cleaned_data["reason"]
                )
            except actions.AccessError as exc:
                glass_form.add_error(None, str(exc))
            else:
                messages.warning(
                    request,
                    _(
                        "Emergency access started. It ends in %(minutes)s minutes and the "
                        "privacy officer will review it."
                    )
                    % {"minutes": SiteConfig.current().break_glass_minutes},
                )
                return _record(intro)
    return _emergency_page(request, form, glass_form)


# --- the person's sharing choices and safeguarding overrides --------------------------------


@staff(P.RECORD_SHARING)
@require_http_methods(["GET", "POST"])
def sharing(request, introduction_id):
    intro, _rel = open_introduction(
        request, introduction_id, category="sharing", permission=P.RECORD_SHARING
    )
    person = intro.person
    form = forms.SharingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.set_sharing(
                by=request.user,
                person=person,
                organisation=data["organisation"],
                share_out=data["share_out"] == "yes",
                share_in=data["share_in"] == "yes",
                open_record=data["open_record"],
                expressed=data["expressed"],
                note=data["note"],
            )
        except actions.AccessError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Sharing choice recorded for %(org)s.") % {"org": data["organisation"]},
            )
            return redirect("access:sharing", introduction_id=intro.pk)
    prefs = current_preferences(person.pk)
    rows = [
        {"organisation": org, "pref": prefs.get(org.pk)}
        for org in Organisation.objects.filter(is_active=True)
    ]
    history = list(
        SharingPreference.objects.filter(person=person)
        .select_related("organisation", "set_by")
        .order_by("-id")[:100]
    )
    return render(
        request,
        "access/sharing.html",
        {"intro": intro, "person": person, "form": form, "rows": rows, "history": history},
    )


@staff(P.SAFEGUARDING_OVERRIDE)
@require_http_methods(["GET", "POST"])
def override(request, introduction_id):
    intro, _rel = open_introduction(
        request, introduction_id, category="sharing", permission=P.SAFEGUARDING_OVERRIDE
    )
    view = sharing_view(request.user, intro.person)
    form = forms.OverrideForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_safeguarding_override(
                by=request.user, person=intro.person, reason=form.cleaned_data["reason"]
            )
        except actions.AccessError as exc:
            form.add_error(None, str(exc))
        else:
            messages.warning(
                request,
                _("Safeguarding override recorded. The privacy officer will review it."),
            )
            return _record(intro)
    return render(
        request,
        "access/override.html",
        {"intro": intro, "person": intro.person, "form": form, "view": view},
    )


# --- who has looked at the record -------------------------------------------------------------


@staff(P.VIEW_ACCESS_LOG)
@require_GET
def person_log(request, person_id):
    """The person's access log, in plain language. Staff with a relationship, and privacy
    officers (who have no relationship: their reading is recorded as a privacy review)."""
    rel = None
    if has_permission(request.user, P.REVIEW_ACCESS):
        pid = _uuid(person_id)
        person = Person.objects.filter(pk=pid).first() if pid else None
        if person is None:
            refuse(request, category="access_log")
        audit.record(
            by=request.user,
            action="read",
            person=person,
            category="access_log",
            purpose="privacy_review",
        )
    else:
        person, rel = open_person(
            request, person_id, category="access_log", permission=P.VIEW_ACCESS_LOG
        )
    intro = None
    if rel is not None:
        intro = Introduction.objects.filter(person=person).order_by("-received_at").first()
    return render(
        request,
        "access/person_log.html",
        {"person": person, "intro": intro, "rows": queries.access_log_for(person)},
    )


# --- the privacy officer's workspace ----------------------------------------------------------


@staff(P.REVIEW_ACCESS)
@require_GET
def privacy_workspace(request):
    config = SiteConfig.current()
    return render(
        request,
        "access/privacy_workspace.html",
        {
            "glass": list(
                BreakGlass.objects.filter(review=PENDING)
                .select_related("user")
                .order_by("started_at")
            ),
            "overrides": list(
                SafeguardingOverride.objects.filter(review=PENDING)
                .select_related("user")
                .order_by("started_at")
            ),
            "reviewed_glass": list(
                BreakGlass.objects.exclude(review=PENDING)
                .select_related("user", "reviewed_by")
                .order_by("-reviewed_at")[:20]
            ),
            "reviewed_overrides": list(
                SafeguardingOverride.objects.exclude(review=PENDING)
                .select_related("user", "reviewed_by")
                .order_by("-reviewed_at")[:20]
            ),
            "unusual": queries.unusual_access(threshold=config.unusual_access_threshold),
            "threshold": config.unusual_access_threshold,
            "now": timezone.now(),
            "person_form": forms.PersonReportForm(prefix="person"),
            "worker_form": forms.WorkerReportForm(prefix="worker"),
        },
    )


def _review_page(request, item, *, kind: str, run):
    # Every method: a review sent with a mistake shows the access again.
    audit.record(
        by=request.user,
        action="read",
        person_id=item.person_id,
        category="access_review",
        purpose="privacy_review",
        obj=item,
    )
    form = forms.ReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            run(form.cleaned_data["outcome"] == "appropriate", form.cleaned_data["note"])
        except actions.AccessError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Review recorded."))
            return redirect("access:privacy_workspace")
    during = AuditEvent.objects.filter(
        actor_id=item.user_id,
        person_id=item.person_id,
        at__gte=item.started_at,
        at__lte=item.expires_at,
    ).order_by("at", "id")
    return render(
        request,
        "access/review.html",
        {
            "item": item,
            "kind": kind,
            "form": form,
            "during": [queries.describe(e) for e in during[:200]],
        },
    )


def _pending_or_404(model, item_id):
    pk = _uuid(item_id)
    item = model.objects.select_related("user", "person").filter(pk=pk).first() if pk else None
    if item is None:
        raise Http404
    return item


@staff(P.REVIEW_ACCESS)
@require_http_methods(["GET", "POST"])
def review_break_glass(request, grant_id):
    grant = _pending_or_404(BreakGlass, grant_id)
    return _review_page(
        request,
        grant,
        kind="break_glass",
        run=lambda ok, note: actions.review_break_glass(
            by=request.user, grant=grant, appropriate=ok, note=note
        ),
    )


@staff(P.REVIEW_ACCESS)
@require_http_methods(["GET", "POST"])
def review_override(request, override_id):
    item = _pending_or_404(SafeguardingOverride, override_id)
    return _review_page(
        request,
        item,
        kind="override",
        run=lambda ok, note: actions.review_override(
            by=request.user, override=item, appropriate=ok, note=note
        ),
    )


@staff(P.REVIEW_ACCESS)
@require_POST
def access_report(request):
    """An access report for one person (by reference) or one worker; the page and the CSV are
    both reached by POST, and the download form carries only an opaque id."""
    person_form = forms.PersonReportForm(prefix="person")
    worker_form = forms.WorkerReportForm(prefix="worker")
    person = worker = None
    kind = request.POST.get("kind")
    if kind == "person":
        if request.POST.get("person_id"):
            pid = _uuid(request.POST["person_id"])
            person = Person.objects.filter(pk=pid).first() if pid else None
            if person is None:
                raise Http404
        else:
            person_form = forms.PersonReportForm(request.POST, prefix="person")
            if person_form.is_valid():
                intro = (
                    Introduction.objects.select_related("person")
                    .filter(reference=person_form.cleaned_data["reference"])
                    .first()
                )
                if intro is None:
                    person_form.add_error("reference", _("No introduction has that reference"))
                else:
                    person = intro.person
    elif kind == "worker":
        if request.POST.get("worker_id"):
            wid = _uuid(request.POST["worker_id"])
            worker = User.objects.filter(pk=wid).first() if wid else None
            if worker is None:
                raise Http404
        else:
            worker_form = forms.WorkerReportForm(request.POST, prefix="worker")
            if worker_form.is_valid():
                worker = worker_form.cleaned_data["worker"]
    if person is None and worker is None:
        return render(
            request,
            "access/report.html",
            {"person_form": person_form, "worker_form": worker_form},
            status=200,
        )
    events = queries.report_events(
        person_id=person.pk if person else None, actor_id=worker.pk if worker else None
    )
    export = request.POST.get("format") == "csv"
    audit.record(
        by=request.user,
        action="access_report.export" if export else "access_report.view",
        person=person,
        category="access_log",
        purpose="privacy_review",
        detail={"worker": str(worker.pk)} if worker else {"rows": len(events)},
    )
    if export:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        name = "access-report-person.csv" if person else "access-report-worker.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        writer = csv.writer(response)
        writer.writerow(queries.REPORT_COLUMNS)
        for event in events:
            writer.writerow([formula_safe(str(v)) for v in queries.report_row(event)])
        return response
    names = {}
    if worker is not None:
        ids = {e.person_id for e in events if e.person_id}
        names = {p.pk: p.display_name for p in Person.objects.filter(pk__in=ids)}
    rows = [(e, names.get(e.person_id, "")) for e in events]
    return render(
        request,
        "access/report.html",
        {
            "person_form": person_form,
            "worker_form": worker_form,
            "person": person,
            "worker": worker,
            "rows": rows,
        },
    )
