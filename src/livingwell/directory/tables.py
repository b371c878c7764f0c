"""The HSDS tables: their CSV file names, columns, models and the order they load in.

Shared by the importer (ORUK JSON and tabular datapackage) and the exporter, so that what is
written is exactly what is read back.
"""

from __future__ import annotations

from dataclasses import dataclass

from livingwell.directory import models as m


@dataclass(frozen=True)
class Table:
    name: str
    path: str  # the datapackage file name
    model: type
    columns: tuple[str, ...]
    # ORUK column → model field, where they differ
    renames: tuple[tuple[str, str], ...] = ()

    def field_for(self, column: str) -> str:
        return dict(self.renames).get(column, column)

    def column_for(self, field: str) -> str:
        return {v: k for k, v in self.renames}.get(field, field)


# In load order: a row's references are loaded before it.
TABLES: tuple[Table, ...] = (
    Table(
        "organization",
        "organizations.csv",
        m.Organization,
        (
            "id",
            "name",
            "alternate_name",
            "description",
            "email",
            "website",
            "logo",
            "uri",
            "parent_organization_id",
        ),
    ),
    Table(
        "organization_identifier",
        "organization_identifiers.csv",
        m.OrganizationIdentifier,
        ("id", "organization_id", "identifier_scheme", "identifier_type", "identifier"),
    ),
    Table(
        "taxonomy",
        "taxonomies.csv",
        m.Taxonomy,
        ("id", "name", "description", "uri", "version"),
    ),
    Table(
        "taxonomy_term",
        "taxonomy_terms.csv",
        m.TaxonomyTerm,
        (
            "id",
            "code",
            "name",
            "description",
            "parent_id",
            "taxonomy",
            "taxonomy_id",
            "term_uri",
            "term",
        ),
        renames=(("taxonomy", "taxonomy_name"),),
    ),
    Table(
        "service",
        "services.csv",
        m.Service,
        (
            "id",
            "organization_id",
            "name",
            "alternate_name",
            "description",
            "url",
            "email",
            "status",
            "fees",
            "accreditations",
            "minimum_age",
            "maximum_age",
            "assured_date",
            "assurer_email",
            "alert",
            "last_modified",
        ),
    ),
    Table(
        "location",
        "locations.csv",
        m.Location,
        (
            "id",
            "location_type",
            "organization_id",
            "name",
            "description",
            "latitude",
            "longitude",
            "external_identifier",
            "external_identifier_type",
        ),
    ),
    Table(
        "address",
        "address.csv",
        m.Address,
        (
            "id",
            "location_id",
            "attention",
            "address_1",
            "address_2",
            "city",
            "region",
            "state_province",
            "postal_code",
            "country",
            "address_type",
        ),
    ),
    Table(
        "accessibility",
        "accessibility.csv",
        m.Accessibility,
        ("id", "location_id", "description", "details", "url"),
    ),
    Table(
        "service_at_location",
        "service_at_location.csv",
        m.ServiceAtLocation,
        ("id", "service_id", "location_id", "description"),
    ),
    Table(
        "schedule",
        "schedule.csv",
        m.Schedule,
        (
            "id",
            "service_id",
            "service_at_location_id",
            "valid_from",
            "valid_to",
            "dtstart",
            "freq",
            "interval",
            "byday",
            "bymonthday",
            "description",
            "opens_at",
            "closes_at",
            "schedule_link",
            "attending_type",
            "notes",
        ),
    ),
    Table(
        "service_area",
        "service_areas.csv",
        m.ServiceArea,
        ("id", "service_id", "name", "service_area", "extent", "extent_type", "uri"),
        renames=(("service_area", "description"),),
    ),
    Table(
        "contact",
        "contacts.csv",
        m.Contact,
        ("id", "service_id", "organization_id", "name", "title", "department", "email"),
    ),
    Table(
        "phone",
        "phones.csv",
        m.Phone,
        (
            "id",
            "contact_id",
            "service_id",
            "location_id",
            "number",
            "extension",
            "type",
            "description",
        ),
    ),
    Table(
        "language",
        "languages.csv",
        m.Language,
        ("id", "service_id", "phone_id", "name", "code", "note"),
    ),
    Table(
        "cost_option",
        "cost_options.csv",
        m.CostOption,
        ("id", "service_id", "valid_from", "valid_to", "option", "amount", "amount_description"),
    ),
    Table(
        "funding",
        "funding.csv",
        m.Funding,
        ("id", "service_id", "organization_id", "source"),
    ),
    Table(
        "attribute",
        "attribute.csv",
        m.Attribute,
        ("id", "link_id", "link_entity", "link_type", "taxonomy_term_id", "value"),
    ),
)

BY_NAME = {t.name: t for t in TABLES}
BY_PATH = {t.path: t for t in TABLES}
