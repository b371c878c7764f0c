"""Read-side shaping for the Hub: the huddle board (a person's record is in record_queries.py).

The board shows only work the user has a legitimate relationship with: Hub teams see every open
introduction; everyone else sees their own and their team's caseload and the handovers offered
to their organisation.

Each section of the board shows its total and its first few rows in priority order; "See all"
opens the section on its own page, a page at a time, through the same rules. Every query is a
count or a LIMITed read on an index, so the board costs the same whatever the size of the
borough or the length of its history, and its number of queries is fixed (see tests).
"""

from __future__ import annotations

import uuid
from copy import copy
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import (
    BooleanField,
    CharField,
    Exists,
    Expression,
    F,
    OuterRef,
    Q,
    Subquery,
    UUIDField,
    Value,
    Window,
)
from django.db.models.functions import Cast, Coalesce, RowNumber
from django.urls import get_script_prefix, reverse
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from livingwell.access.relationships import user_hub_team_ids, user_organisation_ids, user_team_ids
from livingwell.accounts.models import Team, User
from livingwell.core import statements
from livingwell.core.models import SiteConfig
from livingwell.hub import board_html
from livingwell.hub.models import Allocation, Episode, Handover, Tier
from livingwell.intake.models import Introduction, IntroductionTally
from livingwell.outcomes.definitions import MEASURES, get_definition
from livingwell.outcomes.models import MeasureDue, Occasion
from livingwell.people.models import PossibleMatch

S = Introduction.State
# Rows a section shows on the board; urgent work shows more, and every section says its total
# and links to all of it, so nothing is hidden silently.
SECTION_ROWS = 10
URGENT_ROWS = 25
PAGE_SIZE = 50


def _caseload_reads(user) -> tuple:
    """The introductions someone outside the Hub works with, by two indexed reads: their own and
    their teams' current allocations, and the handovers their organisations have taken on."""
    mine = Allocation.objects.filter(ended_at__isnull=True).filter(
        Q(key_worker=user) | Q(team_id__in=user_team_ids(user))
    )
    partner = Handover.objects.filter(
        to_organisation_id__in=user_organisation_ids(user),
        state__in=[Handover.State.ACCEPTED, Handover.State.STARTED],
    )
    return mine.values("introduction_id"), partner.values("introduction_id")


def visible_introductions(user):
    """Open introductions this user may see on the board."""
    hub = user_hub_team_ids(user)
    # The open states by name (an index range), not "not closed" (which reads the history).
    base = Introduction.objects.filter(state__in=[S.NEW, S.IN_SUPPORT])
    if hub:
        return base
    # Driven from the user's allocations and their organisation's handovers (indexed), not by
    # testing every open introduction in the borough.
    mine, partner = _caseload_reads(user)
    return base.filter(Q(pk__in=mine) | Q(pk__in=partner))


# The board of someone outside the Hub reads their caseload once per statement, as this named
# common table expression, which every section's subquery then tests (_InCaseload): written
# inline, each of the ten or so sections read the whole team's allocations again (a team holding
# 1,700 people made that board cost 90 ms in the database).
CASELOAD = "lw_caseload"


class _InCaseload(Expression):
    """``<pk> IN (SELECT introduction_id FROM lw_caseload)``: true for the introductions in the
    statement's caseload expression (see _with_caseload, which must head the statement)."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, pk=None):
        super().__init__()
        self.pk = pk if pk is not None else F("pk")

    def get_source_expressions(self):
        return [self.pk]

    def set_source_expressions(self, exprs):
        [self.pk] = exprs

    def as_sql(self, compiler, connection):
        column, params = compiler.compile(self.pk)
        return f"{column} IN (SELECT introduction_id FROM {CASELOAD})", params


@dataclass
class Scope:
    """What one user's board covers: their open introductions, narrowed by the filters."""

    user: object
    is_hub: bool
    team_id: str | None
    tier_slug: str | None
    organisation_ids: tuple
    now: object
    today: object
    config: SiteConfig
    # The board's own statements (huddle_board) name the caseload once; a section's page is
    # read through the ORM, which cannot head a statement with it.
    shared_caseload: bool = False

    @property
    def everything(self) -> bool:
        """All open introductions (a Hub worker, no filter): no need to test each row."""
        return self.is_hub and not self.team_id and not self.tier_slug

    @cached_property
    def tz(self):
        """The local time zone (Europe/London), looked up once."""
        return timezone.get_current_timezone()

    @cached_property
    def quiet_cutoff(self):
        """Before this, no attended contact is "no contact for N days"."""
        return self.now - timedelta(days=self.config.no_contact_alert_days)

    @cached_property
    def signature(self) -> tuple:
        """Everything the scope's queries depend on, apart from the time (see _statement)."""
        user = None if self.is_hub else (self.user.pk, tuple(sorted(user_team_ids(self.user))))
        return (
            self.is_hub,
            user,
            self.team_id,
            self.tier_slug,
            self.organisation_ids,
            self.shared_caseload,
        )

    @property
    def caseload_named(self) -> bool:
        """Whether the scope's statements test the caseload expression (see CASELOAD)."""
        return self.shared_caseload and not self.is_hub

    @cached_property
    def introductions(self):
        if self.caseload_named:
            qs = Introduction.objects.filter(state__in=[S.NEW, S.IN_SUPPORT])
        else:
            qs = visible_introductions(self.user)
        return qs.filter(*self.conditions("pk"))

    def conditions(self, ref: str) -> list:
        """The scope's tests of an open introduction, ``ref`` naming it: ``pk`` on the
        introduction itself, ``introduction_id`` on its handovers and measures (the caseload,
        where named, then the team and tier filters)."""
        found = [_InCaseload(F(ref))] if self.caseload_named else []
        if self.team_id:
            current = Allocation.objects.filter(
                introduction=OuterRef(ref), ended_at__isnull=True, team_id=self.team_id
            )
            found.append(Exists(current))
        if self.tier_slug:
            current = Episode.objects.filter(
                introduction=OuterRef(ref), ended_at__isnull=True, tier_id=self.tier_slug
            )
            found.append(Exists(current))
        return found

    def of_introductions(self, qs):
        """Rows of open introductions in the scope (handovers, measures): tested row by row on
        their introduction where the caseload is named (a few rows, each by key), not by listing
        every open introduction the scope covers."""
        if not self.caseload_named:
            return qs.filter(introduction__in=self.introductions.values("pk"))
        return qs.filter(introduction__state__in=[S.NEW, S.IN_SUPPORT]).filter(
            *self.conditions("introduction_id")
        )


def board_scope(
    user, *, team_id=None, tier_slug=None, now=None, config=None, shared_caseload=False
) -> Scope:
    now = now or timezone.now()
    return Scope(
        shared_caseload=shared_caseload,
        user=user,
        is_hub=bool(user_hub_team_ids(user)),
        team_id=str(team_id) if team_id else None,
        tier_slug=tier_slug or None,
        organisation_ids=tuple(sorted(str(pk) for pk in user_organisation_ids(user))),
        now=now,
        today=timezone.localdate(now),
        config=config or SiteConfig.current(),
    )


# --- compiled statements ------------------------------------------------------------------------
#
# The board's statements are compiled once per process for the inputs they depend on and run
# together (core/statements.py). These bind them to the introductions' database and to the
# "no contact" cutoff's stand-in (_CUTOFF_STAND_IN, the one value left a parameter).

_MISSING = statements.MISSING


def _statement(key: tuple, build, *, constants: bool = False):
    """(sql, params, compiler) for ``build()``'s queryset, compiled once for ``key``; None if it
    can match nothing. ``key`` must hold every input of ``build``. ``constants``: written into
    the text where statements are prepared (statements.written_in)."""
    keep = _CUTOFF_STAND_IN if constants else statements.MISSING
    return statements.compiled(key, build, alias=connection_alias(), keep=keep)


def _prepares() -> bool:
    """Whether the board's statements run as prepared statements."""
    return statements.prepares(connection_alias())


def prepared_cursor():
    """A cursor for the board's and the record's compiled statements (core/statements.py)."""
    return statements.prepared_cursor(connection_alias())


def _run(batch: list) -> list:
    """The rows of each statement of ``batch`` (None for None), in one round trip on PostgreSQL."""
    return statements.run(batch, alias=connection_alias())


def _values(statement, rows=None) -> list[dict]:
    """A compiled values() statement's rows (run here unless given) as dicts, converted as
    values() would."""
    if statement is None:
        return []
    if rows is None:
        [rows] = _run([statement])
    return statements.values(statement, rows, text_keys=TEXT_KEYS)


# Keys the board's rows only compare and write into links: left as the database gives them (a
# UUID, or on SQLite its 32 hex digits; see _key and _uuid_text), not made into UUIDs one by one
# (on SQLite that was a fifth of the time spent on the rows).
TEXT_KEYS = frozenset({"pk", "introduction_id", "owner_id"})


def connection_alias() -> str:
    return Introduction.objects.db


# --- sections -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionSpec:
    slug: str
    kind: str  # which table: "intro", "handover", "returned", "due", "match"
    title: object
    caption: object
    empty: object
    rows: int = SECTION_ROWS
    hub_only: bool = False
    hide_when_empty: bool = False
    anchor: str = ""  # the heading's id on the board, "<anchor>-heading" (default: the slug)

    @property
    def heading_id(self) -> str:
        return f"{self.anchor or self.slug}-heading"


SPECS = [
    SectionSpec(
        "urgent",
        "intro",
        gettext_lazy("Urgent: same day"),
        gettext_lazy("Urgent introductions, oldest first"),
        gettext_lazy("No urgent introductions waiting."),
        rows=URGENT_ROWS,
    ),
    SectionSpec(
        "new",
        "intro",
        gettext_lazy("New introductions waiting for a first conversation"),
        gettext_lazy("New introductions, oldest first"),
        gettext_lazy("None waiting."),
    ),
    SectionSpec(
        "offered",
        "handover",
        gettext_lazy("Handovers offered to your organisation"),
        gettext_lazy("Handovers waiting for your reply, oldest first"),
        gettext_lazy("None waiting."),
        hide_when_empty=True,
    ),
    SectionSpec(
        "awaiting",
        "handover",
        gettext_lazy("Handovers waiting for a reply"),
        gettext_lazy("Handovers offered, oldest first"),
        gettext_lazy("None waiting."),
    ),
    SectionSpec(
        "returned",
        "returned",
        gettext_lazy("Handovers declined and returned to the Hub"),
        gettext_lazy("Declined handovers needing their owner, oldest reply first"),
        gettext_lazy("None."),
    ),
    SectionSpec(
        "unallocated",
        "intro",
        gettext_lazy("In support without a key worker"),
        gettext_lazy("People in support with no key worker, oldest first"),
        gettext_lazy("Everyone in support has a key worker."),
    ),
    SectionSpec(
        "no-contact",
        "intro",
        "",  # worded with the site's number of days: see _title
        gettext_lazy("People without a recent attended contact, longest first"),
        gettext_lazy("None."),
        anchor="quiet",
    ),
    SectionSpec(
        "measures",
        "due",
        gettext_lazy("Outcome measures due"),
        gettext_lazy("Outcome measures due or overdue, overdue first"),
        gettext_lazy("No outcome measures due."),
        anchor="due",
    ),
    SectionSpec(
        "duplicates",
        "match",
        gettext_lazy("Possible duplicate records to check"),
        gettext_lazy("Possible duplicate records, oldest first"),
        gettext_lazy("None."),
        hub_only=True,
        anchor="matches",
    ),
]
SPEC_BY_SLUG = {spec.slug: spec for spec in SPECS}


@dataclass
class Section:
    spec: SectionSpec
    title: str
    count: int
    rows: list
    url: str  # the section's own page, with the board's filters
    table: str = ""  # the rows as an HTML table (board_html)
    shown: str = ""  # "The first 10 of 57 are shown." when not all are
    empty: str = ""  # what the section says when there is nothing in it
    see_all: str = ""  # "See all 57"

    @property
    def slug(self) -> str:
        return self.spec.slug

    @property
    def more(self) -> int:
        return self.count - len(self.rows)


def _section(spec, scope, count, rows, url, labels) -> Section:
    title = _title(spec, scope, labels)
    section = Section(
        spec=spec, title=title, count=count, rows=rows, url=url, empty=labels.text(spec.empty)
    )
    if rows:
        section.table = board_html.table(
            spec.kind, spec.slug, labels.text(spec.caption), rows, labels.headings
        )
    if section.more > 0:
        section.shown = ngettext(
            "The first %(n)s of %(total)s is shown.",
            "The first %(n)s of %(total)s are shown.",
            len(rows),
        ) % {"n": len(rows), "total": count}
    section.see_all = _("See all %(total)s") % {"total": count}
    return section


@dataclass
class Board:
    is_hub: bool
    sections: list[Section] = field(default_factory=list)
    reconciliation: dict = field(default_factory=dict)
    config: SiteConfig | None = None
    # (value, name, selected) for the filters' options, when asked for (huddle_board)
    teams: list = field(default_factory=list)
    tiers: list = field(default_factory=list)

    def section(self, slug: str) -> Section | None:
        return next((s for s in self.sections if s.slug == slug), None)


def _title(spec: SectionSpec, scope: Scope, labels: _Labels | None = None) -> str:
    if spec.slug == "no-contact":
        return _("No contact for more than %(days)s days") % {
            "days": scope.config.no_contact_alert_days
        }
    return (labels or _labels()).text(spec.title)


def _quiet_since():
    return Coalesce("last_attended_contact_at", "first_conversation_at")


def section_queryset(spec: SectionSpec, scope: Scope):
    """The section's rows in priority order (ending in the primary key, so pages are stable)."""
    intros = scope.introductions
    # Booleans as "IN (...)": a comparison an index can serve ("NOT urgent" is not).
    if spec.slug == "urgent":
        return intros.filter(state=S.NEW, urgent__in=[True]).order_by("received_at", "pk")
    if spec.slug == "new":
        return intros.filter(state=S.NEW, urgent__in=[False]).order_by("received_at", "pk")
    if spec.slug == "unallocated":
        # current_key_worker is kept by the allocation actions (an index range, not a test of
        # every introduction in support).
        return intros.filter(state=S.IN_SUPPORT, current_key_worker__isnull=True).order_by(
            "received_at", "pk"
        )
    if spec.slug == "no-contact":
        return (
            intros.filter(state=S.IN_SUPPORT)
            .alias(quiet_since=_quiet_since())
            .filter(quiet_since__lt=scope.quiet_cutoff)
            .order_by("quiet_since", "pk")
        )
    if spec.slug == "offered":
        return Handover.objects.filter(
            state=Handover.State.OFFERED, to_organisation_id__in=scope.organisation_ids
        ).order_by("offered_at", "pk")
    if spec.slug == "awaiting":
        qs = Handover.objects.filter(state=Handover.State.OFFERED)
        if not scope.everything:  # (an offer cannot be waiting on a closed introduction)
            qs = scope.of_introductions(qs)
        return qs.order_by("offered_at", "pk")
    if spec.slug == "returned":
        qs = Handover.objects.filter(
            state=Handover.State.DECLINED, returned_handled_at__isnull=True
        )
        if scope.everything:  # a declined offer may wait on a closed introduction: not shown
            # The introduction's state per handover (a few primary-key lookups), not a join:
            # PostgreSQL cannot tell that few declined offers are still unhandled and joined
            # every open introduction instead (12 ms at 100,000 people).
            state = Introduction.objects.filter(pk=OuterRef("introduction_id")).values("state")
            qs = qs.alias(introduction_state=Subquery(state[:1])).filter(
                introduction_state__in=[S.NEW, S.IN_SUPPORT]
            )
        else:
            qs = scope.of_introductions(qs)
        return qs.order_by("responded_at", "pk")
    if spec.slug == "measures":
        # Open work only, as everywhere on the board: closure measures belong to closed
        # introductions (outcomes.due keeps `closing` in step with the introduction's state).
        qs = MeasureDue.objects.filter(closing__in=[False], due_on__lte=scope.today)
        if not scope.everything:
            qs = scope.of_introductions(qs)
        # Overdue first (overdue_after already past), then by due date.
        return qs.order_by("overdue_after", "due_on", "pk")
    if spec.slug == "duplicates":
        return PossibleMatch.objects.filter(state=PossibleMatch.State.OPEN).order_by(
            "created_at", "pk"
        )
    raise KeyError(spec.slug)


# Each section reads only the primary keys of its first rows (a query that is cheap to build and
# runs on an index); then one query per kind of row reads what the board shows for all of them.
# Building a query with joins and subqueries cost more than running it, once per section.

INTRO_VALUES = (
    "pk",
    "reference",
    "urgent",
    "received_at",
    "first_conversation_at",
    "last_attended_contact_at",
    "owner_id",
    "person__given_name",
    "person__preferred_name",
    "person__family_name",
    "owner__display_name",
    "owner__first_name",
    "owner__last_name",
    "owner__username",
    "key_worker_name",
    "key_worker_team",
    "tier_name",
)
USER_NAME_FIELDS = ("display_name", "first_name", "last_name", "username")
HANDOVER_VALUES = (
    "pk",
    "introduction_id",
    "owner_id",
    "service_name",
    "decline_reason",
    "offered_at",
    "reply_due_at",
    "introduction__person__given_name",
    "introduction__person__preferred_name",
    "introduction__person__family_name",
    "to_organisation__name",
    *(f"owner_{name}" for name in USER_NAME_FIELDS),
)
DUE_VALUES = (
    "pk",
    "introduction_id",
    "measure",
    "occasion",
    "due_on",
    "overdue_after",
    "introduction__person__given_name",
    "introduction__person__preferred_name",
    "introduction__person__family_name",
)
MATCH_VALUES = (
    "pk",
    "new_person__given_name",
    "new_person__preferred_name",
    "new_person__family_name",
)


def _intro_shape(qs):
    """What the board shows of introductions, with the current key worker, their team and the
    tier: the ones the actions keep on the introduction (rebuild_board checks them against the
    allocations and episodes), joined by key."""
    return qs.annotate(
        key_worker_name=F("current_key_worker__display_name"),
        key_worker_team=F("current_team__name"),
        tier_name=F("current_tier__name"),
    ).values(*INTRO_VALUES)


def _handover_shape(qs):
    """What the board shows of handovers. The owner's name is looked up by key for each row
    rather than joined: PostgreSQL, misjudging how many offers are declined and unhandled, read
    the whole users table and compared each user with each row (6,000 comparisons for 20
    rows, most of the statement's time at 100,000 people)."""
    owner = User.objects.filter(pk=OuterRef("owner_id"))
    return qs.annotate(
        **{f"owner_{name}": Subquery(owner.values(name)[:1]) for name in USER_NAME_FIELDS}
    ).values(*HANDOVER_VALUES)


# Each kind of row: its model and what the board shows of it, from any queryset of that model
# (some rows by key, or all of them for _rows_of_kind_statement to join).
SHAPES = {
    "intro": (Introduction, _intro_shape),
    "handover": (Handover, _handover_shape),
    "due": (MeasureDue, lambda qs: qs.values(*DUE_VALUES)),
    "match": (PossibleMatch, lambda qs: qs.values(*MATCH_VALUES)),
}


def _details_of(kind: str, pks):
    """What the board shows of these rows of a kind."""
    model, shape = SHAPES[kind]
    return shape(model.objects.filter(pk__in=pks).order_by())


def _shape_statement(kind: str):
    """What the board shows of every row of a kind (no filter: _rows_of_kind_statement joins it
    to the rows wanted), compiled once."""
    model, shape = SHAPES[kind]
    return _statement(("shape", kind), lambda: shape(model.objects.order_by()))


DETAIL_KIND = {"intro": "intro", "handover": "handover", "returned": "handover", "due": "due"}


def _details_statement(kind: str, pks: list):
    """The details statement for these keys (as text, see _key): compiled once for each number
    of keys with stand-in keys, which are swapped for these. Compiled for each set of keys, it
    was compiled again whenever the rows on the board changed, which they do all day."""
    if not pks:
        return None
    if isinstance(SHAPES[kind][0]._meta.pk, UUIDField):
        stand_ins = [uuid.UUID(int=(1 << 120) + n) for n in range(len(pks))]
        real = [uuid.UUID(_key(pk)) for pk in pks]
    else:
        stand_ins = [-(n + 1) for n in range(len(pks))]
        real = [int(_key(pk)) for pk in pks]
    compiled = _statement(("details", kind, len(pks)), lambda: _details_of(kind, stand_ins))
    return (*statements.swapped(compiled, dict(zip(stand_ins, real, strict=True))), compiled[2])


def _details_by_pk(kind: str, pks: list, statement=_MISSING, rows=None) -> dict:
    """What the board shows of these rows, by primary key (one query, unless already run)."""
    if statement is _MISSING:
        statement = _details_statement(kind, pks)
    return {_key(row["pk"]): row for row in _values(statement, rows)}


def _key(value) -> str:
    """A primary key as text, the same whether it was read as a UUID, a number or text (the
    board's statements read keys as text, so that they are not turned into UUIDs and back)."""
    if isinstance(value, uuid.UUID):
        return value.hex
    return str(value).replace("-", "").lower()


def _uuid_text(value) -> str:
    """A UUID in its usual written form (as in links), from a UUID or its 32 hex digits."""
    text = str(value)
    if len(text) == 32:
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
    return text


def _as_uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _details(kind: str, pks) -> list[dict]:
    """The rows for these primary keys, in the order given (one query)."""
    pks = [_key(pk) for pk in pks]
    found = _details_by_pk(DETAIL_KIND.get(kind, kind), pks)
    return [found[pk] for pk in pks if pk in found]


def _name(row: dict, prefix: str) -> str:
    """A person's display name from values() columns (as Person.display_name)."""
    first = row[f"{prefix}preferred_name"] or row[f"{prefix}given_name"]
    return f"{first} {row[prefix + 'family_name']}".strip()


def _user_name(row: dict, prefix: str = "owner__") -> str:
    """A user's name from values() columns (as User.__str__)."""
    full = f"{row[prefix + 'first_name']} {row[prefix + 'last_name']}".strip()
    return row[prefix + "display_name"] or full or row[prefix + "username"] or ""


# --- rows, formatted once in Python (template filters in loops were most of the page) --------


_LABELS: dict = {}


def _labels() -> _Labels:
    """The page's words and link patterns: they depend only on the language (and the URL
    prefix), so they are worked out once per process for each."""
    key = (translation.get_language(), get_script_prefix())
    found = _LABELS.get(key)
    if found is None:
        found = _LABELS[key] = _Labels()
    return found


class _Labels:
    """Translated words and formats for one language (see _labels)."""

    def __init__(self):
        self.overdue = _("Overdue")
        self.due = _("Due")
        self.unowned = _("Unowned")
        self.occasions = {value: str(label) for value, label in Occasion.choices}
        self.titles = {code: get_definition(code).title for code in MEASURES}
        self.match_text = _("New record for %(name)s may match an existing record")
        self.headings = board_html.Headings()
        self._days: dict[int, str] = {}
        self._texts: dict[int, str] = {}
        self._sections: dict[str, str] = {}
        self._months = {}
        marker = uuid.UUID(int=0)
        self._record = reverse("hub:record", args=[marker])
        self._respond = reverse("hub:handover_respond", args=[marker])
        self._match = reverse("people:match", args=[marker])
        self._marker = str(marker)

    def text(self, lazy) -> str:
        """A lazily translated string, translated once."""
        key = id(lazy)
        if key not in self._texts:
            self._texts[key] = str(lazy)
        return self._texts[key]

    def days_ago(self, days: int) -> str:
        if days not in self._days:
            self._days[days] = ngettext("%(days)s day ago", "%(days)s days ago", days) % {
                "days": days
            }
        return self._days[days]

    def _month(self, value) -> str:
        """The short month name, translated once per month per page ("date" filter's "M")."""
        if value.month not in self._months:
            self._months[value.month] = dateformat.format(value, "M")
        return self._months[value.month]

    def date(self, value) -> str:  # "j M Y"
        return f"{value.day} {self._month(value)} {value.year}"

    def date_time(self, value) -> str:  # "j M Y H:i" (value in local time)
        return f"{value.day} {self._month(value)} {value.year} {value:%H:%M}"

    def day_time(self, value) -> str:  # "j M H:i" (value in local time)
        return f"{value.day} {self._month(value)} {value:%H:%M}"

    def section_url(self, slug: str) -> str:
        if slug not in self._sections:
            self._sections[slug] = reverse("hub:board_section", args=[slug])
        return self._sections[slug]

    def record_url(self, pk) -> str:
        return self._record.replace(self._marker, _uuid_text(pk))

    def respond_url(self, pk) -> str:
        return self._respond.replace(self._marker, _uuid_text(pk))

    def match_url(self, pk) -> str:
        return self._match.replace(self._marker, _uuid_text(pk))


def _intro_row(intro: dict, spec: SectionSpec, scope: Scope, labels: _Labels) -> dict:
    now = scope.now
    received = intro["received_at"].astimezone(scope.tz)
    if intro["key_worker_name"]:
        owner = f"{intro['key_worker_name']} ({intro['key_worker_team']})"
    elif intro["owner_id"]:
        owner = _user_name(intro)
    else:
        owner = ""
    row = {
        "person_name": _name(intro, "person__"),
        "record_url": labels.record_url(intro["pk"]),
        "reference": intro["reference"],
        "urgent": intro["urgent"],
        "received": labels.date_time(received),
        "age_label": labels.days_ago((now - intro["received_at"]).days),
        "tier_name": intro["tier_name"] or "–",
        "owner": owner,
        "last": "–",
        "overdue": False,
    }
    if spec.slug in ("urgent", "new"):
        if intro["urgent"]:
            due_by = received.replace(hour=23, minute=59, second=59)
        else:
            due_days = timedelta(days=scope.config.first_conversation_due_days)
            due_by = (intro["received_at"] + due_days).astimezone(scope.tz)
        row["last"] = labels.day_time(due_by)
        row["overdue"] = now > due_by
    elif spec.slug == "no-contact":
        since = intro["last_attended_contact_at"] or intro["first_conversation_at"]
        row["last"] = labels.days_ago((now - since).days)
    return row


def _handover_row(h: dict, spec: SectionSpec, scope: Scope, labels: _Labels) -> dict:
    to = h["to_organisation__name"]
    if h["service_name"]:
        to = f"{to}: {h['service_name']}"
    row = {
        "person_name": _name(h, "introduction__person__"),
        "record_url": labels.record_url(h["introduction_id"]),
        "respond_url": labels.respond_url(h["pk"]) if spec.slug == "offered" else "",
        "to": to,
        "owner": _user_name(h, "owner_") if h["owner_id"] else "",
        "mine": h["owner_id"] is not None and _key(h["owner_id"]) == _key(scope.user.pk),
    }
    if spec.kind == "returned":
        row["decline_reason"] = h["decline_reason"]
    else:
        row["age_label"] = labels.days_ago((scope.now - h["offered_at"]).days)
        row["overdue"] = scope.now > h["reply_due_at"]
    return row


def _due_row(d: dict, spec: SectionSpec, scope: Scope, labels: _Labels) -> dict:
    overdue = scope.today > d["overdue_after"]
    return {
        "person_name": _name(d, "introduction__person__"),
        "record_url": labels.record_url(d["introduction_id"]),
        "introduction_id": _as_uuid(d["introduction_id"]),
        "measure": d["measure"],
        "title": labels.titles.get(d["measure"], d["measure"]),
        "occasion_label": labels.occasions.get(d["occasion"], d["occasion"]),
        "due_on": d["due_on"],
        "due": labels.date(d["due_on"]),
        "overdue": overdue,
        "status": labels.overdue if overdue else labels.due,
    }


def _match_row(m: dict, spec: SectionSpec, scope: Scope, labels: _Labels) -> dict:
    return {
        "url": labels.match_url(m["pk"]),
        "text": labels.match_text % {"name": _name(m, "new_person__")},
    }


ROW_MAKERS = {
    "intro": _intro_row,
    "handover": _handover_row,
    "returned": _handover_row,
    "due": _due_row,
    "match": _match_row,
}


def _rows(spec: SectionSpec, objects, scope: Scope, labels: _Labels) -> list[dict]:
    """Each row's values, formatted for display."""
    make = ROW_MAKERS[spec.kind]
    return [make(obj, spec, scope, labels) for obj in objects]


# "No contact" compares with a moment that moves on every load: its statements are compiled
# with this stand-in for the cutoff, which is swapped for the real one when they run.
_CUTOFF_STAND_IN = datetime(1901, 1, 1, tzinfo=UTC)


def _time_key(spec: SectionSpec, scope: Scope):
    """The time a section's statements depend on (part of their key)."""
    if spec.slug == "measures":
        return scope.today
    return None


def _compile_scope(spec: SectionSpec, scope: Scope) -> Scope:
    """The scope a section's statements are compiled with (see _CUTOFF_STAND_IN)."""
    if spec.slug != "no-contact":
        return scope
    stand_in = copy(scope)
    stand_in.__dict__["quiet_cutoff"] = _CUTOFF_STAND_IN
    return stand_in


def _params(spec: SectionSpec | None, scope: Scope | None, params: tuple) -> tuple:
    """The statement's parameters for this load (the real cutoff for the stand-in)."""
    if spec is None or spec.slug != "no-contact":
        return params
    ops = connections[connection_alias()].ops
    stand_in = ops.adapt_datetimefield_value(_CUTOFF_STAND_IN)
    if stand_in not in params:  # the statement always compares with it
        raise AssertionError("no-contact statement without its cutoff")
    real = ops.adapt_datetimefield_value(scope.quiet_cutoff)
    return tuple(real if p == stand_in else p for p in params)


def _with_caseload(scope: Scope, statement: tuple | None) -> tuple | None:
    """The statement headed by the scope's caseload expression, where its sections test it."""
    if statement is None or not scope.caseload_named:
        return statement

    def build():
        mine, partner = _caseload_reads(scope.user)
        return mine.order_by().union(partner.order_by(), all=True)

    caseload = _statement(("caseload", scope.signature), build, constants=True)
    if caseload is None:  # No team and no organisation: an empty caseload, typed as one.
        caseload = _statement(
            ("caseload", "empty"),
            lambda: Allocation.objects.filter(pk__isnull=True).values("introduction_id"),
            constants=True,
        )
    head = f"WITH {CASELOAD} AS MATERIALIZED ({caseload[0]}) "
    return head + statement[0], (*caseload[1], *statement[1])


def _counts(reads: list[tuple], scope: Scope | None = None) -> list[int]:
    """The number of rows of each (key, build, spec) read, in one statement (a scalar subquery
    each)."""
    [rows] = _run([_counts_statement(reads, scope)])
    return [int(n) for n in rows[0]]


def _counts_statement(reads: list[tuple], scope: Scope | None = None) -> tuple:
    """(sql, params) of _counts."""
    parts, params = [], []
    for i, (key, build, spec) in enumerate(reads):
        statement = _statement(
            ("count", *key),
            lambda build=build: build().order_by().annotate(_one=Value(1)).values_list("_one"),
            constants=True,
        )
        if statement is None:
            parts.append("0")
            continue
        part = f"(SELECT COUNT(*) FROM ({statement[0]}) AS c{i})"
        part_params = _params(spec, scope, statement[1])
        column = TALLIED.get(key)
        if column is not None:
            # The running total, when the site has one (intake.IntroductionTally): counting
            # every introduction ever received grows with history, and counting the open ones
            # was half of the board's counting.
            tally = _statement(
                ("tally", column),
                lambda column=column: IntroductionTally.objects.filter(pk=1).values_list(column),
                constants=True,
            )
            part = f"COALESCE(({tally[0]}), {part})"
            part_params = (*tally[1], *part_params)
        parts.append(part)
        params.extend(part_params)
    return "SELECT " + ", ".join(parts), params


def _first_pks_statement(reads: list[tuple], scope: Scope) -> tuple | None:
    """(sql, params) reading the primary keys of each (key, build, limit, spec) read, as text,
    in its order, in one statement; None when none of them can match anything."""
    parts, params = [], []
    for i, (key, build, limit, spec) in enumerate(reads):

        def keys(build=build, limit=limit):
            pk_text = Cast("pk", output_field=CharField())
            return build().annotate(_k=pk_text).values_list("_k")[:limit]

        statement = _statement(("keys", limit, *key), keys, constants=True)
        if statement is None:
            continue
        parts.append(f"SELECT {i} AS i, s{i}._k FROM ({statement[0]}) AS s{i}")
        params.extend(_params(spec, scope, statement[1]))
    return (" UNION ALL ".join(parts), params) if parts else None


def _rows_of_kind_statement(kind: str, reads: list[tuple], scope: Scope) -> tuple | None:
    """(sql, params, shape) reading, for the reads (index, (key, build, limit, spec)) of one
    kind of row, each read's first rows in its order with what the board shows of them: the
    reads' first keys, unchanged (as in _first_pks_statement, with each key's place), joined to
    the kind's details. One statement for what took two round trips. None if none can match."""
    parts, params = [], []
    for i, (key, build, limit, spec) in reads:

        def keys(build=build, limit=limit):
            return build().annotate(_k=F("pk")).values_list("_k")[:limit]

        statement = _statement(("own keys", limit, *key), keys, constants=True)
        if statement is None:
            continue
        place = "ROW_NUMBER() OVER () AS lw_n"  # the key's place in the read's order
        parts.append(f"SELECT {i} AS lw_i, {place}, s{i}._k FROM ({statement[0]}) AS s{i}")
        params.extend(_params(spec, scope, statement[1]))
    if not parts:
        return None
    shape = _shape_statement(kind)
    if shape[1]:  # the details take no parameters of their own
        raise AssertionError("a details statement with parameters")
    sql = (
        f"SELECT k.lw_i, k.lw_n, d.* FROM ({' UNION ALL '.join(parts)}) AS k"
        f' INNER JOIN ({shape[0]}) AS d ON d."pk" = k._k'
    )
    return sql, params, shape


def _rows_of_kind(statement, rows) -> dict[int, list[dict]]:
    """Each read's rows (by its index), in its order, from a _rows_of_kind_statement."""
    if statement is None:
        return {}
    ordered = sorted(rows, key=lambda row: (row[0], row[1]))
    found: dict[int, list[dict]] = {}
    details = _values(statement[2], [row[2:] for row in ordered])
    for row, shown in zip(ordered, details, strict=True):
        found.setdefault(row[0], []).append(shown)
    return found


def _first_pks(reads: list[tuple], rows) -> list[list]:
    """Each read's keys from the rows of _first_pks_statement."""
    found: list[list] = [[] for _ in reads]
    for i, key in rows or ():
        found[i].append(_key(key))
    return found


def _section_reads(spec: SectionSpec, scope: Scope) -> list[tuple]:
    """(key, build, limit, spec) reads of the section's first rows, along an index in its
    order."""
    key = (spec.slug, scope.signature, _time_key(spec, scope))
    compile_scope = _compile_scope(spec, scope)

    def build():
        return section_queryset(spec, compile_scope)

    if spec.slug != "measures":
        return [(key, build, spec.rows, spec)]
    # Two reads, each in the order of the (closing, overdue_after, due_on) index: the overdue
    # (all due), then those due but still in their grace days. One read filtered on due_on
    # would be sorted after reading every due row.
    today = scope.today

    def overdue():
        return build().filter(overdue_after__lt=today)

    def in_grace():
        return build().filter(overdue_after__gte=today)

    return [
        ((*key, "overdue"), overdue, spec.rows, spec),
        ((*key, "grace"), in_grace, spec.rows, spec),
    ]


def _section_url(slug: str, query: str, labels: _Labels | None = None) -> str:
    url = (labels or _labels()).section_url(slug)
    return f"{url}?{query}" if query else url


def _applies(spec: SectionSpec, scope: Scope) -> bool:
    return scope.is_hub or not spec.hub_only


def huddle_board(
    user,
    *,
    team_id=None,
    tier_slug=None,
    now=None,
    config=None,
    query: str = "",
    options: bool = False,
) -> Board:
    """Every section's total and first rows, in a fixed number of queries whatever the size.

    ``query`` is the board's filter query string, carried to the sections' own pages;
    ``options``: also read the filters' options (``teams`` and ``tiers``) with the totals."""
    scope = board_scope(
        user, team_id=team_id, tier_slug=tier_slug, now=now, config=config, shared_caseload=True
    )
    board = Board(is_hub=scope.is_hub, config=scope.config)
    labels = _labels()
    specs = [spec for spec in SPECS if _applies(spec, scope)]
    # One statement for every section's total (and the reconciliation), one for every
    # section's first keys, then one read per kind of row.
    count_reads = [
        (
            (spec.slug, scope.signature, _time_key(spec, scope)),
            lambda spec=spec: section_queryset(spec, _compile_scope(spec, scope)),
            spec,
        )
        for spec in specs
    ]
    reads, owners = [], []
    for index, spec in enumerate(specs):
        for read in _section_reads(spec, scope):
            reads.append(read)
            owners.append(index)
    if _prepares() and not scope.caseload_named:
        # PostgreSQL, the Hub's board: the first rows with their details in the same round trip.
        return _one_round_trip(board, scope, specs, reads, owners, count_reads, query, options)
    count_rows, key_rows, option_rows = _run(
        [
            _with_caseload(scope, _counts_statement(count_reads + _reconciliation_reads(), scope)),
            _with_caseload(scope, _first_pks_statement(reads, scope)),
            _options_statement() if options else None,
        ]
    )
    if options:
        board.teams, board.tiers = _filter_options(option_rows, scope.team_id, scope.tier_slug)
    totals = [int(n) for n in count_rows[0]]
    pks_by_section: list[list] = [[] for _ in specs]
    for index, found_keys in zip(owners, _first_pks(reads, key_rows), strict=True):
        room = specs[index].rows - len(pks_by_section[index])
        pks_by_section[index].extend(found_keys[:room])
    found = [
        (spec, count, pks)
        for spec, count, pks in zip(specs, totals, pks_by_section, strict=False)
        if count or not spec.hide_when_empty
    ]
    wanted: dict[str, list] = {}
    for spec, _count, pks in found:
        wanted.setdefault(DETAIL_KIND.get(spec.kind, spec.kind), []).extend(pks)
    kinds = list(wanted)
    statements = [_details_statement(kind, wanted[kind]) for kind in kinds]
    rows_by_kind = {
        kind: _details_by_pk(kind, wanted[kind], statement, rows)
        for kind, statement, rows in zip(kinds, statements, _run(statements), strict=True)
    }
    for spec, count, pks in found:
        rows = rows_by_kind.get(DETAIL_KIND.get(spec.kind, spec.kind), {})
        shown = _rows(spec, [rows[pk] for pk in pks if pk in rows], scope, labels)
        board.sections.append(
            _section(spec, scope, count, shown, _section_url(spec.slug, query, labels), labels)
        )
    board.reconciliation = _reconciliation(totals[len(specs) :])
    return board


def _one_round_trip(board, scope, specs, reads, owners, count_reads, query, options) -> Board:
    """huddle_board's second half where statements go in a pipeline and no caseload is named:
    the totals, the filters' options and, for each kind of row, the first rows with their
    details (_rows_of_kind_statement), all in one round trip."""
    labels = _labels()
    by_kind: dict[str, list] = {}
    for i, read in enumerate(reads):
        spec = read[3]
        by_kind.setdefault(DETAIL_KIND.get(spec.kind, spec.kind), []).append((i, read))
    kinds = list(by_kind)
    kind_statements = [_rows_of_kind_statement(k, by_kind[k], scope) for k in kinds]
    count_rows, option_rows, *kind_rows = _run(
        [
            _counts_statement(count_reads + _reconciliation_reads(), scope),
            _options_statement() if options else None,
            *kind_statements,
        ]
    )
    if options:
        board.teams, board.tiers = _filter_options(option_rows, scope.team_id, scope.tier_slug)
    totals = [int(n) for n in count_rows[0]]
    by_read: dict[int, list[dict]] = {}
    for statement, rows in zip(kind_statements, kind_rows, strict=True):
        by_read.update(_rows_of_kind(statement, rows or ()))
    rows_by_section: list[list] = [[] for _ in specs]
    for i, index in enumerate(owners):
        room = specs[index].rows - len(rows_by_section[index])
        rows_by_section[index].extend(by_read.get(i, [])[:room])
    for spec, count, rows in zip(specs, totals, rows_by_section, strict=False):
        if count or not spec.hide_when_empty:
            shown = _rows(spec, rows, scope, labels)
            url = _section_url(spec.slug, query, labels)
            board.sections.append(_section(spec, scope, count, shown, url, labels))
    board.reconciliation = _reconciliation(totals[len(specs) :])
    return board


def _options(model, order: str):
    """Active rows as (text key, name, position in ``order``)."""
    return (
        model.objects.filter(is_active=True)
        .order_by()
        .annotate(
            _k=Cast("pk", output_field=CharField()),
            _n=Window(RowNumber(), order_by=F(order).asc()),
        )
        .values_list("_k", "name", "_n")
    )


OPTION_MODELS = ((Team, "name"), (Tier, "order"))


def _options_statement() -> tuple:
    """The board's filters' options: the active teams by name and the active tiers in their
    order, in one statement compiled once (read with the totals: huddle_board's ``options``)."""
    parts, params = [], []
    for i, (model, order) in enumerate(OPTION_MODELS):
        sql, part_params, _compiler = _statement(
            ("options", i), lambda model=model, order=order: _options(model, order), constants=True
        )
        parts.append(f"SELECT {i} AS i, o{i}._k, o{i}.name, o{i}._n FROM ({sql}) AS o{i}")
        params.extend(part_params)
    return " UNION ALL ".join(parts) + " ORDER BY 1, 4", params


def _filter_options(rows, team_id, tier_slug) -> tuple[list, list]:
    teams, tiers = [], []
    for i, key, name, _n in rows:
        if i == 0:
            value = _uuid_text(key)  # as the team's filter is written (and read back)
            teams.append((value, name, value == team_id))
        else:
            tiers.append((key, name, key == tier_slug))
    return teams, tiers


@dataclass
class SectionPage:
    section: Section
    page: object  # django.core.paginator.Page


def board_section(
    user, slug: str, *, page=None, team_id=None, tier_slug=None, now=None, config=None
) -> SectionPage | None:
    """One section in full, PAGE_SIZE rows a page, in the board's order. None: no such section
    for this user."""
    spec = SPEC_BY_SLUG.get(slug)
    scope = board_scope(user, team_id=team_id, tier_slug=tier_slug, now=now, config=config)
    if spec is None or not _applies(spec, scope):
        return None
    paginator = Paginator(section_queryset(spec, scope).values_list("pk", flat=True), PAGE_SIZE)
    found = paginator.get_page(page)
    labels = _labels()
    rows = _rows(spec, _details(spec.kind, list(found.object_list)), scope, labels)
    section = _section(spec, scope, paginator.count, rows, "", labels)
    return SectionPage(section=section, page=found)


def reconciliation_querysets() -> list:
    """Received, new, in support and in no known state: counted without reading the closed
    history row by row. The open states are index ranges; an unknown state is looked for in the
    gaps between the known ones (index ranges, empty when all is well); the total is the
    running total intake keeps (intake.IntroductionTally), or a count where there is none yet.
    Closed is what remains."""
    known = sorted(S.values)
    gaps = Q(state__lt=known[0]) | Q(state__gt=known[-1])
    for low, high in zip(known, known[1:], strict=False):
        gaps |= Q(state__gt=low, state__lt=high)
    intros = Introduction.objects
    return [
        intros.all(),
        intros.filter(state=S.NEW),
        intros.filter(state=S.IN_SUPPORT),
        intros.filter(gaps),
    ]


RECEIVED = ("reconciliation", 0)
# The reconciliation's counts read from intake.IntroductionTally where the site keeps it.
TALLIED = {RECEIVED: "received", ("reconciliation", 1): "new", ("reconciliation", 2): "in_support"}


def _reconciliation_reads() -> list[tuple]:
    return [
        (("reconciliation", i), lambda i=i: reconciliation_querysets()[i], None) for i in range(4)
    ]


def _reconciliation(counts) -> dict:
    total, new, in_support, unknown = counts
    return {
        "received": total,
        "new": new,
        "in_support": in_support,
        "open": new + in_support,
        "closed": total - new - in_support - unknown,
        "unexplained": unknown,
        "balanced": unknown == 0,
    }


def reconciliation() -> dict:
    """Received = open + closed, by state. Holds by construction; shown so anyone can check."""
    return _reconciliation(_counts(_reconciliation_reads()))
