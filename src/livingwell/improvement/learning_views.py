"""Learning response pages: raise and lead a response, its SEIPS factors and safety actions, the
shared learning summary, the thematic view and each owner's safety actions.

A response linked to an introduction is about a person: every page of it loads that person
through ``access.helpers.open_introduction`` (no relationship: a 404 and an audited refusal,
exactly as for a record that does not exist). Lists and the thematic view show such a response
only to those with the relationship (``rules.may_see_response``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from livingwell.access.helpers import check_person, open_introduction, refuse
from livingwell.access.permissions import Permission
from livingwell.access.policy import staff
from livingwell.core.forms import posted
from livingwell.improvement import actions, queries, rules
from livingwell.improvement import forms as f
from livingwell.improvement.models import (
    SEIPS,
    ContributingFactor,
    Driver,
    LearningResponse,
    SafetyAction,
)
from livingwell.improvement.privacy import personal_data_findings
from livingwell.improvement.views import form_page, submit

LEAD = Permission.LEAD_LEARNING_RESPONSE
CATEGORY = "learning_response"


def open_response(request, response_id) -> LearningResponse:
    """The response, or 404. About a person: their record's access rules, read audited."""
    response = (
        LearningResponse.objects.select_related("introduction", "organisation", "raised_by")
        .filter(pk=response_id)
        .first()
    )
    if response is None:
        refuse(request, category=CATEGORY)
    if response.introduction_id:
        open_introduction(request, response.introduction_id, category=CATEGORY, permission=LEAD)
    return response


def response_url(response) -> str:
    return reverse("improvement:response", kwargs={"response_id": response.pk})


@staff(LEAD)
@require_GET
def responses(request):
    recent = list(
        LearningResponse.objects.select_related("introduction__person", "organisation").order_by(
            "-event_date", "-raised_at"
        )[:100]
    )
    visible = [r for r in recent if rules.may_see_response(request.user, r)][:50]
    shared = (
        LearningResponse.objects.filter(shared_at__isnull=False)
        .order_by("-shared_at")
        .only("kind", "event_kind", "event_date", "learning_summary", "shared_at")[:20]
    )
    return render(
        request,
        "improvement/responses.html",
        {"responses": visible, "shared": shared, "total": LearningResponse.objects.count()},
    )


def _introduction_by_reference(request, reference: str):
    """The introduction with this reference, if the user may lead a response about its person;
    otherwise None, the same answer for one that does not exist (the refusal is audited)."""
    from livingwell.intake.models import Introduction

    intro = (
        Introduction.objects.select_related("person").filter(reference=reference.upper()).first()
    )
    try:
        if intro is None:
            refuse(request, category=CATEGORY)
        check_person(request, intro.person, permission=LEAD, category=CATEGORY)
    except Http404:
        return None
    return intro


@staff(LEAD)
@require_http_methods(["GET", "POST"])
def response_new(request):
    form = f.ResponseForm(posted(request))

    def run(data):
        data = dict(data)
        reference = data.pop("reference").strip()
        intro = _introduction_by_reference(request, reference) if reference else None
        if reference and intro is None:
            raise actions.ImprovementError(
                _(
                    "There is no introduction you can open with that reference. Check it, or "
                    "leave it empty."
                ),
                "reference",
            )
        return actions.raise_response(by=request.user, introduction=intro, **data)

    response = submit(request, form, run, done=_("Learning response raised."))
    if response:
        return redirect(response_url(response))
    return form_page(
        request,
        form,
        title=_("Raise a learning response"),
        back_url=reverse("improvement:responses"),
        back_text=_("Back to learning responses"),
        button=_("Raise the response"),
        intro=_(
            "Any partner can raise a learning response, near misses and good care included. "
            "It is about systems, not people: nothing here names anyone as the cause."
        ),
    )


@staff(LEAD)
@require_GET
def response(request, response_id):
    response = open_response(request, response_id)
    factors = list(response.factors.all())
    counts = Counter((x.seips, x.effect) for x in factors)
    return render(
        request,
        "improvement/response.html",
        {
            "response": response,
            "factors": factors,
            "by_part": [
                {
                    "label": label,
                    "contributed": counts[(value, "contributed")],
                    "went_well": counts[(value, "went_well")],
                }
                for value, label in SEIPS.choices
            ],
            "actions": list(response.safety_actions.select_related("owner")),
            "roles": [rules.PARTICIPANT_ROLE_LABELS.get(r, r) for r in response.participant_roles],
            "today": timezone.localdate(),
        },
    )


def _response_form(request, response, form, action, *, done, title, button, intro=""):
    """A form that adds to or changes a response, then goes back to it; ``action`` takes the
    form's values as keywords."""
    if submit(
        request,
        form,
        lambda data: action(by=request.user, response=response, **data),
        done=done,
    ):
        return redirect(response_url(response))
    return form_page(
        request,
        form,
        title=title,
        back_url=response_url(response),
        back_text=_("Back to the response"),
        button=button,
        intro=intro,
    )


@staff(LEAD)
@require_http_methods(["GET", "POST"])
def answers(request, response_id):
    response = open_response(request, response_id)
    fields = [*actions.RESPONSE_TEXT_FIELDS, "participant_roles", "person_involvement"]
    initial = {name: getattr(response, name) for name in fields}
    initial["support_offered"] = response.support_offered
    return _response_form(
        request,
        response,
        f.AnswersForm(posted(request), initial=initial),
        actions.update_response,
        done=_("Saved."),
        title=_("The review: {title}").format(title=response.title),
        button=_("Save"),
        intro=_(
            "Everyone contributes equally; rank does not matter; no blame. Ask what was "
            "expected (work as imagined) and what happened (work as done)."
        ),
    )


@staff(LEAD)
@require_http_methods(["GET", "POST"])
def factor_add(request, response_id):
    return _response_form(
        request,
        open_response(request, response_id),
        f.FactorForm(posted(request)),
        actions.add_factor,
        done=_("Factor added."),
        title=_("Add a contributing factor"),
        button=_("Add the factor"),
        intro=_(
            "Code it to the SEIPS work system: the people in the work, the tasks, tools and "
            "technology, the organisation, and the internal and external environment. Record "
            "what went well too."
        ),
    )


@staff(LEAD)
@require_http_methods(["GET", "POST"])
def action_add(request, response_id):
    return _response_form(
        request,
        open_response(request, response_id),
        f.SafetyActionForm(posted(request)),
        actions.add_safety_action,
        done=_("Safety action added. Its owner sees it in their list."),
        title=_("Add a safety action"),
        button=_("Add the safety action"),
    )


@staff(LEAD)
@require_http_methods(["GET", "POST"])
def summary(request, response_id):
    response = open_response(request, response_id)
    form = f.SummaryForm(
        posted(request),
        initial={"learning_summary": response.learning_summary},
    )
    findings = []
    if request.method == "POST" and form.is_valid():
        findings = personal_data_findings(
            form.cleaned_data["learning_summary"], response.introduction
        )
    if submit(
        request,
        form,
        lambda data: actions.share_learning_summary(
            by=request.user,
            response=response,
            summary=data["learning_summary"],
            names_checked=data["names_checked"],
        ),
        done=_("The learning summary is shared with the network."),
    ):
        return redirect(response_url(response))
    return form_page(
        request,
        form,
        title=_("Share the learning summary"),
        back_url=response_url(response),
        back_text=_("Back to the response"),
        button=_("Check and share"),
        intro=_(
            "Before it is shared, the summary is checked for NHS numbers, dates of birth and "
            "the names of people in the record. An NHS number or a date of birth always has to "
            "come out; a name that is an ordinary word here can be confirmed."
        ),
        extra={"findings": findings, "show_names_checked": any(not x.blocking for x in findings)},
    )


@staff(LEAD)
@require_GET
def themes(request):
    """Factors counted across responses over a period, by part of the work system, with links
    to each response the user may open."""
    today = timezone.localdate()
    form = f.ThemeForm(request.GET or None)
    start, end = today - timedelta(days=365), today
    if form.is_valid():
        start = form.cleaned_data.get("start") or start
        end = form.cleaned_data.get("end") or end
    factors = ContributingFactor.objects.filter(
        response__event_date__gte=start, response__event_date__lte=end
    ).select_related("response__introduction__person")
    per_part: dict[str, dict] = defaultdict(
        lambda: {"contributed": 0, "went_well": 0, "responses": {}}
    )
    for factor in factors:
        part = per_part[factor.seips]
        part[factor.effect] += 1
        part["responses"].setdefault(factor.response.pk, factor.response)
    rows = []
    for value, label in SEIPS.choices:
        part = per_part[value]
        linked = []
        withheld = 0
        for r in sorted(part["responses"].values(), key=lambda r: r.event_date, reverse=True):
            if rules.may_see_response(request.user, r):
                linked.append(r)
            else:
                withheld += 1
        rows.append(
            {
                "value": value,
                "label": label,
                "contributed": part["contributed"],
                "went_well": part["went_well"],
                "responses": linked,
                "withheld": withheld,
            }
        )
    return render(
        request,
        "improvement/themes.html",
        {"form": form, "rows": rows, "start": start, "end": end},
    )


@staff(LEAD)
@require_GET
def my_actions(request):
    today = timezone.localdate()
    mine = list(queries.my_safety_actions(request.user))
    for action in mine:
        action.overdue = action.status == "open" and action.due_date < today
        action.may_open = rules.may_see_response(request.user, action.response)
    return render(
        request,
        "improvement/my_actions.html",
        {
            "open_actions": [a for a in mine if a.status == "open"],
            "done_actions": [a for a in mine if a.status == "done"][:20],
            "overdue": sum(1 for a in mine if a.overdue),
        },
    )


def _action(request, action_id) -> SafetyAction:
    """The owner may always act on their own safety action; anyone else only through the
    response's access rules."""
    action = SafetyAction.objects.select_related("response", "owner").filter(pk=action_id).first()
    if action is None:
        refuse(request, category=CATEGORY)
    if action.owner_id != request.user.pk:
        open_response(request, action.response_id)
    return action


@staff(LEAD)
@require_POST
def action_done(request, action_id):
    action = _action(request, action_id)
    try:
        actions.complete_safety_action(by=request.user, action=action)
    except actions.ImprovementError as exc:
        messages.info(request, str(exc))
    else:
        messages.success(request, _("Safety action marked as done."))
    if request.POST.get("back_to") == "response":
        return redirect(response_url(action.response))
    return redirect("improvement:my_actions")


@staff(LEAD)
@require_http_methods(["GET", "POST"])
def action_to_idea(request, action_id):
    action = _action(request, action_id)
    drivers = Driver.objects.select_related("project").filter(
        project__in=[
            p
            for p in queries.project_queryset().filter(status="active")
            if rules.may_change_project(request.user, p)
        ]
    )
    form = f.ToChangeIdeaForm(
        posted(request),
        drivers=drivers,
        initial={"text": action.description},
    )
    idea = submit(
        request,
        form,
        lambda data: actions.safety_action_to_change_idea(
            by=request.user,
            action=action,
            project=data["driver"].project if data["driver"] else None,
            driver=data["driver"],
            text=data["text"],
        ),
        done=_("Change idea added: plan a PDSA cycle to test it."),
    )
    if idea:
        return redirect("improvement:project", project_id=idea.project_id)
    return form_page(
        request,
        form,
        title=_("Test a safety action as a change idea"),
        back_url=reverse("improvement:my_actions"),
        back_text=_("Back to your safety actions"),
        button=_("Add the change idea"),
        intro=_("Choose a project you are on and the driver the change serves."),
    )
