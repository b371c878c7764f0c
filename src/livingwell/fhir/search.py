"""FHIR search over the resources a client may see: parameters, filtering, searchset paging.

Supported, for every type: `_id`, `_lastUpdated`, `_count`, `_offset` (the next link's), and
where the type has them `identifier` (system|value or value), `status`, `date` (with the
prefixes eq, ne, gt, lt, ge, le) and `patient`. An unknown parameter is refused with an
OperationOutcome rather than ignored, so that a partner's mistyped filter never returns someone
else's rows as if filtered.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

from livingwell.fhir import serving
from livingwell.fhir.serving import Caller, Hidden

DEFAULT_COUNT = 50
MAX_COUNT = 200
MAX_OFFSET = 100_000

COMMON = ("_id", "_lastUpdated", "_count", "_offset")
PARAMS: dict[str, tuple[str, ...]] = {
    "Patient": (*COMMON, "identifier"),
    "EpisodeOfCare": (*COMMON, "patient", "identifier", "status", "date"),
    "Encounter": (*COMMON, "patient", "status", "date"),
    "ServiceRequest": (*COMMON, "patient", "identifier", "status", "date"),
    "Task": (*COMMON, "patient", "identifier", "status", "date"),
    "CarePlan": (*COMMON, "patient", "status", "date"),
    "Goal": (*COMMON, "patient", "status"),
    "QuestionnaireResponse": (*COMMON, "patient", "status", "date"),
    "Observation": (*COMMON, "patient", "status", "date"),
    "Consent": (*COMMON, "patient", "status", "date"),
    "AuditEvent": (*COMMON, "patient", "date"),
    "Organization": (*COMMON, "identifier"),
    "HealthcareService": (*COMMON,),
    "Questionnaire": (*COMMON, "status"),
}
# The element each type's `date` parameter searches (FHIR R4 search parameter definitions).
DATE_PATH = {
    "EpisodeOfCare": ("period", "start"),
    "Encounter": ("period", "start"),
    "ServiceRequest": ("authoredOn",),
    "Task": ("authoredOn",),
    "CarePlan": ("period", "end"),
    "QuestionnaireResponse": ("authored",),
    "Observation": ("effectiveDateTime",),
    "Consent": ("dateTime",),
    "AuditEvent": ("recorded",),
}
STATUS_PATH = {"Goal": "lifecycleStatus"}
PREFIX = re.compile(
    r"^(eq|ne|gt|lt|ge|le)?(\d{4}(-\d{2}(-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:\d{2})?)?)?)?)$"
)


class SearchError(ValueError):
    """A parameter that cannot be understood: (code, text, expression) issues."""

    def __init__(self, issues):
        super().__init__("; ".join(i[1] for i in issues))
        self.issues = issues


def _range(text: str) -> tuple[datetime, datetime]:
    """The interval a FHIR date or dateTime search value stands for."""
    if "T" in text:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value, value + timedelta(seconds=1)
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 1:
        start, end = date(parts[0], 1, 1), date(parts[0] + 1, 1, 1)
    elif len(parts) == 2:
        start = date(parts[0], parts[1], 1)
        end = date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
    else:
        start = date(*parts)
        end = start + timedelta(days=1)
    as_dt = lambda d: datetime(d.year, d.month, d.day, tzinfo=UTC)  # noqa: E731
    return as_dt(start), as_dt(end)


def _point(value: str) -> datetime | None:
    try:
        return _range(value)[0]
    except (ValueError, OverflowError):
        return None


def date_test(param: str, raw: str):
    match = PREFIX.match(raw)
    if not match:
        raise SearchError([("invalid", f"{param}: {raw!r} is not a FHIR date", param)])
    prefix, text = match.group(1) or "eq", match.group(2)
    try:
        start, end = _range(text)
    except (ValueError, OverflowError) as exc:
        raise SearchError([("invalid", f"{param}: {raw!r} is not a date ({exc})", param)]) from exc
    tests = {
        "eq": lambda v: start <= v < end,
        "ne": lambda v: not (start <= v < end),
        "gt": lambda v: v >= end,
        "lt": lambda v: v < start,
        "ge": lambda v: v >= start,
        "le": lambda v: v < end,
    }
    return tests[prefix]


def _get(resource: dict, path) -> object:
    value = resource
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _matches_identifier(resource: dict, wanted: str) -> bool:
    system, bar, value = wanted.partition("|")
    if not bar:
        system, value = None, wanted
    for ident in resource.get("identifier", []):
        if ident.get("value") == value and (not system or ident.get("system") == system):
            return True
    return False


def parse(resource_type: str, query) -> dict:
    """The search's parameters, checked: {name: [values]}; SearchError naming each problem."""
    allowed = PARAMS[resource_type]
    issues = []
    params: dict[str, list[str]] = {}
    for name in query:
        values = query.getlist(name)
        if any("\x00" in v for v in values):
            issues.append(("invalid", f"{name}: must not contain a NUL character", name))
            continue
        if name not in allowed:
            issues.append(
                (
                    "not-supported",
                    f"{name} is not a search parameter of {resource_type} here "
                    f"(supported: {', '.join(allowed)})",
                    name,
                )
            )
            continue
        params[name] = values
    for name in ("_count", "_offset"):
        if name in params:
            value = params[name][-1]
            if not value.isdigit() or len(value) > 9:
                issues.append(("invalid", f"{name}: {value!r} is not a whole number", name))
    if issues:
        raise SearchError(issues)
    return params


def filter_resources(resource_type: str, resources: list[dict], params: dict) -> list[dict]:
    tests = []
    for value in params.get("_id", []):
        tests.append(lambda r, v=value: r.get("id") == v)
    for value in params.get("identifier", []):
        tests.append(lambda r, v=value: _matches_identifier(r, v))
    for value in params.get("status", []):
        key = STATUS_PATH.get(resource_type, "status")
        wanted = set(value.split(","))
        tests.append(lambda r, k=key, w=wanted: r.get(k) in w)
    for value in params.get("_lastUpdated", []):
        test = date_test("_lastUpdated", value)
        tests.append(
            lambda r, t=test: (
                (p := _point(_get(r, ("meta", "lastUpdated")) or "")) is not None and t(p)
            )
        )
    for value in params.get("date", []):
        test = date_test("date", value)
        path = DATE_PATH.get(resource_type, ())
        tests.append(lambda r, t=test, p=path: (d := _point(_get(r, p) or "")) is not None and t(d))
    return [r for r in resources if all(t(r) for t in tests)]


def _patient_id(value: str) -> str:
    return value.removeprefix("Patient/")


def candidates(caller: Caller, resource_type: str, params: dict) -> list[dict]:
    """The resources to filter: the open types' all, one person's for person data."""
    if resource_type in serving.OPEN_TYPES:
        return serving.open_resources(resource_type)
    from livingwell.people.models import Person

    if resource_type == "Patient":
        ids = {v for v in params.get("_id", [])}
        numbers = []
        for value in params.get("identifier", []):
            system, bar, number = value.partition("|")
            if not bar:
                number = value
            if system == serving.R.NHS_NUMBER or not bar:
                numbers.append(number)
            elif system == serving.R.identifier_system("person"):
                ids.add(number)
        if not ids and not numbers:
            raise SearchError(
                [
                    (
                        "required",
                        "Patient search needs an identifier (NHS number) or _id",
                        "identifier",
                    )
                ]
            )
        people = list(Person.objects.filter(nhs_number__in=[n for n in numbers if n]))
        people += [p for p in Person.objects.filter(pk__in=[i for i in ids if serving.as_uuid(i)])]
    else:
        patients = params.get("patient", [])
        if not patients:
            if resource_type in ("Task", "ServiceRequest"):
                return _sent(caller, resource_type)
            raise SearchError(
                [("required", f"{resource_type} search needs patient=Patient/<id>", "patient")]
            )
        ids = [serving.as_uuid(_patient_id(v)) for v in patients]
        people = list(Person.objects.filter(pk__in=[i for i in ids if i]))
    found = []
    seen = set()
    for person in people:
        if person.pk in seen:
            continue
        seen.add(person.pk)
        try:
            resources, rel = serving.visible_for_person(
                caller, resource_type, person, action="search"
            )
        except Hidden:
            continue
        matched = filter_resources(resource_type, resources, params)
        serving.record_read(
            caller,
            resource_type=resource_type,
            person=person,
            rel=rel,
            action="search",
            count=len(matched),
        )
        found.extend(resources)
    return found


def _sent(caller: Caller, resource_type: str) -> list[dict]:
    """Without a patient, a Task or ServiceRequest search lists the referrals the caller's
    organisation sent in (their progress, not the record); each person's read is audited."""
    build = (
        serving.R.task_from_introduction
        if resource_type == "Task"
        else serving.R.service_request_from_introduction
    )
    out = []
    for intro in serving.sent_referrals(caller).order_by("-received_at")[:MAX_OFFSET]:
        out.append(build(intro))
        serving.record_read(
            caller, resource_type=resource_type, person=intro.person, rel=None, action="search"
        )
    return out


def searchset(caller: Caller, resource_type: str, query, base_url: str) -> dict:
    params = parse(resource_type, query)
    found = filter_resources(resource_type, candidates(caller, resource_type, params), params)
    found.sort(key=lambda r: (_get(r, ("meta", "lastUpdated")) or "", r["id"]), reverse=True)
    count = min(int(params.get("_count", [DEFAULT_COUNT])[-1]), MAX_COUNT)
    offset = min(int(params.get("_offset", ["0"])[-1]), MAX_OFFSET)
    page = found[offset : offset + count] if count else []
    kept = [(k, v) for k, vs in params.items() if k not in ("_count", "_offset") for v in vs]

    def link(relation, at):
        return {
            "relation": relation,
            "url": f"{base_url}/{resource_type}?"
            + urlencode(kept + [("_count", count), ("_offset", at)]),
        }

    links = [link("self", offset)]
    if count and offset + count < len(found):
        links.append(link("next", offset + count))
    if count and offset > 0:
        links.append(link("previous", max(offset - count, 0)))
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(found),
        "link": links,
        "entry": [
            {
                "fullUrl": f"{base_url}/{resource_type}/{r['id']}",
                "resource": serving.prune(r),
                "search": {"mode": "match"},
            }
            for r in page
        ],
    }
