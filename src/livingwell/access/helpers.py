"""The one way views load a person's data: check the relationship, record the read.

No relationship looks exactly like no such record: a 404, on every path.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone

from livingwell.access import audit
from livingwell.access.models import AuditEvent
from livingwell.access.permissions import Permission, allows, may_take_handover_step
from livingwell.access.relationships import (
    Relationship,
    held_open_q,
    relationship,
    user_hub_team_ids,
)
from livingwell.core.ids import as_uuid


def refuse(request, *, person_id=None, category: str, action: str = "read"):
    audit.record(
        by=request.user,
        action=action,
        person_id=person_id,
        category=category,
        outcome=AuditEvent.Outcome.REFUSED,
    )
    raise Http404


def check_person(
    request,
    person,
    *,
    permission: Permission,
    category: str,
    full: bool = True,
    held_open: bool | None = None,
):
    """Raise 404 (and audit the refusal) unless the user may act on this person.

    The relationship is worked out once and returned, so callers pass it along instead of asking
    again: `has_permission(user, p, person=...)` is `allows` on this same relationship (the role,
    and a basis that allows the permission: permissions.PERMISSION_BASES).
    `held_open`: see relationships.relationship().
    """
    rel = relationship(request.user, person, held_open=held_open)
    allowed = rel is not None and (rel.full or not full) and allows(request.user, permission, rel)
    if not allowed:
        refuse(request, person_id=person.pk, category=category)
    return rel


def check_either_person(request, people, *, permission: Permission, category: str):
    """Raise 404 (and audit the refusal, against the first) unless the user may act on one of
    `people` (two records that may be one person); the relationship that allows it."""
    for person in people:
        rel = relationship(request.user, person)
        if rel is not None and rel.full and allows(request.user, permission, rel):
            return rel
    refuse(request, person_id=people[0].pk, category=category)


def check_handover_step(request, handover, step: str, rel) -> None:
    """Raise 404 (and audit the refusal) unless the user is on a side that may take `step` for
    `handover` (permissions.HANDOVER_STEPS); `rel` is their relationship with its person."""
    if not may_take_handover_step(request.user, handover, step, rel):
        refuse(
            request,
            person_id=handover.introduction.person_id,
            category="handover",
            action=f"handover.{step}",
        )


def open_person(
    request, person_id, *, category: str = "record", permission: Permission = Permission.VIEW_RECORD
):
    """Load a person for a view, or 404. Records the read, whatever the method of the request:
    a form shown again after a POST shows the person too."""
    from livingwell.people.models import Person

    pid = as_uuid(person_id)
    person = Person.objects.filter(pk=pid).first() if pid else None
    if person is None:
        refuse(request, category=category)
    rel = check_person(request, person, permission=permission, category=category)
    audit.record(
        by=request.user,
        action="read",
        person=person,
        category=category,
        purpose=_purpose(rel),
        severity=_severity(rel),
        detail=_read_detail(request.user, person.pk, rel),
        rel=rel,
    )
    return person, rel


def open_introduction(
    request,
    introduction_id,
    *,
    category: str = "record",
    permission: Permission = Permission.VIEW_RECORD,
    full: bool = True,
):
    """Load an introduction (and so its person) for a view, or 404. Records the read, whatever
    the method of the request.

    The statement that loads it also answers the relationship's, the audit's and sharing's
    questions about the person (see _load_introduction).
    """

    iid = as_uuid(introduction_id)
    intro = _load_introduction(request.user, iid) if iid else None
    if intro is None:
        refuse(request, category=category)
    rel = check_person(
        request,
        intro.person,
        permission=permission,
        category=category,
        full=full,
        held_open=getattr(intro, "lw_held_open", None),
    )
    audit.record(
        by=request.user,
        action="read",
        person=intro.person,
        category=category,
        purpose=_purpose(rel),
        severity=_severity(rel),
        obj=intro,
        detail=_read_detail(
            request.user,
            intro.person_id,
            rel,
            owner_id=intro.owner_id,
            holds_one=getattr(intro, "lw_holds_one", None),
        ),
        rel=rel,
    )
    return intro, rel


def _load_introduction(user, iid):
    """The introduction with its person and owner, and three answers about its person read in
    the same statement: whether the person has any sharing choices on record
    (``lw_has_sharing_choices``: none means the network default, so the record need not read
    them) and, for a Hub user, whether the Hub holds the person open (``lw_held_open``, by
    relationships.held_open_q) and whether the user holds any of their introductions
    (``lw_holds_one``, the audit's caseload flag)."""
    from livingwell.access.models import SharingPreference
    from livingwell.intake.models import Introduction

    persons_introductions = Introduction.objects.filter(person_id=OuterRef("person_id"))
    answers = {
        "lw_has_sharing_choices": Exists(
            SharingPreference.objects.filter(person_id=OuterRef("person_id"))
        ),
    }
    if getattr(user, "is_authenticated", False) and user_hub_team_ids(user):
        answers["lw_held_open"] = Exists(persons_introductions.filter(held_open_q(timezone.now())))
        answers["lw_holds_one"] = Exists(persons_introductions.filter(owner_id=user.pk))
    return (
        Introduction.objects.select_related("person", "owner")
        .annotate(**answers)
        .filter(pk=iid)
        .first()
    )


# Bases that put a person on the user's caseload. A Hub worker's caseload is the introductions
# they hold; reading other open introductions on the board is normal Hub work, but is counted as
# outside their caseload when the privacy officer looks for unusual access.
CASELOAD_BASES = {"key_worker", "care_team", "partner_handover"}


def in_caseload(user, person_id, rel: Relationship, *, owner_id=None, holds_one=None) -> bool:
    """`owner_id`: the owner of the introduction being opened, when known (saves a query);
    `holds_one`: whether the user holds any of the person's introductions, when known."""
    if rel.basis in CASELOAD_BASES:
        return True
    if rel.basis == "hub":
        if owner_id is not None and owner_id == user.pk:
            return True
        if holds_one is not None:
            return holds_one
        from livingwell.intake.models import Introduction

        return Introduction.objects.filter(person_id=person_id, owner=user).exists()
    return False


def _read_detail(user, person_id, rel: Relationship, *, owner_id=None, holds_one=None) -> dict:
    """Non-clinical context for a read: the relationship it relied on, and whether the person is
    on the user's caseload (the privacy officer's unusual-access check uses it)."""
    caseload = in_caseload(user, person_id, rel, owner_id=owner_id, holds_one=holds_one)
    return {"basis": str(rel.basis), "caseload": caseload}


def _purpose(rel: Relationship) -> str:
    return "break_glass" if rel.basis == "break_glass" else "direct_care"


def _severity(rel: Relationship) -> str:
    return AuditEvent.Severity.HIGH if rel.basis == "break_glass" else AuditEvent.Severity.NORMAL


# --- the person's own record (the portal) -----------------------------------------------------


def open_own_record(request, part, *, category: str = ""):
    """Load the signed-in portal viewer's person for one part of the portal, or 404.

    The person's own relationship, or a proxy's within their grant
    (relationships.person_relationship); a refusal is a 404 and an audited event, and every
    read is audited with the viewer named as the person or their proxy. `part` None: any part
    (the portal's front page, which lists only the parts the viewer may open)."""
    from livingwell.access.relationships import person_relationship
    from livingwell.people.models import Person

    viewer = getattr(request, "portal_viewer", None)
    pid = as_uuid(viewer.person_id) if viewer is not None else None
    person = Person.objects.filter(pk=pid).first() if pid else None
    rel = person_relationship(viewer, person)
    category = category or str(part)
    if rel is None or (part is not None and not rel.allows(part)):
        audit.record(
            by=viewer,
            action="read",
            person_id=pid,
            category=category,
            purpose=rel.basis if rel else "",
            outcome=AuditEvent.Outcome.REFUSED,
        )
        raise Http404
    audit.record(by=viewer, action="read", person=person, category=category, purpose=rel.basis)
    return person, rel
