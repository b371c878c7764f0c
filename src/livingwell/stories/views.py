"""Stories pages: collections and their patterns, telling a story (a worker's form and the
person's own link), consent, public text, selection panels and the public impact page."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from livingwell.access.helpers import open_introduction
from livingwell.access.permissions import Permission, has_permission
from livingwell.access.policy import public, staff
from livingwell.core.forms import perform, posted, submit
from livingwell.insight import metrics
from livingwell.intake.actions import URGENT_RISK
from livingwell.intake.models import Introduction
from livingwell.stories import actions, consent, impact, patterns, queries
from livingwell.stories.forms import (
    ApproveForm,
    CollectionForm,
    ConsentForm,
    FeedbackForm,
    FilterForm,
    PublicTextForm,
    SelectionForm,
    StoryForm,
    WorkerStoryForm,
)
from livingwell.stories.models import Audience, Collection, Panel, Selection, Story


def _collection(collection_id) -> Collection:
    return get_object_or_404(Collection, pk=collection_id)


@staff(Permission.VIEW_STORIES)
@require_GET
def collections(request):
    items = Collection.objects.all()
    return render(
        request,
        "stories/collections.html",
        {
            "collections": items,
            "can_collect": has_permission(request.user, Permission.COLLECT_STORIES),
            "can_run": has_permission(request.user, Permission.RUN_STORY_PANELS),
        },
    )


@staff(Permission.RUN_STORY_PANELS)
@require_http_methods(["GET", "POST"])
def collection_new(request):
    form = CollectionForm(posted(request))
    collection = submit(
        request,
        form,
        lambda _data: actions.create_collection(by=request.user, **form.collection_fields()),
        done=lambda made: _("Collection “%(t)s” created.") % {"t": made.title},
    )
    if collection:
        return redirect("stories:pattern", collection_id=collection.pk)
    return render(request, "stories/collection_new.html", {"form": form})


def _set(collection, data, disclosure, prefix):
    form = FilterForm(data, collection=collection, prefix=prefix)
    chosen = form.cleaned_data if form.is_valid() else {}
    stories = queries.filtered(collection, chosen)
    return {
        "form": form,
        "invalid": form.is_bound and not form.is_valid(),
        "stories": stories,
        "count": disclosure.count(len(stories)),
        "figures": patterns.figures(stories, collection.signifiers.all(), disclosure),
        "filtered": bool(chosen) and any(chosen.values()),
    }


@staff(Permission.VIEW_STORIES)
@require_GET
def pattern(request, collection_id):
    """Each signifier's pattern for the filtered stories; a second set side by side."""
    collection = _collection(collection_id)
    disclosure = metrics.Disclosure.from_site()
    first = _set(collection, request.GET or None, disclosure, "a")
    second = _set(collection, request.GET or None, disclosure, "b")
    return render(
        request,
        "stories/pattern.html",
        {
            "collection": collection,
            "sets": [first, second] if second["filtered"] else [first],
            "compare_form": second["form"],
            "threshold": disclosure.threshold,
        },
    )


def _story_form(request, form_class, collection):
    return form_class(posted(request), collection=collection)


@staff(Permission.COLLECT_STORIES)
@require_http_methods(["GET", "POST"])
def tell_with_worker(request, collection_id):
    """A worker writes a story down with the teller; ``?introduction=`` links it to a person
    (opened through the access helpers: the worker's relationship is checked and audited)."""
    collection = _collection(collection_id)
    introduction = None
    reference = (request.GET.get("reference") or "").strip().upper()
    if reference:
        # No such reference and no relationship look the same: an audited 404.
        found = Introduction.objects.filter(reference=reference).values_list("pk", flat=True)
        introduction, _rel = open_introduction(
            request, found.first(), category="story", permission=Permission.RECORD_CONTACT
        )
        url = reverse("stories:tell_with_worker", args=[collection.pk])
        return redirect(f"{url}?introduction={introduction.pk}")
    intro_id = request.GET.get("introduction") or request.POST.get("introduction")
    if intro_id:
        introduction, _rel = open_introduction(
            request, intro_id, category="story", permission=Permission.RECORD_CONTACT
        )
    form = _story_form(request, WorkerStoryForm, collection)
    if request.method == "POST" and form.is_valid():
        try:
            story = actions.record_story(
                by=request.user,
                collection=collection,
                introduction=introduction,
                **form.story_fields(),
            )
        except actions.StoryError as exc:
            form.add_story_error(exc)
        else:
            if story.urgent_introduction_id:
                messages.warning(
                    request,
                    _(
                        "Story saved. Someone may be at risk: an urgent introduction %(ref)s is "
                        "at the top of the Hub board."
                    )
                    % {"ref": story.urgent_introduction.reference},
                )
            else:
                messages.success(request, _("Story saved."))
            return redirect("stories:pattern", collection_id=collection.pk)
    return render(
        request,
        "stories/tell_worker.html",
        {
            "collection": collection,
            "form": form,
            "introduction": introduction,
            "urgent_values": list(URGENT_RISK),
        },
    )


@staff(Permission.COLLECT_STORIES)
@require_POST
def send_link(request, collection_id, introduction_id):
    collection = _collection(collection_id)
    introduction, _rel = open_introduction(
        request, introduction_id, category="story", permission=Permission.RECORD_CONTACT
    )
    perform(
        request,
        lambda: actions.create_teller_link(
            by=request.user, introduction=introduction, collection=collection
        ),
        done=_("A link to tell their story has been sent."),
    )
    url = reverse("stories:tell_with_worker", args=[collection.pk])
    return redirect(f"{url}?introduction={introduction.pk}")


@public
@require_http_methods(["GET", "POST"])
def tell(request, token):
    """The person's own link: no login. Tell the story once; after that, the same link shows
    its consent and lets the person withdraw it, until it expires."""
    try:
        link = actions.open_link(token)
    except actions.LinkError as exc:
        return render(request, "stories/link_unavailable.html", {"message": str(exc)}, status=404)
    if link.used_at is not None:
        return _teller_consent(request, token, link)
    form = _story_form(request, StoryForm, link.collection)
    if request.method == "POST" and form.is_valid():
        try:
            story = actions.tell_via_link(token=token, **form.story_fields())
        except actions.LinkError as exc:
            return render(request, "stories/link_unavailable.html", {"message": str(exc)})
        except actions.StoryError as exc:
            form.add_story_error(exc)
        else:
            request.session["story_told"] = {"urgent": story.risk_disclosed}
            return redirect("stories:tell_done")
    return render(
        request,
        "stories/tell.html",
        {"collection": link.collection, "form": form, "urgent_values": list(URGENT_RISK)},
    )


def _teller_consent(request, token, link):
    story = link.story
    if request.method == "POST":
        actions.withdraw_consent(by=None, story=story)
        messages.success(request, _("You have withdrawn your consent. Thank you for telling us."))
        return redirect("stories:tell", token=token)
    entries = consent.in_force(story)
    rows = [(label, consent.may_use(story, audience)) for audience, label in Audience.choices]
    return render(
        request, "stories/tell_consent.html", {"rows": rows, "entries": entries, "token": token}
    )


@public
@require_GET
def tell_done(request):
    outcome = request.session.get("story_told")
    if outcome is None:
        raise Http404
    return render(request, "stories/tell_done.html", outcome)


@staff(Permission.VIEW_STORIES)
@require_GET
def story(request, story_id):
    item, audience = queries.open_story(request, story_id)
    return render(
        request,
        "stories/story.html",
        {
            "story": item,
            "audience": audience,
            "answers": item.answers.select_related("signifier"),
            "can_run": has_permission(request.user, Permission.RUN_STORY_PANELS),
            "can_consent": has_permission(request.user, Permission.COLLECT_STORIES),
        },
    )


@staff(Permission.COLLECT_STORIES)
@require_http_methods(["GET", "POST"])
def story_consent(request, story_id):
    item = queries.open_story_for_consent(request, story_id)
    form = ConsentForm(
        request.POST if request.method == "POST" and "withdraw" not in request.POST else None,
        initial={"given_on": timezone.localdate()},
    )
    if request.method == "POST" and "withdraw" in request.POST:
        actions.withdraw_consent(by=request.user, story=item)
        messages.success(request, _("Consent withdrawn for every use, from now on."))
        return redirect("stories:consent", story_id=item.pk)
    if submit(
        request,
        form,
        lambda c: actions.record_consent(
            by=request.user,
            story=item,
            audience=c["audience"],
            permitted=c["permitted"] == "yes",
            identity=c["identity"],
            given_on=c["given_on"],
            review_on=c["review_on"],
        ),
        done=_("Consent recorded."),
    ):
        return redirect("stories:consent", story_id=item.pk)
    rows = [
        (label, consent.in_force(item)[audience], consent.may_use(item, audience))
        for audience, label in Audience.choices
    ]
    return render(
        request,
        "stories/consent.html",
        {"story": item, "form": form, "rows": rows, "ledger": item.consents.order_by("-id")},
    )


@staff(Permission.RUN_STORY_PANELS)
@require_http_methods(["GET", "POST"])
def public_text(request, story_id):
    item, _audience = queries.open_story(request, story_id)
    text_form = PublicTextForm(
        request.POST if "public_text" in request.POST else None,
        initial={"public_text": item.public_text},
    )
    approve_form = ApproveForm(request.POST if "approve" in request.POST else None)
    if "approve" in request.POST and submit(
        request,
        approve_form,
        lambda data: actions.approve_public_text(
            by=request.user, story=item, warnings_read=data["warnings_read"]
        ),
        done=_("Public text checked: it may be published."),
    ):
        return redirect("stories:public_text", story_id=item.pk)
    if "public_text" in request.POST and submit(
        request,
        text_form,
        lambda data: actions.write_public_text(
            by=request.user, story=item, text=data["public_text"]
        ),
        done=_("Public text saved. A second person must check it."),
    ):
        return redirect("stories:public_text", story_id=item.pk)
    return render(
        request,
        "stories/public_text.html",
        {
            "story": item,
            "text_form": text_form,
            "approve_form": approve_form,
            "findings": actions.public_text_findings(item) if item.public_text else [],
            "may_approve": item.public_text and item.public_text_by_id != request.user.pk,
        },
    )


@staff(Permission.RUN_STORY_PANELS)
@require_http_methods(["GET", "POST"])
def panel(request, collection_id, level):
    collection = _collection(collection_id)
    if not str(level).isdigit():
        raise Http404
    panel_obj = get_object_or_404(Panel, collection=collection, level=int(level))
    domains = []
    posted_domain = request.POST.get("domain")
    for domain in collection.domains.all():
        chosen = Selection.objects.filter(panel=panel_obj, domain=domain).select_related("story")
        chosen = chosen.first()
        candidates = list(actions.candidates(panel_obj, domain)[:50])
        bound = request.method == "POST" and posted_domain == str(domain.pk)
        form = SelectionForm(
            request.POST if bound else None,
            candidates=candidates,
            prefix=f"d{domain.pk}",
            initial={"met_on": timezone.localdate()},
        )
        if bound and submit(
            request,
            form,
            lambda c, domain=domain: actions.select_story(
                by=request.user,
                panel=panel_obj,
                domain=domain,
                story=Story.objects.get(pk=c["story"]),
                reasons=c["reasons"],
                attendance=c["attendance"],
                met_on=c["met_on"],
            ),
            done=_("The panel's choice for “%(d)s” is recorded.") % {"d": domain.label},
        ):
            return redirect("stories:panel", collection_id=collection.pk, level=level)
        domains.append({"domain": domain, "chosen": chosen, "candidates": candidates, "form": form})
    return render(
        request,
        "stories/panel.html",
        {
            "collection": collection,
            "panel": panel_obj,
            "domains": domains,
            "panels": collection.panels.all(),
            "feedback_form": FeedbackForm(initial={"told_on": timezone.localdate()}),
        },
    )


@staff(Permission.RUN_STORY_PANELS)
@require_POST
def feedback(request, selection_id):
    selection = get_object_or_404(
        Selection.objects.select_related("panel", "story"), pk=selection_id
    )
    form = FeedbackForm(request.POST)
    if form.is_valid():
        c = form.cleaned_data
        perform(
            request,
            lambda: actions.record_feedback(
                by=request.user,
                selection=selection,
                told=c["told"],
                told_on=c["told_on"],
                how=c["how"],
            ),
            done=_("Feedback recorded."),
        )
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect(
        "stories:panel", collection_id=selection.panel.collection_id, level=selection.panel.level
    )


@staff(Permission.VIEW_STORIES)
@require_GET
def monitoring(request, collection_id):
    """Meta-monitoring: how many stories per domain, source and group, and whose are chosen."""
    collection = _collection(collection_id)
    disclosure = metrics.Disclosure.from_site()
    stories = queries.filtered(collection, {})
    chosen_ids = set(
        Selection.objects.filter(panel__collection=collection).values_list("story_id", flat=True)
    )
    chosen = [s for s in stories if s.pk in chosen_ids]
    tables = [
        (_("Domain"), lambda s: s.domain.label),
        (_("Teller"), lambda s: s.get_source_display()),
    ] + [
        (
            metrics.DIMENSION_LABELS[d],
            (lambda dim: lambda s: metrics.group_label(dim, patterns.equity_group(s, dim)))(d),
        )
        for d in metrics.EQUITY_DIMENSIONS
    ]
    rows = []
    for title, key in tables:
        told = dict(patterns.counts_by(stories, key, disclosure))
        picked = dict(patterns.counts_by(chosen, key, disclosure))
        rows.append((title, [(label, n, picked.get(label, "0")) for label, n in told.items()]))
    selections = (
        Selection.objects.filter(panel__collection=collection)
        .select_related("panel", "domain")
        .prefetch_related("feedback")
    )
    return render(
        request,
        "stories/monitoring.html",
        {"collection": collection, "tables": rows, "selections": selections},
    )


@public
@require_GET
def impact_page(request):
    return render(request, "stories/impact.html", impact.context())


@staff(Permission.VIEW_STORIES)
@require_GET
def cycle_stories(request, cycle_id):
    """The stories told in a PDSA cycle's window (Do start to Study date, or today), beside the
    same length of time before it, per collection: a process change read in people's words."""
    from datetime import timedelta

    from livingwell.improvement.models import PDSACycle

    cycle = get_object_or_404(PDSACycle.objects.select_related("project"), pk=cycle_id)
    disclosure = metrics.Disclosure.from_site()
    parts = []
    if cycle.do_started_on:
        end = cycle.study_date or timezone.localdate()
        length = max(timedelta(days=1), end - cycle.do_started_on)
        windows = [
            (
                _("Before the cycle"),
                cycle.do_started_on - length,
                cycle.do_started_on - timedelta(days=1),
            ),
            (_("In the cycle's window"), cycle.do_started_on, end),
        ]
        teams = list(cycle.project.teams.values_list("pk", flat=True))
        for collection in Collection.objects.filter(
            period_end__gte=windows[0][1], period_start__lte=end
        ):
            sets = []
            for label, start, stop in windows:
                stories = queries.filtered(collection, {"start": start, "end": stop})
                if teams:
                    stories = [s for s in stories if s.team_id in teams]
                sets.append(
                    {
                        "label": label,
                        "start": start,
                        "end": stop,
                        "count": disclosure.count(len(stories)),
                        "stories": stories[:20] if label == windows[1][0] else [],
                        "figures": patterns.figures(
                            stories, collection.signifiers.all(), disclosure
                        ),
                    }
                )
            parts.append({"collection": collection, "sets": sets})
    return render(request, "stories/cycle.html", {"cycle": cycle, "parts": parts})


@staff(Permission.COLLECT_STORIES)
@require_GET
def person_stories(request, introduction_id):
    """A person's stories, for their care team (opened through the access helpers, audited):
    those whose care-team consent is in force, and the collections to add one to."""
    introduction, _rel = open_introduction(
        request, introduction_id, category="story", permission=Permission.VIEW_RECORD
    )
    stories = consent.allowed(
        Story.objects.filter(person_id=introduction.person_id), Audience.CARE_TEAM
    ).select_related("collection", "domain")
    return render(
        request,
        "stories/person_stories.html",
        {
            "introduction": introduction,
            "stories": stories,
            "collections": Collection.objects.filter(is_open=True),
        },
    )
