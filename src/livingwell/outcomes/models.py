"""Stored measure responses, self-completion links, licensed wording, schedules, the framework.

Scores stored here (total, band, subscales, metric) are always computed from the answers by
``livingwell.outcomes.records.computed_fields``; nobody types them in.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from livingwell.outcomes.definitions import MEASURES, get_definition

MEASURE_CHOICES = [(code, get_definition(code).title) for code in MEASURES]


class Source(models.TextChoices):
    WORKER = "worker", _("With a worker")
    SELF_LINK = "self_link", _("By the person, through a link")
    PAPER = "paper", _("Paper form, entered later")


class Occasion(models.TextChoices):
    BASELINE = "baseline", _("Baseline (start of support)")
    REVIEW = "review", _("Review")
    CLOSURE = "closure", _("Closure (end of support)")
    OTHER = "other", _("Other")


class ResponseLink(models.Model):
    """A single-use, expiring link for a person to complete one measure on their own device.

    Only a SHA-256 hash of the token is stored; the URL carries the token and nothing else.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    token_hash = models.CharField(max_length=64, unique=True)
    measure = models.CharField(max_length=20, choices=MEASURE_CHOICES)
    occasion = models.CharField(max_length=10, choices=Occasion.choices, default=Occasion.OTHER)
    introduction = models.ForeignKey(
        "intake.Introduction", on_delete=models.PROTECT, related_name="measure_links"
    )
    created_at = models.DateTimeField()
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # Set when a newer link for the same measure and occasion was sent: a person's outstanding
    # link is always the latest one, so an older message cannot store a second baseline.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # How it was sent ("email" or "sms"); never the address itself.
    channel = models.CharField(max_length=10, blank=True)
    # The message that carried it: its status (delivered, failed and why) shows on the outcomes
    # page. Links made before messages were kept have none.
    message = models.ForeignKey(
        "notifications.Message", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["introduction", "created_at"])]

    def __str__(self) -> str:
        return f"{self.measure} link"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def is_used(self) -> bool:
        return self.used_at is not None


class MeasureResponse(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    introduction = models.ForeignKey(
        "intake.Introduction", on_delete=models.PROTECT, related_name="measure_responses"
    )
    measure = models.CharField(max_length=20, choices=MEASURE_CHOICES)
    # linkId -> item score, exactly as scored (answered items only).
    answers = models.JSONField()
    # The day the person completed it: a paper form keeps its own date.
    completed_at = models.DateField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    occasion = models.CharField(max_length=10, choices=Occasion.choices)
    # GBO: linkId "1".."3" -> the key of the plan goal rated (hub PlanVersion.goals[].key).
    goal_keys = models.JSONField(default=dict, blank=True)
    link = models.OneToOneField(
        ResponseLink, null=True, blank=True, on_delete=models.PROTECT, related_name="response"
    )

    # Computed from the answers by records.computed_fields(); stored for querying.
    total = models.FloatField(null=True, blank=True)
    band = models.CharField(max_length=40, blank=True)
    subscales = models.JSONField(default=dict, blank=True)
    metric = models.FloatField(null=True, blank=True)
    clinical = models.BooleanField(null=True, blank=True)
    prorated = models.BooleanField(default=False)

    class Meta:
        ordering = ["completed_at", "recorded_at"]
        indexes = [
            models.Index(fields=["introduction", "measure", "completed_at"]),
            models.Index(fields=["measure", "completed_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source="self_link") | Q(link__isnull=False),
                name="measure_response_link_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.completed_at}"

    @property
    def definition(self):
        return get_definition(self.measure)


class ItemWording(models.Model):
    """Licensed item wording a site imported (``livingwell measures import-wording``)."""

    measure = models.CharField(max_length=20, choices=MEASURE_CHOICES)
    link_id = models.CharField(max_length=10)
    text = models.TextField()
    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["measure", "id"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "link_id"], name="item_wording_unique")
        ]

    def __str__(self) -> str:
        return f"{self.measure} item {self.link_id}"


class MeasureSchedule(models.Model):
    """When the site collects a measure: at baseline, every N weeks in support, at closure."""

    measure = models.CharField(max_length=20, choices=MEASURE_CHOICES, unique=True)
    at_baseline = models.BooleanField(_("at the first conversation"), default=True)
    review_every_weeks = models.PositiveSmallIntegerField(
        _("review every (weeks)"), null=True, blank=True, default=12
    )
    at_closure = models.BooleanField(_("at closure"), default=True)
    grace_days = models.PositiveSmallIntegerField(
        _("days after the due date before it shows as overdue"), default=14
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["measure"]

    def __str__(self) -> str:
        return f"{self.measure} schedule"


class OutcomeFrameworkVersion(models.Model):
    """One saved version of the site's outcome framework. Versions are only ever added.

    ``outcomes`` is a list of
    ``{"key", "title", "i_statements": [str], "measures": [code], "dialog_domains": [linkId],
    "goals": bool}``.
    """

    version = models.PositiveIntegerField(unique=True)
    outcomes = models.JSONField()
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"Outcome framework v{self.version}"


class MeasureDue(models.Model):
    """When each scheduled measure is next due for an introduction, kept by outcomes.due.

    One row per introduction and measure that has a next due date under the site's schedule
    (the rules of outcomes.queries.due_measures); the row may be due in the future. A measure is
    due once ``due_on`` is today or earlier, overdue once today is after ``overdue_after``, and a
    closure measure is no longer asked for after ``until``. The huddle board reads this table
    instead of working the schedule out for every open introduction on every load.
    """

    introduction = models.ForeignKey(
        "intake.Introduction", on_delete=models.CASCADE, related_name="measures_due"
    )
    measure = models.CharField(max_length=20, choices=MEASURE_CHOICES)
    occasion = models.CharField(max_length=10, choices=Occasion.choices)
    # True for a closure measure (its introduction is closed); the board lists open work only.
    closing = models.BooleanField(default=False)
    due_on = models.DateField()
    overdue_after = models.DateField()  # due_on + the schedule's grace days
    until = models.DateTimeField(null=True, blank=True)  # end of the closure window

    class Meta:
        ordering = ["overdue_after", "due_on"]
        constraints = [
            models.UniqueConstraint(fields=["introduction", "measure"], name="measure_due_unique")
        ]
        indexes = [
            # The board: overdue first (overdue_after in the past), then by due date, and the
            # section's count (due_on up to today).
            models.Index(
                fields=["closing", "overdue_after", "due_on", "id"], name="measure_due_order"
            ),
            models.Index(fields=["closing", "due_on"], name="measure_due_count"),
            models.Index(fields=["until"], name="measure_due_until"),
            # The same order and count over open work only (closing false), partial: "not
            # closing" is no equality on a leading column for SQLite, which otherwise skips
            # through both halves of the index or starts from the introductions and sorts.
            models.Index(
                fields=["overdue_after", "due_on", "id"],
                condition=Q(closing=False),
                name="measure_due_open_order",
            ),
            models.Index(
                fields=["due_on", "introduction"],
                condition=Q(closing=False),
                name="measure_due_open_count",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} due {self.due_on}"
