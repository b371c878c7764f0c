"""Deciding whether two records are the same person. Never merged silently; always reversible."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from livingwell.access import audit
from livingwell.access.helpers import check_either_person
from livingwell.access.permissions import NotPermitted, Permission
from livingwell.access.policy import staff
from livingwell.people import actions
from livingwell.people.models import PossibleMatch


def _match_for(request, match_id) -> PossibleMatch:
    import uuid

    try:
        pk = uuid.UUID(str(match_id))
    except ValueError:
        raise Http404 from None
    match = (
        PossibleMatch.objects.select_related("new_person", "existing_person").filter(pk=pk).first()
    )
    if match is None:
        raise Http404
    check_either_person(
        request,
        (match.new_person, match.existing_person),
        permission=Permission.RESOLVE_MATCHES,
        category="identity",
    )
    return match


@staff(Permission.RESOLVE_MATCHES)
@require_GET
def match(request, match_id):
    m = _match_for(request, match_id)
    # Identity checking is a Hub task: both records are shown (identity only) and the read audited.
    for person in (m.new_person, m.existing_person):
        audit.record(
            by=request.user,
            action="read",
            person=person,
            category="identity",
            purpose="identity_matching",
            obj=m,
        )
    return render(request, "people/match.html", {"match": m})


@staff(Permission.RESOLVE_MATCHES)
@require_POST
def decide(request, match_id):
    m = _match_for(request, match_id)
    decision = request.POST.get("decision")
    try:
        if decision == "merge":
            actions.merge(by=request.user, match=m)
            messages.success(request, _("Records merged. You can undo this from the same page."))
        elif decision == "not_same":
            actions.mark_not_same(by=request.user, match=m)
            messages.success(request, _("Recorded as different people."))
        elif decision == "undo":
            actions.undo_merge(by=request.user, match=m)
            messages.success(request, _("Merge undone."))
        else:
            messages.error(request, _("Choose whether these are the same person."))
    except (actions.MatchError, NotPermitted) as exc:
        messages.error(request, str(exc))
    return redirect("people:match", match_id=m.pk)
