"""Audit events (append-only, hash-chained) and break-glass grants."""

import hashlib
import json
import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AuditImmutableError(RuntimeError):
    """Raised when code tries to change or remove an audit event."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditImmutableError("Audit events cannot be updated")

    def delete(self):
        raise AuditImmutableError("Audit events cannot be deleted")

    # bulk_update goes through update(); bulk_create would skip the chain.
    def bulk_create(self, *args, **kwargs):
        raise AuditImmutableError("Audit events are written one at a time through access.audit")


class AuditEvent(models.Model):
    """Who did what to which person's data, when, why, and whether it was allowed.

    Never clinical content: categories and identifiers only.
    """

    class Outcome(models.TextChoices):
        ALLOWED = "allowed", _("Allowed")
        REFUSED = "refused", _("Refused")

    class Severity(models.TextChoices):
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    acting_role = models.CharField(max_length=30, blank=True)
    organisation_name = models.CharField(max_length=200, blank=True)
    person_id = models.UUIDField(null=True, blank=True, db_index=True)
    action = models.CharField(max_length=60)  # e.g. "read", "introduction.create"
    category = models.CharField(max_length=40, blank=True)  # data category, e.g. "record", "plan"
    purpose = models.CharField(max_length=60, blank=True)  # e.g. "direct_care", "break_glass"
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.ALLOWED)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.NORMAL)
    object_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["actor", "at"]), models.Index(fields=["person_id", "at"])]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditImmutableError("Audit events cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditImmutableError("Audit events cannot be deleted")

    def payload(self) -> str:
        """The canonical text that the hash covers."""
        fields = {
            "at": self.at.isoformat(),
            "actor": str(self.actor_id or ""),
            "actor_name": self.actor_name,
            "acting_role": self.acting_role,
            "organisation_name": self.organisation_name,
            "person_id": str(self.person_id or ""),
            "action": self.action,
            "category": self.category,
            "purpose": self.purpose,
            "outcome": self.outcome,
            "severity": self.severity,
            "object_id": self.object_id,
            "detail": self.detail,
        }
        return json.dumps(fields, sort_keys=True, separators=(",", ":"))

    def compute_hash(self) -> str:
        return hashlib.sha256((self.prev_hash + self.payload()).encode()).hexdigest()


class AuditChainHead(models.Model):
    """A single row locked while an event is appended, so the chain never forks."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="auditchainhead_singleton")]


class BreakGlass(models.Model):
    """Emergency access without a legitimate relationship: time-limited and always reviewed."""

    class Review(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROPRIATE = "appropriate", _("Appropriate")
        INAPPROPRIATE = "inappropriate", _("Not appropriate: action taken")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="break_glass")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    started_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    review = models.CharField(max_length=20, choices=Review.choices, default=Review.PENDING)
    reviewed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("started_at")), name="breakglass_expiry"
            ),
            models.CheckConstraint(
                condition=Q(review="pending", reviewed_at__isnull=True)
                | (~Q(review="pending") & Q(reviewed_at__isnull=False)),
                name="breakglass_review_pair",
            ),
        ]


class SharingPreference(models.Model):
    """The person's sharing choice for one organisation, told to the worker who recorded it.

    Rows are only ever added: the newest row for a (person, organisation) pair is the current
    choice and the older rows are its history. With no row, the network's default applies
    (shares out and in, for direct care). A choice that widens access is the person's decision,
    recorded on their behalf by `set_by`, with how they expressed it (see sharing.py).
    """

    class Expressed(models.TextChoices):
        IN_PERSON = "in_person", _("in person")
        PHONE = "phone", _("on the phone")
        VIDEO = "video", _("on a video call")
        IN_WRITING = "in_writing", _("in writing (a letter, email or form they signed)")
        # The person changed it themselves, signed in to their portal (no worker recorded it).
        PORTAL = "portal", _("by the person through the portal")

    id = models.BigAutoField(primary_key=True)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    # What this organisation records may be seen by other organisations in the network.
    share_out = models.BooleanField(_("share out"), default=True)
    # This organisation may see what other organisations recorded.
    share_in = models.BooleanField(_("share in"), default=True)
    # The person has asked for this organisation to be able to open their record.
    open_record = models.BooleanField(_("open the record"), default=False)
    # The choice lets someone see more than the choice before it did.
    widens_access = models.BooleanField(_("widens access"), default=False)
    # How the person told the worker (empty only for rows recorded before this was asked, and
    # for objections, which only narrow).
    expressed = models.CharField(
        _("how the person told the worker"), max_length=20, choices=Expressed.choices, blank=True
    )
    # The worker who recorded the choice on the person's behalf; empty when the person made it
    # themselves through the portal (expressed = "portal").
    set_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    set_at = models.DateTimeField()
    # When and where the person's wishes were given (e.g. "3 March, at the drop-in"): not clinical
    # content.
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["person", "organisation", "id"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(open_record=True, share_in=False), name="sharing_open_needs_share_in"
            ),
            models.CheckConstraint(
                condition=Q(widens_access=False) | ~Q(expressed=""),
                name="sharing_widening_says_how_told",
            ),
            models.CheckConstraint(
                condition=(Q(set_by__isnull=False) & ~Q(expressed="portal"))
                | Q(set_by__isnull=True, expressed="portal"),
                name="sharing_set_by_worker_or_person",
            ),
        ]


class ReviewFields(models.Model):
    """The privacy officer's review of an exceptional access."""

    class Review(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROPRIATE = "appropriate", _("Appropriate")
        INAPPROPRIATE = "inappropriate", _("Not appropriate: action taken")

    review = models.CharField(max_length=20, choices=Review.choices, default=Review.PENDING)
    reviewed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        abstract = True


class SafeguardingOverride(ReviewFields):
    """A worker sets aside the person's sharing objection for a safeguarding reason.

    Time-limited, for that worker and that person only, and always reviewed. It never reveals
    entries restricted to their authoring team.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    started_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("started_at")), name="override_expiry"
            ),
            models.CheckConstraint(
                condition=Q(review="pending", reviewed_at__isnull=True)
                | (~Q(review="pending") & Q(reviewed_at__isnull=False)),
                name="override_review_pair",
            ),
        ]


class ProxyGrant(models.Model):
    """Someone the person trusts (a carer, a relative), named by the person, who may sign in as
    themselves and see the parts of the person's portal the person chose, until a date the
    person chose or until the person revokes it. Rows are kept after they end (the history of
    who could see what). What a proxy may see is decided in relationships.person_relationship.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("their name"), max_length=150)
    # Where their sign-in code goes, and the date of birth they confirm it with.
    phone = models.CharField(_("their mobile phone"), max_length=30, blank=True)
    email = models.EmailField(_("their email"), blank=True)
    date_of_birth = models.DateField(_("their date of birth"))
    # The portal parts (access.person.Part values) the person chose to share with them.
    parts = models.JSONField(default=list)
    started_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("started_at")), name="proxy_grant_ends_after"
            ),
            models.CheckConstraint(
                condition=~Q(phone="", email=""), name="proxy_grant_has_somewhere_to_send"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Withholding(ReviewFields):
    """A worker marked an entry "not for the person's view", with a reason from a fixed list.

    The person sees that something was withheld (and may ask about it), never what; the privacy
    officer reviews every one. `entry` is the kind of entry, `entry_id` its id.
    """

    class Reason(models.TextChoices):
        THIRD_PARTY = "third_party", _("It is information about another person")
        SERIOUS_HARM = (
            "serious_harm",
            _("Seeing it is likely to cause serious harm to the person or someone else"),
        )

    class Entry(models.TextChoices):
        CONTACT = "contact", _("a contact")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    entry = models.CharField(max_length=20, choices=Entry.choices)
    entry_id = models.UUIDField()
    reason = models.CharField(max_length=20, choices=Reason.choices)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "entry_id"], name="withholding_once"),
            models.CheckConstraint(
                condition=Q(review="pending", reviewed_at__isnull=True)
                | (~Q(review="pending") & Q(reviewed_at__isnull=False)),
                name="withholding_review_pair",
            ),
        ]
