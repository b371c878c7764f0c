"""Checks that seeded (or any) journey data keeps the rules the actions enforce.

Each check is one query, so they also run on a 100,000-person benchmark database. `problems()`
returns plain-English descriptions with counts; an empty list means every rule holds.
"""

from __future__ import annotations

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from livingwell.hub.models import Allocation, Closure, Contact, Episode, Handover, PlanVersion
from livingwell.intake.models import ClosedReason, Introduction
from livingwell.people.models import Person

S = Introduction.State
H = Handover.State
ATTEMPTS = [Contact.Outcome.NOT_REACHED, Contact.Outcome.NOT_ATTENDED]


def reconciliation() -> dict:
    """Introductions received = open + closed, by state."""
    by_state = dict(Introduction.objects.values_list("state").annotate(n=Count("id")))
    return {"received": Introduction.objects.count(), "by_state": by_state}


def _closed_during(model, at_field: str):
    """Rows of `model` dated inside a closed period of their introduction."""
    closed_then = Closure.objects.filter(
        introduction=OuterRef("introduction"), closed_at__lt=OuterRef(at_field)
    ).filter(Q(returned_at__isnull=True) | Q(returned_at__gt=OuterRef(at_field)))
    return model.objects.filter(Exists(closed_then))


def problems() -> list[str]:
    now = timezone.now()
    found: list[str] = []

    def expect_none(label: str, queryset) -> None:
        n = queryset.count()
        if n:
            found.append(f"{label}: {n}")

    rec = reconciliation()
    if rec["received"] != sum(rec["by_state"].values()) or set(rec["by_state"]) - set(S.values):
        found.append(f"reconciliation does not hold: {rec}")

    closed = Introduction.objects.filter(state=S.CLOSED)
    open_ = Introduction.objects.exclude(state=S.CLOSED)
    expect_none(
        "closed introductions missing time, reason or open door",
        closed.filter(
            Q(closed_at__isnull=True) | Q(closed_reason="") | Q(open_door_until__isnull=True)
        ),
    )
    current_closure = Closure.objects.filter(
        introduction=OuterRef("pk"), returned_at__isnull=True, closed_at=OuterRef("closed_at")
    )
    expect_none(
        "closed introductions without their Closure row", closed.exclude(Exists(current_closure))
    )
    expect_none(
        "open introductions with an unreturned Closure",
        open_.filter(
            Exists(Closure.objects.filter(introduction=OuterRef("pk"), returned_at__isnull=True))
        ),
    )
    expect_none(
        "supported closures without a first conversation",
        closed.filter(closed_reason=ClosedReason.SUPPORTED, first_conversation_at__isnull=True),
    )
    current_episode = Episode.objects.filter(introduction=OuterRef("pk"), ended_at__isnull=True)
    expect_none(
        "in support without a current episode",
        Introduction.objects.filter(state=S.IN_SUPPORT).exclude(Exists(current_episode)),
    )
    expect_none(
        "not in support but with a current episode",
        Introduction.objects.exclude(state=S.IN_SUPPORT).filter(Exists(current_episode)),
    )
    expect_none(
        "closed with a current allocation",
        closed.filter(
            Exists(Allocation.objects.filter(introduction=OuterRef("pk"), ended_at__isnull=True))
        ),
    )
    expect_none(
        "closed while a handover offer waits for a reply",
        Handover.objects.filter(state=H.OFFERED, introduction__state=S.CLOSED),
    )
    expect_none(
        "declined handovers without a reason",
        Handover.objects.filter(state=H.DECLINED, decline_reason=""),
    )
    expect_none(
        "answered handovers without a reply time",
        Handover.objects.exclude(state__in=[H.OFFERED, H.WITHDRAWN]).filter(
            responded_at__isnull=True
        ),
    )
    expect_none(
        "started or completed handovers without their times",
        Handover.objects.filter(
            Q(state=H.STARTED, started_at__isnull=True)
            | Q(state=H.COMPLETED, completed_at__isnull=True)
        ),
    )
    attempts = (
        Contact.objects.filter(
            introduction=OuterRef("introduction"),
            outcome__in=ATTEMPTS,
            at__lte=OuterRef("closed_at"),
        )
        .values("introduction")
        .annotate(n=Count("id"))
        .values("n")
    )
    expect_none(
        "'not reached' closures with fewer than 2 documented attempts",
        Closure.objects.filter(reason=ClosedReason.NOT_REACHED)
        .annotate(attempts=attempts)
        .filter(Q(attempts__lt=2) | Q(attempts__isnull=True)),
    )
    accepted_before = Handover.objects.filter(
        introduction=OuterRef("introduction"),
        state__in=[H.ACCEPTED, H.STARTED, H.COMPLETED],
        responded_at__lte=OuterRef("closed_at"),
    )
    expect_none(
        "'handed over' closures without an accepted handover",
        Closure.objects.filter(reason=ClosedReason.HANDED_OVER).exclude(Exists(accepted_before)),
    )
    expect_none("contacts in the future", Contact.objects.filter(at__gt=now))
    expect_none(
        "contacts before their introduction",
        Contact.objects.filter(at__lt=F("introduction__received_at")),
    )
    expect_none("contacts while closed", _closed_during(Contact, "at"))
    expect_none("plan versions while closed", _closed_during(PlanVersion, "created_at"))
    expect_none(
        "plan versions before the first conversation",
        PlanVersion.objects.filter(created_at__lt=F("introduction__first_conversation_at")),
    )
    expect_none(
        "episodes ended without a reason",
        Episode.objects.filter(ended_at__isnull=False, end_reason=""),
    )
    expect_none(
        "allocations ending before they start",
        Allocation.objects.filter(ended_at__lt=F("started_at")),
    )
    transfer_in = Allocation.objects.filter(
        introduction=OuterRef("introduction"), ended_at=OuterRef("started_at")
    ).exclude(pk=OuterRef("pk"))
    expect_none(
        "transfers without a reason",
        Allocation.objects.filter(reason="").filter(Exists(transfer_in)),
    )
    expect_none(
        "people created after their first introduction",
        Person.objects.filter(introductions__received_at__lt=F("created_at")).distinct(),
    )
    # The fields the board reads that the actions keep (hub.maintained, ADR 0012).
    from livingwell.hub.maintained import drift

    labels = {
        "last_attended_contact_at": "introductions whose last attended contact is out of step "
        "with their contacts",
        "current_key_worker": "introductions whose current key worker is out of step with their "
        "allocations",
        "current_team": "introductions whose current team is out of step with their allocations",
        "current_tier": "introductions whose current tier is out of step with their episodes",
        "running_totals": "running totals of introductions received, new and in support out of "
        "step with the introductions",
    }
    for name, n in drift().items():
        if n:
            found.append(f"{labels[name]}: {n}")
    return found
