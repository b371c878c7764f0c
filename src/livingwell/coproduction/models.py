"""Co-production on the record: involvement activities, the people involved, the decisions they
changed (or did not, and why), and fair payment for their time.

Involved people are their own records. A person who is also supported by the network is never
linked to their care record from here: no model in this app has a relation to people.Person,
nor to anything that has one (a test walks the relations and holds this). Their equality
monitoring is voluntary and counted only through insight's groups and its disclosure control.

Every change goes through ``coproduction.actions`` (audited).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from livingwell.insight.metrics import AGE_BANDS, group_label
from livingwell.people.models import ETHNICITY_CHOICES, Sex


class Ladder(models.IntegerChoices):
    """The ladder of co-production (Think Local Act Personal), bottom to top."""

    COERCION = 1, _("Coercion")
    EDUCATING = 2, _("Educating")
    INFORMING = 3, _("Informing")
    CONSULTATION = 4, _("Consultation")
    ENGAGEMENT = 5, _("Engagement")
    CO_DESIGN = 6, _("Co-design")
    CO_PRODUCTION = 7, _("Co-production")


class InvolvementRole(models.TextChoices):
    LIVED_EXPERIENCE = "lived_experience", _("Lived experience")
    CARER = "carer", _("Carer")
    VOLUNTARY = "voluntary", _("Voluntary organisation")
    COUNCIL = "council", _("Council")
    NHS = "nhs", _("NHS")


# Roles whose involvement is paid: staff of the council, the NHS and voluntary organisations take
# part in their working time (NHS England's PPV policy: salaried staff are not paid again).
PAID_ROLES = frozenset({InvolvementRole.LIVED_EXPERIENCE, InvolvementRole.CARER})

# Insight's age bands and their labels, so involved people are counted in the same groups as
# everyone else on the network's reports.
AGE_BAND_CHOICES = [(band, lazy(group_label, str)("age_band", band)) for band in AGE_BANDS]


class CoproductionSettings(models.Model):
    """One row: what the site sets for co-production."""

    feedback_due_days = models.PositiveSmallIntegerField(
        _("days after a decision within which people are told what it was"), default=28
    )
    benefits_warning_amount = models.DecimalField(
        _("tax-year total at which people are warned that payments may affect benefits"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("1000.00"),
    )
    benefits_advice = models.TextField(
        _("where to get advice about payments and benefits"),
        default=(
            "Before you accept, talk to a benefits adviser: Citizens Advice or your local "
            "welfare rights service can tell you how involvement payments may affect your "
            "benefits. You can also take a lower payment or none."
        ),
    )

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="coprod_settings_singleton")]

    @classmethod
    def current(cls) -> CoproductionSettings:
        row, _created = cls.objects.get_or_create(id=1)
        return row


class RateCard(models.Model):
    """One version of the site's involvement rate card; versions are only ever added."""

    version = models.PositiveIntegerField(unique=True)
    effective_from = models.DateField(unique=True)
    hourly = models.DecimalField(max_digits=7, decimal_places=2)
    half_day = models.DecimalField(max_digits=7, decimal_places=2)
    day = models.DecimalField(max_digits=7, decimal_places=2)
    enhanced_hourly = models.DecimalField(max_digits=7, decimal_places=2)
    enhanced_half_day = models.DecimalField(max_digits=7, decimal_places=2)
    enhanced_day = models.DecimalField(max_digits=7, decimal_places=2)
    half_day_hours = models.DecimalField(max_digits=4, decimal_places=2, default=Decimal("4"))
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"v{self.version} ({self.effective_from:%d %b %Y})"


class InvolvedPerson(models.Model):
    """Someone who takes part in co-production: their own record, never a care record."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    usual_role = models.CharField(_("usual role"), max_length=20, choices=InvolvementRole.choices)
    payroll_reference = models.CharField(_("payroll reference"), max_length=40, blank=True)
    # Voluntary equality monitoring, in insight's groups (blank: not answered).
    ethnicity = models.CharField(max_length=40, choices=ETHNICITY_CHOICES, blank=True)
    age_band = models.CharField(max_length=10, choices=AGE_BAND_CHOICES, blank=True)
    sex = models.CharField(max_length=10, choices=Sex.choices, blank=True)
    gender = models.CharField(max_length=60, blank=True)
    deprivation_decile = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deprivation_decile__isnull=True)
                | Q(deprivation_decile__gte=1, deprivation_decile__lte=10),
                name="involved_decile_range",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Activity(models.Model):
    class Kind(models.TextChoices):
        HUDDLE = "huddle", _("Hub huddle")
        DESIGN_WORKSHOP = "design_workshop", _("Design workshop")
        PANEL = "panel", _("Panel")
        WORKING_GROUP = "working_group", _("Working group")
        RECRUITMENT_PANEL = "recruitment_panel", _("Recruitment panel")

    class Basis(models.TextChoices):
        SESSIONAL = "sessional", _("Half day or day")
        HOURLY = "hourly", _("By the hour")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    purpose = models.TextField(_("purpose"))
    decisions_in_scope = models.TextField(_("decisions in scope"))
    held_on = models.DateField(_("date"))
    hours = models.DecimalField(_("length in hours"), max_digits=4, decimal_places=2)
    intended_level = models.PositiveSmallIntegerField(
        _("level intended beforehand"), choices=Ladder.choices
    )
    # The level achieved, rated afterwards by the participants and by staff, separately.
    participants_level = models.PositiveSmallIntegerField(
        _("level achieved, as the participants rated it"),
        choices=Ladder.choices,
        null=True,
        blank=True,
    )
    staff_level = models.PositiveSmallIntegerField(
        _("level achieved, as staff rated it"), choices=Ladder.choices, null=True, blank=True
    )
    payment_basis = models.CharField(
        _("how involvement is paid"), max_length=10, choices=Basis.choices
    )
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-held_on", "title"]
        indexes = [models.Index(fields=["held_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="activity_hours_range"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    """One involved person at one activity, in one role, and what they are paid for it."""

    class Payment(models.TextChoices):
        NOT_PAID = "not_paid", _("Not paid (taking part in working time)")
        OFFERED = "offered", _("Offered, not yet answered")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="attendances")
    person = models.ForeignKey(InvolvedPerson, on_delete=models.PROTECT, related_name="attendances")
    role = models.CharField(_("role"), max_length=20, choices=InvolvementRole.choices)
    enhanced = models.BooleanField(_("enhanced role (chairing, training, leading)"), default=False)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=2)
    payment = models.CharField(max_length=10, choices=Payment.choices, default=Payment.NOT_PAID)
    rate_card = models.ForeignKey(
        RateCard, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The involvement payment at the rate in force on the day (0 when declined or not paid).
    amount = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("0.00"))
    # The person saw the running total and the benefits warning before they accepted.
    warning_shown = models.BooleanField(default=False)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["person__name"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "person"], name="attendance_once"),
            models.CheckConstraint(
                condition=Q(payment="accepted", rate_card__isnull=False, amount__gt=0)
                | (~Q(payment="accepted") & Q(amount=0)),
                name="attendance_amount_only_when_accepted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} at {self.activity}"


def receipt_storage() -> FileSystemStorage:
    """Receipts live outside every served folder; only the co-production pages hand them out."""
    return FileSystemStorage(location=settings.VAR_DIR / "private" / "receipts")


def receipt_path(instance, filename: str) -> str:
    # Never the uploaded name: a random one, with the extension the upload check allowed.
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"{instance.attendance.activity.held_on:%Y/%m}/{uuid.uuid4().hex}.{extension}"


class Expense(models.Model):
    class Kind(models.TextChoices):
        TRAVEL = "travel", _("Travel")
        CARE = "care", _("Care cover (children or someone you look after)")
        SUBSISTENCE = "subsistence", _("Food and drink")
        OTHER = "other", _("Other")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    attendance = models.ForeignKey(Attendance, on_delete=models.PROTECT, related_name="expenses")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.CharField(_("what it was for"), max_length=200)
    amount = models.DecimalField(_("amount"), max_digits=8, decimal_places=2)
    receipt = models.FileField(storage=receipt_storage, upload_to=receipt_path, max_length=200)
    receipt_name = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="expense_amount_positive")
        ]


class Decision(models.Model):
    """One decision in the log: what people said, and whether and how it changed the decision."""

    class Changed(models.TextChoices):
        CHANGED = "changed", _("You said, we did: it changed the decision")
        NOT_CHANGED = "not_changed", _("We didn't, and why")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FINAL = "final", _("Final")

    class Duty(models.TextChoices):
        APPLIES = "applies", _("Applies")
        DOES_NOT_APPLY = "does_not_apply", _("Does not apply")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="decisions")
    title = models.CharField(_("decision"), max_length=200)
    people_said = models.TextField(_("what people said"))
    changed = models.CharField(_("did it change the decision?"), max_length=12, choices=Changed)
    response = models.TextField(_("what we did, or why we didn't"))
    decided_by = models.CharField(_("who decided"), max_length=200)
    decided_on = models.DateField(_("date decided"))
    feedback_given_on = models.DateField(
        _("date fed back to the people involved"), null=True, blank=True
    )
    # The statutory involvement duty (NHS Act 2006 s14Z45 for ICBs, s242 for trusts): whether it
    # applied, and how it was met (or why it did not apply); required before the decision is final.
    duty = models.CharField(
        _("statutory involvement duty"), max_length=16, choices=Duty, blank=True
    )
    duty_how_met = models.TextField(_("how the duty was met, or why it did not apply"), blank=True)
    status = models.CharField(max_length=8, choices=Status, default=Status.DRAFT)
    public = models.BooleanField(_("publish on 'You said, we did'"), default=False)
    # What changed because of it (all optional): typed references, never foreign keys. A key to
    # a PDSA cycle would be a join path to a care record (cycle -> change idea -> safety action ->
    # learning response -> introduction -> person), and involved people must have none
    # (test_no_link_to_care_records). ``queries.decision_links`` resolves them for the page.
    improvement_project_ref = models.UUIDField(null=True, blank=True)
    pdsa_cycle_ref = models.UUIDField(null=True, blank=True)
    process_change_ref = models.UUIDField(null=True, blank=True)
    directory_service_ref = models.UUIDField(null=True, blank=True)
    outcome_framework_version = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    finalised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-decided_on", "title"]
        constraints = [
            # A final decision has its duty assessment: whether it applied and how it was met.
            models.CheckConstraint(
                condition=Q(status="draft") | (~Q(duty="") & ~Q(duty_how_met="")),
                name="decision_final_needs_duty",
            ),
            models.CheckConstraint(
                condition=Q(status="draft", finalised_at__isnull=True)
                | Q(status="final", finalised_at__isnull=False),
                name="decision_final_pair",
            ),
            # Only a final decision is published.
            models.CheckConstraint(
                condition=Q(public=False) | Q(status="final"), name="decision_public_is_final"
            ),
        ]

    def __str__(self) -> str:
        return self.title
