"""State changes in the Hub's work with a person.

Every function takes the acting user (`by`), runs in one transaction, checks the state machine,
and writes its audit event in that same transaction. `at` lets the seed command replay history;
views never pass it.

The actions that hand out or move access or ownership (allocating a key worker, offering a
handover and each later step, taking ownership) also check who is acting, by the tables in
access/permissions.py (PERMISSION_BASES, HANDOVER_STEPS), and raise NotPermitted, whoever calls
them. The views check the same tables first through the access helpers, which audit a refusal.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from livingwell.access import audit
from livingwell.access.memberships import acting_membership
from livingwell.access.permissions import Permission, require, require_handover_step
from livingwell.access.relationships import relationship
from livingwell.core import record_dates
from livingwell.core.models import SiteConfig
from livingwell.core.refusals import Refused
from livingwell.core.statemachine import TransitionError, check_transition
from livingwell.hub.models import (
    Allocation,
    Closure,
    Contact,
    Conversation,
    Episode,
    Handover,
    PlanVersion,
    Tier,
)
from livingwell.intake.models import ClosedReason, Introduction, IntroductionTally
from livingwell.outcomes import due
from livingwell.people.names import clean_name

S = Introduction.State
INTRODUCTION_TRANSITIONS: dict[str, set[str]] = {
    S.NEW: {S.IN_SUPPORT, S.CLOSED},
    S.IN_SUPPORT: {S.CLOSED},
    S.CLOSED: {S.IN_SUPPORT},  # a return within the open door
}

H = Handover.State
HANDOVER_TRANSITIONS: dict[str, set[str]] = {
    H.OFFERED: {H.ACCEPTED, H.DECLINED, H.WITHDRAWN},
    H.ACCEPTED: {H.STARTED, H.WITHDRAWN},
    H.STARTED: {H.COMPLETED},
    H.DECLINED: set(),
    H.COMPLETED: set(),
    H.WITHDRAWN: set(),
}

# Closing without any support is fine for these reasons; "supported" needs support to have begun.
CLOSE_FROM_NEW = {
    ClosedReason.PERSON_DECLINED,
    ClosedReason.NOT_REACHED,
    ClosedReason.MOVED_AWAY,
    ClosedReason.HANDED_OVER,
}
MIN_ATTEMPTS_BEFORE_NOT_REACHED = 2


class HubError(Refused):
    """A request the Hub cannot carry out, with a message for the worker."""


def _now(at):
    return at or timezone.now()


def _dated(intro: Introduction, value, at, *, planned: bool = False) -> None:
    """The one rule for a date in the record (core.record_dates): not before the introduction's
    day; a date something happened not after the time of recording, a date something is planned
    for not more than a year ahead."""
    try:
        if planned:
            record_dates.check_planned_date(value, received_at=intro.received_at)
        else:
            record_dates.check_record_date(value, received_at=intro.received_at, now=at)
    except record_dates.RecordDateError as exc:
        raise HubError(str(exc)) from None


def _lock(intro: Introduction) -> Introduction:
    return Introduction.objects.select_for_update().get(pk=intro.pk)


def _log(by, action, intro, obj=None, category="record", detail=None, rel=None):
    audit.record(
        by=by,
        action=action,
        person_id=intro.person_id,
        category=category,
        obj=obj or intro,
        detail=detail,
        rel=rel,
    )


def _acting_membership(user, intro: Introduction, rel=None):
    """The membership `user` records this person's work under (access.memberships); `rel`: their
    relationship with the person when the caller has it already."""
    membership = acting_membership(user, rel or relationship(user, intro.person))
    if membership is None:
        raise HubError("You need a current role in a team to record this.")
    return membership


@transaction.atomic
def take_ownership(*, by, introduction: Introduction, at=None) -> Introduction:
    """The Hub worker holds the introduction (the Hub's only: PERMISSION_BASES)."""
    intro = _lock(introduction)
    require(by, Permission.TAKE_OWNERSHIP, intro.person)
    if intro.state == S.CLOSED:
        raise HubError("This introduction is closed.")
    intro.owner = by
    intro.save(update_fields=["owner"])
    _log(by, "introduction.own", intro)
    return intro


@transaction.atomic
def record_first_conversation(
    *, by, introduction: Introduction, tier: Tier, fields: dict, at=None
) -> Conversation:
    """The person's story, told once; support begins in the chosen tier."""
    at = _now(at)
    intro = _lock(introduction)
    check_transition(INTRODUCTION_TRANSITIONS, intro.state, S.IN_SUPPORT, what="introduction")
    if intro.state == S.CLOSED:
        raise TransitionError("Use 'return within the open door' for a closed introduction.")
    rel = relationship(by, intro.person)
    membership = _acting_membership(by, intro, rel)
    held_at = fields.pop("held_at", None) or at
    _dated(intro, held_at, at)
    conversation = Conversation(
        introduction=intro,
        held_by=by,
        organisation_id=membership.organisation_id,
        team_id=membership.team_id,
        held_at=held_at,
        recorded_at=at,
        **fields,
    )
    conversation.full_clean(exclude=["introduction", "held_by", "organisation", "team"])
    conversation.save(force_insert=True)
    IntroductionTally.moved(away=intro.state, to=S.IN_SUPPORT)
    intro.state = S.IN_SUPPORT
    intro.first_conversation_at = held_at
    if intro.owner_id is None:
        intro.owner = by
    intro.current_tier = tier
    intro.save(update_fields=["state", "first_conversation_at", "owner", "current_tier"])
    Episode.objects.create(introduction=intro, tier=tier, started_at=held_at, started_by=by)
    due.refresh(intro)  # baseline measures are due from the first conversation
    _log(
        by,
        "conversation.record",
        intro,
        conversation,
        category="conversation",
        detail={"tier": tier.slug},
        rel=rel,
    )
    return conversation


@transaction.atomic
def allocate_key_worker(
    *, by, introduction: Introduction, key_worker, team, reason: str = "", at=None
):
    """Allocate (or transfer to) a key worker from any partner organisation."""
    at = _now(at)
    intro = _lock(introduction)
    require(by, Permission.ALLOCATE, intro.person)  # a key worker has lasting access
    if intro.state == S.CLOSED:
        raise HubError("This introduction is closed; reopen it before allocating.")
    _dated(intro, at, at)
    if not key_worker.memberships.current().filter(team=team).exists():
        raise HubError(f"{key_worker} is not a current member of {team}.")
    current = intro.allocations.filter(ended_at__isnull=True).first()
    if current:
        if current.key_worker_id == key_worker.pk and current.team_id == team.pk:
            raise HubError(f"{key_worker} is already the key worker.")
        if not reason.strip():
            raise HubError("Give a reason for the transfer.")
        current.ended_at = at
        current.save(update_fields=["ended_at"])
    allocation = Allocation.objects.create(
        introduction=intro,
        key_worker=key_worker,
        team=team,
        organisation_id=team.organisation_id,
        started_at=at,
        reason=reason,
        allocated_by=by,
    )
    intro.current_key_worker = key_worker
    intro.current_team = team
    intro.save(update_fields=["current_key_worker", "current_team"])
    _log(by, "allocation.transfer" if current else "allocation.create", intro, allocation)
    return allocation


@transaction.atomic
def change_tier(
    *, by, introduction: Introduction, tier: Tier, reason: str = "", at=None
) -> Episode:
    """Step up or down: one continuous history, no new introduction."""
    at = _now(at)
    intro = _lock(introduction)
    if intro.state != S.IN_SUPPORT:
        raise HubError("Only someone in support can move between tiers.")
    _dated(intro, at, at)
    current = intro.episodes.select_related("tier").filter(ended_at__isnull=True).first()
    if current is None:
        raise HubError("There is no current tier to move from.")
    if current.tier_id == tier.pk:
        raise HubError(f"Already in {tier}.")
    if tier.order > current.tier.order:
        end_reason = Episode.EndReason.STEPPED_UP
    elif tier.order < current.tier.order:
        end_reason = Episode.EndReason.STEPPED_DOWN
    else:
        end_reason = Episode.EndReason.MOVED
    current.ended_at = at
    current.end_reason = end_reason
    current.reason_note = reason[:300]
    current.save(update_fields=["ended_at", "end_reason", "reason_note"])
    episode = Episode.objects.create(introduction=intro, tier=tier, started_at=at, started_by=by)
    intro.current_tier = tier
    intro.save(update_fields=["current_tier"])
    _log(
        by, f"tier.{end_reason}", intro, episode, detail={"from": current.tier_id, "to": tier.slug}
    )
    return episode


@transaction.atomic
def save_plan(
    *,
    by,
    introduction: Introduction,
    goals: list[str | dict],
    actions: list[dict],
    review_date,
    agreed_with_person: bool = True,
    at=None,
) -> PlanVersion:
    """Add a new version of the co-produced plan; earlier versions are kept unchanged."""
    at = _now(at)
    intro = _lock(introduction)
    if intro.state != S.IN_SUPPORT:
        raise HubError("A plan is made while someone is in support.")
    _dated(intro, at, at)
    _dated(intro, review_date, at, planned=True)
    previous = intro.plan_versions.order_by("-version").first()
    known = {g["text"]: g["key"] for g in (previous.goals if previous else [])}
    cleaned_goals = []
    for goal in goals:
        text = (goal["text"] if isinstance(goal, dict) else goal).strip()
        if text:
            key = (
                (goal.get("key") if isinstance(goal, dict) else None)
                or known.get(text)
                or str(uuid.uuid4())
            )
            cleaned_goals.append({"key": key, "text": text})
    if not cleaned_goals:
        raise HubError("A plan needs at least one goal, in the person's own words.")
    try:
        cleaned_actions = [
            {
                "what": a["what"].strip(),
                "who": clean_name(a.get("who")),
                "by": str(a.get("by") or ""),
            }
            for a in actions
            if a.get("what", "").strip()
        ]
    except ValidationError as exc:
        raise HubError(" ".join(exc.messages)) from None
    for action in cleaned_actions:
        if action["by"]:
            try:
                by_when = date.fromisoformat(action["by"])
            except ValueError:
                raise HubError("Give each action's date as a real date.") from None
            _dated(intro, by_when, at, planned=True)
    plan = PlanVersion.objects.create(
        introduction=intro,
        version=(previous.version + 1) if previous else 1,
        goals=cleaned_goals,
        actions=cleaned_actions,
        review_date=review_date,
        agreed_with_person=agreed_with_person,
        created_by=by,
        created_at=at,
    )
    _log(by, "plan.version", intro, plan, category="plan", detail={"version": plan.version})
    return plan


@transaction.atomic
def record_contact(
    *,
    by,
    introduction: Introduction,
    outcome: str,
    mode: str,
    contact_at=None,
    duration_minutes: int = 0,
    note: str = "",
    restricted: bool = False,
    at=None,
) -> Contact:
    at = _now(at)
    intro = _lock(introduction)
    if intro.state == S.CLOSED:
        raise HubError("This introduction is closed; reopen it to record contacts.")
    contact_at = contact_at or at
    _dated(intro, contact_at, at)
    rel = relationship(by, intro.person)
    membership = _acting_membership(by, intro, rel)
    contact = Contact(
        introduction=intro,
        at=contact_at,
        by=by,
        organisation_id=membership.organisation_id,
        team_id=membership.team_id,
        outcome=outcome,
        mode=mode,
        duration_minutes=duration_minutes,
        note=note,
        restricted=restricted,
        recorded_at=at,
    )
    contact.full_clean(exclude=["introduction", "by", "organisation", "team"])
    contact.save(force_insert=True)
    if outcome == Contact.Outcome.ATTENDED and (
        intro.last_attended_contact_at is None or contact_at > intro.last_attended_contact_at
    ):
        # Kept on the introduction for the board's "no contact" section (a contact may be
        # recorded after a later one, so only ever moved forward).
        intro.last_attended_contact_at = contact_at
        intro.save(update_fields=["last_attended_contact_at"])
    _log(
        by,
        "contact.record",
        intro,
        contact,
        category="contact",
        detail={"outcome": outcome},
        rel=rel,
    )
    return contact


@transaction.atomic
def offer_handover(
    *,
    by,
    introduction: Introduction,
    to_organisation,
    what_is_asked: str,
    service_id=None,
    service_name: str = "",
    previous: Handover | None = None,
    at=None,
) -> Handover:
    at = _now(at)
    intro = _lock(introduction)
    rel = require(by, Permission.OFFER_HANDOVER, intro.person)  # the offering side
    if intro.state == S.CLOSED:
        raise HubError("This introduction is closed.")
    if not what_is_asked.strip():
        raise HubError("Say what you are asking the service to do.")
    if intro.handovers.filter(
        to_organisation=to_organisation, state__in=[H.OFFERED, H.ACCEPTED, H.STARTED]
    ).exists():
        raise HubError(f"{to_organisation} already has a live handover for this person.")
    membership = _acting_membership(by, intro, rel)
    days = SiteConfig.current().handover_reply_days
    handover = Handover.objects.create(
        introduction=intro,
        owner=intro.owner or by,
        from_team_id=membership.team_id,
        to_organisation=to_organisation,
        service_id=service_id,
        service_name=service_name,
        what_is_asked=what_is_asked.strip(),
        offered_at=at,
        reply_due_at=at + timedelta(days=days),
        previous=previous,
    )
    if previous is not None:
        _mark_returned_handled(previous, at)
    _log(
        by,
        "handover.offer",
        intro,
        handover,
        category="handover",
        detail={"to": str(to_organisation.pk)},
        rel=rel,
    )
    return handover


def _mark_returned_handled(handover: Handover, at) -> None:
    if handover.state == H.DECLINED and handover.returned_handled_at is None:
        handover.returned_handled_at = at
        handover.save(update_fields=["returned_handled_at"])


def _lock_handover(handover: Handover) -> Handover:
    return Handover.objects.select_for_update().select_related("introduction").get(pk=handover.pk)


@transaction.atomic
def respond_to_handover(
    *, by, handover: Handover, accept: bool, reason: str = "", at=None
) -> Handover:
    """The receiving organisation accepts, or declines with a reason (returning it to its owner)."""
    at = _now(at)
    handover = _lock_handover(handover)
    target = H.ACCEPTED if accept else H.DECLINED
    check_transition(HANDOVER_TRANSITIONS, handover.state, target, what="handover")
    require_handover_step(by, handover, target)
    if not accept and not reason.strip():
        raise HubError("Give a reason for declining, so the Hub can find a better fit.")
    handover.state = target
    handover.responded_at = at
    handover.responded_by = by
    handover.decline_reason = reason.strip() if not accept else ""
    handover.save(update_fields=["state", "responded_at", "responded_by", "decline_reason"])
    _log(by, f"handover.{target}", handover.introduction, handover, category="handover")
    return handover


@transaction.atomic
def advance_handover(*, by, handover: Handover, to_state: str, at=None) -> Handover:
    """Started, completed or withdrawn."""
    at = _now(at)
    handover = _lock_handover(handover)
    check_transition(HANDOVER_TRANSITIONS, handover.state, to_state, what="handover")
    require_handover_step(by, handover, to_state)
    handover.state = to_state
    fields = ["state"]
    if to_state == H.STARTED:
        handover.started_at = at
        fields.append("started_at")
    elif to_state == H.COMPLETED:
        handover.completed_at = at
        fields.append("completed_at")
    handover.save(update_fields=fields)
    _log(by, f"handover.{to_state}", handover.introduction, handover, category="handover")
    return handover


@transaction.atomic
def acknowledge_declined_handover(*, by, handover: Handover, note: str, at=None) -> Handover:
    """The owner has seen the decline and will carry on another way (not re-offering)."""
    handover = _lock_handover(handover)
    if handover.state != H.DECLINED or handover.returned_handled_at:
        raise HubError("Only a declined handover waiting for its owner can be acknowledged.")
    require_handover_step(by, handover, "acknowledged")
    if not note.strip():
        raise HubError("Say what happens next for the person.")
    _mark_returned_handled(handover, _now(at))
    _log(by, "handover.returned_acknowledged", handover.introduction, handover, category="handover")
    return handover


@transaction.atomic
def close(*, by, introduction: Introduction, reason: str, note: str = "", at=None) -> Introduction:
    """Close with a reason; the door stays open for the site's open-door period."""
    at = _now(at)
    intro = _lock(introduction)
    check_transition(INTRODUCTION_TRANSITIONS, intro.state, S.CLOSED, what="introduction")
    if reason not in ClosedReason.values:
        raise HubError("Choose a reason for closing.")
    _dated(intro, at, at)
    if intro.state == S.NEW and reason not in CLOSE_FROM_NEW:
        raise HubError("'Supported' needs a first conversation and support first.")
    if reason == ClosedReason.NOT_REACHED:
        attempts = intro.contacts.filter(
            outcome__in=[Contact.Outcome.NOT_REACHED, Contact.Outcome.NOT_ATTENDED]
        ).count()
        if attempts < MIN_ATTEMPTS_BEFORE_NOT_REACHED:
            raise HubError(
                f"Record at least {MIN_ATTEMPTS_BEFORE_NOT_REACHED} attempts to reach the person "
                "first."
            )
    if (
        reason == ClosedReason.HANDED_OVER
        and not intro.handovers.filter(state__in=[H.ACCEPTED, H.STARTED, H.COMPLETED]).exists()
    ):
        raise HubError("'Handed over' needs a handover that was accepted.")
    live = intro.handovers.filter(state=H.OFFERED)
    if live.exists():
        raise HubError(
            "A handover offer is still waiting for a reply: withdraw it or wait for the answer."
        )
    months = SiteConfig.current().open_door_months
    IntroductionTally.moved(away=intro.state, to=S.CLOSED)
    intro.state = S.CLOSED
    intro.closed_at = at
    intro.closed_reason = reason
    intro.closed_note = note
    intro.open_door_until = at + timedelta(days=round(months * 30.44))
    # The allocation and the episode end below.
    intro.current_key_worker = intro.current_team = intro.current_tier = None
    intro.save(
        update_fields=[
            "state",
            "closed_at",
            "closed_reason",
            "closed_note",
            "open_door_until",
            "current_key_worker",
            "current_team",
            "current_tier",
        ]
    )
    intro.episodes.filter(ended_at__isnull=True).update(
        ended_at=at, end_reason=Episode.EndReason.CLOSED
    )
    intro.allocations.filter(ended_at__isnull=True).update(ended_at=at)
    Closure.objects.create(
        introduction=intro,
        closed_at=at,
        reason=reason,
        note=note,
        closed_by=by,
        open_door_until=intro.open_door_until,
    )
    due.refresh(intro)  # closure measures, in place of baseline and review
    _log(by, "introduction.close", intro, detail={"reason": reason})
    return intro


@transaction.atomic
def return_within_open_door(
    *, by, introduction: Introduction, tier: Tier, note: str = "", at=None
) -> Introduction:
    """Come back into the existing record, without a new introduction."""
    at = _now(at)
    intro = _lock(introduction)
    check_transition(INTRODUCTION_TRANSITIONS, intro.state, S.IN_SUPPORT, what="introduction")
    if intro.open_door_until is None or intro.open_door_until <= at:
        raise HubError("The open-door period has ended: make a new introduction instead.")
    _dated(intro, at, at)
    if intro.first_conversation_at is None:
        intro.first_conversation_at = at
    IntroductionTally.moved(away=intro.state, to=S.IN_SUPPORT)
    intro.state = S.IN_SUPPORT
    intro.closed_at = None
    intro.closed_reason = ""
    intro.closed_note = ""
    intro.open_door_until = None
    intro.owner = intro.owner or by
    intro.current_tier = tier
    intro.save(
        update_fields=[
            "state",
            "closed_at",
            "closed_reason",
            "closed_note",
            "open_door_until",
            "owner",
            "first_conversation_at",
            "current_tier",
        ]
    )
    intro.closures.filter(returned_at__isnull=True).update(returned_at=at, returned_by=by)
    Episode.objects.create(
        introduction=intro, tier=tier, started_at=at, started_by=by, reason_note=note[:300]
    )
    due.refresh(intro)  # back in support: baseline or review again
    _log(by, "introduction.return", intro, detail={"tier": tier.slug})
    return intro
