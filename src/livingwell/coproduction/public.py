"""The public part of co-production: "You said, we did", only what the decision log marks public.

``published_decisions()`` is what a public page shows, and the template include
``coproduction/_you_said_we_did.html`` (with ``decisions``) draws it, so the public impact page
can show the same list. Nothing here names an involved person: a decision carries what people
said as a group, and who decided as a board or role.
"""

from __future__ import annotations

from livingwell.coproduction.models import Decision

PUBLIC_LIMIT = 50


def published_decisions(limit: int = PUBLIC_LIMIT) -> list[Decision]:
    """Final decisions marked public, newest first (a final decision is the only kind that can
    be public: the actions and a database constraint hold this)."""
    return list(
        Decision.objects.filter(public=True, status=Decision.Status.FINAL)
        .select_related("activity")
        .only(
            "title",
            "people_said",
            "changed",
            "response",
            "decided_by",
            "decided_on",
            "feedback_given_on",
            "activity__title",
            "activity__kind",
            "activity__held_on",
        )
        .order_by("-decided_on", "title")[:limit]
    )
