"""Outcomes pages: recording measures, the person's outcomes over time, links, the framework."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from livingwell.access.helpers import open_introduction
from livingwell.access.permissions import Permission
from livingwell.access.policy import public, staff
from livingwell.access.sharing import visible_plan_filter
from livingwell.core.forms import perform, posted, submit
from livingwell.notifications.reasons import in_words, status_in_words
from livingwell.outcomes import actions, queries
from livingwell.outcomes.chart import Series, chart_figure, scale_for
from livingwell.outcomes.definitions import MEASURES, get_definition
from livingwell.outcomes.errors import MeasureInputError
from livingwell.outcomes.forms import (
    FrameworkNoteForm,
    MeasureForm,
    OutcomeFormSet,
    SendLinkForm,
    StaffMeasureForm,
    outcome_initial,
)
from livingwell.outcomes.models import OutcomeFrameworkVersion
from livingwell.outcomes.records import (
    describe_change,
    describe_talking_therapies,
    format_points,
    response_summary,
)
from livingwell.outcomes.scoring import talking_therapies

CATEGORY = "outcomes"


def _measure_or_404(measure: str):
    if measure not in MEASURES:
        raise Http404
    return get_definition(measure)


# --- recording ----------------------------------------------------------------------------


@staff(Permission.RECORD_CONTACT)
@require_http_methods(["GET", "POST"])
def record_measure(request, introduction_id, measure):
    defn = _measure_or_404(measure)
    intro, _rel = open_introduction(
        request, introduction_id, category=CATEGORY, permission=Permission.RECORD_CONTACT
    )
    texts, licensed = queries.item_texts(measure)
    goals = (
        actions.plan_goals(intro, visible=visible_plan_filter(request.user, intro.person))
        if measure == "gbo"
        else None
    )
    form = StaffMeasureForm(
        posted(request),
        measure=measure,
        texts=texts,
        goals=goals,
        initial={"occasion": queries.occasion_for(intro, measure)},
        introduction=intro,
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_response(
                by=request.user,
                introduction=intro,
                measure=measure,
                answers=form.answers(),
                completed_at=form.cleaned_data["completed_at"],
                source=form.cleaned_data["source"],
                occasion=form.cleaned_data["occasion"],
                goal_keys=form.goal_keys() or None,
            )
        except actions.ResponseInvalid as exc:
            form.add_answer_errors(exc.errors)
        except actions.OutcomesError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(title)s recorded.") % {"title": defn.title})
            return redirect("outcomes:person", introduction_id=intro.pk)
    return render(
        request,
        "outcomes/record.html",
        {
            "intro": intro,
            "definition": defn,
            "form": form,
            "licensed": licensed,
            "no_goals": measure == "gbo" and not goals,
        },
    )


@staff(Permission.RECORD_CONTACT)
@require_http_methods(["GET", "POST"])
def send_link(request, introduction_id):
    intro, _rel = open_introduction(
        request, introduction_id, category=CATEGORY, permission=Permission.RECORD_CONTACT
    )
    form = SendLinkForm(posted(request))

    def sent(result) -> str:
        link, _raw = result
        how = _("by text message") if link.channel == "sms" else _("by email")
        return _(
            "A link to %(title)s is being sent %(how)s. It works once. Whether it was "
            "delivered shows under Links sent."
        ) % {"title": get_definition(link.measure).title, "how": how}

    if submit(
        request,
        form,
        lambda data: actions.create_response_link(
            by=request.user,
            introduction=intro,
            measure=data["measure"],
            valid_for=form.valid_for(),
            occasion=data["occasion"],
        ),
        done=sent,
    ):
        return redirect("outcomes:person", introduction_id=intro.pk)
    return render(request, "outcomes/send_link.html", {"intro": intro, "form": form})


@require_POST
@staff(Permission.RECORD_CONTACT)
def send_link_again(request, introduction_id, link_id):
    intro, _rel = open_introduction(
        request, introduction_id, category=CATEGORY, permission=Permission.RECORD_CONTACT
    )
    link = intro.measure_links.select_related("message").filter(pk=link_id).first()
    if link is None:
        raise Http404
    perform(
        request,
        lambda: actions.send_link_again(by=request.user, link=link),
        done=_("A new link was sent. The one that failed no longer works."),
    )
    return redirect("outcomes:person", introduction_id=intro.pk)


# --- the person's outcomes over time ---------------------------------------------------------


def _goal_texts(intro, user) -> dict[str, str]:
    """Goal wording from the plans this viewer may see under the person's sharing choices."""
    texts: dict[str, str] = {}
    visible = visible_plan_filter(user, intro.person)
    for plan in intro.plan_versions.filter(visible).order_by("version"):
        for goal in plan.goals:
            texts[goal.get("key")] = goal.get("text", "")
    return texts


def _gbo_pairs(responses, goal_texts):
    """First and latest rating of each goal (paired by goal key), as linkId-keyed answers."""
    first: dict[str, int] = {}
    latest: dict[str, int] = {}
    counts: dict[str, int] = {}
    for response in responses:
        for link_id, rating in response.answers.items():
            key = response.goal_keys.get(link_id) or f"item-{link_id}"
            first.setdefault(key, rating)
            latest[key] = rating
            counts[key] = counts.get(key, 0) + 1
    paired = [k for k in first if counts[k] > 1][:3]
    a = {str(i): first[k] for i, k in enumerate(paired, 1)}
    b = {str(i): latest[k] for i, k in enumerate(paired, 1)}
    names = {str(i): goal_texts.get(k, _("goal")) for i, k in enumerate(paired, 1)}
    return a, b, names


def _series(measure, responses, goal_texts) -> list[Series]:
    defn = get_definition(measure)
    if defn.metric_table is not None:
        return [
            Series(
                _("Metric score"),
                [(r.completed_at, r.metric) for r in responses if r.metric is not None],
            )
        ]
    if defn.total_method is not None:
        return [Series(_("Total"), [(r.completed_at, r.total) for r in responses])]
    if defn.subscales:
        return [
            Series(
                sub.label,
                [
                    (r.completed_at, r.subscales[sub.code])
                    for r in responses
                    if sub.code in r.subscales
                ],
            )
            for sub in defn.subscales
        ]
    by_goal: dict[str, list] = {}
    for r in responses:
        for link_id, rating in r.answers.items():
            key = r.goal_keys.get(link_id) or f"item-{link_id}"
            by_goal.setdefault(key, []).append((r.completed_at, rating))
    return [Series(goal_texts.get(k, _("Goal")), pts) for k, pts in by_goal.items()]


def _change_text(measure, responses, goal_texts) -> list[str]:
    if len(responses) < 2:
        return []
    try:
        if measure == "gbo":
            first, latest, names = _gbo_pairs(responses, goal_texts)
            if not first:
                return []
            return describe_change(measure, first, latest, item_names=names)
        return describe_change(measure, responses[0].answers, responses[-1].answers)
    except MeasureInputError:
        return []


def _talking_therapies(grouped) -> dict | None:
    """The NHS Talking Therapies summary once PHQ-9 and GAD-7 each have a first and a latest."""
    phq9, gad7 = grouped.get("phq9", []), grouped.get("gad7", [])
    if len(phq9) < 2 or len(gad7) < 2:
        return None
    try:
        outcome = talking_therapies(
            phq9[0].answers, gad7[0].answers, phq9[-1].answers, gad7[-1].answers
        )
    except MeasureInputError:
        return None
    return {
        "sentences": describe_talking_therapies(outcome),
        "first": min(phq9[0].completed_at, gad7[0].completed_at),
        "latest": max(phq9[-1].completed_at, gad7[-1].completed_at),
    }


@staff(Permission.VIEW_RECORD)
@require_GET
def person_outcomes(request, introduction_id):
    intro, _rel = open_introduction(request, introduction_id, category=CATEGORY)
    grouped = queries.by_measure(queries.responses_for(intro))
    goal_texts = _goal_texts(intro, request.user) if "gbo" in grouped else {}
    sections = []
    for measure, responses in grouped.items():
        defn = get_definition(measure)
        series = _series(measure, responses, goal_texts)
        scale = scale_for(defn)
        description = _(
            "%(title)s: %(n)s response(s) from %(first)s to %(last)s, on a scale of "
            "%(low)s to %(high)s. The table that follows gives every value."
        ) % {
            "title": defn.title,
            "n": len(responses),
            "first": responses[0].completed_at.strftime("%-d %B %Y"),
            "last": responses[-1].completed_at.strftime("%-d %B %Y"),
            "low": format_points(scale.low),
            "high": format_points(scale.high),
        }
        chart = chart_figure(
            defn, series, chart_id=f"chart-{measure}", title=defn.title, description=description
        )
        rows = [
            {
                "response": r,
                "summary": response_summary(measure, r),
            }
            for r in responses
        ]
        sections.append(
            {
                "measure": measure,
                "definition": defn,
                "direction": _("Higher is better")
                if defn.direction == "higher_is_better"
                else _("Lower is better"),
                "chart": chart,
                "rows": rows,
                "change": _change_text(measure, responses, goal_texts),
            }
        )
    measures = [
        {
            "code": code,
            "title": get_definition(code).title,
            "by_link": code not in actions.NOT_BY_LINK,
        }
        for code in MEASURES
    ]
    return render(
        request,
        "outcomes/person.html",
        {
            "intro": intro,
            "sections": sections,
            "measures": measures,
            "talking_therapies": _talking_therapies(grouped),
            "links": _links(intro),
        },
    )


def _links(intro) -> dict:
    links, total = queries.recent_links(intro)
    rows = []
    for link in links:
        message = link.message
        rows.append(
            {
                "link": link,
                "title": get_definition(link.measure).title,
                "status": status_in_words(message) if message else _("Sent"),
                "failed": bool(message and message.status == message.Status.FAILED),
                "reason": in_words(message.failure_reason) if message else "",
            }
        )
    return {"rows": rows, "total": total}


# --- the person's own link (public) ----------------------------------------------------------


def _unavailable(request, error: actions.LinkError):
    status = 404 if error.reason == "unknown" else 410
    return render(
        request,
        "outcomes/respond_unavailable.html",
        {"message": str(error), "reason": error.reason},
        status=status,
    )


@public
@require_http_methods(["GET", "POST"])
def respond(request, token):
    try:
        link = actions.open_link(token)
    except actions.LinkError as exc:
        return _unavailable(request, exc)
    defn = get_definition(link.measure)
    texts, licensed = queries.item_texts(link.measure)
    form = MeasureForm(posted(request), measure=link.measure, texts=texts)
    if request.method == "POST" and form.is_valid():
        try:
            actions.submit_via_link(token=token, answers=form.answers())
        except actions.ResponseInvalid as exc:
            form.add_answer_errors(exc.errors)
        except actions.LinkError as exc:
            return _unavailable(request, exc)
        else:
            return redirect("outcomes:respond_done")
    return render(
        request,
        "outcomes/respond.html",
        {"definition": defn, "form": form, "licensed": licensed},
    )


@public
@require_GET
def respond_done(request):
    return render(request, "outcomes/respond_done.html")


# --- the site's outcome framework ------------------------------------------------------------


@staff(Permission.CONFIGURE_SITE)
@require_http_methods(["GET", "POST"])
def framework(request):
    version, outcomes = queries.current_framework()
    if request.method == "POST":
        formset = OutcomeFormSet(request.POST, prefix="outcome")
        note_form = FrameworkNoteForm(request.POST)
        if formset.is_valid() and note_form.is_valid():
            chosen = [o for o in (f.as_outcome() for f in formset.forms) if o]
            try:
                saved = actions.save_framework(
                    by=request.user, outcomes=chosen, note=note_form.cleaned_data["note"]
                )
            except actions.OutcomesError as exc:
                note_form.add_error(None, str(exc))
            else:
                messages.success(
                    request, _("Outcome framework saved as version %(v)s.") % {"v": saved.version}
                )
                return redirect(reverse("outcomes:framework"))
    else:
        formset = OutcomeFormSet(initial=outcome_initial(outcomes), prefix="outcome")
        note_form = FrameworkNoteForm()
    versions = OutcomeFrameworkVersion.objects.select_related("created_by").order_by("-version")[
        :20
    ]
    return render(
        request,
        "outcomes/framework.html",
        {
            "version": version,
            "outcomes": outcomes,
            "formset": formset,
            "form": note_form,
            "versions": versions,
        },
    )
