"""What a person's record page (hub:record) and its history pages (hub:record_history) show.

The record is bounded: each list shows its latest few entries and how many there are in all, with
a link to a history page that shows the rest a page at a time. So the number of statements a
record takes does not grow with the person's history (tests/integration/hub/test_record_queries.py).

Every list is an ORM queryset filtered by the access rules of access/sharing.py (the person's
sharing choices, entries restricted to their team), so nothing hidden is shown and the counts
count only what the user may see. The record and its history pages read the same querysets, so
their totals agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter

from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When, Window
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from livingwell.access.sharing import (
    SharingView,
    sharing_view,
    visible_authoring_filter,
    visible_conversation_filter,
    visible_plan_filter,
)
from livingwell.hub.models import (
    Allocation,
    Closure,
    Contact,
    Conversation,
    Episode,
    Handover,
    PlanVersion,
)
from livingwell.intake.models import Introduction
from livingwell.outcomes.panel import outcomes_summary

RECORD_CONTACTS = 10  # latest contacts shown on the record
RECORD_LIST = 5  # latest tiers, key workers, handovers, closures and other introductions


@dataclass
class Latest:
    """The newest `rows` of a list and how many the user may see in all."""

    rows: list = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> bool:
        return self.total > len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __bool__(self) -> bool:
        return bool(self.rows)


def latest(queryset: QuerySet, n: int) -> Latest:
    """The first `n` rows of `queryset` and how many rows it has in all, in one statement: the
    count is a window over every row the filters keep, worked out before the limit."""
    rows = list(queryset.annotate(lw_total=Window(Count("pk")))[:n])
    return Latest(rows, rows[0].lw_total if rows else 0)


# --- each list: a queryset of one introduction's entries, newest first -------------------------


def contacts(user, intro, view: SharingView) -> QuerySet:
    return (
        Contact.objects.filter(introduction=intro)
        .filter(visible_authoring_filter(user, intro.person, view=view))
        .select_related("by", "organisation")
        .order_by("-at", "-recorded_at")
    )


def plans(user, intro, view: SharingView) -> QuerySet:
    return (
        PlanVersion.objects.filter(introduction=intro)
        .filter(visible_plan_filter(user, intro.person, view=view))
        .select_related("created_by")
        .order_by("-version")
    )


def episodes(intro) -> QuerySet:
    return Episode.objects.filter(introduction=intro).select_related("tier").order_by("-started_at")


def allocations(intro) -> QuerySet:
    return (
        Allocation.objects.filter(introduction=intro)
        .select_related("key_worker", "team", "organisation")
        .order_by("-started_at")
    )


def handovers(intro) -> QuerySet:
    return (
        Handover.objects.filter(introduction=intro)
        .select_related("to_organisation")
        .order_by("-offered_at")
    )


def handovers_needing_action_first(intro) -> QuerySet:
    """Handovers someone has to act on first, then newest first: on the record, so that a long
    history never pushes a waiting offer or an unanswered decline off the page."""
    H = Handover.State
    needs_action = Q(state__in=[H.OFFERED, H.ACCEPTED, H.STARTED]) | Q(
        state=H.DECLINED, returned_handled_at__isnull=True
    )
    settled = Case(When(needs_action, then=Value(0)), default=Value(1), output_field=IntegerField())
    return handovers(intro).annotate(lw_settled=settled).order_by("lw_settled", "-offered_at")


def closures(intro) -> QuerySet:
    return Closure.objects.filter(introduction=intro).order_by("-closed_at")


def other_introductions(intro) -> QuerySet:
    return (
        Introduction.objects.filter(person_id=intro.person_id)
        .exclude(pk=intro.pk)
        .order_by("-received_at")
    )


def conversation(user, intro, view: SharingView) -> Conversation | None:
    return (
        Conversation.objects.filter(introduction=intro)
        .filter(visible_conversation_filter(user, intro.person, view=view))
        .select_related("held_by", "organisation")
        .first()
    )


def _sharing(user, intro) -> SharingView:
    # open_introduction has read whether the person has any sharing choices at all.
    return sharing_view(
        user, intro.person, has_choices=getattr(intro, "lw_has_sharing_choices", None)
    )


# --- the record ------------------------------------------------------------------------------


def record_context(user, intro: Introduction, rel) -> dict:
    """Everything the record page shows: the latest few of each list and their totals."""
    view = _sharing(user, intro)
    plan = latest(plans(user, intro, view), 1)
    tiers = latest(episodes(intro), RECORD_LIST)
    key_workers = latest(allocations(intro), RECORD_LIST)
    handover_list = latest(handovers_needing_action_first(intro), RECORD_LIST)
    if not handover_list.more:
        # All of them are shown: newest first, as on the history page.
        handover_list.rows.sort(key=attrgetter("offered_at"), reverse=True)
    return {
        "now": timezone.now(),
        "intro": intro,
        "person": intro.person,
        "relationship": rel,
        "sharing": view,
        "conversation": conversation(user, intro, view),
        "plan": plan.rows[0] if plan else None,
        "earlier_plans": max(0, plan.total - 1),
        # The open episode and allocation are the newest (at most one of each is open).
        "episodes": tiers,
        "current_episode": next((e for e in tiers if e.ended_at is None), None),
        "allocations": key_workers,
        "current_allocation": next((a for a in key_workers if a.ended_at is None), None),
        "handovers": handover_list,
        "contacts": latest(contacts(user, intro, view), RECORD_CONTACTS),
        "closures": latest(closures(intro), RECORD_LIST),
        "other_introductions": latest(other_introductions(intro), RECORD_LIST),
        "outcomes": outcomes_summary(intro),
    }


# --- history pages: one list in full, a page at a time ---------------------------------------


@dataclass(frozen=True)
class Section:
    slug: str
    title: str  # the page's h1
    per_page: int


SECTIONS = {
    s.slug: s
    for s in (
        Section("contacts", _("Contacts"), 25),
        Section("plans", _("Support plan versions"), 10),
        Section("tiers", _("Support over time"), 25),
        Section("key-workers", _("Key workers"), 25),
        Section("handovers", _("Handovers"), 25),
        Section("closures", _("Closures"), 25),
        Section("introductions", _("Other introductions"), 25),
    )
}


def history_context(user, intro: Introduction, rel, section: Section, page_number) -> dict:
    """One of the record's lists in full, newest first, paginated; filtered exactly as on the
    record (sharing choices, team-restricted entries), so totals match the record's."""
    view = _sharing(user, intro)
    queryset = {
        "contacts": lambda: contacts(user, intro, view),
        "plans": lambda: plans(user, intro, view),
        "tiers": lambda: episodes(intro),
        "key-workers": lambda: allocations(intro),
        "handovers": lambda: handovers(intro),
        "closures": lambda: closures(intro),
        "introductions": lambda: other_introductions(intro),
    }[section.slug]()
    page = Paginator(queryset, section.per_page).get_page(page_number)
    return {
        "now": timezone.now(),
        "intro": intro,
        "person": intro.person,
        "relationship": rel,
        "sharing": view,
        "section": section,
        "page": page,
        "rows": page.object_list,
    }
