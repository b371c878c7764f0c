"""Introductions: the one front door (the word Living Well uses instead of "referral")."""

import uuid

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _


class Route(models.TextChoices):
    SELF = "self", _("The person themselves")
    FAMILY = "family", _("Family, friend or carer")
    GP = "gp", _("GP or primary care")
    PROFESSIONAL = "professional", _("Another service or professional")
    PARTNER = "partner", _("A partner organisation in the network")


class RiskNow(models.TextChoices):
    NO = "no", _("No")
    SELF = "self", _("Yes, to themselves")
    OTHERS = "others", _("Yes, to other people")
    NOT_SURE = "not_sure", _("Not sure")


class YesNoUnsure(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    NOT_SURE = "not_sure", _("Not sure")


class ClosedReason(models.TextChoices):
    SUPPORTED = "supported", _("Supported, support has ended")
    HANDED_OVER = "handed_over", _("Handed over and accepted by another service")
    PERSON_DECLINED = "person_declined", _("The person decided not to go ahead")
    NOT_REACHED = "not_reached", _("Could not be reached after documented attempts")
    MOVED_AWAY = "moved_away", _("Moved out of the area")


class Introduction(models.Model):
    class State(models.TextChoices):
        NEW = "new", _("New: waiting for a first conversation")
        IN_SUPPORT = "in_support", _("In support")
        CLOSED = "closed", _("Closed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=12, unique=True)
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="introductions"
    )
    route = models.CharField(max_length=20, choices=Route.choices)
    # Who made the introduction, when it was not the person.
    introducer_name = models.CharField(max_length=150, blank=True)
    introducer_role = models.CharField(max_length=150, blank=True)
    introducer_organisation = models.CharField(max_length=150, blank=True)
    introducer_phone = models.CharField(max_length=30, blank=True)
    introducer_email = models.EmailField(blank=True)
    relationship_to_person = models.CharField(max_length=100, blank=True)
    person_knows = models.CharField(max_length=10, choices=YesNoUnsure.choices, blank=True)
    person_agrees = models.CharField(max_length=10, choices=YesNoUnsure.choices, blank=True)
    # In the person's (or introducer's) own words.
    whats_happening = models.TextField()
    what_would_help = models.TextField(blank=True)
    contact_preference = models.CharField(max_length=200, blank=True)
    safe_to_leave_message = models.BooleanField(default=False)
    risk_now = models.CharField(max_length=10, choices=RiskNow.choices)
    urgent = models.BooleanField(default=False)

    state = models.CharField(max_length=12, choices=State.choices, default=State.NEW)
    received_at = models.DateTimeField()
    first_conversation_at = models.DateTimeField(null=True, blank=True)
    # The Hub worker holding the introduction until a key worker is allocated.
    owner = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_introductions",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.CharField(max_length=20, choices=ClosedReason.choices, blank=True)
    closed_note = models.TextField(blank=True)
    open_door_until = models.DateTimeField(null=True, blank=True)
    # When the last attended contact took place (hub.actions.record_contact keeps it, in the same
    # transaction): the huddle board's "no contact for N days" reads it instead of the contacts.
    last_attended_contact_at = models.DateTimeField(null=True, blank=True)
    # The key worker of the current allocation (hub.actions.allocate_key_worker and close keep
    # it): the board's "in support without a key worker" is an index range, not a test per row.
    current_key_worker = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The team of the current allocation and the tier of the current episode (kept by the same
    # actions, and by the first conversation, a change of tier and a return through the open
    # door): the board names them on every row it shows without looking the allocation and the
    # episode up for each.
    current_team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    current_tier = models.ForeignKey(
        "hub.Tier", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A random token issued with the form: the same submission twice makes one introduction.
    submission_key = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-urgent", "received_at"]
        indexes = [
            # The board's urgent and new sections, in order; the key last, so that their first
            # keys are read from the index alone.
            models.Index(fields=["state", "urgent", "received_at", "id"], name="intro_waiting"),
            models.Index(fields=["received_at"]),
            # The board's "no contact for N days": in support, quiet since the last attended
            # contact or, with none yet, since the first conversation; longest first. The
            # columns the expression reads and the key follow it, so that the section is counted
            # and read in order from the index alone.
            models.Index(
                F("state"),
                Coalesce("last_attended_contact_at", "first_conversation_at"),
                F("last_attended_contact_at"),
                F("first_conversation_at"),
                F("id"),
                name="intro_quiet_since",
            ),
            # The board's "in support without a key worker", oldest first (ties by key, as the
            # board orders them: no sort after reading). Partial on the missing key worker:
            # PostgreSQL does not take "IS NULL" on a leading column as fixing the order, and
            # sorted every unallocated row before reading the first ten.
            models.Index(
                fields=["state", "received_at", "id"],
                condition=Q(current_key_worker__isnull=True),
                name="intro_unallocated",
            ),
            # The board's totals of open work (urgent, new, unallocated, no contact), counted
            # from the index alone: every column the counts and the team and tier filters read,
            # and the key.
            models.Index(
                fields=[
                    "state",
                    "urgent",
                    "current_key_worker",
                    "last_attended_contact_at",
                    "first_conversation_at",
                    "current_team",
                    "current_tier",
                    "id",
                ],
                name="intro_board_totals",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(closed_at__isnull=True) & Q(closed_reason=""))
                | (Q(closed_at__isnull=False) & ~Q(closed_reason="")),
                name="introduction_closed_pair",
            ),
            models.CheckConstraint(
                condition=Q(state="closed", closed_at__isnull=False)
                | (~Q(state="closed") & Q(closed_at__isnull=True)),
                name="introduction_closed_state",
            ),
            models.CheckConstraint(
                condition=~Q(state="in_support") | Q(first_conversation_at__isnull=False),
                name="introduction_support_after_conversation",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.state != self.State.CLOSED


class IntroductionTally(models.Model):
    """How many introductions have ever been received, and how many are new and in support now:
    one row, kept in the same transaction by the actions that receive an introduction and move
    it between states (intake.actions, hub.actions: ``moved``), and set by the seed. The huddle
    board's reconciliation reads it, because counting every introduction ever received grows
    with the site's history. ``livingwell.seed.checks`` compares it with real counts. Without
    the row (a database emptied by a test) the board counts."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    received = models.PositiveBigIntegerField(default=0)
    new = models.BigIntegerField(default=0)
    in_support = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.received} introductions received"

    @classmethod
    def counted(cls) -> tuple[int, int, int]:
        """(received, new, in support) counted from the introductions themselves."""
        by_state = dict(
            Introduction.objects.order_by().values_list("state").annotate(n=models.Count("pk"))
        )
        return (
            sum(by_state.values()),
            by_state.get(Introduction.State.NEW, 0),
            by_state.get(Introduction.State.IN_SUPPORT, 0),
        )

    @classmethod
    def rebuild(cls) -> None:
        """Set the running totals from counts (the seed; ``livingwell rebuild_board``)."""
        received, new, in_support = cls.counted()
        cls.objects.update_or_create(
            pk=1, defaults={"received": received, "new": new, "in_support": in_support}
        )

    @classmethod
    def moved(cls, *, to: str | None = None, away: str | None = None, received: bool = False):
        """One introduction received (``received``), arriving in state ``to`` and leaving state
        ``away``: the counts it changes, in one statement (none without the row)."""
        steps = {"received": int(received)}
        kept = {Introduction.State.NEW: "new", Introduction.State.IN_SUPPORT: "in_support"}
        for state, step in ((to, 1), (away, -1)):
            if state in kept:
                steps[kept[state]] = steps.get(kept[state], 0) + step
        changes = {name: F(name) + step for name, step in steps.items() if step}
        if changes:
            cls.objects.filter(pk=1).update(**changes)
