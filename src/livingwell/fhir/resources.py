"""Our records as FHIR R4 resources, claiming the UK Core profile where one exists (ADR 0018).

Each builder takes one row and returns a plain dict (JSON-ready). Which rows a client may see is
decided in access.py, never here: builders only translate.
"""

from __future__ import annotations

from django.conf import settings

UKCORE = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-"
NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number"
VERIFICATION_EXT = (
    "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus"
)
VERIFICATION_SYSTEM = "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland"
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
BASE_GOAL = "http://hl7.org/fhir/StructureDefinition/Goal"

# The profile each served type claims; Goal has no UK Core profile, so the base R4 one.
PROFILES = {
    "Patient": UKCORE + "Patient",
    "EpisodeOfCare": UKCORE + "EpisodeOfCare",
    "Encounter": UKCORE + "Encounter",
    "ServiceRequest": UKCORE + "ServiceRequest",
    "Task": UKCORE + "Task",
    "CarePlan": UKCORE + "CarePlan",
    "Goal": BASE_GOAL,
    "Questionnaire": UKCORE + "Questionnaire",
    "QuestionnaireResponse": UKCORE + "QuestionnaireResponse",
    "Observation": UKCORE + "Observation",
    "Consent": UKCORE + "Consent",
    "AuditEvent": UKCORE + "AuditEvent",
    "Organization": UKCORE + "Organization",
    "HealthcareService": UKCORE + "HealthcareService",
}
SERVED_TYPES = frozenset(PROFILES)

# The codes of each measure's total (or items) as an Observation: LOINC where LOINC has one, and
# the SNOMED CT concept of NHS England's MHSDS assessment table (docs/notes: interoperability).
OBSERVATION_CODES: dict[str, list[tuple[str, str, str]]] = {
    "phq9": [
        (LOINC, "44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]"),
        (SNOMED, "720433000", "Patient Health Questionnaire Nine Item score"),
    ],
    "gad7": [
        (LOINC, "70274-6", "Generalized anxiety disorder 7 item (GAD-7) total score [Reported]"),
        (SNOMED, "445455005", "Generalized anxiety disorder 7 item score"),
    ],
    "reqol10": [(SNOMED, "1091071000000100", "ReQoL-10 score")],
    "core10": [(SNOMED, "718583008", "CORE-10 clinical score")],
    "swemwbs": [(SNOMED, "718466001", "SWEMWBS score")],
}
# DIALOG has no total: its eleven item scores, each with its SNOMED CT concept, in item order.
DIALOG_ITEM_CODES = (
    "1037651000000100",
    "1037661000000102",
    "1037671000000109",
    "1037681000000106",
    "1037691000000108",
    "1037701000000108",
    "1037711000000105",
    "1037721000000104",
    "1037731000000102",
    "1037741000000106",
    "1037751000000109",
)


def identifier_system(kind: str) -> str:
    """Our own identifier systems, under the site's base URL (LIVINGWELL_FHIR_IDENTIFIER_BASE)."""
    return f"{settings.FHIR_IDENTIFIER_BASE.rstrip('/')}/Id/{kind}"


def instant(value) -> str | None:
    return value.isoformat() if value is not None else None


def meta(resource_type: str, last_updated) -> dict:
    out = {"profile": [PROFILES[resource_type]]}
    if last_updated is not None:
        out["lastUpdated"] = instant(last_updated)
    return out


def ref(resource_type: str, pk, display: str | None = None) -> dict:
    out = {"reference": f"{resource_type}/{pk}"}
    if display:
        out["display"] = display
    return out


def coding(system: str, code: str, display: str | None = None) -> dict:
    out = {"system": system, "code": code}
    if display:
        out["display"] = display
    return out


GENDER = {"female": "female", "male": "male", "not_said": "unknown", "": "unknown"}


def patient(person) -> dict:
    identifiers = []
    if person.nhs_number:
        identifiers.append(
            {
                "system": NHS_NUMBER,
                "value": person.nhs_number,
                # We check the number's form, not the Personal Demographics Service: present,
                # not traced.
                "extension": [
                    {
                        "url": VERIFICATION_EXT,
                        "valueCodeableConcept": {
                            "coding": [
                                coding(VERIFICATION_SYSTEM, "02", "Number present but not traced")
                            ]
                        },
                    }
                ],
            }
        )
    identifiers.append({"system": identifier_system("person"), "value": str(person.pk)})
    names = [{"use": "official", "family": person.family_name, "given": [person.given_name]}]
    if person.preferred_name:
        names.append({"use": "usual", "given": [person.preferred_name]})
    out = {
        "resourceType": "Patient",
        "id": str(person.pk),
        "meta": meta("Patient", person.created_at),
        "identifier": identifiers,
        "name": names,
        "gender": GENDER.get(person.sex, "unknown"),
    }
    if person.date_of_birth:
        out["birthDate"] = person.date_of_birth.isoformat()
    telecom = []
    if person.phone:
        telecom.append({"system": "phone", "value": person.phone})
    if person.email:
        telecom.append({"system": "email", "value": person.email})
    if telecom:
        out["telecom"] = telecom
    if person.postcode:
        out["address"] = [{"postalCode": person.postcode}]
    return out


def organization(org) -> dict:
    return {
        "resourceType": "Organization",
        "id": str(org.pk),
        "meta": meta("Organization", None),
        "identifier": [{"system": identifier_system("organisation"), "value": str(org.pk)}],
        "active": org.is_active,
        "name": org.name,
        **({"alias": [org.short_name]} if org.short_name else {}),
    }


def healthcare_service(service) -> dict:
    out = {
        "resourceType": "HealthcareService",
        "id": str(service.pk),
        "meta": meta("HealthcareService", service.last_modified),
        "active": service.status == "active",
        "name": service.name,
    }
    network_org = getattr(service.organization, "network_organisation_id", None)
    if network_org:
        out["providedBy"] = ref("Organization", network_org, service.organization.name)
    if service.description:
        out["comment"] = service.description
    telecom = []
    if service.email:
        telecom.append({"system": "email", "value": service.email})
    if service.url:
        telecom.append({"system": "url", "value": service.url})
    if telecom:
        out["telecom"] = telecom
    return out


def questionnaire(definition) -> dict:
    out = dict(definition.questionnaire())
    out["meta"] = meta("Questionnaire", None)
    return out


# An introduction's state as its EpisodeOfCare status.
EPISODE_STATUS = {"new": "waitlist", "in_support": "active", "closed": "finished"}


def episode_of_care(intro) -> dict:
    out = {
        "resourceType": "EpisodeOfCare",
        "id": str(intro.pk),
        "meta": meta(
            "EpisodeOfCare", intro.closed_at or intro.first_conversation_at or intro.received_at
        ),
        "identifier": [{"system": identifier_system("introduction"), "value": intro.reference}],
        "status": EPISODE_STATUS[intro.state],
        "patient": ref("Patient", intro.person_id),
        "period": {"start": instant(intro.received_at)},
        "referralRequest": [ref("ServiceRequest", intro.pk)],
    }
    if intro.closed_at:
        out["period"]["end"] = instant(intro.closed_at)
    if intro.current_team_id:
        team = intro.current_team
        out["team"] = [{"display": team.name}]
        out["managingOrganization"] = ref("Organization", team.organisation_id)
    if intro.current_key_worker_id:
        out["careManager"] = {"display": str(intro.current_key_worker)}
    return out


# Encounter.class (ActCode) and the MHSDS consultation mechanism follow the contact's mode.
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
ENCOUNTER_CLASS = {
    "face_to_face": ("AMB", "ambulatory"),
    "phone": ("VR", "virtual"),
    "video": ("VR", "virtual"),
    "text": ("VR", "virtual"),
}
MODE_SYSTEM = "https://fhir.livingwell.example/CodeSystem/contact-mode"
ENCOUNTER_STATUS = {
    "attended": "finished",
    "not_attended": "cancelled",
    "not_reached": "cancelled",
    "cancelled": "cancelled",
}


def _encounter(pk, intro_id, person_id, at, mode, status, kind, last_updated, org_id) -> dict:
    code, display = ENCOUNTER_CLASS.get(mode, ("AMB", "ambulatory"))
    return {
        "resourceType": "Encounter",
        "id": str(pk),
        "meta": meta("Encounter", last_updated),
        "status": status,
        "class": coding(ACT_CODE, code, display),
        "type": [{"coding": [coding(MODE_SYSTEM, mode)], "text": kind}],
        "subject": ref("Patient", person_id),
        "episodeOfCare": [ref("EpisodeOfCare", intro_id)],
        "period": {"start": instant(at)},
        "serviceProvider": ref("Organization", org_id),
    }


def encounter_from_conversation(conv, person_id) -> dict:
    out = _encounter(
        conv.pk,
        conv.introduction_id,
        person_id,
        conv.held_at,
        conv.mode,
        "finished",
        "First conversation",
        conv.recorded_at,
        conv.organisation_id,
    )
    return out


def encounter_from_contact(contact, person_id) -> dict:
    out = _encounter(
        contact.pk,
        contact.introduction_id,
        person_id,
        contact.at,
        contact.mode,
        ENCOUNTER_STATUS.get(contact.outcome, "unknown"),
        "Contact",
        contact.recorded_at,
        contact.organisation_id,
    )
    if contact.duration_minutes:
        out["length"] = {
            "value": contact.duration_minutes,
            "unit": "min",
            "system": UCUM,
            "code": "min",
        }
    return out


# Handovers as Task and ServiceRequest (the mapping, each state tested).
TASK_STATUS = {
    "offered": "requested",
    "accepted": "accepted",
    "declined": "rejected",
    "started": "in-progress",
    "completed": "completed",
    "withdrawn": "cancelled",
}
SERVICE_REQUEST_STATUS = {
    "offered": "active",
    "accepted": "active",
    "declined": "revoked",
    "started": "active",
    "completed": "completed",
    "withdrawn": "revoked",
}
# An introduction (a request for support made to the Hub) as Task and ServiceRequest.
INTRODUCTION_TASK_STATUS = {"new": "requested", "in_support": "in-progress", "closed": "completed"}
INTRODUCTION_REQUEST_STATUS = {"new": "active", "in_support": "active", "closed": "completed"}


def _handover_updated(handover):
    return (
        handover.completed_at or handover.started_at or handover.responded_at or handover.offered_at
    )


def service_request_from_handover(handover) -> dict:
    intro = handover.introduction
    return {
        "resourceType": "ServiceRequest",
        "id": str(handover.pk),
        "meta": meta("ServiceRequest", _handover_updated(handover)),
        "identifier": [{"system": identifier_system("handover"), "value": str(handover.pk)}],
        "status": SERVICE_REQUEST_STATUS[handover.state],
        "intent": "order",
        "subject": ref("Patient", intro.person_id),
        "authoredOn": instant(handover.offered_at),
        "requester": ref("Organization", handover.from_team.organisation_id),
        "performer": [ref("Organization", handover.to_organisation_id)],
        "note": [{"text": handover.what_is_asked}],
        **({"basedOn": [ref("ServiceRequest", intro.pk)]}),
    }


def task_from_handover(handover) -> dict:
    intro = handover.introduction
    out = {
        "resourceType": "Task",
        "id": str(handover.pk),
        "meta": meta("Task", _handover_updated(handover)),
        "identifier": [{"system": identifier_system("handover"), "value": str(handover.pk)}],
        "status": TASK_STATUS[handover.state],
        "businessStatus": {"text": handover.get_state_display()},
        "intent": "order",
        "focus": ref("ServiceRequest", handover.pk),
        "for": ref("Patient", intro.person_id),
        "authoredOn": instant(handover.offered_at),
        "lastModified": instant(_handover_updated(handover)),
        "requester": ref("Organization", handover.from_team.organisation_id),
        "owner": ref("Organization", handover.to_organisation_id),
        "restriction": {"period": {"end": instant(handover.reply_due_at)}},
    }
    if handover.state == "declined" and handover.decline_reason:
        out["statusReason"] = {"text": handover.decline_reason}
    return out


def service_request_from_introduction(intro, hub_org_id=None) -> dict:
    out = {
        "resourceType": "ServiceRequest",
        "id": str(intro.pk),
        "meta": meta(
            "ServiceRequest", intro.closed_at or intro.first_conversation_at or intro.received_at
        ),
        "identifier": [{"system": identifier_system("introduction"), "value": intro.reference}],
        "status": INTRODUCTION_REQUEST_STATUS[intro.state],
        "intent": "order",
        "priority": "urgent" if intro.urgent else "routine",
        "subject": ref("Patient", intro.person_id),
        "authoredOn": instant(intro.received_at),
    }
    if intro.introducer_organisation:
        out["requester"] = {"display": intro.introducer_organisation}
    return out


def task_from_introduction(intro) -> dict:
    updated = intro.closed_at or intro.first_conversation_at or intro.received_at
    return {
        "resourceType": "Task",
        "id": str(intro.pk),
        "meta": meta("Task", updated),
        "identifier": [{"system": identifier_system("introduction"), "value": intro.reference}],
        "status": INTRODUCTION_TASK_STATUS[intro.state],
        "businessStatus": {"text": intro.get_state_display()},
        "intent": "order",
        "priority": "urgent" if intro.urgent else "routine",
        "focus": ref("ServiceRequest", intro.pk),
        "for": ref("Patient", intro.person_id),
        "authoredOn": instant(intro.received_at),
        "lastModified": instant(updated),
    }


def care_plan(plan, person_id, *, latest: bool, closed: bool, previous_id=None) -> dict:
    status = ("completed" if closed else "active") if latest else "revoked"
    out = {
        "resourceType": "CarePlan",
        "id": str(plan.pk),
        "meta": meta("CarePlan", plan.created_at),
        "status": status,
        "intent": "plan",
        "subject": ref("Patient", person_id),
        "episodeOfCare": None,
        "created": instant(plan.created_at),
        "period": {"end": plan.review_date.isoformat()},
        "goal": [ref("Goal", goal_id(plan, i)) for i, _g in enumerate(plan.goals)],
        "activity": [
            {"detail": {"status": "not-started", "description": a.get("what", "")}}
            for a in plan.actions
            if a.get("what")
        ],
    }
    del out["episodeOfCare"]  # R4 CarePlan has no episodeOfCare: linked through the Encounter
    if previous_id:
        out["replaces"] = [ref("CarePlan", previous_id)]
    if not out["activity"]:
        del out["activity"]
    if not out["goal"]:
        del out["goal"]
    return out


def goal_id(plan, index: int) -> str:
    return f"{plan.pk}-{index}"


def goal(plan, index: int, person_id, *, latest: bool, closed: bool) -> dict:
    text = plan.goals[index].get("text", "")
    status = ("completed" if closed else "active") if latest else "cancelled"
    return {
        "resourceType": "Goal",
        "id": goal_id(plan, index),
        "meta": meta("Goal", plan.created_at),
        "lifecycleStatus": status,
        "description": {"text": text},  # in the person's words
        "subject": ref("Patient", person_id),
        "startDate": plan.created_at.date().isoformat(),
    }


def questionnaire_response(response, person_id) -> dict:
    definition = response.definition
    items = []
    for item in definition.items:
        value = response.answers.get(item.link_id)
        if value is None:
            continue
        items.append(
            {
                "linkId": item.link_id,
                "answer": [
                    {
                        "valueCoding": coding(
                            f"urn:livingwell:measure:{response.measure}:item-score", str(value)
                        )
                    }
                ],
            }
        )
    out = {
        "resourceType": "QuestionnaireResponse",
        "id": str(response.pk),
        "meta": meta("QuestionnaireResponse", response.recorded_at),
        "questionnaire": definition.raw.get("url", f"urn:livingwell:measure:{response.measure}"),
        "status": "completed",
        "subject": ref("Patient", person_id),
        "authored": response.completed_at.isoformat(),
    }
    if items:
        out["item"] = items
    return out


def observation(response, person_id) -> dict | None:
    """A measure's total as an Observation (DIALOG: its item scores as components); None for a
    measure with no national code (GBO) or a response with no total."""
    base = {
        "resourceType": "Observation",
        "id": str(response.pk),
        "meta": meta("Observation", response.recorded_at),
        "status": "final",
        "category": [
            {
                "coding": [
                    coding(
                        "http://terminology.hl7.org/CodeSystem/observation-category",
                        "survey",
                        "Survey",
                    )
                ]
            }
        ],
        "subject": ref("Patient", person_id),
        "effectiveDateTime": response.completed_at.isoformat(),
        "derivedFrom": [ref("QuestionnaireResponse", response.pk)],
    }
    if response.measure == "dialog":
        components = []
        for code, link_id in zip(DIALOG_ITEM_CODES, response.definition.link_ids, strict=False):
            value = response.answers.get(link_id)
            if value is None:
                continue
            components.append(
                {
                    "code": {"coding": [coding(SNOMED, code)]},
                    "valueQuantity": score_quantity(value),
                }
            )
        if not components:
            return None
        return base | {
            "code": {"text": response.definition.title},
            "component": components,
        }
    codes = OBSERVATION_CODES.get(response.measure)
    if not codes or response.total is None:
        return None
    return base | {
        "code": {
            "coding": [coding(*c) for c in codes],
            "text": response.definition.title,
        },
        "valueQuantity": score_quantity(response.total),
    }


def score_quantity(value) -> dict:
    number = float(value)
    return {
        "value": int(number) if number.is_integer() else number,
        "unit": "{score}",
        "system": UCUM,
        "code": "{score}",
    }


def consent(pref, person_id) -> dict:
    """A person's current sharing choice for one organisation."""
    action = "http://terminology.hl7.org/CodeSystem/consentaction"

    def part(permit: bool, act: str, role: str) -> dict:
        return {
            "type": "permit" if permit else "deny",
            "actor": [
                {
                    "role": {
                        "coding": [
                            coding(
                                "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", role
                            )
                        ]
                    },
                    "reference": ref("Organization", pref.organisation_id),
                }
            ],
            "action": [{"coding": [coding(action, act)]}],
        }

    return {
        "resourceType": "Consent",
        "id": str(pref.pk),
        "meta": meta("Consent", pref.set_at),
        "status": "active",
        "scope": {
            "coding": [
                coding(
                    "http://terminology.hl7.org/CodeSystem/consentscope",
                    "patient-privacy",
                    "Privacy Consent",
                )
            ]
        },
        "category": [{"coding": [coding(LOINC, "59284-0", "Patient Consent")]}],
        "patient": ref("Patient", person_id),
        "dateTime": instant(pref.set_at),
        "organization": [ref("Organization", pref.organisation_id)],
        "provision": {
            "type": "permit",
            "provision": [
                # Sharing out: what this organisation records may be disclosed to others.
                part(pref.share_out, "disclose", "AUT"),
                # Sharing in: this organisation may access what others recorded.
                part(pref.share_in, "access", "IRCP"),
                # Opening the record to this organisation.
                part(pref.open_record, "access", "PRCP"),
            ],
        },
    }


AUDIT_ACTION = {"read": "R", "search": "E"}


def audit_event(event) -> dict:
    verb = event.action.split(".")[-1]
    return {
        "resourceType": "AuditEvent",
        "id": str(event.pk),
        "meta": meta("AuditEvent", event.at),
        "type": coding("http://dicom.nema.org/resources/ontology/DCM", "110110", "Patient Record"),
        "subtype": [
            coding("https://fhir.livingwell.example/CodeSystem/audit-action", event.action)
        ],
        "action": AUDIT_ACTION.get(verb, "E"),
        "recorded": instant(event.at),
        "outcome": "0" if event.outcome == "allowed" else "4",
        "purposeOfEvent": [{"text": event.purpose}] if event.purpose else [],
        "agent": [
            {
                "who": {"display": event.actor_name or "Not signed in"},
                "requestor": True,
                **({"role": [{"text": event.acting_role}]} if event.acting_role else {}),
            }
        ],
        "source": {"observer": {"display": "Living Well"}},
        "entity": [{"what": ref("Patient", event.person_id)}] if event.person_id else [],
    }
