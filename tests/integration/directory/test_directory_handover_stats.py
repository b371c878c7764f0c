"""How handovers to a service have gone: counts and durations from the Hub's handovers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from tests.factories import introduction
from tests.integration.directory.conftest import uid

from livingwell.directory.queries import handover_stats

pytestmark = pytest.mark.django_db


def make_handovers(personas, service):
    """Four handovers to `service`: accepted after 2 and 4 days, declined, and one waiting.

    Written directly: the Hub's handover actions belong to the lead's issue, and these tests
    only need the rows the statistics read."""
    from livingwell.hub.models import Handover

    now = timezone.now()
    rows = [
        ("accepted", 2, ""),
        ("started", 4, ""),
        ("declined", 1, "Service is full\nwe will reopen in May"),
        ("offered", None, ""),
    ]
    for state, days, reason in rows:
        offered = now - timedelta(days=10)
        Handover.objects.create(
            introduction=introduction(),
            owner=personas.hub_worker,
            from_team=personas.hub_team,
            to_organisation=personas.vcs,
            service_id=service.id,
            service_name=service.name,
            what_is_asked="Weekly peer support",
            state=state,
            offered_at=offered,
            reply_due_at=offered + timedelta(days=5),
            responded_at=offered + timedelta(days=days) if days is not None else None,
            decline_reason=reason,
        )


def test_stats(seeded, personas):
    from livingwell.directory.models import Service

    service = Service.objects.get(id=uid("service/3"))
    empty = handover_stats(service)
    assert empty.total == 0 and empty.percent_accepted is None
    make_handovers(personas, service)
    stats = handover_stats(service)
    assert stats.total == 4
    assert stats.accepted == 2 and stats.declined == 1 and stats.waiting == 1
    assert stats.percent_accepted == 67
    assert stats.median_days_to_accept == 3.0
    assert stats.declined_reasons == [("Service is full", 1)]
    other = Service.objects.get(id=uid("service/4"))
    assert handover_stats(other).total == 0
