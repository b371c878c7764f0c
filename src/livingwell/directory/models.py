"""The directory of community support: the Open Referral UK (HSDS 3.0) model, plus what the
network needs on top of the standard (accepting introductions, typical wait, who takes handovers,
when the listing was last checked).

Table and field names follow HSDS so that import, export and the ORUK API are plain mappings.
Identifiers are UUIDs, kept from the source on import so that a re-import updates in place.
Cross-record references that the standard allows to dangle (a parent organisation or parent term
that the publisher did not include) are stored as bare UUIDs, not foreign keys.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

REVIEW_MONTHS_DEFAULT = 6


class LinkEntity(models.TextChoices):
    SERVICE = "service", _("Service")
    ORGANIZATION = "organization", _("Organisation")
    LOCATION = "location", _("Location")
    SERVICE_AT_LOCATION = "service_at_location", _("Service at location")


class Record(models.Model):
    """An HSDS record: a UUID kept from its publisher."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return getattr(self, "name", "") or str(self.id)


class Organization(Record):
    name = models.CharField(max_length=255)
    alternate_name = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    email = models.CharField(max_length=254, blank=True)
    website = models.CharField(max_length=500, blank=True)
    logo = models.CharField(max_length=500, blank=True)
    uri = models.CharField(max_length=500, blank=True)
    parent_organization_id = models.UUIDField(null=True, blank=True)
    # A network partner: its staff edit this organisation's listings.
    network_organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="directory_organizations",
    )
    last_modified = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganizationIdentifier(Record):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="identifiers"
    )
    identifier_scheme = models.CharField(max_length=100, blank=True)
    identifier_type = models.CharField(max_length=200)
    identifier = models.CharField(max_length=200)


class ServiceQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)


class Service(Record):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")
        DEFUNCT = "defunct", _("Defunct")
        TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="services"
    )
    name = models.CharField(max_length=255)
    alternate_name = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    email = models.CharField(max_length=254, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    fees = models.TextField(blank=True)
    accreditations = models.TextField(blank=True)
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    assured_date = models.DateField(null=True, blank=True)
    assurer_email = models.CharField(max_length=254, blank=True)
    alert = models.TextField(blank=True)
    last_modified = models.DateTimeField(default=timezone.now)

    # --- Beyond the standard: what the network needs ------------------------------------------
    is_public = models.BooleanField(
        _("show in the public directory and the Open Referral API"), default=True
    )
    accepting_introductions = models.BooleanField(_("accepting introductions now"), default=True)
    typical_wait_days = models.PositiveSmallIntegerField(
        _("typical wait (days)"), null=True, blank=True
    )
    capacity_note = models.CharField(_("capacity"), max_length=300, blank=True)
    # The network organisation that owns the listing, edits it and takes handovers for it.
    network_organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="directory_services",
    )
    last_checked = models.DateField(_("listing last checked"), null=True, blank=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["is_public", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minimum_age__isnull=True)
                | models.Q(maximum_age__isnull=True)
                | models.Q(minimum_age__lte=models.F("maximum_age")),
                name="directory_service_age_range",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def ages_in_words(self) -> str:
        """Who the service is for by age, as a person would say it ("16 and over")."""
        lo, hi = self.minimum_age or None, self.maximum_age
        if lo is None and hi is None:
            return str(_("All ages"))
        if hi is None:
            return str(_("%(lo)d and over")) % {"lo": lo}
        if lo is None:
            return str(_("Up to %(hi)d")) % {"hi": hi}
        if lo == hi:
            return str(_("Aged %(lo)d")) % {"lo": lo}
        return str(_("%(lo)d to %(hi)d")) % {"lo": lo, "hi": hi}

    def review_due_on(self, months: int = REVIEW_MONTHS_DEFAULT):
        if self.last_checked is None:
            return None
        return self.last_checked + timedelta(days=round(months * 30.44))

    def is_review_overdue(self, months: int = REVIEW_MONTHS_DEFAULT, today=None) -> bool:
        today = today or timezone.localdate()
        due = self.review_due_on(months)
        return due is None or due < today

    def terms(self):
        return TaxonomyTerm.objects.filter(
            attributes__link_entity=LinkEntity.SERVICE, attributes__link_id=self.id
        ).distinct()


class Funding(Record):
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="funding"
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="funding"
    )
    source = models.TextField(blank=True)


class Location(Record):
    class Type(models.TextChoices):
        PHYSICAL = "physical", _("Physical")
        POSTAL = "postal", _("Postal")
        VIRTUAL = "virtual", _("Virtual")

    location_type = models.CharField(max_length=10, choices=Type.choices, default=Type.PHYSICAL)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="locations"
    )
    name = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    external_identifier = models.CharField(max_length=100, blank=True)
    external_identifier_type = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return self.name or str(self.id)


class Address(Record):
    class Type(models.TextChoices):
        PHYSICAL = "physical", _("Physical")
        POSTAL = "postal", _("Postal")
        VIRTUAL = "virtual", _("Virtual")

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    attention = models.CharField(max_length=255, blank=True)
    address_1 = models.CharField(max_length=255)
    address_2 = models.CharField(max_length=255, blank=True)
    city = models.CharField(max_length=100)
    region = models.CharField(max_length=100, blank=True)
    state_province = models.CharField(max_length=100)
    postal_code = models.CharField(max_length=20)
    country = models.CharField(max_length=2)
    address_type = models.CharField(max_length=10, choices=Type.choices, default=Type.PHYSICAL)


class Accessibility(Record):
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="accessibility")
    description = models.TextField(blank=True)
    details = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)


class ServiceAtLocation(Record):
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="service_at_locations"
    )
    description = models.TextField(blank=True)


class Schedule(Record):
    class Freq(models.TextChoices):
        WEEKLY = "WEEKLY", _("Weekly")
        MONTHLY = "MONTHLY", _("Monthly")

    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    dtstart = models.DateField(null=True, blank=True)
    freq = models.CharField(max_length=10, choices=Freq.choices, blank=True)
    interval = models.PositiveSmallIntegerField(null=True, blank=True)
    byday = models.CharField(max_length=50, blank=True)  # RFC 5545: "MO,TU"
    bymonthday = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True)
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    schedule_link = models.CharField(max_length=500, blank=True)
    attending_type = models.CharField(max_length=255, blank=True)
    notes = models.TextField(blank=True)

    DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

    @property
    def days(self) -> list[str]:
        return [d.strip() for d in self.byday.upper().split(",") if d.strip()]

    @property
    def days_in_words(self) -> str:
        """The days it runs, in words ("Monday, Wednesday, Thursday"), in the week's order."""
        from django.utils.dates import WEEKDAYS

        known = [self.DAYS.index(d) for d in self.days if d in self.DAYS]
        return ", ".join(str(WEEKDAYS[i]) for i in sorted(set(known)))


class ServiceArea(Record):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_areas")
    name = models.TextField(blank=True)
    description = models.TextField(blank=True)  # ORUK's "service_area" free text
    extent = models.TextField(blank=True)
    extent_type = models.CharField(max_length=50, blank=True)
    uri = models.CharField(max_length=500, blank=True)


class Language(Record):
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="languages"
    )
    phone = models.ForeignKey(
        "Phone", null=True, blank=True, on_delete=models.CASCADE, related_name="languages"
    )
    name = models.CharField(max_length=100, blank=True)
    code = models.CharField(max_length=10, blank=True)  # ISO 639
    note = models.TextField(blank=True)


class CostOption(Record):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="cost_options")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    option = models.CharField(max_length=255, blank=True)
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    amount_description = models.CharField(max_length=255, blank=True)


class Contact(Record):
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(max_length=255, blank=True)
    title = models.CharField(max_length=255, blank=True)
    department = models.CharField(max_length=255, blank=True)
    email = models.CharField(max_length=254, blank=True)


class Phone(Record):
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    number = models.CharField(max_length=50)
    extension = models.CharField(max_length=20, blank=True)
    type = models.CharField(max_length=20, blank=True)
    description = models.TextField(blank=True)


class Taxonomy(Record):
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    uri = models.CharField(max_length=500, blank=True)
    version = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "taxonomies"

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(Record):
    code = models.CharField(max_length=100, blank=True)
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    parent_id = models.UUIDField(null=True, blank=True)
    taxonomy = models.ForeignKey(
        Taxonomy, null=True, blank=True, on_delete=models.PROTECT, related_name="terms"
    )
    taxonomy_name = models.CharField(max_length=255, blank=True)  # ORUK's free-text "taxonomy"
    term_uri = models.CharField(max_length=500, blank=True)
    term = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Attribute(Record):
    """Links any record (by entity name and id) to a taxonomy term."""

    link_id = models.UUIDField()
    link_entity = models.CharField(
        max_length=30, choices=LinkEntity.choices, default=LinkEntity.SERVICE
    )
    link_type = models.CharField(max_length=100, blank=True)
    taxonomy_term = models.ForeignKey(
        TaxonomyTerm, on_delete=models.PROTECT, related_name="attributes"
    )
    value = models.CharField(max_length=255, blank=True)

    class Meta:
        indexes = [models.Index(fields=["link_entity", "link_id"])]


class PostcodeDistrict(models.Model):
    """A postcode district's centroid (e.g. "SE11"), imported from a file; never geocoded live."""

    outcode = models.CharField(max_length=4, primary_key=True)
    latitude = models.FloatField()
    longitude = models.FloatField()
    name = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return self.outcode
