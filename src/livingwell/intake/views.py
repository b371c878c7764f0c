"""The front door: a public form (self or family), a staff form, and the acknowledgement."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from livingwell.access.permissions import Permission
from livingwell.access.policy import public, staff
from livingwell.intake.actions import URGENT_RISK, submit_introduction
from livingwell.intake.forms import (
    FamilyIntroductionForm,
    SelfIntroductionForm,
    StaffIntroductionForm,
)
from livingwell.intake.models import Route

RATE_LIMIT = 10  # introductions per address per hour; mistakes don't count, only submissions
RATE_WINDOW = 3600


def _client_key(request) -> str:
    return "intake-rate:" + request.META.get("REMOTE_ADDR", "unknown")


def _over_limit(request) -> bool:
    return cache.get(_client_key(request), 0) >= RATE_LIMIT


def _count_submission(request) -> None:
    key = _client_key(request)
    cache.add(key, 0, RATE_WINDOW)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, RATE_WINDOW)


@public
@require_GET
def start(request):
    return render(request, "intake/start.html")


def _public_form(request, form_class, route, template):
    if request.method == "POST":
        form = form_class(request.POST)
        if _over_limit(request):
            return render(request, "intake/too_many.html", status=429)
        if form.is_valid():
            if form.cleaned_data.get("website"):
                # A bot filled the hidden box: pretend all is well, store nothing.
                request.session["intake_done"] = {"reference": None, "urgent": False}
                return redirect("intake:done")
            intro, _created = submit_introduction(
                by=None,
                submission_key=form.cleaned_data["submission_key"],
                route=route,
                person=form.person_data(),
                details=form.details(),
            )
            _count_submission(request)
            request.session["intake_done"] = {"reference": intro.reference, "urgent": intro.urgent}
            return redirect("intake:done")
    else:
        form = form_class(initial={"submission_key": uuid.uuid4().hex})
    return render(request, template, {"form": form, "urgent_values": list(URGENT_RISK)})


@public
@require_http_methods(["GET", "POST"])
def self_introduction(request):
    return _public_form(request, SelfIntroductionForm, Route.SELF, "intake/self.html")


@public
@require_http_methods(["GET", "POST"])
def family_introduction(request):
    return _public_form(request, FamilyIntroductionForm, Route.FAMILY, "intake/family.html")


@public
@require_GET
def done(request):
    outcome = request.session.get("intake_done")
    if not outcome:
        return redirect("intake:start")
    return render(request, "intake/done.html", outcome)


@staff(Permission.INTRODUCE)
@require_http_methods(["GET", "POST"])
def staff_new(request):
    if request.method == "POST":
        form = StaffIntroductionForm(request.POST)
        if form.is_valid():
            intro, created = submit_introduction(
                by=request.user,
                submission_key=form.cleaned_data["submission_key"],
                route=form.cleaned_data["route"],
                person=form.person_data(),
                details=form.details(),
            )
            if created:
                messages.success(
                    request, _("Introduction %(ref)s made.") % {"ref": intro.reference}
                )
            else:
                messages.info(
                    request,
                    _("This introduction was already made: %(ref)s.") % {"ref": intro.reference},
                )
            return redirect(reverse("hub:board"))
    else:
        form = StaffIntroductionForm(initial={"submission_key": uuid.uuid4().hex})
    return render(
        request, "intake/staff_new.html", {"form": form, "urgent_values": list(URGENT_RISK)}
    )
