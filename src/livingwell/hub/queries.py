"""Read-side shaping for the huddle board (a person's record is in record.py).

The board shows only work the user has a legitimate relationship with: Hub teams see every open
introduction; everyone else sees their caseload and the handovers offered to their organisation
(the rules are access.relationships' Q objects).

Each section of the board shows its total and its first few rows in priority order; "See all"
opens the section on its own page, a page at a time, through the same rules. The totals are
counted with conditional aggregation, one statement per table, and each section's first rows are
one bounded read with its related rows joined, so the number of queries does not grow with the
borough or its history (see tests). The kept fields the sections read (the current key worker,
team and tier, the last attended contact, the measures due, the running totals) are checked by
``livingwell rebuild_board --check``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property, reduce
from operator import or_

from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from livingwell.access.memberships import user_hub_team_ids
from livingwell.access.relationships import offered_handover_q, open_introductions_q
from livingwell.core.models import SiteConfig
from livingwell.hub.models import Handover
from livingwell.intake.models import Introduction, IntroductionTally
from livingwell.outcomes.models import MeasureDue
from livingwell.people.models import PossibleMatch

S = Introduction.State
# Rows a section shows on the board; urgent work shows more, and every section says its total
# and links to all of it, so nothing is hidden silently.
SECTION_ROWS = 10
URGENT_ROWS = 25
PAGE_SIZE = 50


@dataclass
class Scope:
    """What one user's board covers: their open introductions, narrowed by the filters."""

    user: object
    team: object = None  # accounts.Team
    tier: object = None  # hub.Tier
    now: object = None
    config: SiteConfig | None = None

    def __post_init__(self):
        self.now = self.now or timezone.now()
        self.config = self.config or SiteConfig.current()

    @cached_property
    def is_hub(self) -> bool:
        return bool(user_hub_team_ids(self.user))

    @cached_property
    def today(self):
        return timezone.localdate(self.now)

    @cached_property
    def quiet_cutoff(self):
        """Before this, no attended contact is "no contact for N days"."""
        return self.now - timedelta(days=self.config.no_contact_alert_days)

    def in_scope(self) -> Q:
        """The open introductions in scope, as a Q over introductions. The team and tier are the
        introduction's current ones, kept by the actions (rebuild_board checks them)."""
        found = open_introductions_q(self.user)
        if self.team:
            found &= Q(current_team=self.team)
        if self.tier:
            found &= Q(current_tier=self.tier)
        return found

    def rows_in_scope(self) -> Q:
        """Rows (handovers, measures due) whose introduction is in scope: the same Q, asked of
        each row's own introduction by its key. Asked this way, both databases read a
        section's rows in its order and look up each row's introduction, stopping at the
        section's limit, instead of starting from every open introduction and sorting what
        they find."""
        return Q(Exists(self.introductions.filter(pk=OuterRef("introduction"))))

    @cached_property
    def introductions(self):
        return Introduction.objects.filter(self.in_scope())

    @cached_property
    def conditions(self) -> dict[str, Q]:
        return _conditions(self)


# --- sections -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionSpec:
    slug: str
    kind: str  # which table: "intro", "handover", "returned", "due", "match"
    title: object
    caption: object
    empty: object
    order: tuple  # priority order, ending in the key so that pages are stable
    rows: int = SECTION_ROWS
    hub_only: bool = False
    hide_when_empty: bool = False
    anchor: str = ""  # the heading's id on the board, "<anchor>-heading" (default: the slug)

    @property
    def heading_id(self) -> str:
        return f"{self.anchor or self.slug}-heading"

    @property
    def template(self) -> str:
        """The template of the section's rows."""
        return f"hub/board/_{self.kind}_rows.html"


OLDEST_FIRST = ("received_at", "pk")
SPECS = [
    SectionSpec(
        "urgent",
        "intro",
        gettext_lazy("Urgent: same day"),
        gettext_lazy("Urgent introductions, oldest first"),
        gettext_lazy("No urgent introductions waiting."),
        OLDEST_FIRST,
        rows=URGENT_ROWS,
    ),
    SectionSpec(
        "new",
        "intro",
        gettext_lazy("New introductions waiting for a first conversation"),
        gettext_lazy("New introductions, oldest first"),
        gettext_lazy("None waiting."),
        OLDEST_FIRST,
    ),
    SectionSpec(
        "offered",
        "handover",
        gettext_lazy("Handovers offered to your organisation"),
        gettext_lazy("Handovers waiting for your reply, oldest first"),
        gettext_lazy("None waiting."),
        ("offered_at", "pk"),
        hide_when_empty=True,
    ),
    SectionSpec(
        "awaiting",
        "handover",
        gettext_lazy("Handovers waiting for a reply"),
        gettext_lazy("Handovers offered, oldest first"),
        gettext_lazy("None waiting."),
        ("offered_at", "pk"),
    ),
    SectionSpec(
        "returned",
        "returned",
        gettext_lazy("Handovers declined and returned to the Hub"),
        gettext_lazy("Declined handovers needing their owner, oldest reply first"),
        gettext_lazy("None."),
        ("responded_at", "pk"),
    ),
    SectionSpec(
        "unallocated",
        "intro",
        gettext_lazy("In support without a key worker"),
        gettext_lazy("People in support with no key worker, oldest first"),
        gettext_lazy("Everyone in support has a key worker."),
        OLDEST_FIRST,
    ),
    SectionSpec(
        "no-contact",
        "intro",
        "",  # worded with the site's number of days: see _title
        gettext_lazy("People without a recent attended contact, longest first"),
        gettext_lazy("None."),
        ("quiet_since", "pk"),
        anchor="quiet",
    ),
    SectionSpec(
        "measures",
        "due",
        gettext_lazy("Outcome measures due"),
        gettext_lazy("Outcome measures due or overdue, overdue first"),
        gettext_lazy("No outcome measures due."),
        # Overdue first (overdue_after already past), then by due date.
        ("overdue_after", "due_on", "pk"),
        anchor="due",
    ),
    SectionSpec(
        "duplicates",
        "match",
        gettext_lazy("Possible duplicate records to check"),
        gettext_lazy("Possible duplicate records, oldest first"),
        gettext_lazy("None."),
        ("created_at", "pk"),
        hub_only=True,
        anchor="matches",
    ),
]
SPEC_BY_SLUG = {spec.slug: spec for spec in SPECS}


def _specs(scope: Scope) -> list[SectionSpec]:
    """The sections this user's board has."""
    return [spec for spec in SPECS if scope.is_hub or not spec.hub_only]


def _conditions(scope: Scope) -> dict[str, Q]:
    """Each section's rule, as a Q over its table (the board's totals and every page of the
    section use these, so they cannot disagree). Built once per board (Scope.conditions)."""
    in_scope = scope.rows_in_scope()
    return {
        # urgent = true/false compared as values: Django writes `urgent=False` as "NOT urgent",
        # which SQLite cannot match to the index of waiting introductions, and then joined and
        # sorted every new introduction to find the oldest ten.
        "urgent": Q(state=S.NEW, urgent=Value(True)),
        "new": Q(state=S.NEW, urgent=Value(False)),
        "unallocated": Q(state=S.IN_SUPPORT, current_key_worker__isnull=True),
        "no-contact": Q(state=S.IN_SUPPORT, quiet_since__lt=scope.quiet_cutoff),
        "offered": offered_handover_q(scope.user),
        # An offer waits on an open introduction; a declined one may outlive it, and then it
        # leaves the board with its introduction.
        "awaiting": Q(state=Handover.State.OFFERED) & in_scope,
        "returned": Q(state=Handover.State.DECLINED, returned_handled_at__isnull=True) & in_scope,
        # Open work only, as everywhere on the board: closure measures belong to closed
        # introductions (outcomes.due keeps `closing` in step with the introduction's state).
        "measures": Q(closing=False, due_on__lte=scope.today) & in_scope,
        "duplicates": Q(state=PossibleMatch.State.OPEN),
    }


def _table(kind: str, scope: Scope):
    """Every row of a kind the board's sections choose from."""
    if kind == "intro":
        # Quiet since the last attended contact or, with none yet, the first conversation.
        quiet_since = Coalesce("last_attended_contact_at", "first_conversation_at")
        return scope.introductions.alias(quiet_since=quiet_since)
    if kind in ("handover", "returned"):
        return Handover.objects.all()
    if kind == "due":
        return MeasureDue.objects.all()
    return PossibleMatch.objects.all()


# What each kind of row shows: the related rows joined in the same read, and only the columns
# the rows show (a board row does not need a person's or an introduction's full story).
RELATED = {
    "intro": ("person", "owner", "current_key_worker", "current_team", "current_tier"),
    "handover": ("introduction__person", "to_organisation", "owner"),
    "returned": ("introduction__person", "to_organisation", "owner"),
    "due": ("introduction__person",),
    "match": ("new_person",),
}


# The columns of a person's and a user's name (Person.display_name, User.__str__).
PERSON_NAME = ("given_name", "preferred_name", "family_name")
USER_NAME = ("display_name", "first_name", "last_name", "username")


def _of(relation: str, fields: tuple) -> list[str]:
    return [f"{relation}__{name}" for name in fields]


HANDOVER_COLUMNS = (
    "introduction_id",
    "service_name",
    "decline_reason",
    "offered_at",
    "reply_due_at",
    "to_organisation__name",
    *_of("introduction__person", PERSON_NAME),
    *_of("owner", USER_NAME),
)
COLUMNS = {
    "intro": (
        "reference",
        "urgent",
        "received_at",
        "first_conversation_at",
        "last_attended_contact_at",
        "current_team__name",
        "current_tier__name",
        *_of("person", PERSON_NAME),
        *_of("owner", USER_NAME),
        *_of("current_key_worker", USER_NAME),
    ),
    "handover": HANDOVER_COLUMNS,
    "returned": HANDOVER_COLUMNS,
    "due": (
        "introduction_id",
        "measure",
        "occasion",
        "due_on",
        "overdue_after",
        *_of("introduction__person", PERSON_NAME),
    ),
    "match": tuple(_of("new_person", PERSON_NAME)),
}


def section_queryset(spec: SectionSpec, scope: Scope):
    """The section's rows in priority order, with what they show."""
    return (
        _table(spec.kind, scope)
        .filter(scope.conditions[spec.slug])
        .select_related(*RELATED[spec.kind])
        .only(*COLUMNS[spec.kind])
        .order_by(*spec.order)
    )


def _totals(specs: list[SectionSpec], scope: Scope) -> dict[str, int]:
    """Every section's total: one statement per table, a conditional count per section, over
    the rows any of them can count."""
    conditions = scope.conditions
    tables: dict[str, list[SectionSpec]] = {}
    for spec in specs:
        tables.setdefault("handover" if spec.kind == "returned" else spec.kind, []).append(spec)
    totals = {}
    for kind, on_table in tables.items():
        if len(on_table) == 1:
            # One section on the table: its rule once, not again in a filter on every row.
            (spec,) = on_table
            totals[spec.slug] = _table(kind, scope).filter(conditions[spec.slug]).count()
            continue
        wanted = reduce(or_, (conditions[spec.slug] for spec in on_table))
        # Named apart from the table's columns ("urgent" is one).
        counted = (
            _table(kind, scope)
            .filter(wanted)
            .aggregate(
                **{
                    f"{spec.slug}_total": Count("pk", filter=conditions[spec.slug])
                    for spec in on_table
                }
            )
        )
        totals.update({spec.slug: counted[f"{spec.slug}_total"] for spec in on_table})
    return totals


@dataclass
class Section:
    spec: SectionSpec
    title: str
    count: int
    rows: list[dict]

    @property
    def slug(self) -> str:
        return self.spec.slug

    @property
    def more(self) -> int:
        """How many rows the board leaves to the section's own page."""
        return self.count - len(self.rows)


def _title(spec: SectionSpec, scope: Scope) -> str:
    if spec.slug == "no-contact":
        return _("No contact for more than %(days)s days") % {
            "days": scope.config.no_contact_alert_days
        }
    return str(spec.title)


# --- rows: the values each row shows, for the templates (hub/templates/hub/board/) to format -----


def _first_conversation_due(intro: Introduction, scope: Scope):
    """When the first conversation is due: an urgent introduction the same day (the site's
    day), any other within the site's number of days."""
    if intro.urgent:
        return timezone.localtime(intro.received_at).replace(hour=23, minute=59, second=59)
    return intro.received_at + timedelta(days=scope.config.first_conversation_due_days)


def _intro_row(intro: Introduction, spec: SectionSpec, scope: Scope) -> dict:
    row = {
        "person_name": intro.person.display_name,
        "record_url": reverse("hub:record", args=[intro.pk]),
        "reference": intro.reference,
        "urgent": intro.urgent,
        "received_at": intro.received_at,
        "received_days": (scope.now - intro.received_at).days,
        "tier": str(intro.current_tier or ""),
        "key_worker": str(intro.current_key_worker or ""),
        "team": str(intro.current_team or ""),
        "owner": str(intro.owner or ""),
        "due_by": None,
        "overdue": False,
        "quiet_days": None,
    }
    if spec.slug in ("urgent", "new"):
        row["due_by"] = _first_conversation_due(intro, scope)
        row["overdue"] = scope.now > row["due_by"]
    elif spec.slug == "no-contact":
        since = intro.last_attended_contact_at or intro.first_conversation_at
        row["quiet_days"] = (scope.now - since).days
    return row


def _handover_row(handover: Handover, spec: SectionSpec, scope: Scope) -> dict:
    respond_url = ""
    if spec.slug == "offered":
        respond_url = reverse("hub:handover_respond", args=[handover.pk])
    return {
        "person_name": handover.introduction.person.display_name,
        "record_url": reverse("hub:record", args=[handover.introduction_id]),
        "respond_url": respond_url,
        "organisation": handover.to_organisation.name,
        "service_name": handover.service_name,
        "owner": str(handover.owner),
        "mine": handover.owner_id == scope.user.pk,
        "decline_reason": handover.decline_reason,
        "offered_days": (scope.now - handover.offered_at).days,
        "overdue": scope.now > handover.reply_due_at,
    }


def _due_row(due: MeasureDue, spec: SectionSpec, scope: Scope) -> dict:
    return {
        "person_name": due.introduction.person.display_name,
        "record_url": reverse("hub:record", args=[due.introduction_id]),
        "introduction_id": due.introduction_id,
        "measure": due.measure,
        "title": due.get_measure_display(),
        "occasion": due.get_occasion_display(),
        "due_on": due.due_on,
        "overdue": scope.today > due.overdue_after,
    }


def _match_row(match: PossibleMatch, spec: SectionSpec, scope: Scope) -> dict:
    return {
        "url": reverse("people:match", args=[match.pk]),
        "person_name": match.new_person.display_name,
    }


ROW_MAKERS = {
    "intro": _intro_row,
    "handover": _handover_row,
    "returned": _handover_row,
    "due": _due_row,
    "match": _match_row,
}


def _rows(spec: SectionSpec, objects, scope: Scope) -> list[dict]:
    make = ROW_MAKERS[spec.kind]
    return [make(obj, spec, scope) for obj in objects]


# --- the board and a section's page -------------------------------------------------------------


@dataclass
class Board:
    is_hub: bool
    sections: list[Section] = field(default_factory=list)
    reconciliation: dict = field(default_factory=dict)

    def section(self, slug: str) -> Section | None:
        return next((s for s in self.sections if s.slug == slug), None)


def huddle_board(user, *, team=None, tier=None, now=None, config=None) -> Board:
    """Every section's total and first rows, in a number of queries that does not grow with the
    data."""
    scope = Scope(user, team=team, tier=tier, now=now, config=config)
    board = Board(is_hub=scope.is_hub, reconciliation=reconciliation())
    specs = _specs(scope)
    totals = _totals(specs, scope)
    for spec in specs:
        count = totals[spec.slug]
        if not count and spec.hide_when_empty:
            continue
        found = section_queryset(spec, scope)[: spec.rows] if count else []
        rows = _rows(spec, found, scope)
        board.sections.append(Section(spec, _title(spec, scope), count, rows))
    return board


@dataclass
class SectionPage:
    section: Section
    page: object  # django.core.paginator.Page


def board_section(
    user, slug: str, *, page=None, team=None, tier=None, now=None, config=None
) -> SectionPage | None:
    """One section in full, PAGE_SIZE rows a page, in the board's order. None: no such section
    for this user."""
    scope = Scope(user, team=team, tier=tier, now=now, config=config)
    spec = SPEC_BY_SLUG.get(slug)
    if spec is None or spec not in _specs(scope):
        return None
    paginator = Paginator(section_queryset(spec, scope), PAGE_SIZE)
    found = paginator.get_page(page)
    rows = _rows(spec, found.object_list, scope)
    section = Section(spec, _title(spec, scope), paginator.count, rows)
    return SectionPage(section=section, page=found)


# --- reconciliation -------------------------------------------------------------------------------


def _unknown_state() -> Q:
    """Introductions in none of the known states, as the gaps between them (index ranges, empty
    when all is well) rather than "not one of them", which reads every introduction."""
    known = sorted(S.values)
    gaps = Q(state__lt=known[0]) | Q(state__gt=known[-1])
    for low, high in zip(known, known[1:], strict=False):
        gaps |= Q(state__gt=low, state__lt=high)
    return gaps


def reconciliation() -> dict:
    """Received = new + in support + closed, by state; shown so anyone can check. Received, new
    and in support are the running totals intake keeps (intake.IntroductionTally), or counted
    where there are none yet."""
    intros = Introduction.objects
    tally = IntroductionTally.objects.filter(pk=1).first()
    if tally is None:
        counted = intros.aggregate(
            received=Count("pk"),
            new=Count("pk", filter=Q(state=S.NEW)),
            in_support=Count("pk", filter=Q(state=S.IN_SUPPORT)),
            unknown=Count("pk", filter=_unknown_state()),
        )
    else:
        counted = {
            "received": tally.received,
            "new": tally.new,
            "in_support": tally.in_support,
            "unknown": intros.filter(_unknown_state()).count(),
        }
    total, new, in_support = counted["received"], counted["new"], counted["in_support"]
    unknown = counted["unknown"]
    return {
        "received": total,
        "new": new,
        "in_support": in_support,
        "open": new + in_support,
        "closed": total - new - in_support - unknown,
        "unexplained": unknown,
        "balanced": unknown == 0,
    }


def reply_overdue_q(now) -> Q:
    """A handover offer still waiting for a reply after its reply date: its owner is alerted
    (operations/alerts.py)."""
    return Q(state=Handover.State.OFFERED, reply_due_at__lt=now)
