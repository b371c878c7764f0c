"""Directory records as Open Referral UK (HSDS 3.0) JSON.

One mapping, used by the API, the export and the round-trip tests. Empty values are left out
rather than sent as null or "" (the ORUK schemas type most fields as plain strings). The network's
own fields (accepting introductions, wait, owner, last checked) are never published, nor is an
address that fails the directory's rule for addresses (`validators.py`).
"""

from __future__ import annotations

from django.db.models import Prefetch

from livingwell.directory.models import (
    Attribute,
    LinkEntity,
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from livingwell.directory.validators import email_address, web_address


def _clean(d: dict) -> dict:
    return {k: v for k, v in d.items() if v is not None and v != ""}


def _iso(value):
    return value.isoformat() if value is not None else None


def _time(value):
    return value.strftime("%H:%M:%S") if value is not None else None


def _uuid(value):
    return str(value) if value is not None else None


def taxonomy_term(term: TaxonomyTerm) -> dict:
    return _clean(
        {
            "id": str(term.id),
            "code": term.code,
            "name": term.name,
            "description": term.description or term.name,
            "parent_id": _uuid(term.parent_id),
            "taxonomy": term.taxonomy_name or (term.taxonomy.name if term.taxonomy_id else ""),
            "taxonomy_id": _uuid(term.taxonomy_id),
            "term_uri": web_address(term.term_uri),
            "term": term.term,
        }
    )


def taxonomy(tax: Taxonomy, *, with_terms: bool = False) -> dict:
    data = _clean(
        {
            "id": str(tax.id),
            "name": tax.name,
            "description": tax.description or tax.name,
            "uri": web_address(tax.uri),
            "version": tax.version,
        }
    )
    if with_terms:
        data["taxonomy_terms"] = [taxonomy_term(t) for t in tax.terms.all()]
    return data


def attribute(attr: Attribute) -> dict:
    return _clean(
        {
            "id": str(attr.id),
            "link_id": str(attr.link_id),
            "link_type": attr.link_type,
            "link_entity": attr.link_entity,
            "taxonomy_term_id": str(attr.taxonomy_term_id),
            "value": attr.value,
            "taxonomy_term": taxonomy_term(attr.taxonomy_term),
        }
    )


def attributes_for(entity: str, ids) -> dict:
    """{link_id: [attribute dict, ...]} for many records in one query."""
    out: dict = {}
    rows = Attribute.objects.filter(link_entity=entity, link_id__in=list(ids)).select_related(
        "taxonomy_term__taxonomy"
    )
    for attr in rows.order_by("taxonomy_term__name", "id"):
        out.setdefault(attr.link_id, []).append(attribute(attr))
    return out


def organization(org: Organization, *, full: bool = False, services=None) -> dict:
    data = _clean(
        {
            "id": str(org.id),
            "name": org.name,
            "alternate_name": org.alternate_name,
            "description": org.description or org.name,
            "email": email_address(org.email),
            "website": web_address(org.website),
            "logo": web_address(org.logo),
            "uri": web_address(org.uri),
            "parent_organization_id": _uuid(org.parent_organization_id),
        }
    )
    if full:
        data["organization_identifiers"] = [
            _clean(
                {
                    "id": str(i.id),
                    "organization_id": str(org.id),
                    "identifier_scheme": i.identifier_scheme,
                    "identifier_type": i.identifier_type,
                    "identifier": i.identifier,
                }
            )
            for i in org.identifiers.all()
        ]
        if services is None:
            services = full_services_queryset().filter(organization=org, is_public=True)
        attrs = attributes_for(LinkEntity.SERVICE, [s.id for s in services])
        data["services"] = [
            service(s, full=True, with_organization=False, attrs=attrs) for s in services
        ]
    return data


def address(a) -> dict:
    return _clean(
        {
            "id": str(a.id),
            "location_id": str(a.location_id),
            "attention": a.attention,
            "address_1": a.address_1,
            "address_2": a.address_2,
            "city": a.city,
            "region": a.region,
            "state_province": a.state_province,
            "postal_code": a.postal_code,
            "country": a.country,
            "address_type": a.address_type,
        }
    )


def location(loc: Location, *, full: bool = False) -> dict:
    data = _clean(
        {
            "id": str(loc.id),
            "location_type": loc.location_type,
            "name": loc.name,
            "description": loc.description,
            "latitude": loc.latitude,
            "longitude": loc.longitude,
            "external_identifier": loc.external_identifier,
            "external_identifier_type": loc.external_identifier_type,
        }
    )
    if full:
        data["addresses"] = [address(a) for a in loc.addresses.all()]
        data["accessibility"] = [
            _clean(
                {
                    "id": str(x.id),
                    "location_id": str(loc.id),
                    "description": x.description,
                    "details": x.details,
                    "url": web_address(x.url),
                }
            )
            for x in loc.accessibility.all()
        ]
        data["phones"] = [phone(p) for p in loc.phones.all()]
    return data


def phone(p) -> dict:
    return _clean(
        {
            "id": str(p.id),
            "contact_id": _uuid(p.contact_id),
            "service_id": _uuid(p.service_id),
            "location_id": _uuid(p.location_id),
            "number": p.number,
            "extension": p.extension,
            "type": p.type,
            "description": p.description,
            "languages": [language(x) for x in p.languages.all()],
        }
    )


def language(x) -> dict:
    return _clean(
        {
            "id": str(x.id),
            "service_id": _uuid(x.service_id),
            "phone_id": _uuid(x.phone_id),
            "name": x.name,
            "code": x.code,
            "note": x.note,
        }
    )


def schedule(s) -> dict:
    return _clean(
        {
            "id": str(s.id),
            "service_id": _uuid(s.service_id),
            "service_at_location_id": _uuid(s.service_at_location_id),
            "valid_from": _iso(s.valid_from),
            "valid_to": _iso(s.valid_to),
            "dtstart": _iso(s.dtstart),
            "freq": s.freq,
            "interval": s.interval,
            "byday": s.byday,
            "bymonthday": s.bymonthday,
            "description": s.description,
            "opens_at": _time(s.opens_at),
            "closes_at": _time(s.closes_at),
            "schedule_link": web_address(s.schedule_link),
            "attending_type": s.attending_type,
            "notes": s.notes,
        }
    )


def service_at_location(sal: ServiceAtLocation, *, full: bool = True) -> dict:
    data = _clean(
        {
            "id": str(sal.id),
            "service_id": str(sal.service_id),
            "location_id": str(sal.location_id),
            "description": sal.description,
            "location": location(sal.location, full=full),
        }
    )
    if full:
        data["schedules"] = [schedule(s) for s in sal.schedules.all()]
    return data


def service(
    svc: Service, *, full: bool = True, with_organization: bool = True, attrs: dict | None = None
) -> dict:
    data = _clean(
        {
            "id": str(svc.id),
            "organization_id": str(svc.organization_id),
            "name": svc.name,
            "alternate_name": svc.alternate_name,
            "description": svc.description,
            "url": web_address(svc.url),
            "email": email_address(svc.email),
            "status": svc.status,
            "fees": svc.fees,
            "accreditations": svc.accreditations,
            "minimum_age": svc.minimum_age,
            "maximum_age": svc.maximum_age,
            "assured_date": _iso(svc.assured_date),
            "assurer_email": email_address(svc.assurer_email),
            "alert": svc.alert,
            "last_modified": svc.last_modified.isoformat().replace("+00:00", "Z"),
        }
    )
    if with_organization:
        data["organization"] = organization(svc.organization)
    if not full:
        return data
    data["schedules"] = [schedule(s) for s in svc.schedules.all()]
    data["service_areas"] = [
        _clean(
            {
                "id": str(a.id),
                "service_id": str(svc.id),
                "name": a.name,
                "service_area": a.description,
                "extent": a.extent,
                "extent_type": a.extent_type,
                "uri": web_address(a.uri),
            }
        )
        for a in svc.service_areas.all()
    ]
    data["service_at_locations"] = [service_at_location(x) for x in svc.service_at_locations.all()]
    data["languages"] = [language(x) for x in svc.languages.all()]
    data["funding"] = [
        _clean({"id": str(f.id), "service_id": str(svc.id), "source": f.source})
        for f in svc.funding.all()
    ]
    data["cost_options"] = [
        _clean(
            {
                "id": str(c.id),
                "service_id": str(svc.id),
                "valid_from": _iso(c.valid_from),
                "valid_to": _iso(c.valid_to),
                "option": c.option,
                "amount": float(c.amount) if c.amount is not None else None,
                "amount_description": c.amount_description,
            }
        )
        for c in svc.cost_options.all()
    ]
    data["contacts"] = [
        _clean(
            {
                "id": str(c.id),
                "service_id": str(svc.id),
                "name": c.name,
                "title": c.title,
                "department": c.department,
                "email": email_address(c.email),
                "phones": [phone(p) for p in c.phones.all()],
            }
        )
        for c in svc.contacts.all()
    ]
    data["phones"] = [phone(p) for p in svc.phones.all()]
    if attrs is None:
        attrs = attributes_for(LinkEntity.SERVICE, [svc.id])
    data["attributes"] = attrs.get(svc.id, [])
    return data


def full_services_queryset():
    sal = ServiceAtLocation.objects.select_related("location").prefetch_related(
        "location__addresses", "location__accessibility", "location__phones__languages", "schedules"
    )
    return Service.objects.select_related("organization").prefetch_related(
        "schedules",
        "service_areas",
        Prefetch("service_at_locations", queryset=sal),
        "languages",
        "funding",
        "cost_options",
        "contacts__phones__languages",
        "phones__languages",
    )


def service_at_location_full(sal: ServiceAtLocation) -> dict:
    """A service at a location, nested the ORUK way: the location and its service."""
    data = service_at_location(sal, full=True)
    data["service"] = service(sal.service, full=True)
    return data
