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
from datetime import UTC, date, datetime
from types import SimpleNamespace

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Subquery, Value, When
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.dates import MONTHS, MONTHS_3
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from livingwell.access.sharing import (
    SharingView,
    sharing_view,
    visible_authoring_filter,
    visible_conversation_filter,
    visible_plan_filter,
)
from livingwell.accounts.models import Organisation, Team, User
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
from livingwell.outcomes.definitions import MEASURES
from livingwell.outcomes.models import MeasureResponse, MeasureSchedule

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


_LABELS: dict[tuple, dict] = {}


def _labels(choices_class) -> dict:
    """A choices class's labels, translated once per language in each process (they are the
    code's own strings; get_FOO_display() translates every label of the field's choices on each
    call)."""
    key = (choices_class, get_language())
    found = _LABELS.get(key)
    if found is None:
        found = _LABELS[key] = {value: str(label) for value, label in choices_class.choices}
    return found


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


def _full_date(value) -> str | None:
    """A date as ``|date:"j F Y"`` shows it (the month's full name, translated)."""
    return None if value is None else f"{value.day} {MONTHS[value.month]} {value.year}"


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
    outcomes, modes = _labels(Contact.Outcome), _labels(ContactMode)
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
    """Tiers, each with its table row as HTML (``html``, every value escaped), as the contacts:
    hub/_record_tiers.html holds the table."""
    reasons = _labels(Episode.EndReason)
    dates = _Dates()
    now = escape(gettext("now"))
    shaped = []
    for r in rows:
        e = {
            "tier": r["tier__name"],
            "started_at": dates(r["started_at"]),
            "ended_at": dates(r["ended_at"]),
            "end_reason_label": reasons.get(r["end_reason"], r["end_reason"]),
            "reason_note": r["reason_note"],
        }
        why = escape(e["end_reason_label"]) if e["end_reason_label"] else "–"
        if e["reason_note"]:
            why += f": {escape(e['reason_note'])}"
        e["html"] = mark_safe(  # noqa: S308 - every value above is escaped
            '<tr class="nhsuk-table__row">'
            f'<td class="nhsuk-table__cell">{escape(e["tier"])}</td>'
            f'<td class="nhsuk-table__cell">{escape(e["started_at"])}</td>'
            f'<td class="nhsuk-table__cell">{escape(e["ended_at"]) if e["ended_at"] else now}</td>'
            f'<td class="nhsuk-table__cell">{why}</td></tr>'
        )
        shaped.append(e)
    return shaped


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
    """Key workers, each with its list item as HTML (``html``, every value escaped):
    hub/_record_key_workers.html holds the list."""
    dates = _Dates()
    now, reason = escape(gettext("now")), escape(gettext("Reason:"))
    shaped = []
    for r in rows:
        a = {
            "key_worker": _user_name(r, "key_worker"),
            "team": r["team__name"],
            "organisation": r["organisation__name"],
            "started_at": dates(r["started_at"]),
            "ended_at": dates(r["ended_at"]),
            "reason": r["reason"],
        }
        ended = escape(a["ended_at"]) if a["ended_at"] else now
        why = f". {reason} {escape(a['reason'])}" if a["reason"] else ""
        a["html"] = mark_safe(  # noqa: S308 - every value above is escaped
            f"<li>{escape(a['key_worker'])} ({escape(a['team'])}, {escape(a['organisation'])}):"
            f" {escape(a['started_at'])} – {ended}{why}</li>"
        )
        shaped.append(a)
    return shaped


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
    states = _labels(Handover.State)
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
    """Closures, each with its list item as HTML (``html``, every value escaped):
    hub/_record_closures.html holds the list."""
    reasons = _labels(ClosedReason)
    dates = _Dates()
    came_back = gettext("Came back on %(when)s")
    for r in rows:
        r["closed_at"], r["returned_at"] = dates(r["closed_at"]), dates(r["returned_at"])
        r["reason_label"] = reasons.get(r["reason"], r["reason"])
        back = f". {came_back % {'when': escape(r['returned_at'])}}" if r["returned_at"] else ""
        r["html"] = mark_safe(  # noqa: S308 - every value above is escaped
            f"<li>{escape(r['closed_at'])}: {escape(r['reason_label'])}{back}</li>"
        )
    return list(rows)


def _other_introductions(intro) -> QuerySet:
    return (
        Introduction.objects.filter(person_id=intro.person_id)
        .exclude(pk=intro.pk)
        .order_by("-received_at")
        .values("pk", "reference", "received_at", "state")
    )


def _introduction_rows(rows) -> list[dict]:
    states = _labels(Introduction.State)
    dates = _Dates()
    for r in rows:
        r["url"] = _url("hub:record", r["pk"])
        r["received_at"] = dates(r["received_at"])
        r["state_label"] = states.get(r["state"], r["state"])
    return list(rows)


# --- the record's lists in one statement -----------------------------------------------------
#
# Every list the record shows (and the outcomes panel's latest score of each measure and the
# measure schedules) is read by one statement: a UNION ALL of one branch per list,
# each branch giving its rows as a JSON object with the list's name, its place in the list and
# how many rows the list has in all (before the record's limit). On PostgreSQL each statement is
# a round trip and on SQLite each costs Django's per-query overhead, so one statement for eight to
# eleven lists is most of what the record's reads cost. The row dicts have the keys of the values()
# querysets above, so the same row shaping serves the record and the history pages.
#
# Lists the person's sharing choices filter for this user (contacts, plans, the conversation,
# when an objection is in force) are read by the ORM querysets above instead, which hold the
# sharing rules. Team-restricted contacts are filtered here as SharingView.restricted_q() does:
# shown (and counted) only to their team and their author.

_JSON_OBJECT = {"postgresql": "json_build_object"}  # SQLite (and the standard's name) json_object


def _parse_datetime(value):
    if value is None:
        return None
    found = datetime.fromisoformat(value)
    return found.replace(tzinfo=UTC) if timezone.is_naive(found) else found


def _parse_date(value):
    return None if value is None else date.fromisoformat(value)


def _parse_uuid(value):
    return None if value is None else uuid.UUID(str(value))


_CONVERT = {
    "dt": _parse_datetime,
    "d": _parse_date,
    "b": lambda v: None if v is None else bool(v),
    "u": _parse_uuid,
}

# Column lists: key (as values() names it) -> (SQL expression, kind: see _CONVERT, "j" for a JSON
# column, "" as it comes).
_USER_COLUMNS = {f"{{p}}__{f}": (f"u.{f}", "") for f in USER}


def _user_columns(prefix: str) -> dict:
    return {key.format(p=prefix): value for key, value in _USER_COLUMNS.items()}


_BRANCHES: dict[str, tuple[dict, str, str]] = {
    # name: (columns, FROM ... WHERE ..., ORDER BY); {t[Model]} are table names, %s parameters
    # in the order _read_lists gives them.
    "contacts": (
        {
            "at": ("c.at", "dt"),
            "outcome": ("c.outcome", ""),
            "mode": ("c.mode", ""),
            "duration_minutes": ("c.duration_minutes", ""),
            "note": ("c.note", ""),
            "restricted": ("c.restricted", "b"),
            "organisation__name": ("o.name", ""),
            **_user_columns("by"),
        },
        "{Contact} c JOIN {Organisation} o ON o.id = c.organisation_id"
        " JOIN {User} u ON u.id = c.by_id WHERE c.introduction_id = %s"
        " AND (c.restricted = %s OR c.by_id = %s{team_clause})",
        "c.at DESC, c.recorded_at DESC",
    ),
    "plans": (
        {
            "version": ("p.version", ""),
            "goals": ("p.goals", "j"),
            "actions": ("p.actions", "j"),
            "review_date": ("p.review_date", "d"),
            "agreed_with_person": ("p.agreed_with_person", "b"),
            "created_at": ("p.created_at", "dt"),
            **_user_columns("created_by"),
        },
        "{PlanVersion} p JOIN {User} u ON u.id = p.created_by_id WHERE p.introduction_id = %s",
        "p.version DESC",
    ),
    "conversation": (
        {
            "held_at": ("c.held_at", "dt"),
            "mode": ("c.mode", ""),
            **{
                f: (f"c.{f}", "")
                for f in (
                    "whats_happening",
                    "what_matters",
                    "strengths",
                    "what_they_want",
                    "risks",
                    "safety_plan",
                    "next_step",
                )
            },
            "organisation__name": ("o.name", ""),
            **_user_columns("held_by"),
        },
        "{Conversation} c JOIN {Organisation} o ON o.id = c.organisation_id"
        " JOIN {User} u ON u.id = c.held_by_id WHERE c.introduction_id = %s",
        "c.held_at DESC",
    ),
    "tiers": (
        {
            "tier__name": ("tr.name", ""),
            "started_at": ("e.started_at", "dt"),
            "ended_at": ("e.ended_at", "dt"),
            "end_reason": ("e.end_reason", ""),
            "reason_note": ("e.reason_note", ""),
        },
        "{Episode} e JOIN {Tier} tr ON tr.slug = e.tier_id WHERE e.introduction_id = %s",
        "e.started_at DESC",
    ),
    "key_workers": (
        {
            "started_at": ("a.started_at", "dt"),
            "ended_at": ("a.ended_at", "dt"),
            "reason": ("a.reason", ""),
            "team__name": ("tm.name", ""),
            "organisation__name": ("o.name", ""),
            **_user_columns("key_worker"),
        },
        "{Allocation} a JOIN {Team} tm ON tm.id = a.team_id"
        " JOIN {Organisation} o ON o.id = a.organisation_id"
        " JOIN {User} u ON u.id = a.key_worker_id WHERE a.introduction_id = %s",
        "a.started_at DESC",
    ),
    # Handovers someone has to act on first (see _handovers): when all of them fit on the record
    # they are put back in date order below.
    "handovers": (
        {
            "pk": ("h.id", "u"),
            "to_organisation__name": ("o.name", ""),
            "service_name": ("h.service_name", ""),
            "offered_at": ("h.offered_at", "dt"),
            "state": ("h.state", ""),
            "decline_reason": ("h.decline_reason", ""),
            "returned_handled_at": ("h.returned_handled_at", "dt"),
        },
        "{Handover} h JOIN {Organisation} o ON o.id = h.to_organisation_id"
        " WHERE h.introduction_id = %s",
        "CASE WHEN h.state IN ('offered', 'accepted', 'started') OR (h.state = 'declined'"
        " AND h.returned_handled_at IS NULL) THEN 0 ELSE 1 END, h.offered_at DESC",
    ),
    "closures": (
        {
            "closed_at": ("c.closed_at", "dt"),
            "reason": ("c.reason", ""),
            "returned_at": ("c.returned_at", "dt"),
        },
        "{Closure} c WHERE c.introduction_id = %s",
        "c.closed_at DESC",
    ),
    "introductions": (
        {
            "pk": ("i.id", "u"),
            "reference": ("i.reference", ""),
            "received_at": ("i.received_at", "dt"),
            "state": ("i.state", ""),
        },
        "{Introduction} i WHERE i.person_id = %s AND i.id <> %s",
        "i.received_at DESC",
    ),
}

# The outcomes panel: the latest response of each measure, with how many there are of it.
_OUTCOME_COLUMNS = {
    "measure": ("r.measure", ""),
    "answers": ("r.answers", "j"),
    "completed_at": ("r.completed_at", "d"),
    "recorded_at": ("r.recorded_at", "dt"),
    "total": ("r.total", ""),
    "band": ("r.band", ""),
    "subscales": ("r.subscales", "j"),
    "metric": ("r.metric", ""),
    "prorated": ("r.prorated", "b"),
}
_SCHEDULE_COLUMNS = {
    "measure": ("s.measure", ""),
    "at_baseline": ("s.at_baseline", "b"),
    "review_every_weeks": ("s.review_every_weeks", ""),
    "at_closure": ("s.at_closure", "b"),
    "grace_days": ("s.grace_days", ""),
    "is_active": ("s.is_active", "b"),
}


def _json_object(columns: dict, *, inner: bool = False) -> str:
    """The JSON object of a branch's row. `inner`: the columns are selected by an inner query as
    c0, c1, ... (see _inner_columns) and the object is built from those, so only the rows kept
    (after the limit) are turned into JSON."""
    vendor = connection.vendor
    fn = _JSON_OBJECT.get(vendor, "json_object")
    parts = []
    for i, (key, (expr, kind)) in enumerate(columns.items()):
        if inner:
            expr = f"c{i}"
        if kind == "j" and vendor == "sqlite":
            expr = f"json({expr})"  # SQLite keeps JSON as text: embed it as JSON, not a string
        parts.append(f"'{key}', {expr}")
    return f"{fn}({', '.join(parts)})"


def _inner_columns(columns: dict) -> str:
    return ", ".join(f"{expr} AS c{i}" for i, (expr, _kind) in enumerate(columns.values()))


_TABLES = (
    Contact,
    PlanVersion,
    Conversation,
    Episode,
    Tier,
    Allocation,
    Team,
    Organisation,
    User,
    Handover,
    Closure,
    Introduction,
)
_BRANCH_SQL: dict[tuple, str] = {}


def _branch_sql(name: str, limit: int, n_teams: int = 0) -> str:
    key = (connection.vendor, name, limit, n_teams)
    found = _BRANCH_SQL.get(key)
    if found is not None:
        return found
    q = connection.ops.quote_name
    tables = {m.__name__: q(m._meta.db_table) for m in _TABLES}
    if name == "outcomes":
        sql = (
            f"SELECT 'outcomes' AS lw_list, lw_n, lw_total,"
            f" {_json_object(_OUTCOME_COLUMNS, inner=True)} AS lw_row FROM (SELECT"
            f" {_inner_columns(_OUTCOME_COLUMNS)}, ROW_NUMBER() OVER (PARTITION BY r.measure"
            " ORDER BY r.completed_at DESC, r.recorded_at DESC) AS lw_n,"
            " COUNT(*) OVER (PARTITION BY r.measure) AS lw_total"
            f" FROM {q(MeasureResponse._meta.db_table)} r WHERE r.introduction_id = %s) lw_outcomes"
            " WHERE lw_n = 1"
        )
    elif name == "schedules":
        sql = (
            "SELECT 'schedules' AS lw_list, 0 AS lw_n, 0 AS lw_total,"
            f" {_json_object(_SCHEDULE_COLUMNS)} AS lw_row"
            f" FROM {q(MeasureSchedule._meta.db_table)} s WHERE s.is_active = %s"
        )
    else:
        columns, where, order = _BRANCHES[name]
        team_clause = f" OR c.team_id IN ({', '.join(['%s'] * n_teams)})" if n_teams else ""
        where = where.format(team_clause=team_clause, **tables)
        sql = (
            f"SELECT '{name}' AS lw_list, lw_n, lw_total,"
            f" {_json_object(columns, inner=True)} AS lw_row FROM (SELECT"
            f" {_inner_columns(columns)}, ROW_NUMBER() OVER (ORDER BY {order}) AS lw_n,"
            f" COUNT(*) OVER () AS lw_total"
            f" FROM {where} ORDER BY {order} LIMIT {int(limit)}) lw_{name}"
        )
    _BRANCH_SQL[key] = sql
    return sql


_COLUMNS_OF = {name: columns for name, (columns, _w, _o) in _BRANCHES.items()} | {
    "outcomes": _OUTCOME_COLUMNS,
    "schedules": _SCHEDULE_COLUMNS,
}


def _convert(row: dict, columns: dict) -> dict:
    for key, (_expr, kind) in columns.items():
        convert = _CONVERT.get(kind)
        if convert is not None:
            row[key] = convert(row[key])
        elif kind == "j":
            row[key] = _json(row[key])
    return row


def _read_lists(branches: list[tuple[str, int, list]]) -> dict[str, tuple[list[dict], int]]:
    """Run the named branches as one statement: {name: (rows in order, total)}; a list with no
    rows is absent. `branches`: (name, limit, parameters)."""
    sql, params = [], []
    for name, limit, branch_params in branches:
        n_teams = len(branch_params) - 3 if name == "contacts" else 0
        sql.append(_branch_sql(name, limit, n_teams))
        params.extend(branch_params)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(sql), params)
        fetched = cursor.fetchall()
    found: dict[str, list] = {}
    for name, place, total, row in fetched:
        found.setdefault(name, []).append((place, total, _json(row)))
    result = {}
    for name, rows in found.items():
        rows.sort(key=lambda r: r[0])
        if name == "outcomes":
            result[name] = (
                [_convert(r[2], _OUTCOME_COLUMNS) | {"lw_count": r[1]} for r in rows],
                0,
            )
        else:
            columns = _COLUMNS_OF[name]
            result[name] = ([_convert(r[2], columns) for r in rows], rows[0][1])
    return result


# --- the record ------------------------------------------------------------------------------


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
    conversation["mode_label"] = _labels(ContactMode).get(
        conversation["mode"], conversation["mode"]
    )
    return conversation


def _db_value(value):
    """A raw cursor's value as the ORM would give it: aware datetimes (SQLite stores them naive,
    in UTC). UUIDs, JSON and booleans are converted where they are read (see _raw_latest)."""
    if isinstance(value, datetime) and timezone.is_naive(value):
        return value.replace(tzinfo=UTC)
    return value


def _json(value):
    """A JSON column from a raw cursor: both backends hand Django the text (JSONField decodes)."""
    return json.loads(value) if isinstance(value, str | bytes) else value


def _has_choices(intro) -> bool | None:
    """Whether the person has sharing choices on record, as open_introduction read it with the
    introduction (None: not known, so sharing_view reads them)."""
    return getattr(intro, "lw_has_sharing_choices", None)


def _db_pk(model, value):
    return model._meta.pk.get_db_prep_value(value, connection)


def record_context(user, intro: Introduction, rel) -> dict:
    """Everything the record page shows, in a bounded number of queries whatever the history:
    one statement for all the lists (see _read_lists) when the person's sharing choices filter
    nothing for this user; otherwise the filtered lists are read by their ORM querysets."""
    view = sharing_view(user, intro.person, has_choices=_has_choices(intro))
    n = RECORD_LIST
    pk = _db_pk(Introduction, intro.pk)
    branches = [
        ("tiers", n, [pk]),
        ("key_workers", n, [pk]),
        ("handovers", n, [pk]),
        ("closures", n, [pk]),
        ("introductions", n, [_db_pk(Introduction, intro.person_id), pk]),
        ("outcomes", 0, [pk]),
    ]
    if intro.first_conversation_at is not None:  # otherwise no measure can be due
        branches.append(("schedules", 0, [True]))
    # With no sharing objection in force for this user, only team-restricted contacts can be
    # hidden from them, and the contacts branch filters those. The conversation and plans are
    # filtered only by organisation: when their filters are empty for this user (asked of the
    # same functions that build them), the one statement reads them too.
    unfiltered = not view.organisation_q("organisation_id")
    if unfiltered:
        teams = [_db_pk(Team, t) for t in sorted(view.own_teams, key=str)]
        branches.append(("contacts", RECORD_CONTACTS, [pk, False, _db_pk(User, user.pk), *teams]))
    plans_unfiltered = not visible_plan_filter(user, intro.person, view=view)
    if plans_unfiltered:
        branches.append(("plans", 1, [pk]))
    conversation_unfiltered = not visible_conversation_filter(user, intro.person, view=view)
    if conversation_unfiltered:
        branches.append(("conversation", 1, [pk]))
    lists = _read_lists(branches)

    def latest(name: str, shape: Callable) -> Latest:
        rows, total = lists.get(name, ([], 0))
        return Latest(shape(rows), total) if rows else EMPTY

    if unfiltered:
        contacts = latest("contacts", _contact_rows)
    else:
        contacts = _latest(_contacts(user, intro, view), RECORD_CONTACTS, _contact_rows, stored=1)
    if plans_unfiltered:
        plans = latest("plans", _plan_rows)
    else:
        plans = _latest(_plans(user, intro, view), 1, _plan_rows, stored=1)
    if conversation_unfiltered:
        found = lists.get("conversation")
        conversation = _conversation_row(found[0][0]) if found else None
    else:
        conversation = _conversation(user, intro, view)
    rows, total = lists.get("handovers", ([], 0))
    if total <= len(rows):
        # All of them are shown: newest first (the statement put those needing action first,
        # for when some are left off).
        rows.sort(key=lambda h: h["offered_at"], reverse=True)
    handovers = Latest(_handover_rows(rows), total) if rows else EMPTY
    episodes = latest("tiers", _episode_rows)
    allocations = latest("key_workers", _allocation_rows)
    # In the shipped measure order, as outcomes.queries.latest_by_measure() gives them.
    by_measure = {r["measure"]: SimpleNamespace(**r) for r in lists.get("outcomes", ([], 0))[0]}
    outcomes = [by_measure[m] for m in MEASURES if m in by_measure]
    return {
        "now": timezone.now(),
        "intro": intro,
        "person": intro.person,
        # As |date:"j M Y H:i" and |date:"j F Y" show them (the filter costs more).
        "received_at": _Dates()(intro.received_at, time=True),
        "date_of_birth": _full_date(intro.person.date_of_birth),
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
        # The outcomes panel's latest score of each measure and the schedules, read above.
        "outcomes_latest": outcomes,
        "measure_schedules": [SimpleNamespace(**r) for r in lists.get("schedules", ([], 0))[0]]
        if intro.first_conversation_at is not None
        else [],
        "closures": latest("closures", _closure_rows),
        "other_introductions": latest("introductions", _introduction_rows),
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
