"""Read-side shaping for the portal: what the person sees of their plan, support, measures and
record, always through the access rules (sharing.person_visible_contact_q for entries)."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone

from livingwell.access.sharing import person_visible_contact_q, person_withheld_count
from livingwell.intake.models import Introduction


def current_introduction(person):
    """The person's newest introduction (their current or last time with the network)."""
    return (
        Introduction.objects.filter(person=person)
        .select_related("current_key_worker", "current_team__organisation")
        .order_by("-received_at")
        .first()
    )


def plan_for(intro) -> dict:
    from livingwell.portal.models import PlanContribution

    versions = list(intro.plan_versions.select_related("created_by").order_by("-version"))
    return {
        "plan": versions[0] if versions else None,
        "versions": versions,
        "contributions": list(
            PlanContribution.objects.filter(introduction=intro).order_by("-written_at")[:200]
        ),
    }


def support_for(intro) -> dict:
    from livingwell.hub.models import Contact, Handover

    person_id = intro.person_id
    visible = person_visible_contact_q(person_id)
    contacts = (
        Contact.objects.filter(introduction__person_id=person_id)
        .filter(visible)
        .select_related("by", "organisation")
        .order_by("-at")[:100]
    )
    withheld = person_withheld_count(person_id)
    now = timezone.now()
    return {
        "contacts": list(contacts),
        "withheld": withheld,
        "handovers": list(
            Handover.objects.filter(introduction__person_id=person_id)
            .select_related("to_organisation")
            .order_by("-offered_at")[:50]
        ),
        "open_door": intro.open_door_until is not None and intro.open_door_until > now,
    }


def measures_for(intro) -> list[dict]:
    """Each measure over time, with the change in plain words (outcomes' own rules)."""
    from livingwell.outcomes import queries
    from livingwell.outcomes.definitions import get_definition
    from livingwell.outcomes.errors import MeasureInputError
    from livingwell.outcomes.records import describe_change, response_summary

    goal_texts = {
        g["key"]: g["text"] for plan in intro.plan_versions.order_by("version") for g in plan.goals
    }
    sections = []
    for measure, responses in queries.by_measure(queries.responses_for(intro)).items():
        change = []
        if len(responses) >= 2 and measure != "gbo":
            try:
                change = describe_change(measure, responses[0].answers, responses[-1].answers)
            except MeasureInputError:
                change = []
        sections.append(
            {
                "title": get_definition(measure).title,
                "rows": [
                    {
                        "when": r.completed_at,
                        "summary": response_summary(measure, r),
                        # Goal-based outcomes: each goal in the person's words with its rating.
                        "goals": [
                            (goal_texts.get(r.goal_keys.get(link_id), ""), rating)
                            for link_id, rating in r.answers.items()
                        ]
                        if measure == "gbo"
                        else [],
                    }
                    for r in responses
                ],
                "change": change,
            }
        )
    return sections


def outstanding_links(intro) -> list:
    from livingwell.outcomes.models import ResponseLink

    return list(
        ResponseLink.objects.filter(
            introduction=intro,
            used_at__isnull=True,
            withdrawn_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).order_by("created_at")
    )


def proposals_for_worker(user):
    """Proposed changes to plans the worker works with, not yet seen (their board links here)."""
    from livingwell.portal.actions import open_proposals_q
    from livingwell.portal.models import PlanContribution

    return (
        PlanContribution.objects.filter(open_proposals_q(user))
        .select_related("introduction__person")
        .order_by("written_at")
    )


def come_back_for_worker(user):
    """For the Hub: people asking to come back while the Hub holds their door open."""
    from livingwell.access.memberships import user_hub_team_ids
    from livingwell.portal.models import PortalRequest

    if not user_hub_team_ids(user):
        return PortalRequest.objects.none()
    return (
        PortalRequest.objects.filter(
            kind=PortalRequest.Kind.COME_BACK,
            handled_at__isnull=True,
            introduction__state=Introduction.State.CLOSED,
            introduction__open_door_until__gt=timezone.now(),
            # Asked since this closure: a request answered by a return before an earlier
            # closure is not asked again.
            at__gte=F("introduction__closed_at"),
        )
        .select_related("introduction__person")
        .order_by("at")
    )
