"""Shared builders for the co-production tests: a lead, a rate card, an activity with people."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from livingwell.accounts.models import Role
from livingwell.coproduction import actions
from tests import factories


def lead(personas):
    return factories.user("coprod_lead", org=personas.trust, role=Role.COPRODUCTION_LEAD)


def rate_card(by, effective_from=date(2026, 1, 1), **overrides):
    rates = {
        "hourly": "12.00",
        "half_day": "75.00",
        "day": "150.00",
        "enhanced_hourly": "15.00",
        "enhanced_half_day": "90.00",
        "enhanced_day": "180.00",
    }
    rates.update(overrides)
    return actions.add_rate_card(by=by, effective_from=effective_from, **rates)


def activity(by, held_on=date(2026, 5, 12), hours=Decimal("3"), basis="sessional", **overrides):
    fields = {
        "title": "Designing the front door",
        "kind": "design_workshop",
        "purpose": "Redesign the self-introduction form with people who used it",
        "decisions_in_scope": "The questions asked and their order",
        "held_on": held_on,
        "hours": hours,
        "intended_level": 6,
        "payment_basis": basis,
    }
    fields.update(overrides)
    return actions.record_activity(by=by, **fields)


def person(by, name="Ade Bello", role="lived_experience", **overrides):
    return actions.add_person(by=by, name=name, usual_role=role, **overrides)
