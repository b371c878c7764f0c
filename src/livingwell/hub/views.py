"""Hub pages. Thin: load through the access helper, call one action, respond."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from livingwell.access.helpers import check_handover_step, open_introduction
from livingwell.access.permissions import Permission as P
from livingwell.access.policy import staff
from livingwell.access.relationships import open_introductions_for
from livingwell.core.forms import perform, submit
from livingwell.core.models import SiteConfig
from livingwell.hub import actions, forms, queries
from livingwell.hub.models import Handover
from livingwell.hub.record import SECTIONS, history_context, record_context
from livingwell.improvement.queries import overdue_safety_actions
from livingwell.intake.models import ClosedReason, Introduction


def _record(intro):
    return redirect("hub:record", introduction_id=intro.pk)


def _form_page(request, intro, form, template, run, extra=None):
    """A record's form page: a valid form calls `run`, which returns what happened in words for
    the record page to say (core.forms.submit); a refusal goes back beside the form."""
    if submit(request, form, run, done=lambda said: said):
        return _record(intro)
    return render(
        request, template, {"form": form, "intro": intro, "person": intro.person, **(extra or {})}
    )


@staff(P.VIEW_BOARD)
@require_GET
def board(request):
    form = forms.BoardFilterForm(request.GET)
    if not form.is_valid():
        return render(request, "hub/board.html", {"form": form}, status=400)
    data = queries.huddle_board(
        request.user, **form.cleaned_data, config=SiteConfig.for_request(request)
    )
    context = {
        "form": form,
        "board": data,
        "query": form.query_string(),
        # Safety actions from learning responses that the user owns and has let pass their date:
        # a count and a link (what each is about is on their own list, under its access rules).
        "overdue_safety_actions": overdue_safety_actions(request.user).count(),
    }
    return render(request, "hub/board.html", context)


@staff(P.VIEW_BOARD)
@require_GET
def board_section(request, section):
    """One section of the board in full, a page at a time, under the board's rules."""
    form = forms.BoardFilterForm(request.GET)
    context = {"form": form, "board_url": reverse("hub:board")}
    if not form.is_valid():
        return render(request, "hub/board_section.html", context, status=400)
    found = queries.board_section(
        request.user,
        section,
        page=request.GET.get("page"),
        **form.cleaned_data,
        config=SiteConfig.for_request(request),
    )
    if found is None:
        raise Http404
    query = form.query_string()
    if query:
        context["board_url"] += f"?{query}"
    context.update(section=found.section, page=found.page, query=query)
    return render(request, "hub/board_section.html", context)


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


@staff(P.VIEW_RECORD)
@require_GET
def record(request, introduction_id):
    intro, rel = open_introduction(request, introduction_id, category="record", full=False)
    if not rel.full:
        # An offer waiting for a reply: the receiving organisation sees only what it needs
        # to decide.
        offers = intro.handovers.filter(
            state=Handover.State.OFFERED, to_organisation_id=rel.organisation_id
        )
        return render(
            request,
            "hub/offer_summary.html",
            {"intro": intro, "person": intro.person, "offers": offers},
        )
    context = record_context(request.user, intro, rel)
    return render(request, "hub/record.html", context)


@staff(P.VIEW_RECORD)
@require_GET
def record_history(request, introduction_id, section):
    """One of the record's lists in full, a page at a time (the record shows the latest few)."""
    found = SECTIONS.get(section)
    if found is None:
        raise Http404
    intro, rel = open_introduction(request, introduction_id, category="record")
    context = history_context(request.user, intro, rel, found, request.GET.get("page"))
    return render(request, "hub/record_history.html", context)


@staff(P.TAKE_OWNERSHIP)
@require_POST
def take_ownership(request, introduction_id):
    intro, _rel = open_introduction(request, introduction_id, permission=P.TAKE_OWNERSHIP)
    actions.take_ownership(by=request.user, introduction=intro)
    messages.success(request, _("You now hold this introduction."))
    return _record(intro)


@staff(P.RECORD_CONVERSATION)
@require_http_methods(["GET", "POST"])
def conversation(request, introduction_id):
    intro, _rel = open_introduction(
        request, introduction_id, category="conversation", permission=P.RECORD_CONVERSATION
    )
    form = forms.ConversationForm(
        request.POST if request.method == "POST" else None,
        initial={"whats_happening": intro.whats_happening},
    )

    def run(data):
        tier = data.pop("tier")
        actions.record_first_conversation(
            by=request.user, introduction=intro, tier=tier, fields=data
        )
        return _("First conversation recorded: support has started in %(tier)s.") % {"tier": tier}

    return _form_page(request, intro, form, "hub/conversation.html", run)


@staff(P.ALLOCATE)
@require_http_methods(["GET", "POST"])
def allocate(request, introduction_id):
    intro, _rel = open_introduction(
        request, introduction_id, category="allocation", permission=P.ALLOCATE
    )
    form = forms.AllocateForm(request.POST if request.method == "POST" else None)

    def run(data):
        m = data["membership"]
        actions.allocate_key_worker(
            by=request.user,
            introduction=intro,
            key_worker=m.user,
            team=m.team,
            reason=data["reason"],
        )
        return _("%(worker)s (%(team)s) is now the key worker.") % {
            "worker": m.user.get_full_name() or m.user.username,
            "team": m.team,
        }

    return _form_page(request, intro, form, "hub/allocate.html", run)


@staff(P.CHANGE_TIER)
@require_http_methods(["GET", "POST"])
def change_tier(request, introduction_id):
    intro, _rel = open_introduction(
        request, introduction_id, category="tier", permission=P.CHANGE_TIER
    )
    form = forms.TierForm(request.POST if request.method == "POST" else None)

    def run(data):
        actions.change_tier(
            by=request.user, introduction=intro, tier=data["tier"], reason=data["reason"]
        )
        return _("Support is now in %(tier)s.") % {"tier": data["tier"]}

    return _form_page(request, intro, form, "hub/tier.html", run)


@staff(P.EDIT_PLAN)
@require_http_methods(["GET", "POST"])
def plan(request, introduction_id):
    intro, _rel = open_introduction(
        request, introduction_id, category="plan", permission=P.EDIT_PLAN
    )
    from livingwell.access.sharing import visible_plan_filter

    latest = (
        intro.plan_versions.filter(visible_plan_filter(request.user, intro.person))
        .order_by("-version")
        .first()
    )
    form = forms.PlanForm(
        request.POST if request.method == "POST" else None,
        introduction=intro,
        from_version=latest,
    )

    def run(data):
        saved = actions.save_plan(
            by=request.user,
            introduction=intro,
            goals=form.goals(),
            actions=form.actions(),
            review_date=data["review_date"],
            agreed_with_person=data["agreed_with_person"],
        )
        return _("Support plan saved as version %(v)d.") % {"v": saved.version}

    return _form_page(request, intro, form, "hub/plan.html", run, {"latest": latest})


@staff(P.RECORD_CONTACT)
@require_http_methods(["GET", "POST"])
def contact(request, introduction_id):
    intro, _rel = open_introduction(
        request, introduction_id, category="contact", permission=P.RECORD_CONTACT
    )
    form = forms.ContactForm(
        request.POST if request.method == "POST" else None,
        initial={"contact_date": timezone.localdate(), "duration_minutes": 0},
        introduction=intro,
    )

    def run(data):
        actions.record_contact(
            by=request.user,
            introduction=intro,
            outcome=data["outcome"],
            mode=data["mode"],
            contact_at=form.contact_at(),
            duration_minutes=data["duration_minutes"],
            note=data["note"],
            restricted=data["restricted"],
        )
        return _("Contact recorded.")

    return _form_page(request, intro, form, "hub/contact.html", run)


@staff(P.OFFER_HANDOVER)
@require_http_methods(["GET", "POST"])
def handover_new(request):
    intro = None
    intro_id = request.POST.get("introduction") or request.GET.get("introduction")
    if intro_id:
        intro, _rel = open_introduction(
            request, intro_id, category="handover", permission=P.OFFER_HANDOVER
        )
    service = _service(request.GET.get("service") or request.POST.get("service"))
    caseload = (
        []
        if intro
        else list(
            open_introductions_for(request.user)
            .select_related("person")
            .order_by("received_at")[:500]
        )
    )
    initial = {"to_organisation": getattr(service, "network_organisation", None)} if service else {}
    form = forms.HandoverForm(
        request.POST if request.method == "POST" else None,
        caseload=caseload,
        fixed_introduction=intro,
        initial=initial,
    )
    previous = _declined(request, intro)
    if intro is not None and submit(
        request,
        form,
        lambda data: actions.offer_handover(
            by=request.user,
            introduction=intro,
            to_organisation=data["to_organisation"],
            what_is_asked=data["what_is_asked"],
            service_id=getattr(service, "pk", None),
            service_name=getattr(service, "name", ""),
            previous=previous,
        ),
        done=_("Handover offered. It stays on the board until they reply."),
    ):
        return _record(intro)
    return render(
        request,
        "hub/handover_new.html",
        {"form": form, "intro": intro, "service": service, "previous": previous},
    )


def _service(service_id):
    if not service_id:
        return None
    from livingwell.directory.queries import service_for_handover

    try:
        return service_for_handover(service_id)
    except (ValueError, TypeError):
        return None


def _declined(request, intro):
    prev_id = request.GET.get("previous") or request.POST.get("previous")
    if not (intro and prev_id and _is_uuid(prev_id)):
        return None
    return intro.handovers.filter(pk=prev_id, state=Handover.State.DECLINED).first()


def _handover_for(request, handover_id, step, *, permission, full=True):
    """The handover, its introduction and the user's relationship, or an audited 404 unless the
    user may take `step` (permissions.HANDOVER_STEPS: the offering side, the receiving side or
    the Hub; None when no step is asked for)."""
    if not _is_uuid(handover_id):
        raise Http404
    handover = (
        Handover.objects.select_related("introduction", "to_organisation")
        .filter(pk=handover_id)
        .first()
    )
    if handover is None:
        raise Http404
    intro, rel = open_introduction(
        request, handover.introduction_id, category="handover", permission=permission, full=full
    )
    handover.introduction = intro
    if step is not None:
        check_handover_step(request, handover, step, rel)
    return handover, intro, rel


@staff(P.RESPOND_HANDOVER)
@require_http_methods(["GET", "POST"])
def handover_respond(request, handover_id):
    step = Handover.State.DECLINED if request.POST.get("decision") == "decline" else "accepted"
    handover, intro, _rel = _handover_for(
        request, handover_id, step, permission=P.RESPOND_HANDOVER, full=False
    )
    form = forms.RespondForm(request.POST if request.method == "POST" else None)
    if submit(
        request,
        form,
        lambda data: actions.respond_to_handover(
            by=request.user,
            handover=handover,
            accept=data["decision"] == "accept",
            reason=data["reason"],
        ),
        done=_("Thank you: the Hub has your answer."),
    ):
        return redirect("hub:board")
    return render(
        request,
        "hub/handover_respond.html",
        {"form": form, "handover": handover, "intro": intro, "person": intro.person},
    )


@staff(P.VIEW_RECORD)
@require_POST
def handover_advance(request, handover_id):
    to_state = request.POST.get("to_state", "")
    if to_state not in {Handover.State.STARTED, Handover.State.COMPLETED, Handover.State.WITHDRAWN}:
        _handover, intro, _rel = _handover_for(request, handover_id, None, permission=P.VIEW_RECORD)
        messages.error(request, _("That is not a step a handover can take."))
        return _record(intro)
    handover, intro, _rel = _handover_for(request, handover_id, to_state, permission=P.VIEW_RECORD)
    perform(
        request,
        lambda: actions.advance_handover(by=request.user, handover=handover, to_state=to_state),
        done=ADVANCED[to_state] % {"org": handover.to_organisation},
    )
    return _record(intro)


ADVANCED = {
    Handover.State.STARTED: gettext_lazy("Support with %(org)s has started."),
    Handover.State.COMPLETED: gettext_lazy("The handover to %(org)s is complete."),
    Handover.State.WITHDRAWN: gettext_lazy("The handover offer to %(org)s is withdrawn."),
}


@staff(P.OFFER_HANDOVER)
@require_http_methods(["GET", "POST"])
def handover_acknowledge(request, handover_id):
    handover, intro, _rel = _handover_for(
        request, handover_id, "acknowledged", permission=P.OFFER_HANDOVER
    )
    form = forms.AcknowledgeForm(request.POST if request.method == "POST" else None)

    def run(data):
        actions.acknowledge_declined_handover(by=request.user, handover=handover, note=data["note"])
        return _("The declined handover is acknowledged; the introduction stays with the Hub.")

    return _form_page(
        request, intro, form, "hub/handover_acknowledge.html", run, {"handover": handover}
    )


@staff(P.CLOSE)
@require_http_methods(["GET", "POST"])
def close(request, introduction_id):
    intro, _rel = open_introduction(
        request, introduction_id, category="closure", permission=P.CLOSE
    )
    form = forms.CloseForm(request.POST if request.method == "POST" else None)

    def run(data):
        closed = actions.close(
            by=request.user, introduction=intro, reason=data["reason"], note=data["note"]
        )
        reason = ClosedReason(data["reason"]).label
        if closed.open_door_until is None:
            return _("Closed: %(reason)s.") % {"reason": reason}
        return _("Closed: %(reason)s. The door stays open until %(until)s.") % {
            "reason": reason,
            "until": date_format(timezone.localtime(closed.open_door_until), "j F Y"),
        }

    return _form_page(request, intro, form, "hub/close.html", run)


@staff(P.REOPEN)
@require_http_methods(["GET", "POST"])
def return_open_door(request, introduction_id):
    intro, _rel = open_introduction(
        request, introduction_id, category="return", permission=P.REOPEN
    )
    form = forms.ReturnForm(request.POST if request.method == "POST" else None)

    def run(data):
        actions.return_within_open_door(
            by=request.user, introduction=intro, tier=data["tier"], note=data["note"]
        )
        return _("Welcomed back through the open door: support is in %(tier)s.") % {
            "tier": data["tier"]
        }

    return _form_page(request, intro, form, "hub/return.html", run)


@staff(P.VIEW_BOARD)
@require_http_methods(["GET", "POST"])
def find(request):
    """Find an introduction by its reference (POST, so nothing identifying sits in a URL)."""
    form = forms.FindForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        intro = Introduction.objects.filter(reference=form.cleaned_data["reference"]).first()
        if intro is not None:
            from livingwell.access.relationships import relationship

            if relationship(request.user, intro.person) is not None:
                return _record(intro)
        form.add_error("reference", _("No introduction you can open has that reference"))
    return render(request, "hub/find.html", {"form": form})
