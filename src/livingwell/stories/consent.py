"""The one rule for using a story: the consent in force for an audience, read now.

The consent in force for a story and an audience is the latest line of its ledger for that
audience (the highest id: lines are only ever added). It allows the use when that line permits
it and its review date, if any, has not passed. Nothing is stored about it elsewhere, so a
withdrawal takes effect on every page, report and export rendered after it.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from livingwell.stories.models import Audience, ConsentEntry, Identity, Story


def allowed_q(audience: str, today: date | None = None) -> Q:
    """Stories whose consent in force for ``audience`` allows the use today: a line that
    permits it, within its review date, with no later line for that audience."""
    today = today or timezone.localdate()
    later = ConsentEntry.objects.filter(
        story=OuterRef("story"), audience=audience, id__gt=OuterRef("id")
    )
    in_force = (
        ConsentEntry.objects.filter(story=OuterRef("pk"), audience=audience, permitted=True)
        .filter(Q(review_on__isnull=True) | Q(review_on__gte=today))
        .filter(~Exists(later))
    )
    return Q(Exists(in_force))


def allowed(queryset: QuerySet, audience: str, today: date | None = None) -> QuerySet:
    return queryset.filter(allowed_q(audience, today))


def may_use(story: Story, audience: str, today: date | None = None) -> bool:
    return Story.objects.filter(pk=story.pk).filter(allowed_q(audience, today)).exists()


def public_stories(today: date | None = None) -> QuerySet:
    """Stories the public website may show now: public consent in force, public text written
    and checked by a second person."""
    return allowed(
        Story.objects.exclude(public_text="").filter(public_text_checked_at__isnull=False),
        Audience.PUBLIC_WEBSITE,
        today,
    )


def in_force(story: Story) -> dict[str, ConsentEntry | None]:
    """The latest ledger line per audience (None: never asked), for the story's consent page."""
    latest: dict[str, ConsentEntry | None] = {a: None for a in Audience.values}
    for entry in story.consents.order_by("id"):
        latest[entry.audience] = entry
    return latest


def is_named(entry: ConsentEntry | None) -> bool:
    return entry is not None and entry.identity == Identity.NAMED
