"""FHIR answers: resources as application/fhir+json, and OperationOutcome for every problem."""

from __future__ import annotations

import json

from django.http import HttpResponse

FHIR_JSON = "application/fhir+json"


def fhir_response(resource: dict, status: int = 200, headers: dict | None = None) -> HttpResponse:
    response = HttpResponse(
        json.dumps(resource, separators=(",", ":"), default=str),
        status=status,
        content_type=f"{FHIR_JSON}; charset=utf-8",
    )
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def operation_outcome(issues: list[tuple[str, str]] | list[tuple[str, str, str]]) -> dict:
    """issues: (code, text) or (code, text, expression) for each problem, all errors."""
    out = []
    for issue in issues:
        code, text, *rest = issue
        entry = {"severity": "error", "code": code, "diagnostics": text}
        if rest and rest[0]:
            entry["expression"] = [rest[0]]
        out.append(entry)
    return {"resourceType": "OperationOutcome", "issue": out}


STATUS_CODES = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    406: "not-supported",
    415: "not-supported",
    422: "processing",
}


def problem(status: int, text: str, *, code: str | None = None, headers=None) -> HttpResponse:
    return fhir_response(
        operation_outcome([(code or STATUS_CODES.get(status, "exception"), text)]),
        status=status,
        headers=headers,
    )
