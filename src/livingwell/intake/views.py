"""The front door: a public form (self or family), a staff form, and the acknowledgement."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from livingwell.access.permissions import Permission
from livingwell.access.policy import public, staff
from livingwell.intake import rate_limit, resends
from livingwell.intake.actions import URGENT_RISK, RateLimited, submit_introduction
from livingwell.intake.forms import (
    FamilyIntroductionForm,
    SelfIntroductionForm,
    StaffIntroductionForm,
)
from livingwell.intake.models import Route


@public
def start(request):
    return render(request, "intake/start.html")


# Why a routine introduction over the rate limit was not sent, at the top of the form that
# still holds everything typed (an urgent one is never refused).
REFUSED = _l(
    "We could not send this yet: a lot of requests have come from this connection in the last "
    "hour. Everything you typed is still here. Please try sending it again later. If you need "
    "help now, call NHS 111 and choose option 2, or call 999 if someone's life is in danger."
)


def _send(request, form, *, by, route, over_rate_limit=False):
    """Send the introduction in a valid form, once: the same introduction sent again from this
    browser session (Back, then Send) answers with the one already made. Returns
    (introduction, created); raises RateLimited as submit_introduction does."""
    person, details = form.person_data(), form.details()
    fingerprint = resends.fingerprint(route=route, person=person, details=details)
    key = resends.submission_key(
        request.session, posted_key=form.cleaned_data["submission_key"], fingerprint=fingerprint
    )
    intro, created = submit_introduction(
        by=by,
        submission_key=key,
        route=route,
        person=person,
        details=details,
        over_rate_limit=over_rate_limit,
    )
    resends.remember(request.session, fingerprint=fingerprint, key=key)
    return intro, created


def _public_form(request, form_class, route, template):
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            if form.cleaned_data.get("website"):
                # A bot filled the hidden box: pretend all is well, store nothing.
                request.session["intake_done"] = {"reference": None, "urgent": False}
                return redirect("intake:done")
            try:
                intro, created = _send(
                    request,
                    form,
                    by=None,
                    route=route,
                    over_rate_limit=rate_limit.is_over(request),
                )
            except RateLimited:
                form.add_error(None, REFUSED)
                return _render_form(request, template, form, status=429)
            if created:
                rate_limit.count(request)
            request.session["intake_done"] = {
                "reference": intro.reference,
                "urgent": intro.urgent,
                "already_received": not created,
            }
            return redirect("intake:done")
    else:
        form = form_class(initial={"submission_key": uuid.uuid4().hex})
    return _render_form(request, template, form)


def _render_form(request, template, form, *, status=200):
    context = {"form": form, "urgent_values": list(URGENT_RISK)}
    return render(request, template, context, status=status)


@public
def self_introduction(request):
    return _public_form(request, SelfIntroductionForm, Route.SELF, "intake/self.html")


@public
def family_introduction(request):
    return _public_form(request, FamilyIntroductionForm, Route.FAMILY, "intake/family.html")


@public
def done(request):
    outcome = request.session.get("intake_done")
    if not outcome:
        return redirect("intake:start")
    return render(request, "intake/done.html", outcome)


@staff(Permission.INTRODUCE)
def staff_new(request):
    if request.method == "POST":
        form = StaffIntroductionForm(request.POST)
        if form.is_valid():
            intro, created = _send(request, form, by=request.user, route=form.cleaned_data["route"])
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
    return _render_form(request, "intake/staff_new.html", form)
