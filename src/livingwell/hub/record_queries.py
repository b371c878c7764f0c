"""Read-side shaping for a person's record page (hub:record) and its history pages.

Entries are filtered by the person's sharing choices and restricted entries to their authoring
team (access/sharing.py), so nothing hidden is shown or counted.
"""

from __future__ import annotations

from django.utils import timezone

from livingwell.hub.models import Contact, ContactMode, Conversation
from livingwell.intake.models import Introduction


def record_context(user, intro: Introduction, rel) -> dict:
    """Everything the record page shows. Entries are filtered by the person's sharing choices and
    restricted entries to their authoring team (access/sharing.py), so nothing hidden is shown."""
    from livingwell.access.sharing import (
        sharing_view,
        visible_authoring_filter,
        visible_conversation_filter,
        visible_plan_filter,
    )

    view = sharing_view(user, intro.person)
    contacts = intro.contacts.select_related("by", "organisation").order_by("-at")
    contacts = list(contacts.filter(visible_authoring_filter(user, intro.person, view=view))[:200])
    # Choice labels translated once per page: get_FOO_display() translates every label of the
    # field's choices on each call, which was most of the contacts table's rendering time.
    outcome_labels = {value: str(label) for value, label in Contact.Outcome.choices}
    mode_labels = {value: str(label) for value, label in ContactMode.choices}
    for c in contacts:
        c.outcome_label = outcome_labels.get(c.outcome, c.outcome)
        c.mode_label = mode_labels.get(c.mode, c.mode)
    allocations = list(
        intro.allocations.select_related("key_worker", "team", "organisation").order_by(
            "started_at"
        )
    )
    plans = list(
        intro.plan_versions.filter(visible_plan_filter(user, intro.person, view=view))
        .select_related("created_by")
        .order_by("-version")
    )
    return {
        "now": timezone.now(),
        "intro": intro,
        "person": intro.person,
        "relationship": rel,
        "sharing": view,
        "conversation": Conversation.objects.filter(introduction=intro)
        .filter(visible_conversation_filter(user, intro.person, view=view))
        .select_related("held_by", "organisation")
        .first(),
        "episodes": list(intro.episodes.select_related("tier").order_by("started_at")),
        "allocations": allocations,
        # From the list above rather than another query: at most one allocation is open.
        "current_allocation": next((a for a in allocations if a.ended_at is None), None),
        "plan": plans[0] if plans else None,
        "earlier_plans": plans[1:],
        "contacts": contacts,
        "handovers": list(
            intro.handovers.select_related("to_organisation", "owner").order_by("-offered_at")
        ),
        "closures": list(intro.closures.order_by("-closed_at")),
        "other_introductions": list(
            Introduction.objects.filter(person=intro.person)
            .exclude(pk=intro.pk)
            .order_by("-received_at")
        ),
    }
