"""Reading stories: the one way a view opens a story, and the pattern page's sets.

A story is read under the consent in force (``stories.consent``): for learning across the
network by anyone who may see the stories; for the care team by those in the linked person's
care, through ``access.helpers.check_person`` (their relationship, deny by default). Every read
of a story linked to a person is an audit event; every refusal is an audited 404.
"""

from __future__ import annotations

from django.db.models import Prefetch

from livingwell.access import audit
from livingwell.access.helpers import check_person, refuse
from livingwell.access.permissions import Permission, has_permission
from livingwell.core.ids import as_uuid
from livingwell.insight import metrics
from livingwell.stories import consent, patterns
from livingwell.stories.models import Answer, Audience, Story

CATEGORY = "story"


def open_story(request, story_id) -> tuple[Story, str]:
    """The story and the audience it is read under, or an audited 404."""
    pk = as_uuid(story_id)
    story = (
        Story.objects.select_related("collection", "domain", "person", "collected_by")
        .filter(pk=pk)
        .first()
        if pk
        else None
    )
    if story is None:
        refuse(request, category=CATEGORY)
    user = request.user
    if has_permission(user, Permission.VIEW_STORIES) and consent.may_use(
        story, Audience.NETWORK_LEARNING
    ):
        audience = Audience.NETWORK_LEARNING
    elif story.person_id and consent.may_use(story, Audience.CARE_TEAM):
        check_person(request, story.person, permission=Permission.VIEW_RECORD, category=CATEGORY)
        audience = Audience.CARE_TEAM
    else:
        refuse(request, person_id=story.person_id, category=CATEGORY)
    audit.record(
        by=user,
        action="read",
        person_id=story.person_id,
        category=CATEGORY,
        purpose=audience,
        obj=story,
    )
    return story, audience


def open_story_for_consent(request, story_id) -> Story:
    """The story, for recording or withdrawing its consent: whoever changes it must be in the
    linked person's care (or, for a story on no one's record, be its collector or run the
    story panels)."""
    pk = as_uuid(story_id)
    story = (
        Story.objects.select_related("collection", "person").filter(pk=pk).first() if pk else None
    )
    if story is None:
        refuse(request, category=CATEGORY)
    if story.person_id:
        check_person(request, story.person, permission=Permission.RECORD_CONTACT, category=CATEGORY)
    elif not (
        story.collected_by_id == request.user.pk
        or has_permission(request.user, Permission.RUN_STORY_PANELS)
    ):
        # A story on no one's record: its collector, or those who run the story panels.
        refuse(request, category=CATEGORY)
    audit.record(
        by=request.user,
        action="read",
        person_id=story.person_id,
        category=CATEGORY,
        purpose="consent",
        obj=story,
    )
    return story


def filtered(collection, data: dict) -> list[Story]:
    """The collection's stories usable for network learning, narrowed by the filters."""
    stories = patterns.stories_for(collection).select_related("person", "domain")
    if data.get("start"):
        stories = stories.filter(told_on__gte=data["start"])
    if data.get("end"):
        stories = stories.filter(told_on__lte=data["end"])
    if data.get("domain"):
        stories = stories.filter(domain_id=data["domain"])
    if data.get("source"):
        stories = stories.filter(source=data["source"])
    if data.get("team"):
        stories = stories.filter(team_id=data["team"])
    if data.get("tier"):
        stories = stories.filter(tier_id=data["tier"])
    stories = list(stories.prefetch_related(Prefetch("answers", queryset=Answer.objects.all())))
    if data.get("equity"):
        dimension, _sep, group = data["equity"].partition(":")
        if dimension in metrics.EQUITY_DIMENSIONS:
            stories = [s for s in stories if patterns.equity_group(s, dimension) == group]
    return stories
