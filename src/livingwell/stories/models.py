"""Stories and sensemaking (ADR 0015).

A site's **story collections** ask a prompting question over a reporting period, with Most
Significant Change domains and **signifiers** (triads, dyads, multiple choice) on which the
teller places their own story. A **story** holds what happened and why it matters in the
teller's words; linked to a person, it is person data (the access rules apply, reads are
audited). The **consent ledger** is append-only: the latest entry per story and audience is the
consent in force, read at every rendering (``stories.consent``). **Selection panels** meet per
period and choose the most significant story per domain with their reasons in full sentences;
chosen stories pass up to the next panel; feedback to the tellers and collectors is recorded.

Every change goes through ``stories.actions`` (audited).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _


class Collection(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(max_length=200)
    prompt = models.TextField(help_text=_("The prompting question the teller answers."))
    period_start = models.DateField()
    period_end = models.DateField()
    is_open = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-period_start", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="stories_collection_period_order",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Domain(models.Model):
    """A Most Significant Change domain of change ("any other change" is one too)."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="domains")
    label = models.CharField(max_length=150)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.label


class Signifier(models.Model):
    class Kind(models.TextChoices):
        TRIAD = "triad", _("Triad (three anchors)")
        DYAD = "dyad", _("Dyad (between two poles)")
        CHOICE = "choice", _("Multiple choice")

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="signifiers")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    question = models.CharField(max_length=300)
    # Triad: three anchors (first, second, third); dyad: two poles (0 and 1); choice: options.
    labels = models.JSONField()
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.question


class Source(models.TextChoices):
    PERSON = "person", _("The person")
    CARER = "carer", _("A family member or carer")
    WORKER = "worker", _("A worker")
    PARTNER = "partner", _("Partner organisation staff")


class Channel(models.TextChoices):
    LINK = "link", _("The teller, through a link")
    CONVERSATION = "conversation", _("In a conversation with a worker")
    CLOSURE = "closure", _("At the end of support")
    OTHER = "other", _("Other")


class Story(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    collection = models.ForeignKey(Collection, on_delete=models.PROTECT, related_name="stories")
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="stories")
    title = models.CharField(max_length=150, blank=True)
    what_happened = models.TextField()
    why_it_matters = models.TextField()
    source = models.CharField(max_length=10, choices=Source.choices)
    channel = models.CharField(max_length=15, choices=Channel.choices)
    told_on = models.DateField()
    recorded_at = models.DateTimeField()
    # Who collected it (None: the teller through their link).
    collected_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A story linked to a person is person data: the access rules apply and reads are audited.
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="stories"
    )
    # The team and tier of the person's support when the story was told (for the filters).
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    tier = models.ForeignKey(
        "hub.Tier", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The teller said someone is at risk of harm: the urgent introduction it made (the Hub's).
    risk_disclosed = models.BooleanField(default=False)
    urgent_introduction = models.ForeignKey(
        "intake.Introduction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    names_third_parties = models.BooleanField(default=False)
    # The text the public may read (anonymised), checked by a second person before publishing.
    public_text = models.TextField(blank=True)
    public_text_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    public_text_checked_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    public_text_checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-told_on", "-recorded_at"]
        verbose_name_plural = "stories"
        indexes = [models.Index(fields=["collection", "told_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(public_text_checked_by__isnull=True)
                | ~Q(public_text_checked_by=models.F("public_text_by")),
                name="stories_public_text_second_person",
            ),
            models.CheckConstraint(
                condition=Q(
                    public_text_checked_by__isnull=True, public_text_checked_at__isnull=True
                )
                | Q(public_text_checked_by__isnull=False, public_text_checked_at__isnull=False),
                name="stories_public_text_check_paired",
            ),
        ]

    def __str__(self) -> str:
        # Shown on staff pages only (never in an audit event or a message).
        return self.title or Truncator(self.what_happened).words(8)


class Answer(models.Model):
    """The teller's answer to one signifier: shares (triad), a position (dyad), an option
    (choice), or "does not apply"."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="answers")
    signifier = models.ForeignKey(Signifier, on_delete=models.PROTECT, related_name="answers")
    not_applicable = models.BooleanField(default=False)
    # Triad: closed shares summing to 1. Dyad: ``first`` is the position from 0 to 1.
    first = models.FloatField(null=True, blank=True)
    second = models.FloatField(null=True, blank=True)
    third = models.FloatField(null=True, blank=True)
    choice = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["story", "signifier"], name="stories_one_answer"),
        ]


class Audience(models.TextChoices):
    CARE_TEAM = "care_team", _("The care team")
    NETWORK_LEARNING = "network_learning", _("Learning across the network")
    BOARD_REPORTS = "board_reports", _("Board reports")
    PUBLIC_WEBSITE = "public_website", _("The public website")
    NEWS_MEDIA = "news_media", _("News and media")
    TRAINING = "training", _("Training")


class Identity(models.TextChoices):
    NAMED = "named", _("Named")
    ANONYMOUS = "anonymous", _("Anonymous")


class ConsentEntry(models.Model):
    """One line of the consent ledger, never changed: the latest per story and audience is the
    consent in force (``stories.consent``). A withdrawal is a line that does not permit."""

    class Kind(models.TextChoices):
        GIVEN = "given", _("Given or changed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    id = models.BigAutoField(primary_key=True)
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="consents")
    audience = models.CharField(max_length=20, choices=Audience.choices)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.GIVEN)
    permitted = models.BooleanField()
    identity = models.CharField(max_length=10, choices=Identity.choices, default=Identity.ANONYMOUS)
    given_on = models.DateField()
    review_on = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField()
    # None: the teller themselves, through their link.
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["story", "audience", "id"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="withdrawn") | Q(permitted=False),
                name="stories_withdrawal_permits_nothing",
            ),
        ]


class TellerLink(models.Model):
    """A single-use, expiring link for a person to tell a story on their own device, or to
    change or withdraw the consent for the story they told (outcomes' links, same pattern:
    only a SHA-256 hash of the token is stored)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    token_hash = models.CharField(max_length=64, unique=True)
    collection = models.ForeignKey(Collection, on_delete=models.PROTECT, related_name="+")
    introduction = models.ForeignKey(
        "intake.Introduction", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    story = models.OneToOneField(
        Story, null=True, blank=True, on_delete=models.PROTECT, related_name="teller_link"
    )


class Panel(models.Model):
    """A selection panel; ``level`` orders the panels stories pass up through."""

    class Level(models.IntegerChoices):
        COLLABORATIVE = 1, _("Lived-experience collaborative")
        HUB_TEAM = 2, _("Hub team")
        BOARD = 3, _("Board")

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="panels")
    name = models.CharField(max_length=150)
    level = models.PositiveSmallIntegerField(choices=Level.choices)

    class Meta:
        ordering = ["level", "name"]
        constraints = [
            models.UniqueConstraint(fields=["collection", "level"], name="stories_panel_level")
        ]

    def __str__(self) -> str:
        return self.name


class Selection(models.Model):
    """A panel's choice of the most significant story in a domain, with its reasons."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="selections")
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="+")
    story = models.ForeignKey(Story, on_delete=models.PROTECT, related_name="selections")
    met_on = models.DateField()
    reasons = models.TextField()
    # Who was in the room, by role: {"role label": how many}.
    attendance = models.JSONField(default=dict)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-met_on"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "domain"], name="stories_one_per_domain"),
            models.CheckConstraint(condition=~Q(reasons=""), name="stories_reasons_required"),
        ]


class Feedback(models.Model):
    """That the teller or the collectors were told a story was chosen, and why (MSC step 6)."""

    class Told(models.TextChoices):
        TELLER = "teller", _("The teller")
        COLLECTORS = "collectors", _("The collectors")

    selection = models.ForeignKey(Selection, on_delete=models.PROTECT, related_name="feedback")
    told = models.CharField(max_length=12, choices=Told.choices)
    told_on = models.DateField()
    how = models.CharField(max_length=200)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
