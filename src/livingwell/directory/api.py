"""The public, read-only Open Referral UK API (HSDS 3.0, UK profile) under /api/oruk/.

- No key, no cookies needed, `Access-Control-Allow-Origin: *` on every response (errors too).
- Only services marked public, and nothing about people, ever.
- A parameter that cannot be understood gets a 400 with a JSON `detail`, never a 500.
- Throttled per client address (django-ninja's AnonRateThrottle, counting in the cache every
  worker shares, with the address as the trusted proxy gives it; rate from LIVINGWELL_ORUK_RATE,
  default 600 requests a minute).
- Our own OpenAPI document is at /api/oruk/openapi.json; its response schemas point at the
  ORUK profile's published JSON Schemas.
"""

from __future__ import annotations

import math
import uuid
from datetime import datetime, time
from functools import wraps

from django.http import Http404, JsonResponse
from django.urls import URLPattern, re_path, reverse
from ninja import NinjaAPI, Query, Schema
from ninja.errors import HttpError, ValidationError
from ninja.throttling import AnonRateThrottle
from pydantic import Field

from livingwell.core.client_address import client_address
from livingwell.directory import oruk
from livingwell.directory.models import (
    Organization,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from livingwell.directory.queries import (
    QueryError,
    centroid,
    filter_services,
    locations_near,
    outcode,
    parse_day,
    public_services,
)
from livingwell.env import env_str

HSDS_VERSION = "HSDS-UK-3.0"
PROFILE_URL = "https://github.com/openreferral/uk-profile"
SCHEMA_BASE = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/"
MAX_PER_PAGE = 100
CORS = {"Access-Control-Allow-Origin": "*"}


class ClientAddressThrottle(AnonRateThrottle):
    """Per client address as core/client_address.py reads it: django-ninja's own reading takes
    X-Forwarded-For as the client sends it, so any client could start a new count at will."""

    def get_ident(self, request):
        return client_address(request)


class OrukAPI(NinjaAPI):
    def create_response(self, request, data, *, status=None, temporal_response=None):
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        response["Access-Control-Allow-Origin"] = "*"
        return response

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return _point_at_oruk_schemas(schema)


api = OrukAPI(
    title="Living Well directory: Open Referral UK API",
    version="3.0",
    description=(
        "The community support directory, published to the Open Referral UK profile of HSDS 3.0. "
        "Public and read-only."
    ),
    urls_namespace="oruk-api",
    docs_url=None,  # the interactive docs page needs scripts our CSP does not allow
    throttle=[ClientAddressThrottle(env_str("LIVINGWELL_ORUK_RATE", "600/m"))],
)


class Error(Schema):
    detail: str


@api.exception_handler(ValidationError)
def _bad_params(request, exc: ValidationError):
    problems = []
    for err in exc.errors:
        loc = [str(x) for x in err.get("loc", ()) if x not in ("query", "path")]
        problems.append(f"{'.'.join(loc) or 'parameter'}: {err.get('msg', 'invalid')}")
    return api.create_response(request, {"detail": "; ".join(problems)}, status=400)


@api.exception_handler(QueryError)
def _query_error(request, exc: QueryError):
    return api.create_response(request, {"detail": str(exc)}, status=400)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"detail": "Not found."}, status=404)


# --- Parameters -------------------------------------------------------------------------------


class PageParams(Schema):
    page: int = Field(1, ge=1, le=1_000_000, description="Page number, from 1.")
    per_page: int = Field(50, ge=1, le=MAX_PER_PAGE, description="Results per page, 1 to 100.")


class ServiceParams(PageParams):
    search: str | None = Field(None, max_length=200, description="Free text search.")
    taxonomy_term_id: uuid.UUID | None = None
    taxonomy_id: uuid.UUID | None = None
    organization_id: uuid.UUID | None = None
    minimum_age: float | None = Field(None, ge=0, le=150)
    maximum_age: float | None = Field(None, ge=0, le=150)
    start_time: time | None = None
    end_time: time | None = None
    day: str | None = Field(None, max_length=10, description="MO..SU or a day name.")
    modified_after: datetime | None = None
    postcode: str | None = Field(None, max_length=10)
    proximity: float | None = Field(
        None, gt=0, le=200_000, description="Metres from the postcode district's centre."
    )


class TermParams(PageParams):
    taxonomy_id: uuid.UUID | None = None
    parent_id: uuid.UUID | None = None
    top_only: bool = False
    search: str | None = Field(None, max_length=200)


class OrganizationParams(PageParams):
    search: str | None = Field(None, max_length=200)


def page_of(items, total: int, params: PageParams, render) -> dict:
    total_pages = math.ceil(total / params.per_page) if total else 0
    contents = [render(x) for x in items]
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": params.page,
        "size": len(contents),
        "first_page": params.page == 1,
        "last_page": params.page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def _slice(qs, params: PageParams):
    start = (params.page - 1) * params.per_page
    return qs[start : start + params.per_page]


def _filtered_services(p: ServiceParams):
    day = parse_day(p.day) if p.day else None
    qs = filter_services(
        public_services(),
        search=p.search,
        taxonomy_term_ids=[p.taxonomy_term_id] if p.taxonomy_term_id else None,
        taxonomy_id=p.taxonomy_id,
        organization_id=p.organization_id,
        minimum_age=p.minimum_age,
        maximum_age=p.maximum_age,
        start_time=p.start_time,
        end_time=p.end_time,
        day=day,
        modified_after=p.modified_after,
    )
    near = _near(p)
    if near is not None:
        qs = qs.filter(service_at_locations__location_id__in=list(near)).distinct()
    return qs, near


def _near(p: ServiceParams):
    if p.proximity is not None and not p.postcode:
        raise QueryError("proximity: give a postcode as well")
    if not p.postcode:
        return None
    if outcode(p.postcode) is None:
        raise QueryError(f"postcode: {p.postcode!r} is not a UK postcode or postcode district")
    point = centroid(p.postcode)
    if point is None:
        raise QueryError(f"postcode: {outcode(p.postcode)} is not a district this directory knows")
    return locations_near(*point, p.proximity or 5000)


# --- Endpoints --------------------------------------------------------------------------------


@api.get("/", response={200: dict}, summary="About this API", url_name="meta")
def meta(request):
    return {
        "version": HSDS_VERSION,
        "profile": PROFILE_URL,
        "openapi_url": request.build_absolute_uri(reverse("oruk-api:openapi-json")),
    }


@api.get("/services", response={200: dict, 400: Error}, summary="Services (paginated)")
def list_services(request, params: Query[ServiceParams]):
    qs, _near_ = _filtered_services(params)
    total = qs.count()
    items = _slice(qs.select_related("organization").order_by("name", "id"), params)
    return page_of(items, total, params, lambda s: oruk.service(s, full=False))


@api.get("/services/{id}", response={200: dict, 404: Error}, summary="A fully nested service")
def get_service(request, id: str):
    svc = _get(oruk.full_services_queryset().filter(is_public=True), id)
    return oruk.service(svc, full=True)


@api.get("/service_at_locations", response={200: dict, 400: Error}, summary="Services at locations")
def list_service_at_locations(request, params: Query[ServiceParams]):
    services, near = _filtered_services(params)
    qs = ServiceAtLocation.objects.filter(service__in=services)
    if near is not None:
        qs = qs.filter(location_id__in=list(near))
    total = qs.count()
    items = _slice(
        qs.select_related("location", "service__organization").order_by("service__name", "id"),
        params,
    )

    def render(sal):
        data = oruk.service_at_location(sal, full=False)
        data["service"] = oruk.service(sal.service, full=False)
        return data

    return page_of(items, total, params, render)


@api.get(
    "/service_at_locations/{id}",
    response={200: dict, 404: Error},
    summary="A service at a location, fully nested",
)
def get_service_at_location(request, id: str):
    sal = _get(
        ServiceAtLocation.objects.filter(service__is_public=True).select_related(
            "location", "service"
        ),
        id,
    )
    data = oruk.service_at_location(sal, full=True)
    data["service"] = oruk.service(oruk.full_services_queryset().get(id=sal.service_id), full=True)
    return data


def _public_organizations():
    return Organization.objects.filter(services__is_public=True).distinct()


@api.get("/organizations", response={200: dict, 400: Error}, summary="Organisations")
def list_organizations(request, params: Query[OrganizationParams]):
    qs = _public_organizations()
    if params.search:
        qs = qs.filter(name__icontains=params.search)
    total = qs.count()
    return page_of(_slice(qs.order_by("name", "id"), params), total, params, oruk.organization)


@api.get("/organizations/{id}", response={200: dict, 404: Error}, summary="An organisation")
def get_organization(request, id: str):
    org = _get(_public_organizations().prefetch_related("identifiers"), id)
    return oruk.organization(org, full=True)


@api.get("/taxonomies", response={200: dict, 400: Error}, summary="Taxonomies")
def list_taxonomies(request, params: Query[PageParams]):
    qs = Taxonomy.objects.order_by("name", "id")
    return page_of(_slice(qs, params), qs.count(), params, oruk.taxonomy)


@api.get("/taxonomies/{id}", response={200: dict, 404: Error}, summary="A taxonomy")
def get_taxonomy(request, id: str):
    return oruk.taxonomy(_get(Taxonomy.objects.all(), id), with_terms=True)


@api.get("/taxonomy_terms", response={200: dict, 400: Error}, summary="Taxonomy terms")
def list_taxonomy_terms(request, params: Query[TermParams]):
    qs = TaxonomyTerm.objects.select_related("taxonomy").order_by("name", "id")
    if params.taxonomy_id:
        qs = qs.filter(taxonomy_id=params.taxonomy_id)
    if params.parent_id:
        qs = qs.filter(parent_id=params.parent_id)
    if params.top_only:
        qs = qs.filter(parent_id__isnull=True)
    if params.search:
        qs = qs.filter(name__icontains=params.search)
    return page_of(_slice(qs, params), qs.count(), params, oruk.taxonomy_term)


@api.get("/taxonomy_terms/{id}", response={200: dict, 404: Error}, summary="A taxonomy term")
def get_taxonomy_term(request, id: str):
    return oruk.taxonomy_term(_get(TaxonomyTerm.objects.select_related("taxonomy"), id))


def _get(qs, id: str):
    try:
        pk = uuid.UUID(id)
    except ValueError:
        raise HttpError(404, "Not found.") from None
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise HttpError(404, "Not found.")
    return obj


# --- OpenAPI: say which ORUK schema each response conforms to -----------------------------------

_ORUK_RESPONSES = {
    "/services": ("list", "compiled/service_list.json"),
    "/services/{id}": ("one", "compiled/service.json"),
    "/service_at_locations": ("list", "compiled/service_at_location_list.json"),
    "/service_at_locations/{id}": ("one", "compiled/service_at_location.json"),
    "/organizations": ("list", "compiled/organization_list.json"),
    "/organizations/{id}": ("one", "compiled/organization.json"),
    "/taxonomies": ("list", "taxonomy.json"),
    "/taxonomies/{id}": ("one", "taxonomy.json"),
    "/taxonomy_terms": ("list", "taxonomy_term.json"),
    "/taxonomy_terms/{id}": ("one", "taxonomy_term.json"),
}

_PAGE = {
    "type": "object",
    "properties": {
        "total_items": {"type": "integer"},
        "total_pages": {"type": "integer"},
        "page_number": {"type": "integer"},
        "size": {"type": "integer"},
        "first_page": {"type": "boolean"},
        "last_page": {"type": "boolean"},
        "empty": {"type": "boolean"},
    },
}

_META = {
    "type": "object",
    "properties": {
        "version": {"type": "string"},
        "profile": {"type": "string", "format": "uri"},
        "openapi_url": {"type": "string", "format": "uri"},
    },
}


def _point_at_oruk_schemas(schema: dict) -> dict:
    schema.setdefault("components", {}).setdefault("schemas", {})["Page"] = _PAGE
    for raw_path, ops in schema.get("paths", {}).items():
        path = raw_path.split("/api/oruk", 1)[-1].rstrip("/") or "/"
        op = ops.get("get")
        if op is None:
            continue
        content = op.get("responses", {}).get(200, op.get("responses", {}).get("200"))
        if content is None:
            continue
        if path == "/":
            body = _META
        elif path in _ORUK_RESPONSES:
            kind, file = _ORUK_RESPONSES[path]
            ref = {"$ref": SCHEMA_BASE + file}
            if kind == "one":
                body = ref
            else:
                body = {
                    "allOf": [{"$ref": "#/components/schemas/Page"}],
                    "properties": {"contents": {"type": "array", "items": ref}},
                }
        else:
            continue
        content["content"] = {"application/json": {"schema": body}}
    return schema


# --- URLs: every pattern public, CORS even on errors, JSON 404 for unknown paths ---------------


def _public_cors(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        for k, v in CORS.items():
            response[k] = v
        return response

    wrapper.access_policy = "public"
    wrapper.csrf_exempt = True
    return wrapper


def _unknown_path(request, *args, **kwargs):
    return JsonResponse({"detail": "Not found."}, status=404)


def urls():
    patterns, app_name, namespace = api.urls
    wrapped = [
        URLPattern(p.pattern, _public_cors(p.callback), p.default_args, p.name)
        if isinstance(p, URLPattern)
        else p
        for p in patterns
    ]
    wrapped.append(re_path(r"^.*$", _public_cors(_unknown_path), name="not-found"))
    return wrapped, app_name, namespace
