"""State changes in information governance: sharing choices, overrides, break-glass, reviews.

Each function takes the acting user (`by=`), runs in one transaction, checks what it may do, and
writes its audit event in the same transaction. Typed reasons and notes are kept on the model
rows (which only the right people see), never in the audit trail's detail.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from livingwell.access import audit
from livingwell.access.models import (
    AuditEvent,
    BreakGlass,
    ReviewFields,
    SafeguardingOverride,
    SharingPreference,
)
from livingwell.access.permissions import Permission, has_permission
from livingwell.access.relationships import relationship
from livingwell.access.sharing import OVERRIDE_DURATION, current_preferences
from livingwell.core.models import SiteConfig

MIN_REASON = 10
HIGH = AuditEvent.Severity.HIGH


class AccessError(ValueError):
    """A governance request that cannot be carried out, with a message for the user."""


def _reason(text: str, what: str) -> str:
    text = (text or "").strip()
    if len(text) < MIN_REASON:
        raise AccessError(f"Give the reason for {what} in at least {MIN_REASON} characters.")
    return text


def _full_relationship(by, person, permission: Permission):
    rel = relationship(by, person)
    if rel is None or not rel.full or not has_permission(by, permission, person=person):
        raise AccessError("You cannot do this for this person.")
    return rel


@transaction.atomic
def set_sharing(
    *,
    by,
    person,
    organisation,
    share_out: bool,
    share_in: bool,
    open_record: bool = False,
    note: str = "",
    at=None,
) -> SharingPreference:
    """Record the person's sharing choice for one organisation (a new row; history is kept)."""
    _full_relationship(by, person, Permission.RECORD_SHARING)
    if open_record and not share_in:
        raise AccessError(
            "An organisation the person wants to open their record must also share in."
        )
    note = (note or "").strip()
    if len(note) > 300:
        raise AccessError("Keep the note to 300 characters.")
    current = current_preferences(person.pk, [organisation.pk]).get(organisation.pk)
    before = (
        (current.share_out, current.share_in, current.open_record)
        if current
        else (True, True, False)
    )
    if before == (share_out, share_in, open_record):
        raise AccessError(f"These are already the person's choices for {organisation}.")
    pref = SharingPreference.objects.create(
        person=person,
        organisation=organisation,
        share_out=share_out,
        share_in=share_in,
        open_record=open_record,
        set_by=by,
        set_at=at or timezone.now(),
        note=note,
    )
    audit.record(
        by=by,
        action="sharing.set",
        person=person,
        category="sharing",
        obj=pref,
        detail={
            "organisation": str(organisation.pk),
            "share_out": share_out,
            "share_in": share_in,
            "open_record": open_record,
        },
    )
    return pref


@transaction.atomic
def record_safeguarding_override(*, by, person, reason: str, at=None) -> SafeguardingOverride:
    """Set aside the person's sharing objection, for this worker, for a limited time."""
    _full_relationship(by, person, Permission.SAFEGUARDING_OVERRIDE)
    reason = _reason(reason, "the safeguarding override")
    at = at or timezone.now()
    override = SafeguardingOverride.objects.create(
        user=by, person=person, reason=reason, started_at=at, expires_at=at + OVERRIDE_DURATION
    )
    audit.record(
        by=by,
        action="sharing.override",
        person=person,
        category="sharing",
        purpose="safeguarding",
        severity=HIGH,
        obj=override,
        detail={"expires_at": override.expires_at.isoformat()},
    )
    return override


@transaction.atomic
def start_break_glass(*, by, person, reason: str, at=None) -> BreakGlass:
    """Emergency access to a record the worker has no relationship with."""
    if not has_permission(by, Permission.BREAK_GLASS):
        raise AccessError("Your role cannot use emergency access.")
    rel = relationship(by, person)
    if rel is not None and rel.full:
        raise AccessError("You can already open this record: there is no need to break glass.")
    reason = _reason(reason, "emergency access")
    at = at or timezone.now()
    minutes = SiteConfig.current().break_glass_minutes
    grant = BreakGlass.objects.create(
        user=by,
        person=person,
        reason=reason,
        started_at=at,
        expires_at=at + timedelta(minutes=minutes),
    )
    audit.record(
        by=by,
        action="break_glass.start",
        person=person,
        category="record",
        purpose="break_glass",
        severity=HIGH,
        obj=grant,
        detail={"minutes": minutes},
    )
    return grant


def _review(*, by, item, appropriate: bool, note: str, action: str, at=None):
    if not has_permission(by, Permission.REVIEW_ACCESS):
        raise AccessError("Only a privacy officer can review access.")
    if item.user_id == by.pk:
        raise AccessError("You cannot review your own access.")
    item = type(item).objects.select_for_update().get(pk=item.pk)
    if item.review != ReviewFields.Review.PENDING:
        raise AccessError("This has already been reviewed.")
    note = (note or "").strip()
    if not appropriate and not note:
        raise AccessError("Say what was wrong and what action is being taken.")
    item.review = (
        ReviewFields.Review.APPROPRIATE if appropriate else ReviewFields.Review.INAPPROPRIATE
    )
    item.reviewed_by = by
    item.reviewed_at = at or timezone.now()
    item.review_note = note
    item.save(update_fields=["review", "reviewed_by", "reviewed_at", "review_note"])
    audit.record(
        by=by,
        action=action,
        person_id=item.person_id,
        category="access_review",
        purpose="privacy_review",
        obj=item,
        detail={"outcome": item.review, "worker": str(item.user_id)},
    )
    return item


@transaction.atomic
def review_break_glass(*, by, grant: BreakGlass, appropriate: bool, note: str = "", at=None):
    return _review(
        by=by, item=grant, appropriate=appropriate, note=note, action="break_glass.review", at=at
    )


@transaction.atomic
def review_override(
    *, by, override: SafeguardingOverride, appropriate: bool, note: str = "", at=None
):
    return _review(
        by=by, item=override, appropriate=appropriate, note=note, action="sharing.review", at=at
    )
