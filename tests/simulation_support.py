"""A small network for the simulation's page tests: six weeks of introductions and conversations.

Period: Monday 5 January to Monday 16 February 2026 (UK time is UTC).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from livingwell.hub import actions as hub
from livingwell.hub.models import Tier
from livingwell.simulation.network import ModelInputs
from livingwell.simulation.network import Tier as ModelTier
from tests.insight_support import introduce

START, END = date(2026, 1, 5), date(2026, 2, 16)


def build(p) -> None:
    tiers = [Tier.objects.get(slug="short-term"), Tier.objects.get(slug="staying-well")]
    day = datetime(2026, 1, 5, 10, tzinfo=UTC)
    for k in range(24):  # four a week, Monday and Wednesday, talked to two days later
        when = day + timedelta(days=7 * (k // 4) + (2 * (k % 2)), hours=k % 4)
        intro = introduce(when, route="gp" if k % 3 else "self", urgent=k % 8 == 0)
        hub.record_first_conversation(
            by=p.hub_worker,
            introduction=intro,
            tier=tiers[k % 2],
            fields={
                "mode": "phone",
                "whats_happening": "Told their story.",
                "what_matters": "Sleep.",
                "next_step": "Meet again.",
                "held_at": when + timedelta(days=2),
            },
            at=when + timedelta(days=2),
        )


def document(**changes) -> dict:
    return {
        "format": "livingwell-scenario/1",
        "name": "Another Hub worker on Wednesdays",
        "data_period": {"start": START.isoformat(), "end": END.isoformat()},
        "weeks": 8,
        "warmup_weeks": 2,
        "replications": 3,
        "seed": 5,
        "changes": changes or {"hub_rota": {"wednesday": 2}},
    }


def small_network() -> ModelInputs:
    """The model's own tests' network: a Hub short of capacity and two tiers that step into
    each other, with the open door."""
    return ModelInputs(
        start=date(2026, 1, 5),
        weeks=12,
        warmup_weeks=4,
        arrivals_per_day=14 / 7,
        seasonality=[1.0] * 12,
        arrivals_by_hour_of_week=[],
        urgent_share=0.2,
        hub_rota=[2, 2, 2, 2, 2, 0, 0],
        conversations_per_worker_day=1.5,
        attempt_failure_share=0.2,
        first_attempt_days=[0.5, 1.0, 2.0],
        stop_waiting_per_day=0.02,
        tiers=[
            ModelTier("short-term", "Short-term", 20, 0.6, [10.0, 20.0, 40.0], {"focused": 0.2}),
            ModelTier("focused", "Focused", 8, 0.3, [30.0, 60.0], {"short-term": 0.1}),
        ],
        handover_share=0.2,
        handover_days=[14.0],
        open_door_return_per_day=0.005,
        open_door_days=90.0,
    )
