"""The Hub's work with a person: conversations, tiers, key workers, plans, contacts, handovers."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from livingwell.intake.models import ClosedReason


class Tier(models.Model):
    """A tier of support, configured per site (names and order are the site's own)."""

    slug = models.SlugField(primary_key=True, max_length=40)
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name


class ContactMode(models.TextChoices):
    FACE_TO_FACE = "face_to_face", _("Face to face")
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video")
    TEXT = "text", _("Text or message")


class Conversation(models.Model):
    """The first conversation: the person's story, told once and seen by the whole care team."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    introduction = models.OneToOneField(
        "intake.Introduction", on_delete=models.PROTECT, related_name="first_conversation"
    )
    held_at = models.DateTimeField()
    held_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey("accounts.Team", null=True, on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(max_length=20, choices=ContactMode.choices)
    place = models.CharField(max_length=150, blank=True)
    whats_happening = models.TextField()
    what_matters = models.TextField()
    strengths = models.TextField(blank=True)
    what_they_want = models.TextField(blank=True)
    risks = models.TextField(blank=True)
    safety_plan = models.TextField(blank=True)
    next_step = models.TextField()
    recorded_at = models.DateTimeField()


class Allocation(models.Model):
    """Who is the person's key worker; a transfer ends one allocation and starts another."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    introduction = models.ForeignKey(
        "intake.Introduction", on_delete=models.PROTECT, related_name="allocations"
    )
    key_worker = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="allocations"
    )
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="allocations")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    allocated_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["introduction"],
                condition=Q(ended_at__isnull=True),
                name="one_current_allocation",
            )
        ]
        indexes = [
            # A worker's and a team's current caseload (the board of someone outside the Hub),
            # read from the index alone: the introduction is its last column.
            models.Index(
                fields=["key_worker", "ended_at", "introduction"], name="allocation_worker_current"
            ),
            models.Index(
                fields=["team", "ended_at", "introduction"], name="allocation_team_current"
            ),
        ]


class Episode(models.Model):
    """A period of support in one tier. Stepping up or down ends one and starts the next."""

    class EndReason(models.TextChoices):
        STEPPED_UP = "stepped_up", _("Stepped up")
        STEPPED_DOWN = "stepped_down", _("Stepped down")
        MOVED = "moved", _("Moved to another tier")
        CLOSED = "closed", _("Support closed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    introduction = models.ForeignKey(
        "intake.Introduction", on_delete=models.PROTECT, related_name="episodes"
    )
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="episodes")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    reason_note = models.CharField(max_length=300, blank=True)
    started_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["introduction"],
                condition=Q(ended_at__isnull=True),
                name="one_current_episode",
            ),
            models.CheckConstraint(
                condition=(Q(ended_at__isnull=True) & Q(end_reason=""))
                | (Q(ended_at__isnull=False) & ~Q(end_reason="")),
                name="episode_end_pair",
            ),
        ]


class PlanVersion(models.Model):
    """A version of the co-produced support plan. Versions are never edited, only added."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    introduction = models.ForeignKey(
        "intake.Introduction", on_delete=models.PROTECT, related_name="plan_versions"
    )
    version = models.PositiveIntegerField()
    # [{"key": uuid, "text": "in the person's words"}]; keys stay stable across versions.
    goals = models.JSONField(default=list)
    # [{"what": ..., "who": ..., "by": "YYYY-MM-DD"}]
    actions = models.JSONField(default=list)
    review_date = models.DateField()
    agreed_with_person = models.BooleanField(default=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["version"]
        constraints = [
            models.UniqueConstraint(fields=["introduction", "version"], name="plan_version_unique")
        ]


class Contact(models.Model):
    class Outcome(models.TextChoices):
        ATTENDED = "attended", _("Attended")
        NOT_ATTENDED = "not_attended", _("Did not attend")
        NOT_REACHED = "not_reached", _("Tried to reach, no answer")
        CANCELLED = "cancelled", _("Cancelled")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    introduction = models.ForeignKey(
        "intake.Introduction", on_delete=models.PROTECT, related_name="contacts"
    )
    at = models.DateTimeField()
    by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey("accounts.Team", null=True, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    mode = models.CharField(max_length=20, choices=ContactMode.choices)
    duration_minutes = models.PositiveSmallIntegerField(default=0)
    note = models.TextField(blank=True)
    # Visible only to the authoring team (and invisible to others, including its existence).
    restricted = models.BooleanField(default=False)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["at"]
        indexes = [
            models.Index(fields=["introduction", "at"]),
            models.Index(fields=["at"]),
            # Covers the dashboard's "two attended contacts" access count (read from the index
            # alone). Time after mode, so it never offers contacts in time order: the first
            # contact per introduction keeps using (introduction, at). Created by insight's
            # migration 0007, declared here so that rebuilding this table keeps it.
            models.Index(
                fields=["outcome", "mode", "at", "introduction"],
                name="insight_contact_access_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__lte=1440), name="contact_duration_day"
            )
        ]

    @property
    def is_attended_direct(self) -> bool:
        """Counts towards NHS England's two-attended-contacts access measure."""
        return self.outcome == self.Outcome.ATTENDED and self.mode in {
            ContactMode.FACE_TO_FACE,
            ContactMode.PHONE,
            ContactMode.VIDEO,
        }


class Handover(models.Model):
    """A closed-loop handover: offered, then accepted or declined, started, completed."""

    class State(models.TextChoices):
        OFFERED = "offered", _("Offered, waiting for a reply")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        STARTED = "started", _("Support started")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    introduction = models.ForeignKey(
        "intake.Introduction", on_delete=models.PROTECT, related_name="handovers"
    )
    owner = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="owned_handovers"
    )
    from_team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+")
    to_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="handovers_in"
    )
    service_id = models.UUIDField(null=True, blank=True)  # a directory service, when chosen there
    service_name = models.CharField(max_length=200, blank=True)
    what_is_asked = models.TextField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.OFFERED)
    offered_at = models.DateTimeField()
    reply_due_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decline_reason = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # A declined handover comes back to its owner, and stays on the board until they act on it.
    returned_handled_at = models.DateTimeField(null=True, blank=True)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["offered_at"]
        indexes = [
            # Offers waiting for a reply, oldest first (the board), the key last.
            models.Index(fields=["state", "offered_at", "id"], name="handover_waiting"),
            models.Index(fields=["to_organisation", "state"]),
            # The board's "declined and returned" section: waiting for their owner, oldest first.
            models.Index(
                fields=["state", "returned_handled_at", "responded_at", "id"],
                name="handover_returned",
            ),
            # The same rows, partial: PostgreSQL's statistics cannot see that nearly every
            # declined handover has been handled (it expected thousands waiting, not a handful),
            # and read and sorted every declined handover. An index holding only the waiting
            # ones is read in order and costs it nothing to prefer.
            models.Index(
                fields=["responded_at", "id"],
                condition=Q(state="declined", returned_handled_at__isnull=True),
                name="handover_returned_waiting",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="declined") | ~Q(decline_reason=""),
                name="handover_decline_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["offered", "withdrawn"]) | Q(responded_at__isnull=False),
                name="handover_responded",
            ),
        ]

    @property
    def is_active_for_partner(self) -> bool:
        return self.state in {self.State.ACCEPTED, self.State.STARTED}


class Closure(models.Model):
    """Each time support closed, and whether the person came back through the open door."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    introduction = models.ForeignKey(
        "intake.Introduction", on_delete=models.PROTECT, related_name="closures"
    )
    closed_at = models.DateTimeField()
    reason = models.CharField(max_length=20, choices=ClosedReason.choices)
    note = models.TextField(blank=True)
    closed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    open_door_until = models.DateTimeField()
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["closed_at"]
