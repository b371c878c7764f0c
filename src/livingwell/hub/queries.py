"""Read-side shaping for the Hub: the huddle board (a person's record is in record_queries.py).

The board shows only work the user has a legitimate relationship with: Hub teams see every open
introduction; everyone else sees their own and their team's caseload and the handovers offered
to their organisation. Query counts are fixed per page (no N+1): see tests.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from livingwell.access.relationships import user_hub_team_ids, user_organisation_ids, user_team_ids
from livingwell.core.models import SiteConfig
from livingwell.hub.models import (
    Allocation,
    Contact,
    Episode,
    Handover,
)
from livingwell.intake.models import Introduction
from livingwell.people.models import PossibleMatch

S = Introduction.State
BOARD_LIMIT = 2000
BOARD_MATCH_LIMIT = 50
BOARD_DUE_LIMIT = 200


@dataclass
class Board:
    is_hub: bool
    urgent: list = field(default_factory=list)
    new: list = field(default_factory=list)
    unallocated: list = field(default_factory=list)
    awaiting_reply: list = field(default_factory=list)
    offered_to_us: list = field(default_factory=list)
    returned: list = field(default_factory=list)
    no_contact: list = field(default_factory=list)
    matches: list = field(default_factory=list)
    # Outcome measures due or overdue, one row per person and measure, overdue first.
    due_measures: list = field(default_factory=list)
    due_hidden: int = 0
    reconciliation: dict = field(default_factory=dict)
    hidden: int = 0  # introductions beyond BOARD_LIMIT, stated on the board
    matches_hidden: int = 0
    config: SiteConfig | None = None


def visible_introductions(user):
    """Open introductions this user may see on the board."""
    hub = user_hub_team_ids(user)
    base = Introduction.objects.exclude(state=S.CLOSED)
    if hub:
        return base
    teams = user_team_ids(user)
    mine = Allocation.objects.filter(introduction=OuterRef("pk"), ended_at__isnull=True).filter(
        Q(key_worker=user) | Q(team_id__in=teams)
    )
    partner = Handover.objects.filter(
        introduction=OuterRef("pk"),
        to_organisation_id__in=user_organisation_ids(user),
        state__in=[Handover.State.ACCEPTED, Handover.State.STARTED],
    )
    return base.filter(Q(Exists(mine)) | Q(Exists(partner)))


def _annotated(qs):
    current_alloc = Allocation.objects.filter(introduction=OuterRef("pk"), ended_at__isnull=True)
    current_episode = Episode.objects.filter(introduction=OuterRef("pk"), ended_at__isnull=True)
    return qs.select_related("person", "owner").annotate(
        key_worker_name=Subquery(current_alloc.values("key_worker__display_name")[:1]),
        key_worker_team=Subquery(current_alloc.values("team__name")[:1]),
        tier_name=Subquery(current_episode.values("tier__name")[:1]),
        # A correlated subquery on the (introduction, at) index, not a join grouped by every
        # column of the row (which made the board's main query several times slower).
        last_contact=Subquery(
            Contact.objects.filter(introduction=OuterRef("pk"), outcome=Contact.Outcome.ATTENDED)
            .order_by("-at")
            .values("at")[:1]
        ),
    )


BOARD_FIELDS = (
    "id",
    "reference",
    "state",
    "urgent",
    "received_at",
    "first_conversation_at",
    "person_id",
    "owner_id",
    "person__given_name",
    "person__preferred_name",
    "person__family_name",
    "owner__display_name",
    "owner__first_name",
    "owner__last_name",
    "owner__username",
)


def huddle_board(user, *, team_id=None, tier_slug=None, now=None, config=None) -> Board:
    now = now or timezone.now()
    config = config or SiteConfig.current()
    is_hub = bool(user_hub_team_ids(user))
    board = Board(is_hub=is_hub, config=config)
    qs = visible_introductions(user)
    if team_id:
        qs = qs.filter(allocations__team_id=team_id, allocations__ended_at__isnull=True)
    if tier_slug:
        qs = qs.filter(episodes__tier_id=tier_slug, episodes__ended_at__isnull=True)
    # Only the columns the board shows: the free-text fields of an introduction and a person are
    # most of a row's size, and building hundreds of full objects dominated the page's time.
    due_days = timedelta(days=config.first_conversation_due_days)
    quiet = timedelta(days=config.no_contact_alert_days)
    # Only rows that land in a section: new ones, and those in support without a key worker or
    # without recent contact (the same tests as the loop below, done by the database).
    shown = (
        Q(state=S.NEW)
        | Q(key_worker_name__isnull=True)
        | Q(last_contact__lt=now - quiet)
        | Q(last_contact__isnull=True, first_conversation_at__lt=now - quiet)
    )
    on_board = _annotated(qs).filter(shown)
    rows = list(on_board.only(*BOARD_FIELDS).order_by("received_at")[:BOARD_LIMIT])
    if len(rows) == BOARD_LIMIT:
        # Never drop work silently: say how much is not shown and how to narrow the board.
        board.hidden = on_board.count() - BOARD_LIMIT
    record_url = _record_url_maker()
    for intro in rows:
        intro.age_days = (now - intro.received_at).days
        intro.record_url = record_url(intro.pk)
        intro.age_label = ngettext("%(days)s day ago", "%(days)s days ago", intro.age_days) % {
            "days": intro.age_days
        }
        if intro.state == S.NEW:
            if intro.urgent:
                received_local = timezone.localtime(intro.received_at)
                intro.due_by = received_local.replace(hour=23, minute=59, second=59)
                intro.overdue = now > intro.due_by
                board.urgent.append(intro)
            else:
                intro.due_by = intro.received_at + due_days
                intro.overdue = now > intro.due_by
                board.new.append(intro)
        else:
            if intro.key_worker_name is None:
                board.unallocated.append(intro)
            since = intro.last_contact or intro.first_conversation_at
            if since and now - since > quiet:
                intro.quiet_days = (now - since).days
                board.no_contact.append(intro)
    board.no_contact.sort(key=lambda i: -i.quiet_days)
    board.urgent.sort(key=lambda i: i.received_at)

    visible_ids = Introduction.objects.filter(pk__in=qs.values("pk")).values("pk")
    handovers = Handover.objects.select_related("introduction__person", "to_organisation", "owner")
    board.awaiting_reply = list(
        handovers.filter(state=Handover.State.OFFERED, introduction__in=visible_ids).order_by(
            "offered_at"
        )
    )
    board.returned = list(
        handovers.filter(
            state=Handover.State.DECLINED,
            returned_handled_at__isnull=True,
            introduction__in=visible_ids,
        ).order_by("responded_at")
    )
    board.offered_to_us = list(
        handovers.filter(
            state=Handover.State.OFFERED, to_organisation_id__in=user_organisation_ids(user)
        ).order_by("offered_at")
    )
    for h in board.awaiting_reply + board.offered_to_us + board.returned:
        h.record_url = record_url(h.introduction_id)
    for h in board.awaiting_reply + board.offered_to_us:
        h.age_days = (now - h.offered_at).days
        h.age_label = ngettext("%(days)s day ago", "%(days)s days ago", h.age_days) % {
            "days": h.age_days
        }
        h.overdue = now > h.reply_due_at
        h.mine = h.owner_id == user.pk
    board.due_measures, board.due_hidden = _due_measure_rows(qs, now, record_url)
    if is_hub:
        open_matches = PossibleMatch.objects.filter(state=PossibleMatch.State.OPEN)
        board.matches = list(
            open_matches.select_related("new_person", "existing_person").order_by("created_at")[
                :BOARD_MATCH_LIMIT
            ]
        )
        if len(board.matches) == BOARD_MATCH_LIMIT:
            board.matches_hidden = open_matches.count() - BOARD_MATCH_LIMIT
    board.reconciliation = reconciliation()
    return board


@dataclass
class DueRow:
    introduction: Introduction
    record_url: str
    title: str
    occasion_label: str
    due_on: object
    overdue: bool
    person_name: str = ""


def _due_measure_rows(visible, now, record_url) -> tuple[list[DueRow], int]:
    """Measures due for the introductions on this board (a fixed number of queries).

    Sorted and cut to BOARD_DUE_LIMIT first; only the rows shown get their labels and links."""
    from livingwell.outcomes.queries import due_measures

    due = [
        (d.introduction, m)
        for d in due_measures(now=now, introductions=visible)
        for m in d.measures
    ]
    due.sort(key=lambda pair: (not pair[1].overdue, pair[1].due_on))
    rows = [
        DueRow(
            intro,
            record_url(intro.pk),
            m.title,
            m.occasion_label,
            m.due_on,
            m.overdue,
            intro.person.display_name,
        )
        for intro, m in due[:BOARD_DUE_LIMIT]
    ]
    return rows, max(0, len(due) - BOARD_DUE_LIMIT)


def _record_url_maker():
    """reverse() once per page, not once per row (the board has hundreds of rows)."""
    marker = uuid.UUID(int=0)
    template = reverse("hub:record", args=[marker])
    return lambda pk: template.replace(str(marker), str(pk))


def reconciliation() -> dict:
    """Received = open + closed, by state. Holds by construction; shown so anyone can check."""
    counts = dict(
        Introduction.objects.values_list("state").annotate(n=Count("id")).values_list("state", "n")
    )
    total = Introduction.objects.count()
    by_state = {state: counts.get(state, 0) for state in S.values}
    unknown = total - sum(by_state.values())
    return {
        "received": total,
        "new": by_state[S.NEW],
        "in_support": by_state[S.IN_SUPPORT],
        "open": by_state[S.NEW] + by_state[S.IN_SUPPORT],
        "closed": by_state[S.CLOSED],
        "unexplained": unknown,
        "balanced": unknown == 0,
    }
