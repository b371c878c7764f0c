"""The FHIR R4 API under /fhir/ (django-ninja, for its OpenAPI document): metadata, read and
search of each served type, and referrals in as a transaction Bundle.

Every operation but `metadata` (and the OpenAPI document) needs a bearer token from the token
endpoint (OAuth 2.0 client credentials, django-oauth-toolkit) whose SMART system scopes allow
the interaction: no token or a bad one is a 401, a scope that does not allow it a 403, a
resource the client's organisation may not see a 404; each an OperationOutcome and an audit
event. The URL policy meta-test treats the namespace as public (no session sign-in) and a test of
its own holds every operation to the OAuth check (ADR 0018).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from functools import wraps

from django.db import OperationalError
from django.http import Http404, JsonResponse
from django.urls import URLPattern, re_path, reverse
from django.views.decorators.http import require_GET
from ninja import NinjaAPI, Query, Schema
from ninja.errors import ValidationError
from oauth2_provider.oauth2_backends import get_oauthlib_core
from pydantic import Field

from livingwell.core.errors import RETRY_AFTER_SECONDS
from livingwell.core.public import public
from livingwell.fhir import actions as fhir_actions
from livingwell.fhir import resources as R
from livingwell.fhir import search as S
from livingwell.fhir import serving
from livingwell.fhir.models import FhirClient
from livingwell.fhir.outcome import FHIR_JSON, fhir_response, operation_outcome, problem
from livingwell.fhir.referrals import BadReferral
from livingwell.fhir.scopes import grants
from livingwell.fhir.serving import Caller, Hidden

logger = logging.getLogger(__name__)

FHIR_VERSION = "4.0.1"

api = NinjaAPI(
    title="Living Well FHIR API",
    version=FHIR_VERSION,
    description=(
        "FHIR R4 (4.0.1), UK Core profiles, JSON only. OAuth 2.0 client credentials with SMART "
        "system scopes: see /fhir/.well-known/smart-configuration."
    ),
    urls_namespace="fhir-api",
    docs_url=None,  # the interactive docs page needs scripts our CSP does not allow
)


class Refused(Exception):
    def __init__(self, status: int, text: str, headers=None):
        super().__init__(text)
        self.status, self.text, self.headers = status, text, headers or {}


@api.exception_handler(ValidationError)
def _bad_params(request, exc: ValidationError):
    issues = []
    for err in exc.errors:
        loc = [str(x) for x in err.get("loc", ()) if x not in ("query", "path", "body")]
        issues.append(("invalid", f"{'.'.join(loc) or 'request'}: {err.get('msg', 'invalid')}"))
    return fhir_response(operation_outcome(issues), status=400)


@api.exception_handler(S.SearchError)
def _search_error(request, exc: S.SearchError):
    return fhir_response(operation_outcome(exc.issues), status=400)


@api.exception_handler(Refused)
def _refused(request, exc: Refused):
    return problem(exc.status, exc.text, headers=exc.headers)


@api.exception_handler(Hidden)
@api.exception_handler(Http404)
def _not_found(request, exc):
    return problem(404, "No such resource, or none this client may see.")


@api.exception_handler(OperationalError)
def _busy(request, exc):
    logger.error("FHIR API: database unavailable", exc_info=exc)
    return problem(
        503,
        "The service is busy: try again in a few seconds.",
        code="transient",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


# --- Authorisation -------------------------------------------------------------------------------


def authorise(request, resource_type: str, interaction: str) -> Caller:
    """The calling client, or Refused (401 or 403), the refusal audited."""
    valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[])
    token = getattr(oauth_request, "access_token", None) if valid else None
    client = (
        FhirClient.objects.filter(application_id=token.application_id, revoked_at__isnull=True)
        .select_related("service_user")
        .first()
        if token is not None
        else None
    )
    if client is None:
        serving.refuse(None, resource_type=resource_type, reason="no_valid_token", action="auth")
        raise Refused(
            401,
            "A valid bearer token is needed (OAuth 2.0 client credentials).",
            headers={"WWW-Authenticate": 'Bearer realm="fhir"'},
        )
    caller = Caller(client=client, scopes=token.scope.split())
    if not grants(caller.scopes, resource_type, interaction):
        serving.refuse(caller, resource_type=resource_type, reason="scope", action="auth")
        raise Refused(
            403,
            f"The token's scopes do not allow this ({interaction} on {resource_type}).",
            headers={"WWW-Authenticate": 'Bearer error="insufficient_scope"'},
        )
    return caller


def base_url(request) -> str:
    return request.build_absolute_uri("/fhir").rstrip("/")


def _check_format(request) -> None:
    fmt = request.GET.get("_format")
    if fmt is not None and fmt not in ("json", "application/json", FHIR_JSON):
        raise Refused(406, "Only JSON (application/fhir+json) is served.")
    accept = request.headers.get("Accept", "")
    if "xml" in accept and "json" not in accept and "*/*" not in accept:
        raise Refused(406, "Only JSON (application/fhir+json) is served.")


def _without_format(query):
    query = query.copy()
    query.pop("_format", None)
    return query


# --- Operations ----------------------------------------------------------------------------------


class SearchParams(Schema):
    """Declared for the OpenAPI document; search.parse reads and checks them (repeats too)."""

    id: str | None = Field(None, alias="_id")
    last_updated: str | None = Field(None, alias="_lastUpdated")
    count: str | None = Field(None, alias="_count")
    offset: str | None = Field(None, alias="_offset")
    patient: str | None = None
    identifier: str | None = None
    status: str | None = None
    date: str | None = None


def _register(resource_type: str) -> None:
    def search_op(request, params: Query[SearchParams]):
        _check_format(request)
        caller = authorise(request, resource_type, "s")
        bundle = S.searchset(caller, resource_type, _without_format(request.GET), base_url(request))
        return fhir_response(bundle)

    def read_op(request, resource_id: str):
        _check_format(request)
        caller = authorise(request, resource_type, "r")
        return fhir_response(serving.read(caller, resource_type, resource_id))

    search_op.__name__ = f"search_{resource_type}"
    read_op.__name__ = f"read_{resource_type}"
    api.get(
        f"/{resource_type}",
        operation_id=f"search{resource_type}",
        url_name=f"search-{resource_type}",
        summary=f"Search {resource_type}",
    )(search_op)
    api.get(
        f"/{resource_type}/{{resource_id}}",
        operation_id=f"read{resource_type}",
        url_name=f"read-{resource_type}",
        summary=f"Read {resource_type}",
    )(read_op)


@api.get("/metadata", operation_id="capabilities", url_name="metadata")
def metadata(request):
    _check_format(request)
    return fhir_response(capability_statement(request))


for _type in sorted(R.SERVED_TYPES):
    _register(_type)


@api.post("/", operation_id="transaction", url_name="transaction")
def transaction(request):
    """A referral in: a transaction Bundle with a ServiceRequest and its Patient."""
    # Read (and keep) the body before the token check: django-oauth-toolkit reads a form body
    # through request.POST, after which the raw body could no longer be read.
    body_bytes = request.body
    caller = authorise(request, "ServiceRequest", "c")
    if not body_bytes:
        return problem(400, "The body is empty: send a transaction Bundle.")
    if request.content_type not in (FHIR_JSON, "application/json"):
        raise Refused(415, "Send the Bundle as application/fhir+json.")
    try:
        body = json.loads(body_bytes)
    except (ValueError, UnicodeDecodeError):
        return problem(400, "The body is not JSON.")
    try:
        intro, created = fhir_actions.receive_referral(
            by=caller.user, client=caller.client, bundle=body
        )
    except BadReferral as exc:
        return fhir_response(operation_outcome(exc.issues), status=400)
    status = "201 Created" if created else "200 OK"
    return fhir_response(
        {
            "resourceType": "Bundle",
            "type": "transaction-response",
            "entry": [
                {
                    "response": {
                        "status": status,
                        "location": f"ServiceRequest/{intro.pk}",
                        "lastModified": R.instant(intro.received_at),
                    }
                },
                {"response": {"status": status, "location": f"Patient/{intro.person_id}"}},
            ],
        }
    )


PARAM_TYPES = {
    "_id": "token",
    "_lastUpdated": "date",
    "identifier": "token",
    "status": "token",
    "date": "date",
    "patient": "reference",
}


def capability_statement(request) -> dict:
    """Exactly what this server does: built from the same tables the API is built from."""
    resources = []
    for resource_type in sorted(R.SERVED_TYPES):
        entry = {
            "type": resource_type,
            "profile": R.PROFILES[resource_type],
            "interaction": [{"code": "read"}, {"code": "search-type"}],
            "searchParam": [
                {"name": name, "type": PARAM_TYPES[name]}
                for name in S.PARAMS[resource_type]
                if name in PARAM_TYPES
            ],
        }
        resources.append(entry)
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": datetime.now(UTC).date().isoformat(),
        "publisher": "Living Well",
        "kind": "instance",
        "software": {"name": "Living Well"},
        "implementation": {"description": "Living Well FHIR API", "url": base_url(request)},
        "fhirVersion": FHIR_VERSION,
        "format": [FHIR_JSON, "json"],
        "rest": [
            {
                "mode": "server",
                "security": {
                    "extension": [
                        {
                            "url": "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris",
                            "extension": [
                                {
                                    "url": "token",
                                    "valueUri": request.build_absolute_uri(reverse("fhir:token")),
                                }
                            ],
                        }
                    ],
                    "service": [
                        {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                                    "code": "SMART-on-FHIR",
                                }
                            ]
                        }
                    ],
                },
                "resource": resources,
                "interaction": [{"code": "transaction"}],
            }
        ],
    }


# --- URLs ---------------------------------------------------------------------------------------


def _unknown_path(request, *args, **kwargs):
    return problem(404, "This FHIR server has no such path.")


def _public(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    wrapper.csrf_exempt = True  # bearer tokens, never cookies
    return public(wrapper)


def urls():
    patterns, app_name, namespace = api.urls
    wrapped = [
        URLPattern(
            p.pattern,
            # django-ninja's index of its docs (off here): the FHIR base answers for itself.
            _public(
                _unknown_path
                if p.name == "api-root"
                else require_GET(p.callback)
                if p.name == "openapi-json"
                else p.callback
            ),
            p.default_args,
            p.name,
        )
        for p in patterns
        if isinstance(p, URLPattern)
    ]
    wrapped.append(re_path(r"^.*$", _public(_unknown_path), name="not-found"))
    return wrapped, app_name, namespace


# The plain views beside the API (namespace "fhir"): the token endpoint and SMART configuration.


@public
@require_GET
def smart_configuration(request):
    token_url = request.build_absolute_uri(reverse("fhir:token"))
    return JsonResponse(
        {
            "issuer": base_url(request),
            "token_endpoint": token_url,
            "grant_types_supported": ["client_credentials"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "scopes_supported": sorted(
                {f"system/{t}.rs" for t in R.SERVED_TYPES} | {"system/ServiceRequest.c"}
            ),
            "capabilities": ["client-confidential-symmetric"],
        }
    )
