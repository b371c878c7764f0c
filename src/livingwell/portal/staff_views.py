"""The workers' side of the portal: what people asked for or proposed in their portal (the
board links here), marking an entry "not for the person's view", and the privacy officer's
questions and reviews. Staff pages, under staff policies; person data through access.helpers."""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from livingwell.access import actions as access_actions
from livingwell.access import audit
from livingwell.access.helpers import open_introduction
from livingwell.access.models import ReviewFields, Withholding
from livingwell.access.permissions import Permission as P
from livingwell.access.policy import staff
from livingwell.core.forms import Form, perform
from livingwell.core.ids import as_uuid
from livingwell.portal import actions, queries
from livingwell.portal.models import PlanContribution, PortalRequest


@staff(P.VIEW_BOARD)
@require_GET
def inbox(request):
    """Proposals for plans the worker works with, and (for the Hub) people asking to come back."""
    return render(
        request,
        "portal/staff/inbox.html",
        {
            "proposals": queries.proposals_for_worker(request.user)[:100],
            "come_back": queries.come_back_for_worker(request.user)[:100],
        },
    )


@staff(P.EDIT_PLAN)
@require_POST
def proposal_seen(request, contribution_id):
    item = PlanContribution.objects.filter(pk=as_uuid(contribution_id)).first()
    if item is None:
        raise Http404
    open_introduction(request, item.introduction_id, category="plan", permission=P.EDIT_PLAN)
    perform(
        request,
        lambda: actions.mark_proposal_seen(by=request.user, contribution=item),
        done=_("Marked as seen: the person sees that you have read it."),
    )
    return redirect("portal:inbox")


class WithholdForm(Form):
    reason = django_forms.ChoiceField(
        label=gettext_lazy("Why should the person not see this entry?"),
        choices=Withholding.Reason.choices,
        widget=django_forms.RadioSelect,
    )


@staff(P.RECORD_CONTACT)
@require_http_methods(["GET", "POST"])
def withhold(request, contact_id):
    from livingwell.hub.models import Contact

    contact = Contact.objects.filter(pk=as_uuid(contact_id)).first()
    if contact is None:
        raise Http404
    intro, _rel = open_introduction(
        request, contact.introduction_id, category="withholding", permission=P.RECORD_CONTACT
    )
    form = WithholdForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            access_actions.withhold_from_person(
                by=request.user, contact=contact, reason=form.cleaned_data["reason"]
            )
        except access_actions.AccessError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("The person will not see this entry. The privacy officer will review it."),
            )
            return redirect("hub:record", introduction_id=intro.pk)
    return render(
        request,
        "portal/staff/withhold.html",
        {"intro": intro, "person": intro.person, "contact": contact, "form": form},
    )


class ReviewForm(Form):
    outcome = django_forms.ChoiceField(
        label=gettext_lazy("Your review"),
        choices=[
            ("appropriate", gettext_lazy("Appropriate: keep it withheld")),
            ("inappropriate", gettext_lazy("Not appropriate: action taken")),
        ],
        widget=django_forms.RadioSelect,
    )
    note = django_forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=django_forms.Textarea
    )


@staff(P.REVIEW_ACCESS)
@require_GET
def privacy_questions(request):
    """The privacy officer's part of the portal: questions about access or withheld entries,
    and withheld entries to review."""
    audit.record(by=request.user, action="read", category="access_review", purpose="privacy_review")
    return render(
        request,
        "portal/staff/privacy_questions.html",
        {
            "questions": list(
                PortalRequest.objects.filter(
                    kind__in=[
                        PortalRequest.Kind.QUESTION_ACCESS,
                        PortalRequest.Kind.ASK_WITHHELD,
                    ],
                    handled_at__isnull=True,
                )
                .select_related("person")
                .order_by("at")[:200]
            ),
            "withheld": list(
                Withholding.objects.filter(review=ReviewFields.Review.PENDING)
                .select_related("user", "person")
                .order_by("at")[:200]
            ),
            "form": ReviewForm(),
        },
    )


@staff(P.REVIEW_ACCESS)
@require_POST
def review_withholding(request, withholding_id):
    item = Withholding.objects.filter(pk=as_uuid(withholding_id)).first()
    if item is None:
        raise Http404
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose your review."))
        return redirect("portal:privacy_questions")
    try:
        access_actions.review_withholding(
            by=request.user,
            item=item,
            appropriate=form.cleaned_data["outcome"] == "appropriate",
            note=form.cleaned_data["note"],
        )
    except access_actions.AccessError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Review recorded."))
    return redirect("portal:privacy_questions")


@staff(P.REVIEW_ACCESS)
@require_POST
def question_answered(request, request_id):
    item = PortalRequest.objects.filter(pk=as_uuid(request_id)).first()
    if item is None:
        raise Http404
    perform(
        request,
        lambda: actions.mark_request_handled(by=request.user, item=item, at=timezone.now()),
        done=_("Marked as answered."),
    )
    return redirect("portal:privacy_questions")
