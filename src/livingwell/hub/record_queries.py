"""Read-side shaping for a person's record page (hub:record) and its history pages.

The record is bounded: every list on it shows its latest few entries and how many there are in
all, with a link to a paginated history page (hub:record_history) for the rest. The number of
queries never grows with the person's history (see tests/integration/hub/test_record_queries.py).

Entries are filtered by the person's sharing choices and restricted entries to their authoring
team (access/sharing.py), so nothing hidden is shown, and counts count only what the user may see.

Speed: the lists are read with values() into plain dicts with their labels worked out once per
page (model instances, select_related and get_FOO_display() per row were most of the page's time),
and a list known to be empty from one counting query is not queried at all.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Subquery, Value, When
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from livingwell.access.sharing import (
    SharingView,
    sharing_view,
    visible_authoring_filter,
    visible_conversation_filter,
    visible_plan_filter,
)
from livingwell.accounts.models import Organisation, Team, User
from livingwell.hub.board_html import escape
from livingwell.hub.models import (
    Allocation,
    Closure,
    Contact,
    ContactMode,
    Conversation,
    Episode,
    Handover,
    PlanVersion,
    Tier,
)
from livingwell.intake.models import ClosedReason, Introduction
from livingwell.outcomes.models import MeasureResponse

RECORD_CONTACTS = 10  # latest contacts shown on the record
RECORD_LIST = 5  # latest tiers, key workers, handovers, closures and other introductions


@dataclass
class Latest:
    """The newest `rows` of a list and how many the user may see in all."""

    rows: list
    total: int

    @property
    def more(self) -> bool:
        return self.total > len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __bool__(self) -> bool:
        return bool(self.rows)


EMPTY = Latest([], 0)


def _labels(choices) -> dict:
    """A choice field's labels, translated once (get_FOO_display() translates every label of the
    field's choices on each call)."""
    return {value: str(label) for value, label in choices}


class _Dates:
    """Dates as the templates' ``|date:"j M Y"`` (and ``"j M Y H:i"``) show them, in the current
    time zone and language, with month names translated once per page: the date filter costs
    several times more per call, and the record shows dozens of dates."""

    def __init__(self):
        self._months: dict[int, str] = {}

    def __call__(self, value, *, time: bool = False) -> str | None:
        if value is None:
            return None
        if isinstance(value, datetime):
            value = timezone.localtime(value)
        month = self._months.get(value.month)
        if month is None:
            month = self._months[value.month] = str(MONTHS_3[value.month]).title()
        text = f"{value.day} {month} {value.year}"
        return f"{text} {value:%H:%M}" if time else text


_MARKER = uuid.UUID(int=0)
_URLS: dict[tuple, str] = {}


def _url(name: str, pk=None, *extra) -> str:
    """reverse() once per process for each page name, then a string replace per link: the record
    shows dozens of links and reversing is the costliest thing about each of them."""
    key = (get_script_prefix(), name, extra)
    template = _URLS.get(key)
    if template is None:
        template = _URLS[key] = reverse(name, args=[_MARKER, *extra] if pk else None)
    return template.replace(str(_MARKER), str(pk)) if pk else template


INTRO_LINKS = {
    "own": "hub:own",
    "conversation": "hub:conversation",
    "contact": "hub:contact",
    "close": "hub:close",
    "allocate": "hub:allocate",
    "plan": "hub:plan",
    "tier": "hub:tier",
    "return": "hub:return",
    "feedback": "insight:feedback",
    "sharing": "access:sharing",
    "override": "access:override",
}


def record_links(intro) -> dict[str, str]:
    """The record's links for this introduction, by short name (see INTRO_LINKS)."""
    links = {short: _url(name, intro.pk) for short, name in INTRO_LINKS.items()}
    links["person_log"] = _url("access:person_log", intro.person_id)
    links["handover_new"] = f"{_url('hub:handover_new')}?introduction={intro.pk}"
    return links


USER = ("display_name", "first_name", "last_name", "username")


def _user_fields(prefix: str) -> list[str]:
    return [f"{prefix}__{f}" for f in USER]


def _user_name(row: dict, prefix: str) -> str:
    """User.__str__ from values() columns: display name, else full name, else username."""
    if row[f"{prefix}__display_name"]:
        return row[f"{prefix}__display_name"]
    full = f"{row[f'{prefix}__first_name']} {row[f'{prefix}__last_name']}".strip()
    return full or row[f"{prefix}__username"]


# --- one list each: a values() queryset, newest first, and its row shaping ------------------


def _contacts(user, intro, view: SharingView) -> QuerySet:
    return (
        Contact.objects.filter(introduction_id=intro.pk)
        .filter(visible_authoring_filter(user, intro.person, view=view))
        .order_by("-at", "-recorded_at")
        .values(
            "at",
            "outcome",
            "mode",
            "duration_minutes",
            "note",
            "restricted",
            "organisation__name",
            *_user_fields("by"),
        )
    )


def _contact_rows(rows) -> list[dict]:
    """Contacts with their table row as HTML (``html``), built here with every value escaped:
    ten to twenty-five rows of a dozen template nodes each were the page's largest rendering
    cost. The cells are those the template had (hub/_record_contacts.html holds the table)."""
    outcomes, modes = _labels(Contact.Outcome.choices), _labels(ContactMode.choices)
    dates = _Dates()
    team_only = (
        f' <strong class="nhsuk-tag nhsuk-tag--grey">{escape(gettext("Your team only"))}</strong>'
    )
    shaped = []
    for r in rows:
        c = {
            "at": dates(r["at"], time=True),
            "by": _user_name(r, "by"),
            "organisation": r["organisation__name"],
            "outcome_label": outcomes.get(r["outcome"], r["outcome"]),
            "mode_label": modes.get(r["mode"], r["mode"]),
            "duration_minutes": r["duration_minutes"],
            "note": r["note"],
            "restricted": r["restricted"],
        }
        what = f"{escape(c['outcome_label'])}, {escape(c['mode_label'])}"
        if c["duration_minutes"]:
            what += f", {c['duration_minutes']} min"
        note = escape(r["note"].replace("\r\n", "\n").replace("\r", "\n")).replace("\n", "<br>")
        c["html"] = mark_safe(  # noqa: S308 - every value above is escaped
            '<tr class="nhsuk-table__row">'
            f'<td class="nhsuk-table__cell">{escape(c["at"])}</td>'
            f'<td class="nhsuk-table__cell">{escape(c["by"])} ({escape(c["organisation"])})</td>'
            f'<td class="nhsuk-table__cell">{what}</td>'
            f'<td class="nhsuk-table__cell">{note}{team_only if c["restricted"] else ""}</td></tr>'
        )
        shaped.append(c)
    return shaped


def _plans(user, intro, view: SharingView) -> QuerySet:
    return (
        PlanVersion.objects.filter(introduction_id=intro.pk)
        .filter(visible_plan_filter(user, intro.person, view=view))
        .order_by("-version")
        .values(
            "version",
            "goals",
            "actions",
            "review_date",
            "agreed_with_person",
            "created_at",
            *_user_fields("created_by"),
        )
    )


def _plan_rows(rows) -> list[dict]:
    dates = _Dates()
    for r in rows:
        r["created_by"] = _user_name(r, "created_by")
        r["created_at"], r["review_date"] = dates(r["created_at"]), dates(r["review_date"])
    return list(rows)


def _episodes(intro) -> QuerySet:
    return (
        Episode.objects.filter(introduction_id=intro.pk)
        .order_by("-started_at")
        .values("tier__name", "started_at", "ended_at", "end_reason", "reason_note")
    )


def _episode_rows(rows) -> list[dict]:
    reasons = _labels(Episode.EndReason.choices)
    dates = _Dates()
    return [
        {
            "tier": r["tier__name"],
            "started_at": dates(r["started_at"]),
            "ended_at": dates(r["ended_at"]),
            "end_reason_label": reasons.get(r["end_reason"], r["end_reason"]),
            "reason_note": r["reason_note"],
        }
        for r in rows
    ]


def _allocations(intro) -> QuerySet:
    return (
        Allocation.objects.filter(introduction_id=intro.pk)
        .order_by("-started_at")
        .values(
            "started_at",
            "ended_at",
            "reason",
            "team__name",
            "organisation__name",
            *_user_fields("key_worker"),
        )
    )


def _allocation_rows(rows) -> list[dict]:
    dates = _Dates()
    return [
        {
            "key_worker": _user_name(r, "key_worker"),
            "team": r["team__name"],
            "organisation": r["organisation__name"],
            "started_at": dates(r["started_at"]),
            "ended_at": dates(r["ended_at"]),
            "reason": r["reason"],
        }
        for r in rows
    ]


HANDOVER_FIELDS = (
    "pk",
    "to_organisation__name",
    "service_name",
    "offered_at",
    "state",
    "decline_reason",
    "returned_handled_at",
)


def _handovers(intro, *, needing_action_first: bool = False) -> QuerySet:
    """Newest first; with `needing_action_first` (the record, when there are more than it shows),
    handovers someone has to act on come first, so a long history never pushes a waiting offer
    or an unanswered decline off the page."""
    qs = Handover.objects.filter(introduction_id=intro.pk)
    if not needing_action_first:
        return qs.order_by("-offered_at").values(*HANDOVER_FIELDS)
    H = Handover.State
    needs_action = Q(state__in=[H.OFFERED, H.ACCEPTED, H.STARTED]) | Q(
        state=H.DECLINED, returned_handled_at__isnull=True
    )
    settled = Case(When(needs_action, then=Value(0)), default=Value(1), output_field=IntegerField())
    return (
        qs.annotate(lw_settled=settled)
        .order_by("lw_settled", "-offered_at")
        .values(*HANDOVER_FIELDS)
    )


def _handover_rows(rows) -> list[dict]:
    states = _labels(Handover.State.choices)
    dates = _Dates()
    for r in rows:
        r["advance_url"] = _url("hub:handover_advance", r["pk"])
        r["acknowledge_url"] = _url("hub:handover_acknowledge", r["pk"])
        r["new_url"] = _url("hub:handover_new")
        r["to_organisation"] = r["to_organisation__name"]
        r["offered_at"] = dates(r["offered_at"])
        r["state_label"] = states.get(r["state"], r["state"])
    return list(rows)


def _closures(intro) -> QuerySet:
    return (
        Closure.objects.filter(introduction_id=intro.pk)
        .order_by("-closed_at")
        .values("closed_at", "reason", "returned_at")
    )


def _closure_rows(rows) -> list[dict]:
    reasons = _labels(ClosedReason.choices)
    dates = _Dates()
    for r in rows:
        r["closed_at"], r["returned_at"] = dates(r["closed_at"]), dates(r["returned_at"])
        r["reason_label"] = reasons.get(r["reason"], r["reason"])
    return list(rows)


def _other_introductions(intro) -> QuerySet:
    return (
        Introduction.objects.filter(person_id=intro.person_id)
        .exclude(pk=intro.pk)
        .order_by("-received_at")
        .values("pk", "reference", "received_at", "state")
    )


def _introduction_rows(rows) -> list[dict]:
    states = _labels(Introduction.State.choices)
    dates = _Dates()
    for r in rows:
        r["url"] = _url("hub:record", r["pk"])
        r["received_at"] = dates(r["received_at"])
        r["state_label"] = states.get(r["state"], r["state"])
    return list(rows)


# --- the record ------------------------------------------------------------------------------


def _stored_counts(intro) -> dict[str, int]:
    """How many of each list are stored for this introduction, before any sharing filter, in one
    statement. Used to skip querying lists that are empty, as the totals of the lists sharing
    does not filter (tiers, key workers, handovers, closures, other introductions), and to know
    when no contact can be hidden from anyone (none restricted to a team).

    Plain SQL because it is on every record view: the ORM would build eight subqueries, which
    costs more than several of the lists. Table and column names come from the models.
    """
    q = connection.ops.quote_name
    intro_pk = Introduction._meta.pk.get_db_prep_value(intro.pk, connection)
    person_pk = Introduction._meta.get_field("person").target_field.get_db_prep_value(
        intro.person_id, connection
    )
    counts: dict[str, tuple[str, list]] = {}
    for name, model in (
        ("contacts", Contact),
        ("plans", PlanVersion),
        ("conversation", Conversation),
        ("tiers", Episode),
        ("key_workers", Allocation),
        ("handovers", Handover),
        ("closures", Closure),
        ("measure_responses", MeasureResponse),
    ):
        column = q(model._meta.get_field("introduction").column)
        counts[name] = (f"FROM {q(model._meta.db_table)} WHERE {column} = %s", [intro_pk])
    contacts_where, _params = counts["contacts"]
    restricted = q(Contact._meta.get_field("restricted").column)
    counts["restricted_contacts"] = (f"{contacts_where} AND {restricted} = %s", [intro_pk, True])
    table = q(Introduction._meta.db_table)
    person, pk = q(Introduction._meta.get_field("person").column), q(Introduction._meta.pk.column)
    counts["introductions"] = (
        f"FROM {table} WHERE {person} = %s AND {pk} <> %s",
        [person_pk, intro_pk],
    )
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) {where})" for where, _p in counts.values())
    with connection.cursor() as cursor:
        cursor.execute(sql, [p for _where, params in counts.values() for p in params])
        values = cursor.fetchone()
    return dict(zip(counts, values, strict=True))


def _latest(qs: QuerySet, n: int, shape: Callable, *, stored: int, total: int | None = None):
    """The first `n` rows of a values() queryset of one introduction's entries, shaped. `total`
    None: count them in the same query (an uncorrelated subquery with the same filters, which the
    database works out once; the rows still come from the index with an early stop)."""
    if not stored:
        return EMPTY
    if total is not None:
        return Latest(shape(qs[:n]), total)
    count = qs.order_by().values("introduction").annotate(lw_n=Count("pk")).values("lw_n")
    rows = list(qs.annotate(lw_total=Subquery(count))[:n])
    return Latest(shape(rows), rows[0]["lw_total"] if rows else 0)


def _conversation(user, intro, view: SharingView):
    conversation = (
        Conversation.objects.filter(introduction_id=intro.pk)
        .filter(visible_conversation_filter(user, intro.person, view=view))
        .values(
            "held_at",
            "mode",
            "whats_happening",
            "what_matters",
            "strengths",
            "what_they_want",
            "risks",
            "safety_plan",
            "next_step",
            "organisation__name",
            *_user_fields("held_by"),
        )
        .first()
    )
    return _conversation_row(conversation) if conversation is not None else None


def _conversation_row(conversation: dict) -> dict:
    conversation["held_by"] = _user_name(conversation, "held_by")
    conversation["organisation"] = conversation["organisation__name"]
    conversation["held_at"] = _Dates()(conversation["held_at"])
    conversation["mode_label"] = _labels(ContactMode.choices).get(
        conversation["mode"], conversation["mode"]
    )
    return conversation


# The record's lists that sharing does not filter are read with plain SQL: on every record view,
# building five ORM queries cost more than running them. The columns are named as the values()
# querysets above name them, so the same row shaping serves the record and the history pages
# (which page through the ORM querysets). Table names come from the models.
_SQL_CACHE: dict[str, dict[str, str]] = {}


def _list_sql() -> dict[str, str]:
    found = _SQL_CACHE.get(connection.vendor)
    if found is not None:
        return found
    q = connection.ops.quote_name
    t = {m: q(m._meta.db_table) for m in (Episode, Tier, Allocation, Team, Organisation, User)}
    t |= {m: q(m._meta.db_table) for m in (Handover, Closure, Introduction, Conversation)}
    t[PlanVersion] = q(PlanVersion._meta.db_table)
    user = (
        "u.display_name AS key_worker__display_name, u.first_name AS key_worker__first_name, "
        "u.last_name AS key_worker__last_name, u.username AS key_worker__username"
    )
    sql = {
        "tiers": (
            "SELECT tr.name AS tier__name, e.started_at, e.ended_at, e.end_reason, e.reason_note"
            f" FROM {t[Episode]} e JOIN {t[Tier]} tr ON tr.slug = e.tier_id"
            " WHERE e.introduction_id = %s ORDER BY e.started_at DESC LIMIT %s"
        ),
        "key_workers": (
            "SELECT a.started_at, a.ended_at, a.reason, tm.name AS team__name,"
            f" o.name AS organisation__name, {user}"
            f" FROM {t[Allocation]} a JOIN {t[Team]} tm ON tm.id = a.team_id"
            f" JOIN {t[Organisation]} o ON o.id = a.organisation_id"
            f" JOIN {t[User]} u ON u.id = a.key_worker_id"
            " WHERE a.introduction_id = %s ORDER BY a.started_at DESC LIMIT %s"
        ),
        "handovers": (
            "SELECT h.id AS pk, o.name AS to_organisation__name, h.service_name, h.offered_at,"
            " h.state, h.decline_reason, h.returned_handled_at"
            f" FROM {t[Handover]} h JOIN {t[Organisation]} o ON o.id = h.to_organisation_id"
            " WHERE h.introduction_id = %s ORDER BY h.offered_at DESC LIMIT %s"
        ),
        "closures": (
            f"SELECT c.closed_at, c.reason, c.returned_at FROM {t[Closure]} c"
            " WHERE c.introduction_id = %s ORDER BY c.closed_at DESC LIMIT %s"
        ),
        "introductions": (
            f"SELECT i.id AS pk, i.reference, i.received_at, i.state FROM {t[Introduction]} i"
            " WHERE i.person_id = %s AND i.id <> %s ORDER BY i.received_at DESC LIMIT %s"
        ),
        # Only when the person's sharing choices filter nothing for this user (see below).
        "conversation": (
            "SELECT c.held_at, c.mode, c.whats_happening, c.what_matters, c.strengths,"
            " c.what_they_want, c.risks, c.safety_plan, c.next_step,"
            f" o.name AS organisation__name, {user.replace('key_worker__', 'held_by__')}"
            f" FROM {t[Conversation]} c JOIN {t[Organisation]} o ON o.id = c.organisation_id"
            f" JOIN {t[User]} u ON u.id = c.held_by_id"
            " WHERE c.introduction_id = %s LIMIT %s"
        ),
        "plans": (
            "SELECT p.version, p.goals, p.actions, p.review_date, p.agreed_with_person,"
            f" p.created_at, {user.replace('key_worker__', 'created_by__')}"
            f" FROM {t[PlanVersion]} p JOIN {t[User]} u ON u.id = p.created_by_id"
            " WHERE p.introduction_id = %s ORDER BY p.version DESC LIMIT %s"
        ),
    }
    _SQL_CACHE[connection.vendor] = sql
    return sql


def _db_value(value):
    """A raw cursor's value as the ORM would give it: aware datetimes (SQLite stores them naive,
    in UTC). UUIDs, JSON and booleans are converted where they are read (see _raw_latest)."""
    if isinstance(value, datetime) and timezone.is_naive(value):
        return value.replace(tzinfo=UTC)
    return value


def _json(value):
    """A JSON column from a raw cursor: both backends hand Django the text (JSONField decodes)."""
    return json.loads(value) if isinstance(value, str | bytes) else value


def _raw_latest(name: str, params: list, n: int, shape: Callable, *, stored: int) -> Latest:
    if not stored:
        return EMPTY
    pk = Introduction._meta.pk
    params = [pk.get_db_prep_value(p, connection) for p in params]
    with connection.cursor() as cursor:
        cursor.execute(_list_sql()[name], [*params, n])
        names = [c[0] for c in cursor.description]
        rows = [dict(zip(names, map(_db_value, row), strict=True)) for row in cursor.fetchall()]
    for row in rows:
        if "pk" in row and not isinstance(row["pk"], uuid.UUID):
            row["pk"] = uuid.UUID(str(row["pk"]))
        for key in ("goals", "actions"):
            if key in row:
                row[key] = _json(row[key])
        if "agreed_with_person" in row:
            row["agreed_with_person"] = bool(row["agreed_with_person"])
    return Latest(shape(rows), stored)


def _has_choices(intro) -> bool | None:
    """Whether the person has sharing choices on record, as open_introduction read it with the
    introduction (None: not known, so sharing_view reads them)."""
    return getattr(intro, "lw_has_sharing_choices", None)


def record_context(user, intro: Introduction, rel) -> dict:
    """Everything the record page shows, in a bounded number of queries whatever the history."""
    view = sharing_view(user, intro.person, has_choices=_has_choices(intro))
    stored = _stored_counts(intro)
    n = RECORD_LIST
    # With no sharing objection in force for this user, nothing here is hidden from them but
    # contacts restricted to another team: when there are none, the stored counts are the
    # visible ones. Otherwise each list counts its visible rows itself.
    unfiltered = not view.organisation_q("organisation_id")
    contacts = _latest(
        _contacts(user, intro, view),
        RECORD_CONTACTS,
        _contact_rows,
        stored=stored["contacts"],
        total=stored["contacts"] if unfiltered and not stored["restricted_contacts"] else None,
    )
    # The conversation and plans are filtered only by organisation: when their filters are empty
    # for this user (asked of the same functions that build them), plain SQL reads them.
    if not visible_plan_filter(user, intro.person, view=view):
        plans = _raw_latest("plans", [intro.pk], 1, _plan_rows, stored=stored["plans"])
    else:
        plans = _latest(_plans(user, intro, view), 1, _plan_rows, stored=stored["plans"])
    if not stored["conversation"]:
        conversation = None
    elif not visible_conversation_filter(user, intro.person, view=view):
        found = _raw_latest("conversation", [intro.pk], 1, list, stored=1)
        conversation = _conversation_row(found.rows[0]) if found else None
    else:
        conversation = _conversation(user, intro, view)
    episodes = _raw_latest("tiers", [intro.pk], n, _episode_rows, stored=stored["tiers"])
    allocations = _raw_latest(
        "key_workers", [intro.pk], n, _allocation_rows, stored=stored["key_workers"]
    )
    if stored["handovers"] > n:
        handovers = _latest(
            _handovers(intro, needing_action_first=True),
            n,
            _handover_rows,
            stored=stored["handovers"],
            total=stored["handovers"],
        )
    else:
        handovers = _raw_latest(
            "handovers", [intro.pk], n, _handover_rows, stored=stored["handovers"]
        )
    return {
        "now": timezone.now(),
        "intro": intro,
        "person": intro.person,
        "relationship": rel,
        "sharing": view,
        "conversation": conversation,
        # The open episode and allocation are the newest (at most one of each is open).
        "episodes": episodes,
        "current_episode": next((e for e in episodes if e["ended_at"] is None), None),
        "allocations": allocations,
        "current_allocation": next((a for a in allocations if a["ended_at"] is None), None),
        "plan": plans.rows[0] if plans else None,
        "earlier_plans": max(0, plans.total - 1),
        "contacts": contacts,
        "handovers": handovers,
        "links": record_links(intro),
        # The outcomes panel skips its query when there is nothing to summarise.
        "measure_responses": stored["measure_responses"],
        "closures": _raw_latest(
            "closures", [intro.pk], n, _closure_rows, stored=stored["closures"]
        ),
        "other_introductions": _raw_latest(
            "introductions",
            [intro.person_id, intro.pk],
            n,
            _introduction_rows,
            stored=stored["introductions"],
        ),
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
    view = sharing_view(user, intro.person, has_choices=_has_choices(intro))
    qs, shape = {
        "contacts": lambda: (_contacts(user, intro, view), _contact_rows),
        "plans": lambda: (_plans(user, intro, view), _plan_rows),
        "tiers": lambda: (_episodes(intro), _episode_rows),
        "key-workers": lambda: (_allocations(intro), _allocation_rows),
        "handovers": lambda: (_handovers(intro), _handover_rows),
        "closures": lambda: (_closures(intro), _closure_rows),
        "introductions": lambda: (_other_introductions(intro), _introduction_rows),
    }[section.slug]()
    page = Paginator(qs, section.per_page).get_page(page_number)
    return {
        "now": timezone.now(),
        "intro": intro,
        "person": intro.person,
        "relationship": rel,
        "sharing": view,
        "section": section,
        "page": page,
        "rows": shape(list(page.object_list)),
    }
