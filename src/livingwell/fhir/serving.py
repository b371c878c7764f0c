"""What a client may read, found, checked and audited: the FHIR API's one path to person data.

A client acts for its organisation and sees what that organisation's workers with a relationship
would see: the relationship is access.relationships.standing_relationship and the entries inside
the record are filtered by access.sharing (standing_sharing_view and the visible_* filters), each
asked for the organisation's standing (access.memberships.organisation_standing). Nothing here
restates a rule.

- A person-scoped resource is read only with the person's full record (an offer waiting for a
  reply sees the offer on the pages, not the record); no relationship is a 404, as on the pages.
- Searches of person data name the person (`patient`, or for Patient an `identifier` or `_id`),
  so every result set is one person's, checked once and audited once.
- The organisation that sent a referral in (fhir.referrals) may follow its ServiceRequest and
  Task without a relationship: what happened to its own request, nothing of the record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from livingwell.access import audit
from livingwell.access.memberships import organisation_standing
from livingwell.access.models import AuditEvent
from livingwell.access.relationships import standing_relationship
from livingwell.access.sharing import (
    current_preferences,
    standing_sharing_view,
    visible_authoring_filter,
    visible_conversation_filter,
    visible_plan_filter,
)
from livingwell.core.ids import as_uuid
from livingwell.fhir import resources as R

PERSON_TYPES = frozenset(
    {
        "Patient",
        "EpisodeOfCare",
        "Encounter",
        "ServiceRequest",
        "Task",
        "CarePlan",
        "Goal",
        "QuestionnaireResponse",
        "Observation",
        "Consent",
        "AuditEvent",
    }
)
OPEN_TYPES = frozenset({"Organization", "HealthcareService", "Questionnaire"})
# The newest entries of a person's access log served (the log grows with every read).
AUDIT_EVENTS_SERVED = 1000


class Hidden(Exception):
    """No such resource, or none this client may see: the same 404 either way."""


@dataclass
class Caller:
    client: object  # FhirClient
    scopes: list[str] = field(default_factory=list)

    @property
    def user(self):
        return self.client.service_user

    @property
    def organisation_id(self):
        return self.client.organisation_id

    @cached_property
    def standing(self):
        return organisation_standing(self.client.organisation_id)


def prune(value):
    """Drop empty lists, dicts and None: FHIR JSON has no empty elements."""
    if isinstance(value, dict):
        out = {k: prune(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v not in (None, [], {}, "")}
    if isinstance(value, list):
        out = [prune(v) for v in value]
        return [v for v in out if v not in (None, [], {}, "")]
    return value


# --- One person's resources of each type, as the caller may see them ----------------------------


def _introductions(person):
    from livingwell.intake.models import Introduction

    return Introduction.objects.filter(person=person).select_related(
        "current_team", "current_key_worker"
    )


def _handovers(person):
    from livingwell.hub.models import Handover

    return Handover.objects.filter(introduction__person=person).select_related(
        "introduction", "from_team"
    )


def _plans(person, view):
    from livingwell.hub.models import PlanVersion

    rows = (
        PlanVersion.objects.filter(introduction__person=person)
        .filter(visible_plan_filter(None, person, view=view))
        .select_related("introduction")
        .order_by("introduction_id", "version")
    )
    out = []  # (plan, latest, closed, previous visible version's id)
    by_intro: dict = {}
    for plan in rows:
        by_intro.setdefault(plan.introduction_id, []).append(plan)
    for plans in by_intro.values():
        for i, plan in enumerate(plans):
            out.append(
                (
                    plan,
                    i == len(plans) - 1,
                    plan.introduction.state == "closed",
                    plans[i - 1].pk if i else None,
                )
            )
    return out


def _responses(person):
    from livingwell.outcomes.models import MeasureResponse

    return MeasureResponse.objects.filter(introduction__person=person)


def person_resources(resource_type: str, person, view) -> list[dict]:
    """Every resource of `resource_type` about `person` that `view` (a SharingView) allows."""
    from livingwell.hub.models import Contact, Conversation

    pid = person.pk
    if resource_type == "Patient":
        return [R.patient(person)]
    if resource_type == "EpisodeOfCare":
        return [R.episode_of_care(i) for i in _introductions(person)]
    if resource_type == "Encounter":
        conversations = Conversation.objects.filter(introduction__person=person).filter(
            visible_conversation_filter(None, person, view=view)
        )
        contacts = Contact.objects.filter(introduction__person=person).filter(
            visible_authoring_filter(None, person, view=view)
        )
        return [R.encounter_from_conversation(c, pid) for c in conversations] + [
            R.encounter_from_contact(c, pid) for c in contacts
        ]
    if resource_type == "ServiceRequest":
        return [R.service_request_from_introduction(i) for i in _introductions(person)] + [
            R.service_request_from_handover(h) for h in _handovers(person)
        ]
    if resource_type == "Task":
        return [R.task_from_introduction(i) for i in _introductions(person)] + [
            R.task_from_handover(h) for h in _handovers(person)
        ]
    if resource_type == "CarePlan":
        return [
            R.care_plan(plan, pid, latest=latest, closed=closed, previous_id=previous)
            for plan, latest, closed, previous in _plans(person, view)
        ]
    if resource_type == "Goal":
        return [
            R.goal(plan, i, pid, latest=latest, closed=closed)
            for plan, latest, closed, _previous in _plans(person, view)
            for i in range(len(plan.goals))
        ]
    if resource_type == "QuestionnaireResponse":
        return [R.questionnaire_response(r, pid) for r in _responses(person)]
    if resource_type == "Observation":
        return [o for o in (R.observation(r, pid) for r in _responses(person)) if o]
    if resource_type == "Consent":
        return [R.consent(p, pid) for p in current_preferences(pid).values()]
    if resource_type == "AuditEvent":
        events = AuditEvent.objects.filter(person_id=pid).order_by("-id")[:AUDIT_EVENTS_SERVED]
        return [R.audit_event(e) for e in events]
    raise ValueError(resource_type)


def open_resources(resource_type: str) -> list[dict]:
    """Resources about no person: the network's organisations, its public services, measures."""
    if resource_type == "Organization":
        from livingwell.accounts.models import Organisation

        return [R.organization(o) for o in Organisation.objects.all()]
    if resource_type == "HealthcareService":
        from livingwell.directory.queries import public_services

        return [R.healthcare_service(s) for s in public_services().select_related("organization")]
    if resource_type == "Questionnaire":
        from livingwell.outcomes.definitions import MEASURES, get_definition

        return [R.questionnaire(get_definition(m)) for m in MEASURES]
    raise ValueError(resource_type)


# --- Whose record a resource id belongs to ---------------------------------------------------


def person_of(resource_type: str, resource_id: str):
    """The person a resource id belongs to, or None (no such resource)."""
    from livingwell.hub.models import Contact, Conversation, Handover, PlanVersion
    from livingwell.intake.models import Introduction
    from livingwell.outcomes.models import MeasureResponse
    from livingwell.people.models import Person

    def via_intro(model, pk):
        row = model.objects.filter(pk=pk).select_related("introduction__person").first()
        return row.introduction.person if row else None

    if resource_type == "Goal":
        plan_id, _, _index = resource_id.rpartition("-")
        pk = as_uuid(plan_id)
        return via_intro(PlanVersion, pk) if pk else None
    if resource_type in ("Consent", "AuditEvent"):
        if not resource_id.isdigit() or len(resource_id) > 18:
            return None
        if resource_type == "Consent":
            from livingwell.access.models import SharingPreference

            row = SharingPreference.objects.filter(pk=int(resource_id)).first()
            return row.person if row else None
        row = AuditEvent.objects.filter(pk=int(resource_id)).first()
        return Person.objects.filter(pk=row.person_id).first() if row and row.person_id else None
    pk = as_uuid(resource_id)
    if pk is None:
        return None
    if resource_type == "Patient":
        return Person.objects.filter(pk=pk).first()
    if resource_type == "EpisodeOfCare":
        intro = Introduction.objects.filter(pk=pk).select_related("person").first()
        return intro.person if intro else None
    if resource_type == "Encounter":
        return via_intro(Conversation, pk) or via_intro(Contact, pk)
    if resource_type in ("ServiceRequest", "Task"):
        intro = Introduction.objects.filter(pk=pk).select_related("person").first()
        return intro.person if intro else via_intro(Handover, pk)
    if resource_type == "CarePlan":
        return via_intro(PlanVersion, pk)
    if resource_type in ("QuestionnaireResponse", "Observation"):
        return via_intro(MeasureResponse, pk)
    return None


# --- Checking and auditing ---------------------------------------------------------------------


def refuse(caller: Caller | None, *, resource_type: str, person=None, reason: str, action="read"):
    audit.record(
        by=caller.user if caller else None,
        action=f"fhir.{action}",
        person=person,
        category=resource_type,
        outcome=AuditEvent.Outcome.REFUSED,
        detail={"reason": reason} | ({"client": str(caller.client.pk)} if caller else {}),
    )


def record_read(caller: Caller, *, resource_type: str, person, rel, action="read", count=1):
    audit.record(
        by=caller.user,
        action=f"fhir.{action}",
        person=person,
        category=resource_type,
        purpose="direct_care",
        detail={
            "client": str(caller.client.pk),
            "basis": str(rel.basis) if rel else "referral_sender",
            "count": count,
        },
    )


def sent_referrals(caller: Caller):
    """The introductions this caller's organisation sent in through the API."""
    from livingwell.fhir.models import FhirClient
    from livingwell.intake.models import Introduction

    senders = FhirClient.objects.filter(organisation_id=caller.organisation_id).values(
        "service_user_id"
    )
    return Introduction.objects.filter(created_by_id__in=senders)


def visible_for_person(caller: Caller, resource_type: str, person, *, action: str):
    """(resources, relationship) of one person for the caller, or Hidden (refusal audited)."""
    rel = standing_relationship(caller.standing, person)
    if rel is None or not rel.full:
        if resource_type in ("ServiceRequest", "Task"):
            task = resource_type == "Task"
            # An offer waiting for the organisation's reply: the offer itself, to decide on it
            # (what the pages show on that basis), not the record.
            offered = (
                [
                    (R.task_from_handover if task else R.service_request_from_handover)(h)
                    for h in _handovers(person).filter(to_organisation_id=caller.organisation_id)
                ]
                if rel is not None
                else []
            )
            sent = [
                (R.task_from_introduction if task else R.service_request_from_introduction)(i)
                for i in sent_referrals(caller).filter(person=person)
            ]
            if offered or sent:
                return offered + sent, rel
        refuse(
            caller,
            resource_type=resource_type,
            person=person,
            reason="no_relationship",
            action=action,
        )
        raise Hidden
    view = standing_sharing_view(caller.standing, person)
    return person_resources(resource_type, person, view), rel


def read(caller: Caller, resource_type: str, resource_id: str) -> dict:
    if resource_type in OPEN_TYPES:
        for resource in open_resources(resource_type):
            if resource["id"] == resource_id:
                return prune(resource)
        raise Hidden
    person = person_of(resource_type, resource_id)
    if person is None:
        refuse(caller, resource_type=resource_type, reason="not_found")
        raise Hidden
    found, rel = visible_for_person(caller, resource_type, person, action="read")
    for resource in found:
        if resource["id"] == resource_id:
            record_read(caller, resource_type=resource_type, person=person, rel=rel)
            return prune(resource)
    # The record is open to the caller but this entry is not (a sharing objection, restricted
    # to its team): the same answer as no such entry.
    refuse(caller, resource_type=resource_type, person=person, reason="hidden_entry")
    raise Hidden
