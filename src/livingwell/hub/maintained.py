"""The fields the huddle board reads that the actions keep up to date (ADR 0012), worked out
again from their sources: for a site restored from a backup, data loaded outside the actions, or
a drift reported by the checks (``livingwell rebuild_board --check``)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery

from livingwell.hub.models import Allocation, Contact, Episode
from livingwell.intake.models import Introduction, IntroductionTally


def _last_attended():
    return (
        Contact.objects.filter(introduction=OuterRef("pk"), outcome=Contact.Outcome.ATTENDED)
        .order_by("-at")
        .values("at")[:1]
    )


def _current(model, column: str):
    """The ``column`` of the introduction's current allocation or episode (at most one)."""
    return model.objects.filter(introduction=OuterRef("pk"), ended_at__isnull=True).values(column)[
        :1
    ]


# Each kept field of the introduction and the source it is kept from.
_KEPT_CURRENT = {
    "current_key_worker": (Allocation, "key_worker_id"),
    "current_team": (Allocation, "team_id"),
    "current_tier": (Episode, "tier_id"),
}


def _differs(field: str, source: str) -> Q:
    """The kept ``field`` is not what its ``source`` annotation says (either may be empty)."""
    return (
        (Q(**{f"{source}__isnull": True}) & Q(**{f"{field}__isnull": False}))
        | (Q(**{f"{source}__isnull": False}) & Q(**{f"{field}__isnull": True}))
        | (Q(**{f"{source}__isnull": False}) & ~Q(**{field: F(source)}))
    )


def drift() -> dict[str, int]:
    """How many introductions' kept fields differ from their sources, and whether the running
    totals do (1) or not (0). Nothing is changed."""
    annotated = Introduction.objects.annotate(
        lw_last=Subquery(_last_attended()),
        **{f"lw_{name}": Subquery(_current(*source)) for name, source in _KEPT_CURRENT.items()},
    )
    kept = IntroductionTally.objects.filter(pk=1).first()
    return {
        "last_attended_contact_at": annotated.filter(
            _differs("last_attended_contact_at", "lw_last")
        ).count(),
        **{name: annotated.filter(_differs(name, f"lw_{name}")).count() for name in _KEPT_CURRENT},
        "running_totals": int(
            kept is not None
            and (kept.received, kept.new, kept.in_support) != IntroductionTally.counted()
        ),
    }


@transaction.atomic
def rebuild(*, now=None) -> dict[str, int]:
    """Work every kept field out again from its source, in one transaction. Returns what was
    written: introductions updated for each field, the running totals, the measures due."""
    from livingwell.outcomes.due import rebuild as rebuild_measures_due

    intros = Introduction.objects
    written = {
        "last_attended_contact_at": intros.update(
            last_attended_contact_at=Subquery(_last_attended())
        ),
        # The key worker, team and tier of the current allocation and episode.
        "current": intros.update(
            **{name: Subquery(_current(*source)) for name, source in _KEPT_CURRENT.items()}
        ),
    }
    IntroductionTally.rebuild()
    written["running_totals"] = 1
    written["measures_due"] = rebuild_measures_due(now=now)
    return written
