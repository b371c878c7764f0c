"""Buffers seeded rows and writes them with bulk_create, parents before children."""

from __future__ import annotations

import json
from collections import Counter

from django.db import connection, models

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
from livingwell.people.models import Person, PossibleMatch

ORDER = [
    Person,
    Introduction,
    Conversation,
    Episode,
    Allocation,
    PlanVersion,
    Contact,
    Handover,
    Closure,
    PossibleMatch,
]


class Writer:
    def __init__(self, flush_at: int = 20_000):
        self.flush_at = flush_at
        self.buffers: dict[type, list] = {model: [] for model in ORDER}
        self.pending = 0
        self.counts: Counter = Counter()
        self.intro_states: Counter = Counter()
        self.closed_reasons: Counter = Counter()
        self.handover_states: Counter = Counter()
        self.contact_outcomes: Counter = Counter()
        self.tiers: Counter = Counter()

    def add(self, obj) -> None:
        self.buffers[type(obj)].append(obj)
        self.pending += 1

    def add_journey(self, rows) -> None:
        intro = rows.intro
        self.add(intro)
        self.intro_states[intro.state] += 1
        if intro.closed_reason:
            self.closed_reasons[intro.closed_reason] += 1
        if rows.conversation is not None:
            self.add(rows.conversation)
        for episode in rows.episodes:
            self.add(episode)
            self.tiers[episode.tier_id] += 1
        for obj in rows.allocations:
            self.add(obj)
        for obj in rows.plans:
            self.add(obj)
        # As hub.actions.allocate_key_worker, change_tier and close keep them.
        current = [a for a in rows.allocations if a.ended_at is None]
        intro.current_key_worker_id = current[0].key_worker_id if current else None
        intro.current_team_id = current[0].team_id if current else None
        episode = [e for e in rows.episodes if e.ended_at is None]
        intro.current_tier_id = episode[0].tier_id if episode else None
        attended = [c.at for c in rows.contacts if c.outcome == Contact.Outcome.ATTENDED]
        # As hub.actions.record_contact keeps it: the board's "no contact" section reads it.
        intro.last_attended_contact_at = max(attended) if attended else None
        for contact in rows.contacts:
            self.add(contact)
            self.contact_outcomes[contact.outcome] += 1
        for handover in rows.handovers:
            self.add(handover)
            self.handover_states[handover.state] += 1
        for obj in rows.closures:
            self.add(obj)

    def maybe_flush(self) -> None:
        if self.pending >= self.flush_at:
            self.flush()

    def flush(self) -> None:
        for model in ORDER:
            rows = self.buffers[model]
            if rows:
                _insert(model, rows)
                self.counts[model._meta.model_name] += len(rows)
                self.buffers[model] = []
        self.pending = 0

    def summary(self) -> dict:
        return {
            "people": self.counts["person"],
            "introductions": self.counts["introduction"],
            "introductions_by_state": dict(sorted(self.intro_states.items())),
            "closed_by_reason": dict(sorted(self.closed_reasons.items())),
            "conversations": self.counts["conversation"],
            "episodes": self.counts["episode"],
            "episodes_by_tier": dict(sorted(self.tiers.items())),
            "allocations": self.counts["allocation"],
            "plan_versions": self.counts["planversion"],
            "contacts": self.counts["contact"],
            "contacts_by_outcome": dict(sorted(self.contact_outcomes.items())),
            "handovers": self.counts["handover"],
            "handovers_by_state": dict(sorted(self.handover_states.items())),
            "closures": self.counts["closure"],
            "possible_matches": self.counts["possiblematch"],
        }


_PLANS: dict[type, tuple[str, list]] = {}


def _converter(field):
    """A fast equivalent of field.get_db_prep_save for the types the seed writes.

    bulk_create spends most of its time preparing values generically; the seed writes millions of
    rows of a few known types, so it prepares them directly and falls back to Django otherwise.
    """
    target = field.target_field if field.is_relation else field
    sqlite = connection.vendor == "sqlite"
    if isinstance(target, models.UUIDField):
        if connection.features.has_native_uuid_field:
            return None
        return lambda v: v.hex if v is not None else None
    if isinstance(target, models.DateTimeField):
        if not sqlite:
            return None
        return lambda v: v.replace(tzinfo=None).isoformat(" ") if v is not None else None
    if isinstance(target, models.DateField):
        return (lambda v: v.isoformat() if v is not None else None) if sqlite else None
    if isinstance(field, models.JSONField):
        if sqlite:
            return lambda v: json.dumps(v)
        return lambda v, f=field: f.get_db_prep_save(v, connection)
    if isinstance(
        target,
        (models.CharField, models.TextField, models.IntegerField, models.BooleanField),
    ):
        return None
    return lambda v, f=field: f.get_db_prep_save(v, connection)


def _insert(model, objs, batch: int = 500) -> None:
    """INSERT the objects' concrete fields with executemany (no signals, no save())."""
    plan = _PLANS.get(model)
    if plan is None:
        fields = [f for f in model._meta.concrete_fields]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        table = connection.ops.quote_name(model._meta.db_table)
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
        plan = (sql, [(f.attname, _converter(f)) for f in fields])
        _PLANS[model] = plan
    sql, columns = plan
    rows = [
        tuple(
            getattr(obj, attname) if conv is None else conv(getattr(obj, attname))
            for attname, conv in columns
        )
        for obj in objs
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            cursor.executemany(sql, rows[start : start + batch])
