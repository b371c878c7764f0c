"""Referrals in: a transaction Bundle holding a ServiceRequest and its Patient becomes a
professional introduction, through intake's own action (intake.actions.submit_introduction).

- Read completely before anything is stored: every problem is named (with its FHIRPath) in one
  OperationOutcome, and a bad Bundle stores nothing.
- Sent twice, one introduction: the submission key is the sender's organisation and the
  ServiceRequest's identifier (system|value), so intake's own once-only rule holds it.
- Priority: `routine` is the referrer's judgement that nobody is at risk now; `urgent`, `asap`,
  `stat` or no priority at all make the introduction urgent (the front door's rule: anything
  other than a clear "no" is answered as urgent), to the top of the Hub board.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError as ModelError

from livingwell.fhir.resources import NHS_NUMBER
from livingwell.people import nhs_number

ROUTINE = "routine"
URGENT = {"urgent", "asap", "stat"}
INTENTS = {"proposal", "plan", "directive", "order", "original-order"}
SEX = {"female": "female", "male": "male"}
MAX_ENTRIES = 10


class BadReferral(ValueError):
    def __init__(self, issues: list[tuple[str, str, str]]):
        super().__init__("; ".join(text for _code, text, _where in issues))
        self.issues = issues


@dataclass
class Referral:
    identifier: str  # system|value, the sender's own
    person: dict = field(default_factory=dict)
    details: dict = field(default_factory=dict)

    def submission_key(self, organisation_id) -> str:
        text = f"fhir-referral|{organisation_id}|{self.identifier}"
        return hashlib.sha256(text.encode()).hexdigest()


def _model_problems(resource: dict, where: str) -> list[tuple[str, str, str]]:
    """Structure, cardinality and types, by the FHIR model classes (ADR 0018)."""
    try:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    except ModelError as exc:
        return [
            (
                "structure",
                f"{resource['resourceType']}.{'.'.join(str(p) for p in err['loc'])}: {err['msg']}",
                where,
            )
            for err in exc.errors()[:20]
        ]
    except (KeyError, TypeError, ValueError) as exc:
        return [("structure", f"{resource.get('resourceType')}: {exc}", where)]
    return []


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def parse(bundle) -> Referral:
    """The referral in a Bundle, or BadReferral naming every problem."""
    issues: list[tuple[str, str, str]] = []
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise BadReferral([("invalid", "The body must be a FHIR Bundle.", "Bundle")])
    if bundle.get("type") != "transaction":
        issues.append(("invalid", "The Bundle's type must be 'transaction'.", "Bundle.type"))
    entries = bundle.get("entry")
    if not isinstance(entries, list) or not entries or len(entries) > MAX_ENTRIES:
        raise BadReferral(
            issues
            + [("invalid", "The Bundle needs a ServiceRequest and its Patient.", "Bundle.entry")]
        )
    found: dict[str, list[tuple[int, dict, str]]] = {}
    for i, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
            issues.append(("invalid", "Each entry needs a resource.", f"Bundle.entry[{i}]"))
            continue
        rtype = resource["resourceType"]
        if rtype not in ("ServiceRequest", "Patient"):
            issues.append(
                (
                    "not-supported",
                    f"{rtype} is not taken in a referral (only ServiceRequest and Patient).",
                    f"Bundle.entry[{i}].resource",
                )
            )
            continue
        found.setdefault(rtype, []).append((i, resource, _text(entry.get("fullUrl"))))
    for rtype in ("ServiceRequest", "Patient"):
        if len(found.get(rtype, [])) != 1:
            issues.append(("required", f"The Bundle needs exactly one {rtype}.", "Bundle.entry"))
    if issues:
        raise BadReferral(issues)
    (si, request, _), (pi, patient, patient_url) = found["ServiceRequest"][0], found["Patient"][0]
    sr_at, pt_at = f"Bundle.entry[{si}].resource", f"Bundle.entry[{pi}].resource"
    issues += _model_problems(request, sr_at) + _model_problems(patient, pt_at)
    if issues:
        raise BadReferral(issues)

    # The ServiceRequest: who sent it (their identifier), why, how urgent, about whom.
    idents = [
        i for i in request.get("identifier", []) if _text(i.get("system")) and _text(i.get("value"))
    ]
    if not idents:
        issues.append(
            (
                "required",
                "ServiceRequest.identifier needs the sender's own system and value "
                "(sending the same one again makes no second introduction).",
                f"{sr_at}.identifier",
            )
        )
    if request.get("status") != "active":
        issues.append(("value", "ServiceRequest.status must be 'active'.", f"{sr_at}.status"))
    if request.get("intent") not in INTENTS:
        issues.append(("value", "ServiceRequest.intent must be 'order'.", f"{sr_at}.intent"))
    priority = request.get("priority")
    if priority is not None and priority != ROUTINE and priority not in URGENT:
        issues.append(("value", f"Unknown priority {priority!r}.", f"{sr_at}.priority"))
    why = [_text(n.get("text")) for n in request.get("note", []) if _text(n.get("text"))] + [
        _text(r.get("text")) for r in request.get("reasonCode", []) if _text(r.get("text"))
    ]
    if not why:
        issues.append(
            (
                "required",
                "Say what is happening and why support is asked for, in ServiceRequest.note "
                "or reasonCode.text.",
                f"{sr_at}.note",
            )
        )
    subject = _text((request.get("subject") or {}).get("reference"))
    patient_refs = {patient_url, f"Patient/{patient.get('id')}"} - {"", "Patient/None"}
    if subject not in patient_refs:
        issues.append(
            (
                "invalid",
                "ServiceRequest.subject must refer to the Patient in the Bundle (its fullUrl).",
                f"{sr_at}.subject",
            )
        )

    # The Patient: a name, and what we can match them by.
    names = patient.get("name") or [{}]
    official = next((n for n in names if n.get("use") == "official"), names[0])
    family = _text(official.get("family"))
    given = " ".join(_text(g) for g in official.get("given", []) if _text(g))
    if not family or not given:
        issues.append(
            ("required", "Patient.name needs a family and a given name.", f"{pt_at}.name")
        )
    number = ""
    for ident in patient.get("identifier", []):
        if ident.get("system") == NHS_NUMBER:
            number = nhs_number.normalise(_text(ident.get("value")))
            if not nhs_number.is_valid(number):
                issues.append(
                    ("value", "The NHS number is not a valid one.", f"{pt_at}.identifier")
                )
    if issues:
        raise BadReferral(issues)

    telecom = {t.get("system"): _text(t.get("value")) for t in patient.get("telecom", [])}
    postcode = next(
        (_text(a.get("postalCode")) for a in patient.get("address", []) if a.get("postalCode")),
        "",
    )
    birth = patient.get("birthDate")
    person = {
        "given_name": given[:100],
        "family_name": family[:100],
        "nhs_number": number,
        "postcode": postcode[:10],
        "phone": telecom.get("phone", "")[:30],
        "email": telecom.get("email", "")[:254],
        "sex": SEX.get(patient.get("gender"), ""),
    }
    if isinstance(birth, str) and len(birth) == 10:
        person["date_of_birth"] = date.fromisoformat(birth)
    requester = _text((request.get("requester") or {}).get("display"))
    urgent = priority != ROUTINE
    details = {
        "whats_happening": "\n\n".join(why),
        "introducer_name": requester[:150],
        "risk_now": "not_sure" if urgent else "no",
        "urgent": urgent,
    }
    first = idents[0]
    return Referral(
        identifier=f"{_text(first['system'])}|{_text(first['value'])}",
        person=person,
        details=details,
    )
