"""My information: everything the platform holds about the person, as a subject access request
would give it, in a readable PDF (reportlab, the tool of the board report) and a JSON file.

Built through the same rules as the pages: entries restricted to a team are never included, and
entries marked "not for the person's view" are counted, not shown."""

from __future__ import annotations

import io
import json
from html import escape

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from livingwell.access import queries as access_queries
from livingwell.access.helpers import open_own_record
from livingwell.access.models import ProxyGrant, SharingPreference
from livingwell.access.person import Part
from livingwell.access.policy import person_portal
from livingwell.access.sharing import person_visible_contact_q, person_withheld_count
from livingwell.portal.models import AboutMe, Feedback, PlanContribution, PortalRequest


def everything_for(person) -> dict:
    """What the person is given: their details, introductions, plans, contacts they may see,
    handovers, measures, sharing choices, proxies, their own words, and who looked."""
    from livingwell.hub.models import Contact, Handover, PlanVersion
    from livingwell.intake.models import Introduction
    from livingwell.outcomes.models import MeasureResponse

    intros = list(Introduction.objects.filter(person=person).order_by("received_at"))
    contacts = (
        Contact.objects.filter(introduction__person=person)
        .filter(person_visible_contact_q(person.pk))
        .select_related("by", "organisation")
        .order_by("at")
    )
    return {
        "generated_at": timezone.now(),
        "about_you": {
            "name": person.display_name,
            "date_of_birth": person.date_of_birth,
            "nhs_number": person.nhs_number,
            "postcode": person.postcode,
            "phone": person.phone,
            "email": person.email,
        },
        "introductions": [
            {
                "reference": i.reference,
                "received_at": i.received_at,
                "state": i.get_state_display(),
                "what_was_happening": i.whats_happening,
                "closed_at": i.closed_at,
                "open_door_until": i.open_door_until,
            }
            for i in intros
        ],
        "plans": [
            {
                "version": p.version,
                "written_at": p.created_at,
                "written_by": str(p.created_by),
                "goals": [g["text"] for g in p.goals],
                "actions": p.actions,
                "review_date": p.review_date,
            }
            for p in PlanVersion.objects.filter(introduction__person=person)
            .select_related("created_by")
            .order_by("created_at")
        ],
        "your_additions_to_the_plan": [
            {"kind": c.get_kind_display(), "text": c.text, "written_at": c.written_at}
            for c in PlanContribution.objects.filter(introduction__person=person)
        ],
        "contacts": [
            {
                "at": c.at,
                "by": str(c.by),
                "organisation": str(c.organisation),
                "outcome": c.get_outcome_display(),
                "mode": c.get_mode_display(),
                "note": c.note,
            }
            for c in contacts
        ],
        "entries_withheld": person_withheld_count(person.pk),
        "handovers": [
            {
                "to": str(h.to_organisation),
                "state": h.get_state_display(),
                "offered_at": h.offered_at,
                "decline_reason": h.decline_reason,
            }
            for h in Handover.objects.filter(introduction__person=person).select_related(
                "to_organisation"
            )
        ],
        "measures": [
            {"measure": r.measure, "completed_at": r.completed_at, "total": r.total}
            for r in MeasureResponse.objects.filter(introduction__person=person).order_by(
                "completed_at"
            )
        ],
        "sharing_choices": [
            {
                "organisation": str(s.organisation),
                "share_out": s.share_out,
                "share_in": s.share_in,
                "open_record": s.open_record,
                "set_at": s.set_at,
                "how": s.get_expressed_display(),
            }
            for s in SharingPreference.objects.filter(person=person).select_related("organisation")
        ],
        "people_you_trust": [
            {"name": g.name, "parts": g.parts, "until": g.ends_at, "ended": g.revoked_at}
            for g in ProxyGrant.objects.filter(person=person)
        ],
        "about_me": [
            {
                "at": a.at,
                "what_helps": a.what_helps,
                "what_to_avoid": a.what_to_avoid,
                "who_to_contact": a.who_to_contact,
                "crisis_preferences": a.crisis_preferences,
            }
            for a in AboutMe.objects.filter(person=person)
        ],
        "your_requests": [
            {"kind": r.get_kind_display(), "at": r.at, "message": r.message}
            for r in PortalRequest.objects.filter(person=person)
        ],
        "your_feedback": [
            {"at": f.at, "helpfulness": f.helpfulness, "comment": f.comment}
            for f in Feedback.objects.filter(person=person)
        ],
        "who_has_looked": [row.sentence for row in access_queries.access_log_for(person)],
    }


@require_GET
@person_portal
def download(request):
    person, _rel = open_own_record(request, Part.DOWNLOAD)
    return render(
        request,
        "portal/download.html",
        {
            "person": person,
            "viewer": request.portal_viewer,
            "withheld": person_withheld_count(person.pk),
        },
    )


@require_GET
@person_portal
def download_json(request):
    person, _rel = open_own_record(request, Part.DOWNLOAD, category="download")
    body = json.dumps(everything_for(person), cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-living-well-record.json"'
    response["Cache-Control"] = "no-store"
    return response


def _pdf(data: dict) -> bytes:
    styles = getSampleStyleSheet()
    out = io.BytesIO()
    story = [Paragraph(escape(_("My information from Living Well")), styles["Title"])]

    def text(value) -> str:
        if isinstance(value, dict):
            return "; ".join(f"{k.replace('_', ' ')}: {text(v)}" for k, v in value.items())
        if isinstance(value, list):
            return ", ".join(text(v) for v in value)
        if value is None or value == "":
            return "–"
        if hasattr(value, "strftime"):
            return (
                value.strftime("%d %B %Y %H:%M")
                if hasattr(value, "hour")
                else value.strftime("%d %B %Y")
            )
        return str(value)

    for key, value in data.items():
        story.append(Paragraph(escape(key.replace("_", " ").capitalize()), styles["Heading2"]))
        items = value if isinstance(value, list) else [value]
        if not items:
            story.append(Paragraph(escape(_("Nothing held.")), styles["BodyText"]))
        for item in items:
            story.append(Paragraph(escape(text(item)), styles["BodyText"]))
            story.append(Spacer(1, 4))
    SimpleDocTemplate(out, pagesize=A4, title=_("My information from Living Well")).build(story)
    return out.getvalue()


@require_GET
@person_portal
def download_pdf(request):
    person, _rel = open_own_record(request, Part.DOWNLOAD, category="download")
    response = HttpResponse(_pdf(everything_for(person)), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="my-living-well-record.pdf"'
    response["Cache-Control"] = "no-store"
    return response
