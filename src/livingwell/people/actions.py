"""State changes for people: creating records, flagging likely matches, merging and undoing."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from livingwell.access import audit
from livingwell.access.permissions import Permission, require_any
from livingwell.people import nhs_number
from livingwell.people.models import Person, PossibleMatch
from livingwell.people.names import clean_name


def normalise_postcode(value: str) -> str:
    compact = (value or "").replace(" ", "").upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


@transaction.atomic
def create_person(*, by, at=None, **fields) -> Person:
    """A new person's record; names by the one rule for a name (ValidationError if refused)."""
    for name in ("given_name", "family_name", "preferred_name"):
        if name in fields:
            fields[name] = clean_name(fields[name])
    fields["postcode"] = normalise_postcode(fields.get("postcode", ""))
    fields["nhs_number"] = nhs_number.normalise(fields.get("nhs_number", ""))
    person = Person(created_at=at or timezone.now(), **fields)
    person.full_clean(exclude=["merged_into"])
    person.save(force_insert=True)
    audit.record(by=by, action="person.create", person=person, category="identity")
    return person


def find_likely_matches(person: Person) -> list[tuple[Person, list[str]]]:
    """Existing people who may be this person: same valid NHS number, or name + DOB + postcode."""
    query = Q()
    if person.nhs_number and nhs_number.is_valid(person.nhs_number):
        query |= Q(nhs_number=person.nhs_number)
    if person.date_of_birth and person.postcode:
        query |= Q(
            given_name__iexact=person.given_name,
            family_name__iexact=person.family_name,
            date_of_birth=person.date_of_birth,
            postcode=person.postcode,
        )
    if not query:
        return []
    found = []
    for other in Person.objects.filter(query, merged_into__isnull=True).exclude(pk=person.pk)[:10]:
        reasons = []
        if person.nhs_number and other.nhs_number == person.nhs_number:
            reasons.append("nhs_number")
        if (
            other.date_of_birth == person.date_of_birth
            and other.family_name.lower() == person.family_name.lower()
            and other.given_name.lower() == person.given_name.lower()
            and other.postcode == person.postcode
        ):
            reasons += ["name", "date_of_birth", "postcode"]
        found.append((other, reasons))
    return found


@transaction.atomic
def flag_likely_matches(*, by, person: Person, at=None) -> list[PossibleMatch]:
    matches = []
    for other, reasons in find_likely_matches(person):
        match, created = PossibleMatch.objects.get_or_create(
            new_person=person,
            existing_person=other,
            defaults={"reasons": reasons, "created_at": at or timezone.now()},
        )
        if created:
            audit.record(by=by, action="match.flag", person=person, category="identity", obj=match)
        matches.append(match)
    return matches


class MatchError(ValueError):
    pass


def _require_hub(by, match: PossibleMatch) -> None:
    """Only the Hub decides, on either record (access/permissions.PERMISSION_BASES)."""
    require_any(by, Permission.RESOLVE_MATCHES, (match.new_person, match.existing_person))


@transaction.atomic
def merge(*, by, match: PossibleMatch) -> PossibleMatch:
    """Same person: move the new record's introductions onto the existing record, reversibly."""
    from livingwell.intake.models import Introduction

    match = PossibleMatch.objects.select_for_update().get(pk=match.pk)
    _require_hub(by, match)
    if match.state != PossibleMatch.State.OPEN:
        raise MatchError("This possible match has already been decided.")
    new, existing = match.new_person, match.existing_person
    if existing.merged_into_id:
        raise MatchError("The existing record has itself been merged; check the match again.")
    intro_ids = list(Introduction.objects.filter(person=new).values_list("id", flat=True))
    Introduction.objects.filter(id__in=intro_ids).update(person=existing)
    new.merged_into = existing
    new.save(update_fields=["merged_into"])
    match.state = PossibleMatch.State.MERGED
    match.decided_by = by
    match.decided_at = timezone.now()
    match.moved = {"introductions": [str(i) for i in intro_ids]}
    match.save(update_fields=["state", "decided_by", "decided_at", "moved"])
    for person in (new, existing):
        audit.record(by=by, action="person.merge", person=person, category="identity", obj=match)
    return match


@transaction.atomic
def undo_merge(*, by, match: PossibleMatch) -> PossibleMatch:
    from livingwell.intake.models import Introduction

    match = PossibleMatch.objects.select_for_update().get(pk=match.pk)
    _require_hub(by, match)
    if match.state != PossibleMatch.State.MERGED:
        raise MatchError("Only a merge can be undone.")
    Introduction.objects.filter(id__in=match.moved.get("introductions", [])).update(
        person=match.new_person
    )
    Person.objects.filter(pk=match.new_person_id).update(merged_into=None)
    match.state = PossibleMatch.State.UNMERGED
    match.decided_by = by
    match.decided_at = timezone.now()
    match.save(update_fields=["state", "decided_by", "decided_at"])
    for pid in (match.new_person_id, match.existing_person_id):
        audit.record(by=by, action="person.unmerge", person_id=pid, category="identity", obj=match)
    return match


@transaction.atomic
def mark_not_same(*, by, match: PossibleMatch) -> PossibleMatch:
    match = PossibleMatch.objects.select_for_update().get(pk=match.pk)
    _require_hub(by, match)
    if match.state != PossibleMatch.State.OPEN:
        raise MatchError("This possible match has already been decided.")
    match.state = PossibleMatch.State.NOT_SAME
    match.decided_by = by
    match.decided_at = timezone.now()
    match.save(update_fields=["state", "decided_by", "decided_at"])
    audit.record(
        by=by, action="match.not_same", person=match.new_person, category="identity", obj=match
    )
    return match
