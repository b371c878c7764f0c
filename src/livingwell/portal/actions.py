"""State changes in the person's portal. Each takes the acting portal viewer (`by=`, an
access.person.PortalViewer) or, for the worker's side, the acting User; runs in one transaction;
and writes its audit event in it. What the viewer may do is asked of access/ (the person's own
relationship, or a proxy's grant): the rule is not restated here."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from livingwell.access import audit
from livingwell.access.models import AuditEvent, ProxyGrant
from livingwell.access.person import Kind, Part, PortalViewer
from livingwell.access.relationships import current_proxy_grant_q, person_relationship
from livingwell.core import messaging
from livingwell.core.refusals import Refused
from livingwell.portal.models import (
    AboutMe,
    Feedback,
    PlanContribution,
    PortalRequest,
    SignInCode,
    Writer,
)

CODE_MINUTES = 10
CODES_PER_HOUR = 5  # codes sent for one person (or proxy) in an hour
TEXT_LIMIT = 2000


class PortalError(Refused):
    """Something the portal cannot do, with a message for the person."""


def normalise_contact(value: str) -> str:
    """An email in lower case, or a phone number's digits (a leading +44 read as 0)."""
    value = (value or "").strip()
    if "@" in value:
        return value.lower()
    digits = re.sub(r"\D", "", value)
    if digits.startswith("44") and len(digits) == 12:
        digits = "0" + digits[2:]
    return digits


def _matches(contact: str, *, phone: str, email: str) -> bool:
    return bool(contact) and contact in {normalise_contact(phone), normalise_contact(email)} - {""}


def _writer(by: PortalViewer) -> str:
    return Writer.PERSON if by.kind == Kind.SELF else Writer.PROXY


def _allowed(by, person, part: Part):
    rel = person_relationship(by, person)
    if rel is None or not rel.allows(part):
        raise PortalError(_("You cannot do this."))
    return rel


# --- signing in -------------------------------------------------------------------------------


def _find_signer(contact: str, date_of_birth):
    """The one person (or current proxy) whose record holds this phone or email and date of
    birth, as (person, grant or None); None when there is no such record or more than one."""
    from livingwell.people.models import Person

    found = [
        (p, None)
        for p in Person.objects.filter(date_of_birth=date_of_birth, merged_into__isnull=True)
        if _matches(contact, phone=p.phone, email=p.email)
    ]
    found += [
        (g.person, g)
        for g in ProxyGrant.objects.select_related("person")
        .filter(date_of_birth=date_of_birth)
        .filter(current_proxy_grant_q(timezone.now()))
        if _matches(contact, phone=g.phone, email=g.email)
    ]
    return found[0] if len(found) == 1 else None


@transaction.atomic
def send_sign_in_code(*, contact: str, date_of_birth, at=None) -> SignInCode | None:
    """Send a one-time code to `contact` when it and the date of birth match one record (the
    person's, or a proxy's grant); None otherwise. The caller says the same either way, so the
    page never tells whether a record exists."""
    at = at or timezone.now()
    contact = normalise_contact(contact)
    signer = _find_signer(contact, date_of_birth) if contact and date_of_birth else None
    if signer is None:
        return None
    person, grant = signer
    recent = SignInCode.objects.filter(
        person=person, proxy_grant=grant, created_at__gt=at - timedelta(hours=1)
    ).count()
    if recent >= CODES_PER_HOUR:
        return None
    code = f"{secrets.randbelow(10**6):06d}"
    row = SignInCode.objects.create(
        person=person,
        proxy_grant=grant,
        code_hash=make_password(code),
        created_at=at,
        expires_at=at + timedelta(minutes=CODE_MINUTES),
    )
    # No name and no clinical content: a phone screen or a shared inbox is not private.
    messaging.send(
        contact,
        _("Your Living Well sign-in code"),
        _(
            "Your code to sign in to Living Well is %(code)s. "
            "It works once, for %(n)d minutes: %(url)s"
        )
        % {"code": code, "n": CODE_MINUTES, "url": messaging.public_url(reverse("portal:code"))},
    )
    audit.record(
        by=None,
        action="portal.code_sent",
        person=person,
        category="portal",
        purpose="sign_in",
        detail={"proxy": grant is not None},
    )
    return row


@transaction.atomic
def sign_in_with_code(*, code_id, code: str, at=None) -> PortalViewer | None:
    """The viewer the code signs in, or None (wrong, used or expired: audited as refused)."""
    at = at or timezone.now()
    # Only the code's own row is locked (PostgreSQL cannot lock the empty side of the outer join
    # to a proxy grant).
    row = (
        SignInCode.objects.select_for_update(of=("self",))
        .select_related("person", "proxy_grant")
        .filter(pk=code_id)
        .first()
    )
    if row is None:
        return None
    ok = (
        row.used_at is None
        and row.expires_at > at
        and check_password((code or "").strip(), row.code_hash)
    )
    if row.proxy_grant is not None:
        grant_in_force = ProxyGrant.objects.filter(pk=row.proxy_grant_id).filter(
            current_proxy_grant_q(at)
        )
        ok = ok and grant_in_force.exists()
    if not ok:
        audit.record(
            by=None,
            action="portal.sign_in",
            person=row.person,
            category="portal",
            purpose="sign_in",
            outcome=AuditEvent.Outcome.REFUSED,
        )
        return None
    row.used_at = at
    row.save(update_fields=["used_at"])
    if row.proxy_grant is None:
        viewer = PortalViewer(person_id=str(row.person_id), kind=Kind.SELF)
    else:
        viewer = PortalViewer(
            person_id=str(row.person_id),
            kind=Kind.PROXY,
            grant_id=str(row.proxy_grant_id),
            name=row.proxy_grant.name,
        )
    audit.record(by=viewer, action="portal.sign_in", person=row.person, category="portal")
    return viewer


# --- the plan ---------------------------------------------------------------------------------


@transaction.atomic
def add_to_plan(
    *, by: PortalViewer, introduction, kind: str, text: str, by_when=None, at=None
) -> PlanContribution:
    """The person (or a proxy with the plan) adds a step, a comment or a proposed change to the
    current plan. A proposal shows on the key worker's board until they mark it seen."""
    _allowed(by, introduction.person, Part.PLAN)
    if kind not in PlanContribution.Kind.values:
        raise PortalError(_("Choose what you are adding."))
    text = (text or "").strip()
    if not text:
        raise PortalError(_("Write what you want to add."))
    if len(text) > TEXT_LIMIT:
        raise PortalError(_("Keep it to %(n)d characters.") % {"n": TEXT_LIMIT})
    at = at or timezone.now()
    if by_when is not None and by_when < timezone.localdate(at):
        raise PortalError(_("Give a date from today on."))
    item = PlanContribution.objects.create(
        introduction=introduction,
        plan_version=introduction.plan_versions.order_by("-version").first(),
        kind=kind,
        text=text,
        by_when=by_when if kind == PlanContribution.Kind.STEP else None,
        written_by=_writer(by),
        writer_name=by.name,
        written_at=at,
    )
    audit.record(
        by=by,
        action=f"plan.{kind}",
        person=introduction.person,
        category="plan",
        obj=item,
        detail={"kind": kind},
    )
    return item


@transaction.atomic
def mark_proposal_seen(*, by, contribution: PlanContribution, at=None) -> PlanContribution:
    """The key worker (or anyone who may edit the plan) has read the person's proposal."""
    from livingwell.access.permissions import NotPermitted, Permission, require

    try:
        require(by, Permission.EDIT_PLAN, contribution.introduction.person)
    except NotPermitted as error:
        raise PortalError(str(error)) from None
    item = PlanContribution.objects.select_for_update().get(pk=contribution.pk)
    if item.seen_at is not None:
        raise PortalError(_("This has already been marked as seen."))
    item.seen_by, item.seen_at = by, at or timezone.now()
    item.save(update_fields=["seen_by", "seen_at"])
    audit.record(
        by=by,
        action="plan.proposal_seen",
        person=contribution.introduction.person,
        category="plan",
        obj=item,
    )
    return item


def open_proposals_q(user) -> Q:
    """Proposals not yet seen, for the introductions a worker works with (their board)."""
    from livingwell.access.relationships import open_introductions_for

    # Each proposal asks the rule of its own introduction (as the board's rows do).
    return Q(kind=PlanContribution.Kind.PROPOSAL, seen_at__isnull=True) & Q(
        Exists(open_introductions_for(user).filter(pk=OuterRef("introduction")))
    )


# --- requests to the Hub and the privacy officer ----------------------------------------------


@transaction.atomic
def ask_to_come_back(*, by: PortalViewer, introduction, message: str = "", at=None):
    """ "I want to come back", inside the open door: a request on the Hub's board. The Hub then
    uses its return action (hub.actions.return_within_open_door)."""
    _allowed(by, introduction.person, Part.SUPPORT)
    at = at or timezone.now()
    if introduction.open_door_until is None or introduction.open_door_until <= at:
        raise PortalError(_("The open door has closed: you can make a new introduction."))
    if PortalRequest.objects.filter(
        introduction=introduction,
        kind=PortalRequest.Kind.COME_BACK,
        handled_at__isnull=True,
        at__gte=introduction.closed_at,
    ).exists():
        raise PortalError(_("You have already asked to come back: the Hub will contact you."))
    return _request(
        by=by,
        person=introduction.person,
        introduction=introduction,
        kind=PortalRequest.Kind.COME_BACK,
        message=message,
        at=at,
        part=Part.SUPPORT,
    )


@transaction.atomic
def question_access(*, by: PortalViewer, person, audit_event_id=None, message: str, at=None):
    """The person questions an access to their record, or asks about something withheld: it goes
    to the privacy officer's workspace."""
    _allowed(by, person, Part.ACCESS_LOG)
    kind = PortalRequest.Kind.QUESTION_ACCESS
    if audit_event_id is None:
        kind = PortalRequest.Kind.ASK_WITHHELD
    elif not AuditEvent.objects.filter(pk=audit_event_id, person_id=person.pk).exists():
        raise PortalError(_("Choose an access from your list."))
    if not (message or "").strip():
        raise PortalError(_("Say what you would like to know."))
    return _request(
        by=by,
        person=person,
        introduction=None,
        kind=kind,
        message=message,
        at=at,
        part=Part.ACCESS_LOG,
        audit_event_id=audit_event_id,
    )


def _request(*, by, person, introduction, kind, message, at, part, audit_event_id=None):
    message = (message or "").strip()
    if len(message) > TEXT_LIMIT:
        raise PortalError(_("Keep it to %(n)d characters.") % {"n": TEXT_LIMIT})
    item = PortalRequest.objects.create(
        person=person,
        introduction=introduction,
        kind=kind,
        audit_event_id=audit_event_id,
        message=message,
        written_by=_writer(by),
        at=at or timezone.now(),
    )
    audit.record(by=by, action=f"portal.{kind}", person=person, category=str(part), obj=item)
    return item


# --- about me, feedback -----------------------------------------------------------------------

ABOUT_ME_FIELDS = ("what_helps", "what_to_avoid", "who_to_contact", "crisis_preferences")


@transaction.atomic
def save_about_me(*, by: PortalViewer, person, at=None, **fields) -> AboutMe:
    """A new version of About me and my crisis plan (earlier ones kept). The person only: a
    proxy may read it when chosen, not rewrite the person's words."""
    rel = _allowed(by, person, Part.ABOUT_ME)
    if rel.basis != "self":
        raise PortalError(_("Only the person can change what they say about themselves."))
    values = {f: (fields.get(f) or "").strip() for f in ABOUT_ME_FIELDS}
    if not any(values.values()):
        raise PortalError(_("Write something in at least one of the boxes."))
    if any(len(v) > TEXT_LIMIT for v in values.values()):
        raise PortalError(_("Keep each box to %(n)d characters.") % {"n": TEXT_LIMIT})
    item = AboutMe.objects.create(
        person=person, written_by=_writer(by), at=at or timezone.now(), **values
    )
    audit.record(by=by, action="about_me.save", person=person, category="about_me", obj=item)
    return item


@transaction.atomic
def give_feedback(*, by: PortalViewer, person, helpfulness: int, comment: str = "", at=None):
    _allowed(by, person, Part.FEEDBACK)
    if helpfulness not in Feedback.Helpfulness.values:
        raise PortalError(_("Choose how helpful your support has been."))
    comment = (comment or "").strip()
    if len(comment) > TEXT_LIMIT:
        raise PortalError(_("Keep it to %(n)d characters.") % {"n": TEXT_LIMIT})
    item = Feedback.objects.create(
        person=person,
        helpfulness=helpfulness,
        comment=comment,
        written_by=_writer(by),
        at=at or timezone.now(),
    )
    audit.record(by=by, action="feedback.give", person=person, category="feedback", obj=item)
    return item


@transaction.atomic
def mark_request_handled(*, by, item: PortalRequest, at=None) -> PortalRequest:
    """The privacy officer has answered a person's question (outside the platform, as the
    person asked to be contacted)."""
    from livingwell.access.permissions import Permission, has_permission

    if not has_permission(by, Permission.REVIEW_ACCESS):
        raise PortalError(_("Only a privacy officer can answer these questions."))
    item = PortalRequest.objects.select_for_update().get(pk=item.pk)
    if item.handled_at is not None:
        raise PortalError(_("This has already been answered."))
    item.handled_by, item.handled_at = by, at or timezone.now()
    item.save(update_fields=["handled_by", "handled_at"])
    audit.record(
        by=by,
        action="portal.question_answered",
        person_id=item.person_id,
        category="access_review",
        purpose="privacy_review",
        obj=item,
    )
    return item


# --- NHS login --------------------------------------------------------------------------------

P9 = "P9"


@transaction.atomic
def sign_in_with_nhs_login(*, claims: dict) -> tuple[PortalViewer | None, str]:
    """The viewer NHS login signs in, or None with the reason ("level": identity proven below
    P9, which sees nothing of a record; "no_record": no one person with that NHS number).
    `claims` are the checked ID token's (and userinfo's) claims."""
    from livingwell.people.models import Person

    level = str(claims.get("identity_proofing_level") or "")
    nhs_number = re.sub(r"\D", "", str(claims.get("nhs_number") or ""))
    if level != P9:
        audit.record(
            by=None,
            action="portal.nhs_login",
            category="portal",
            purpose="sign_in",
            outcome=AuditEvent.Outcome.REFUSED,
            detail={"reason": "level", "level": level[:10]},
        )
        return None, "level"
    people = list(
        Person.objects.filter(nhs_number=nhs_number, merged_into__isnull=True)[:2]
        if len(nhs_number) == 10
        else []
    )
    if len(people) != 1:
        audit.record(
            by=None,
            action="portal.nhs_login",
            category="portal",
            purpose="sign_in",
            outcome=AuditEvent.Outcome.REFUSED,
            detail={"reason": "no_record" if not people else "several_records"},
        )
        return None, "no_record"
    person = people[0]
    viewer = PortalViewer(person_id=str(person.pk), kind=Kind.SELF)
    audit.record(
        by=viewer,
        action="portal.sign_in",
        person=person,
        category="portal",
        detail={"method": "nhs_login"},
    )
    return viewer, ""
