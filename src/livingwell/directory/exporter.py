"""Writing the directory out as ORUK JSON and as the HSDS tabular datapackage.

`export(folder)` writes:
- services.json: an array of fully nested services (as GET /services/{id} serves them);
- taxonomies.json: an array of taxonomies with their terms;
- datapackage/: datapackage.json and one CSV per HSDS table.
Either re-imports with `livingwell directory import`.
"""

from __future__ import annotations

import csv
import json
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from livingwell.directory import oruk
from livingwell.directory.models import Attribute, LinkEntity, Service, Taxonomy
from livingwell.directory.tables import TABLES
from livingwell.directory.validators import published


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _value(obj, name: str):
    field = obj._meta.get_field(name)
    return published(field, getattr(obj, field.attname))


def _rows_for(table, services):
    """The rows of one table that belong to the exported services."""
    m = table.model
    service_ids = [s.id for s in services]
    org_ids = {s.organization_id for s in services}
    qs = m.objects.all()
    name = table.name
    if name == "organization":
        qs = qs.filter(id__in=org_ids)
    elif name == "organization_identifier":
        qs = qs.filter(organization_id__in=org_ids)
    elif name == "service":
        qs = qs.filter(id__in=service_ids)
    elif name in {"service_at_location", "service_area", "cost_option", "contact"}:
        qs = qs.filter(service_id__in=service_ids)
    elif name == "location":
        qs = qs.filter(service_at_locations__service_id__in=service_ids).distinct()
    elif name in {"address", "accessibility"}:
        qs = qs.filter(location__service_at_locations__service_id__in=service_ids).distinct()
    elif name == "schedule":
        qs = qs.filter(service_id__in=service_ids) | qs.filter(
            service_at_location__service_id__in=service_ids
        )
    elif name == "phone":
        qs = (
            qs.filter(service_id__in=service_ids)
            | qs.filter(contact__service_id__in=service_ids)
            | qs.filter(location__service_at_locations__service_id__in=service_ids)
        ).distinct()
    elif name == "language":
        qs = (
            qs.filter(service_id__in=service_ids)
            | qs.filter(phone__service_id__in=service_ids)
            | qs.filter(phone__contact__service_id__in=service_ids)
        )
        qs = qs.distinct()
    elif name == "funding":
        qs = qs.filter(service_id__in=service_ids) | qs.filter(organization_id__in=org_ids)
    elif name == "attribute":
        qs = qs.filter(link_entity=LinkEntity.SERVICE, link_id__in=service_ids)
    return qs.order_by("pk")


def export(folder: str | Path, *, include_private: bool = False) -> dict[str, int]:
    out = Path(folder)
    (out / "datapackage").mkdir(parents=True, exist_ok=True)
    services = list(
        oruk.full_services_queryset()
        .filter(**({} if include_private else {"is_public": True}))
        .order_by("name", "id")
    )
    attrs = oruk.attributes_for(LinkEntity.SERVICE, [s.id for s in services])
    full = [oruk.service(s, full=True, attrs=attrs) for s in services]
    (out / "services.json").write_text(json.dumps(full, indent=2, ensure_ascii=False) + "\n")
    taxonomies = [oruk.taxonomy(t, with_terms=True) for t in Taxonomy.objects.order_by("name")]
    (out / "taxonomies.json").write_text(
        json.dumps(taxonomies, indent=2, ensure_ascii=False) + "\n"
    )

    counts: dict[str, int] = {}
    resources = []
    for table in TABLES:
        if table.name in {"taxonomy", "taxonomy_term"}:
            qs = table.model.objects.order_by("pk")
        else:
            qs = _rows_for(table, services)
        path = out / "datapackage" / table.path
        n = 0
        with open(path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(table.columns)
            for obj in qs.iterator():
                writer.writerow([_cell(_value(obj, table.field_for(c))) for c in table.columns])
                n += 1
        counts[table.name] = n
        resources.append({"name": table.name, "path": table.path, "format": "csv"})
    (out / "datapackage" / "datapackage.json").write_text(
        json.dumps(
            {
                "name": "livingwell-directory",
                "profile": "tabular-data-package",
                "resources": resources,
            },
            indent=2,
        )
        + "\n"
    )
    return counts


__all__ = ["export", "Attribute", "Service"]
