"""State changes in information governance: sharing choices, overrides, break-glass, reviews.

Each function takes the acting user (`by=`), runs in one transaction, checks what it may do, and
writes its audit event in the same transaction. Typed reasons and notes are kept on the model
rows (which only the right people see), never in the audit trail's detail.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from livingwell.access import audit
from livingwell.access.models import (
    AuditEvent,
    BreakGlass,
    ReviewFields,
    SafeguardingOverride,
    SharingPreference,
)
from livingwell.access.permissions import NotPermitted, Permission, has_permission, require
from livingwell.access.relationships import relationship
from livingwell.access.sharing import OVERRIDE_DURATION, current_preferences, widens_access
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


def _relationship_allowing(by, person, permission: Permission):
    """The worker's relationship with the person, when it allows `permission` (the table in
    permissions.PERMISSION_BASES: a sharing choice needs a lasting relationship of one's own)."""
    try:
        return require(by, permission, person)
    except NotPermitted:
        raise AccessError(_("You cannot do this for this person.")) from None


@transaction.atomic
def set_sharing(
    *,
    by,
    person,
    organisation,
    share_out: bool,
    share_in: bool,
    open_record: bool = False,
    expressed: str = "",
    note: str = "",
    at=None,
) -> SharingPreference:
    """Record the person's sharing choice for one organisation (a new row; history is kept).

    The choice is the person's, told to `by` (who needs a lasting relationship with the person:
    see sharing.py). `expressed` is how the person told them (SharingPreference.Expressed); it
    is needed when the choice widens who may see the record, and kept with the choice.
    """
    _relationship_allowing(by, person, Permission.RECORD_SHARING)
    if open_record and not share_in:
        raise AccessError(
            _("An organisation the person wants to open their record must also share in.")
        )
    note = (note or "").strip()
    if len(note) > 300:
        raise AccessError(_("Keep the note to 300 characters."))
    if expressed and expressed not in SharingPreference.Expressed.values:
        raise AccessError(_("Say how the person told you: choose one of the ways listed."))
    current = current_preferences(person.pk, [organisation.pk]).get(organisation.pk)
    before = (
        (current.share_out, current.share_in, current.open_record)
        if current
        else (True, True, False)
    )
    after = (share_out, share_in, open_record)
    if before == after:
        raise AccessError(
            _("These are already the person's choices for %(org)s.") % {"org": organisation}
        )
    widens = widens_access(before, after)
    if widens and not expressed:
        raise AccessError(
            _(
                "This choice lets more people see the record: say how the person told you "
                "they want it."
            )
        )
    pref = SharingPreference.objects.create(
        person=person,
        organisation=organisation,
        share_out=share_out,
        share_in=share_in,
        open_record=open_record,
        widens_access=widens,
        expressed=expressed,
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
            "widens_access": widens,
            "expressed": expressed,
        },
    )
    return pref


@transaction.atomic
def record_safeguarding_override(*, by, person, reason: str, at=None) -> SafeguardingOverride:
    """Set aside the person's sharing objection, for this worker, for a limited time."""
    _relationship_allowing(by, person, Permission.SAFEGUARDING_OVERRIDE)
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
