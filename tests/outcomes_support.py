"""Builders for the outcomes tests: an introduction in support, with a plan (real actions)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.utils import timezone

from tests.factories import person_details

PHQ9_12 = {"1": 3, "2": 2, "3": 2, "4": 1, "5": 1, "6": 1, "7": 1, "8": 1, "9": 0}


def in_support(
    by, *, days_ago: int = 0, goals: list[str] | None = None, person: dict | None = None
):
    """An introduction received and first seen ``days_ago`` days ago, in support (short-term tier).

    With ``goals``, a plan version holding them (in the person's words) is saved too.
    """
    from livingwell.hub.actions import record_first_conversation, save_plan
    from livingwell.hub.models import Tier
    from livingwell.intake.actions import submit_introduction

    # Step back in local calendar days (same wall-clock time), so the introduction's local date is
    # exactly ``days_ago`` days before today even when a clock change lies between.
    at = timezone.localtime() - timedelta(days=days_ago)
    intro, _ = submit_introduction(
        by=None,
        submission_key=uuid.uuid4().hex,
        route="self",
        person=person or person_details(email="alex@example.org"),
        details={"whats_happening": "Finding things hard.", "risk_now": "no"},
        at=at,
    )
    record_first_conversation(
        by=by,
        introduction=intro,
        tier=Tier.objects.get(slug="short-term"),
        fields={
            "mode": "phone",
            "whats_happening": "Low mood since losing work.",
            "what_matters": "Getting back to football.",
            "next_step": "Meet next week.",
            "held_at": at,
        },
        at=at,
    )
    if goals:
        save_plan(
            by=by,
            introduction=intro,
            goals=goals,
            actions=[],
            review_date=timezone.localdate() + timedelta(weeks=12),
            at=at,
        )
    intro.refresh_from_db()
    return intro
