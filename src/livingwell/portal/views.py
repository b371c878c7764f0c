"""The person's portal: sign in with a one-time code, then their plan, support, measures, who
looked at their record, sharing choices, about me, proxies, their information, feedback.

Every page carries the `person_portal` policy (a staff session is refused) and loads the person
through access.helpers.open_own_record with the part it shows (the person's own relationship, or a
proxy's grant), which audits the read. No person id is ever in a URL: the session says who."""

from __future__ import annotations

import time

from axes.handlers.proxy import AxesProxyHandler
from axes.utils import reset as reset_failed_attempts
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from livingwell.access import actions as access_actions
from livingwell.access import queries as access_queries
from livingwell.access.helpers import open_own_record
from livingwell.access.models import AuditEvent, ProxyGrant, SharingPreference
from livingwell.access.person import LAST_ACTIVITY, PART_WORDS, SESSION_KEY, Part
from livingwell.access.policy import person_portal, public
from livingwell.access.sharing import current_preferences
from livingwell.accounts.models import Organisation
from livingwell.accounts.views import locked_out
from livingwell.core.forms import perform, submit
from livingwell.core.ids import as_uuid
from livingwell.portal import actions, forms, queries
from livingwell.portal.models import AboutMe

PENDING_CODE = "portal_pending_code"
PENDING_CONTACT = "portal_pending_contact"


def _credentials(contact: str) -> dict:
    """What django-axes counts failures against: the phone or email typed (the same lockout as
    staff sign-in: AXES_FAILURE_LIMIT, AXES_COOLOFF_TIME)."""
    return {"username": "portal:" + actions.normalise_contact(contact)}


@public
@sensitive_post_parameters("contact", "date_of_birth")
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request):
    form = forms.SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        contact = form.cleaned_data["contact"]
        credentials = _credentials(contact)
        if not AxesProxyHandler.is_allowed(request, credentials):
            return locked_out(request)
        row = actions.send_sign_in_code(
            contact=contact, date_of_birth=form.cleaned_data["date_of_birth"]
        )
        if row is None:
            # Counted as a failed sign-in, and answered as if a code had been sent: the page
            # never says whether a record exists.
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            if getattr(request, "axes_locked_out", False):
                return locked_out(request)
        if request.user.is_authenticated:
            logout(request)  # a person session never carries a staff sign-in
        request.session.cycle_key()
        request.session[PENDING_CODE] = str(row.pk) if row else ""
        request.session[PENDING_CONTACT] = contact
        return redirect("portal:code")
    from livingwell.portal import nhs_login as oidc

    return render(request, "portal/sign_in.html", {"form": form, "nhs_login": oidc.enabled()})


@public
@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def code(request):
    contact = request.session.get(PENDING_CONTACT)
    if not contact:
        return redirect("portal:sign_in")
    form = forms.CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        credentials = _credentials(contact)
        if not AxesProxyHandler.is_allowed(request, credentials):
            return locked_out(request)
        pending = request.session.get(PENDING_CODE)
        viewer = (
            actions.sign_in_with_code(code_id=pending, code=form.cleaned_data["code"])
            if pending
            else None
        )
        if viewer is None:
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            if getattr(request, "axes_locked_out", False):
                return locked_out(request)
            form.add_error("code", _("That code is not right, or it has run out. Try again."))
        else:
            if request.user.is_authenticated:
                logout(request)
            request.session.flush()  # a new session key, and nothing of the half sign-in
            request.session[SESSION_KEY] = viewer.as_session()
            request.session[LAST_ACTIVITY] = int(time.time())
            reset_failed_attempts(username=credentials["username"])
            return redirect("portal:home")
    return render(request, "portal/code.html", {"form": form})


@public
@require_GET
def signed_out(request):
    return render(request, "portal/signed_out.html")


@require_POST
@person_portal
def sign_out(request):
    request.session.flush()
    return redirect("portal:signed_out")


def _parts(request, rel) -> list[dict]:
    return [
        {"part": str(p), "label": PART_WORDS[p], "url": f"portal:{p}"}
        for p in Part
        if rel.allows(p)
    ]


@require_GET
@person_portal
def home(request):
    person, rel = open_own_record(request, None, category="portal")
    return render(
        request,
        "portal/home.html",
        {"person": person, "viewer": request.portal_viewer, "parts": _parts(request, rel)},
    )


def _page(request, template, context):
    context.setdefault("viewer", request.portal_viewer)
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@person_portal
def plan(request):
    person, rel = open_own_record(request, Part.PLAN)
    intro = queries.current_introduction(person)
    form = forms.ContributionForm(request.POST or None)
    if intro is not None and submit(
        request,
        form,
        lambda data: actions.add_to_plan(by=request.portal_viewer, introduction=intro, **data),
        done=_("Added to your plan. Your key worker will see it."),
    ):
        return redirect("portal:plan")
    context = {"person": person, "intro": intro, "form": form}
    if intro is not None:
        context.update(queries.plan_for(intro))
    return _page(request, "portal/plan.html", context)


@require_GET
@person_portal
def support(request):
    person, rel = open_own_record(request, Part.SUPPORT)
    intro = queries.current_introduction(person)
    context = {"person": person, "intro": intro, "form": forms.ComeBackForm()}
    if intro is not None:
        context.update(queries.support_for(intro))
    return _page(request, "portal/support.html", context)


@require_POST
@person_portal
def come_back(request):
    person, rel = open_own_record(request, Part.SUPPORT)
    intro = queries.current_introduction(person)
    form = forms.ComeBackForm(request.POST)
    if intro is None or not form.is_valid():
        messages.error(request, _("We could not send that. Try again."))
        return redirect("portal:support")
    perform(
        request,
        lambda: actions.ask_to_come_back(
            by=request.portal_viewer, introduction=intro, message=form.cleaned_data["message"]
        ),
        done=_("The Hub has your request and will contact you."),
    )
    return redirect("portal:support")


@require_GET
@person_portal
def measures(request):
    person, rel = open_own_record(request, Part.MEASURES)
    intro = queries.current_introduction(person)
    context = {"person": person, "sections": [], "links": []}
    if intro is not None:
        context["sections"] = queries.measures_for(intro)
        context["links"] = queries.outstanding_links(intro)
    return _page(request, "portal/measures.html", context)


@require_http_methods(["GET", "POST"])
@person_portal
def access_log(request):
    person, rel = open_own_record(request, Part.ACCESS_LOG)
    form = forms.QuestionForm(request.POST or None)
    if submit(
        request,
        form,
        lambda data: actions.question_access(
            by=request.portal_viewer,
            person=person,
            audit_event_id=data["event"],
            message=data["message"],
        ),
        done=_("Your question has gone to the privacy officer, who will reply."),
    ):
        return redirect("portal:access_log")
    # The person's own reading of their portal is left out of their list (it would bury the
    # others'); what a proxy read, and everything anyone changed, stays in.
    own_reads = Q(acting_role="person", action="read")
    events = list(
        AuditEvent.objects.filter(person_id=person.pk)
        .exclude(own_reads)
        .order_by("-at", "-id")[:200]
    )
    rows = [(e.pk, access_queries.describe(e)) for e in events]
    return _page(request, "portal/access_log.html", {"person": person, "rows": rows, "form": form})


@require_http_methods(["GET", "POST"])
@person_portal
def sharing(request):
    person, rel = open_own_record(request, Part.SHARING)
    form = forms.SharingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = Organisation.objects.filter(
            pk=form.cleaned_data["organisation"], is_active=True
        ).first()
        if organisation is None:
            form.add_error(None, _("Choose an organisation from the list."))
        else:
            prefs = current_preferences(person.pk, [organisation.pk])
            current = prefs.get(organisation.pk)
            try:
                access_actions.set_sharing_by_person(
                    by=request.portal_viewer,
                    person=person,
                    organisation=organisation,
                    share_out=form.cleaned_data["share_out"] == "yes",
                    share_in=form.cleaned_data["share_in"] == "yes",
                    # Opening the record stays as it was unless they turn sharing in off.
                    open_record=bool(current and current.open_record)
                    and form.cleaned_data["share_in"] == "yes",
                )
            except access_actions.AccessError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    _("Your choice for %(org)s is saved. It applies from now on.")
                    % {"org": organisation},
                )
            return redirect("portal:sharing")
    prefs = current_preferences(person.pk)
    rows = [
        {"organisation": org, "pref": prefs.get(org.pk)}
        for org in Organisation.objects.filter(is_active=True).order_by("name")
    ]
    history = list(
        SharingPreference.objects.filter(person=person)
        .select_related("organisation", "set_by")
        .order_by("-id")[:100]
    )
    return _page(
        request,
        "portal/sharing.html",
        {"person": person, "rows": rows, "history": history, "form": form},
    )


@require_http_methods(["GET", "POST"])
@person_portal
def about_me(request):
    person, rel = open_own_record(request, Part.ABOUT_ME)
    current = AboutMe.objects.filter(person=person).order_by("-at").first()
    initial = {f: getattr(current, f) for f in actions.ABOUT_ME_FIELDS} if current else None
    form = forms.AboutMeForm(request.POST or None, initial=initial)
    if submit(
        request,
        form,
        lambda data: actions.save_about_me(by=request.portal_viewer, person=person, **data),
        done=_("Saved. Your support workers will see it."),
    ):
        return redirect("portal:about_me")
    return _page(
        request,
        "portal/about_me.html",
        {"person": person, "current": current, "form": form, "may_edit": rel.basis == "self"},
    )


@require_http_methods(["GET", "POST"])
@person_portal
def proxies(request):
    person, rel = open_own_record(request, Part.PROXIES)
    form = forms.ProxyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            access_actions.grant_proxy(by=request.portal_viewer, person=person, **form.cleaned_data)
        except access_actions.AccessError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Done. They can now sign in with their own details."))
            return redirect("portal:proxies")
    grants = list(ProxyGrant.objects.filter(person=person).order_by("-started_at"))
    return _page(
        request,
        "portal/proxies.html",
        {"person": person, "grants": grants, "form": form, "part_words": PART_WORDS},
    )


@require_POST
@person_portal
def proxy_revoke(request, grant_id):
    person, rel = open_own_record(request, Part.PROXIES)
    grant = get_object_or_404(ProxyGrant, pk=as_uuid(grant_id), person=person)
    try:
        access_actions.revoke_proxy(by=request.portal_viewer, grant=grant)
    except access_actions.AccessError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(name)s can no longer see your record.") % {"name": grant})
    return redirect("portal:proxies")


@require_http_methods(["GET", "POST"])
@person_portal
def feedback(request):
    person, rel = open_own_record(request, Part.FEEDBACK)
    form = forms.FeedbackForm(request.POST or None)
    if submit(
        request,
        form,
        lambda data: actions.give_feedback(by=request.portal_viewer, person=person, **data),
        done=_("Thank you. Your feedback helps the network improve."),
    ):
        return redirect("portal:feedback")
    return _page(request, "portal/feedback.html", {"person": person, "form": form})


# --- NHS login ----------------------------------------------------------------------------------


@public
@never_cache
@require_GET
def nhs_login(request):
    from livingwell.portal import nhs_login as oidc

    if not oidc.enabled():
        raise Http404
    callback = request.build_absolute_uri(reverse("portal:nhs_login_callback"))
    return oidc.client().authorize_redirect(request, callback, vtr=oidc.P9_VECTORS)


@public
@never_cache
@require_GET
def nhs_login_callback(request):
    from livingwell.portal import nhs_login as oidc

    if not oidc.enabled():
        raise Http404
    client = oidc.client()
    try:
        token = client.authorize_access_token(request)
        claims = oidc.claims_from(client, token)
    except oidc.SIGN_IN_FAILED:  # refused, cancelled, unreachable, or a token failing its checks
        messages.error(request, _("NHS login did not sign you in. Try again, or use a code."))
        return redirect("portal:sign_in")
    viewer, reason = actions.sign_in_with_nhs_login(claims=claims)
    if viewer is None:
        return render(request, "portal/nhs_login_refused.html", {"reason": reason}, status=403)
    if request.user.is_authenticated:
        logout(request)
    request.session.flush()
    request.session[SESSION_KEY] = viewer.as_session()
    request.session[LAST_ACTIVITY] = int(time.time())
    return redirect("portal:home")
