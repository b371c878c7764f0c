"""State changes in information governance: sharing choices, overrides, break-glass, reviews.

Each function takes the acting user (`by=`), runs in one transaction, checks what it may do, and
writes its audit event in the same transaction. Typed reasons and notes are kept on the model
rows (which only the right people see), never in the audit trail's detail.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from livingwell.access import audit
from livingwell.access.models import (
    AuditEvent,
    BreakGlass,
    ProxyGrant,
    ReviewFields,
    SafeguardingOverride,
    SharingPreference,
    Withholding,
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
    if expressed == SharingPreference.Expressed.PORTAL:
        raise AccessError(_("Say how the person told you: choose one of the ways listed."))
    return _record_choice(
        actor=by,
        set_by=by,
        person=person,
        organisation=organisation,
        choice=(share_out, share_in, open_record),
        expressed=expressed,
        note=note,
        at=at,
    )


@transaction.atomic
def set_sharing_by_person(
    *, by, person, organisation, share_out: bool, share_in: bool, open_record: bool = False, at=None
) -> SharingPreference:
    """The person changes their own sharing choice in the portal (`by` is their PortalViewer).

    Only the person themselves: never a proxy (person.PROXY_PARTS leaves sharing out), so the
    relationship must be the person's own and allow the sharing part. It takes effect at the
    next request anyone makes (choices are read afresh: sharing.current_preferences)."""
    from livingwell.access.person import Part
    from livingwell.access.relationships import person_relationship

    rel = person_relationship(by, person)
    if rel is None or rel.basis != "self" or not rel.allows(Part.SHARING):
        raise AccessError(_("Only the person can change their sharing choices."))
    return _record_choice(
        actor=by,
        set_by=None,
        person=person,
        organisation=organisation,
        choice=(share_out, share_in, open_record),
        expressed=SharingPreference.Expressed.PORTAL,
        note="",
        at=at,
    )


def _record_choice(
    *, actor, set_by, person, organisation, choice, expressed, note, at
) -> SharingPreference:
    share_out, share_in, open_record = choice
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
        set_by=set_by,
        set_at=at or timezone.now(),
        note=note,
    )
    audit.record(
        by=actor,
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


# --- the person's portal: proxies, and entries not for the person's view ----------------------

MAX_PROXY_DAYS = 366  # a grant is renewed on purpose, at least once a year


def _own_relationship(by, person):
    """The portal viewer's relationship, when it is the person's own: only the person names or
    revokes a proxy (a proxy never holds person.Part.PROXIES)."""
    from livingwell.access.person import Part
    from livingwell.access.relationships import person_relationship

    rel = person_relationship(by, person)
    if rel is None or rel.basis != "self" or not rel.allows(Part.PROXIES):
        raise AccessError(_("Only the person can choose who they trust with their record."))
    return rel


@transaction.atomic
def grant_proxy(
    *,
    by,
    person,
    name: str,
    date_of_birth,
    parts: list[str],
    ends_on,
    phone: str = "",
    email: str = "",
    at=None,
) -> ProxyGrant:
    """The person names someone they trust to see chosen parts of their portal until `ends_on`."""
    from livingwell.access.person import PROXY_PARTS

    _own_relationship(by, person)
    at = at or timezone.now()
    name, phone, email = (name or "").strip(), (phone or "").strip(), (email or "").strip()
    if not name:
        raise AccessError(_("Give the name of the person you trust."))
    if not phone and not email:
        raise AccessError(_("Give their mobile phone or email, so that they can sign in."))
    chosen = [p for p in PROXY_PARTS if p in set(parts or [])]
    if not chosen or len(chosen) != len(set(parts)):
        raise AccessError(_("Choose at least one part of your record they may see."))
    if date_of_birth is None or date_of_birth >= at.date():
        raise AccessError(_("Give their date of birth, in the past."))
    # Access lasts to the end of the chosen day, in the site's time zone.
    ends_at = timezone.make_aware(datetime.combine(ends_on, time.min)) + timedelta(days=1)
    if ends_at <= at or ends_at > at + timedelta(days=MAX_PROXY_DAYS):
        raise AccessError(_("Choose an end date after today and within a year."))
    grant = ProxyGrant.objects.create(
        person=person,
        name=name,
        phone=phone,
        email=email,
        date_of_birth=date_of_birth,
        parts=[str(p) for p in chosen],
        started_at=at,
        ends_at=ends_at,
    )
    audit.record(
        by=by,
        action="proxy.grant",
        person=person,
        category="proxies",
        obj=grant,
        detail={"parts": grant.parts, "ends_at": ends_at.isoformat()},
    )
    return grant


@transaction.atomic
def revoke_proxy(*, by, grant: ProxyGrant, at=None) -> ProxyGrant:
    """The person ends a proxy's access now (the proxy's next request is refused)."""
    _own_relationship(by, grant.person)
    grant = ProxyGrant.objects.select_for_update().get(pk=grant.pk)
    at = at or timezone.now()
    if grant.revoked_at is not None or grant.ends_at <= at:
        raise AccessError(_("This person's access has already ended."))
    grant.revoked_at = at
    grant.save(update_fields=["revoked_at"])
    audit.record(by=by, action="proxy.revoke", person=grant.person, category="proxies", obj=grant)
    return grant


@transaction.atomic
def withhold_from_person(*, by, contact, reason: str, at=None) -> Withholding:
    """A worker marks a contact "not for the person's view", with a reason from the fixed list;
    the privacy officer reviews it. The worker needs a relationship that may record contacts."""
    person = contact.introduction.person
    _relationship_allowing(by, person, Permission.RECORD_CONTACT)
    if reason not in Withholding.Reason.values:
        raise AccessError(_("Choose the reason from the list."))
    if Withholding.objects.filter(entry=Withholding.Entry.CONTACT, entry_id=contact.pk).exists():
        raise AccessError(_("This entry is already not for the person's view."))
    item = Withholding.objects.create(
        user=by,
        person=person,
        entry=Withholding.Entry.CONTACT,
        entry_id=contact.pk,
        reason=reason,
        at=at or timezone.now(),
    )
    audit.record(
        by=by,
        action="withholding.mark",
        person=person,
        category="withholding",
        obj=item,
        detail={"reason": reason, "entry": item.entry},
    )
    return item


@transaction.atomic
def review_withholding(*, by, item: Withholding, appropriate: bool, note: str = "", at=None):
    return _review(
        by=by, item=item, appropriate=appropriate, note=note, action="withholding.review", at=at
    )
