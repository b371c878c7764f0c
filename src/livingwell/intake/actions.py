"""Making an introduction: stored completely or not at all, once, with a reference."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from livingwell.access import audit
from livingwell.core.references import new_reference
from livingwell.intake.models import Introduction, IntroductionTally, RiskNow, Route
from livingwell.people.actions import create_person, flag_likely_matches

# Anything other than a clear "no" about immediate risk is answered as urgent: an unsure answer at
# 2 a.m. deserves a same-day call, not a queue.
URGENT_RISK = {RiskNow.SELF, RiskNow.OTHERS, RiskNow.NOT_SURE}


class RateLimited(Exception):
    """A new, routine introduction from a client over the front door's rate limit: not stored."""


def is_urgent(details: dict) -> bool:
    return details.get("risk_now", RiskNow.NOT_SURE) in URGENT_RISK or bool(details.get("urgent"))


PERSON_FIELDS = {
    "given_name",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "postcode",
    "phone",
    "email",
    "nhs_number",
    "sex",
    "gender",
    "ethnicity",
    "preferred_language",
    "deprivation_decile",
}


def _unique_reference() -> str:
    for _attempt in range(20):
        ref = new_reference()
        if not Introduction.objects.filter(reference=ref).exists():
            return ref
    raise RuntimeError("Could not allocate a unique reference")


def submit_introduction(
    *,
    by,
    submission_key: str,
    route: str,
    person: dict | None = None,
    existing_person=None,
    details: dict,
    at=None,
    over_rate_limit: bool = False,
) -> tuple[Introduction, bool]:
    """Create the person (or use a known one) and their introduction, in one transaction.

    Returns (introduction, created). The same submission key twice returns the first
    introduction: a double click or a resubmitted form never makes a second one, even when
    both are sent at once.

    `over_rate_limit` (the front door's count for this client is used up) refuses a new routine
    introduction with RateLimited. It never refuses a resend of one already made, nor an urgent
    one: that is stored, marked urgent as always, and its audit event notes the limit.
    """
    existing = Introduction.objects.filter(submission_key=submission_key).first()
    if existing:
        return existing, False
    if over_rate_limit and not is_urgent(details):
        raise RateLimited
    try:
        with transaction.atomic():
            intro = _create(
                by=by,
                submission_key=submission_key,
                route=route,
                person=person,
                existing_person=existing_person,
                details=details,
                at=at,
                over_rate_limit=over_rate_limit,
            )
    except IntegrityError:
        existing = Introduction.objects.filter(submission_key=submission_key).first()
        if existing is None:
            raise
        return existing, False
    return intro, True


def _create(
    *, by, submission_key, route, person, existing_person, details, at, over_rate_limit
) -> Introduction:
    at = at or timezone.now()
    if route not in Route.values:
        raise ValueError(f"Unknown route {route!r}")
    if existing_person is None:
        person_fields = {
            k: v for k, v in (person or {}).items() if k in PERSON_FIELDS and v not in (None,)
        }
        subject = create_person(by=by, at=at, **person_fields)
    else:
        subject = existing_person
    risk_now = details.get("risk_now", RiskNow.NOT_SURE)
    intro = Introduction(
        reference=_unique_reference(),
        person=subject,
        route=route,
        received_at=at,
        submission_key=submission_key,
        created_by=by if getattr(by, "is_authenticated", False) else None,
        risk_now=risk_now,
        urgent=is_urgent(details),
        **{k: v for k, v in details.items() if k not in {"risk_now", "urgent"}},
    )
    # Uniqueness (the submission key, the reference) is the database's to decide, at the insert:
    # a look-up here can pass while a simultaneous send of the same form is being stored, and
    # would then see it and raise ValidationError where IntegrityError is what is handled.
    intro.full_clean(exclude=["person", "owner", "created_by"], validate_unique=False)
    intro.save(force_insert=True)
    # The running totals the board's reconciliation reads (no row yet: the board counts).
    IntroductionTally.moved(received=True, to=intro.state)
    audit.record(
        by=by,
        action="introduction.create",
        person=subject,
        category="introduction",
        purpose="self_introduction" if route == Route.SELF else "introduction",
        obj=intro,
        detail={"route": route, "urgent": intro.urgent}
        | ({"over_rate_limit": True} if over_rate_limit else {}),
    )
    if existing_person is None:
        flag_likely_matches(by=by, person=subject, at=at)
    return intro
