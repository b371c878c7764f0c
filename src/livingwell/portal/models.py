"""The person's portal: sign-in codes, what the person adds to their plan, their requests to the
Hub and the privacy officer, what they say about themselves, and their feedback.

Who may see what is decided in access/ (person.py, relationships.person_relationship); these rows
are only ever added (the person's words are kept with who wrote them and when)."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from livingwell.insight.models import ClosureFeedback


class Writer(models.TextChoices):
    PERSON = "person", _("you")
    PROXY = "proxy", _("someone you trust")


class SignInCode(models.Model):
    """A one-time code sent to the phone or email on the record (or on a proxy's grant). Only
    its hash is stored; it works once, for a few minutes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    proxy_grant = models.ForeignKey(
        "access.ProxyGrant", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")), name="signin_code_expiry"
            )
        ]


class PlanContribution(models.Model):
    """What the person (or their proxy) adds to their plan: a step of their own, a comment, or a
    proposed change for the key worker (shown on the key worker's board until they mark it
    seen)."""

    class Kind(models.TextChoices):
        STEP = "step", _("A step I will take")
        COMMENT = "comment", _("A comment on my plan")
        PROPOSAL = "proposal", _("A change I would like to my plan")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    introduction = models.ForeignKey(
        "intake.Introduction", on_delete=models.PROTECT, related_name="portal_contributions"
    )
    plan_version = models.ForeignKey(
        "hub.PlanVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.TextField()
    by_when = models.DateField(null=True, blank=True)
    written_by = models.CharField(max_length=10, choices=Writer.choices)
    writer_name = models.CharField(max_length=150, blank=True)  # a proxy's name
    written_at = models.DateTimeField()
    seen_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["written_at"]
        indexes = [models.Index(fields=["introduction", "kind", "seen_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(seen_by__isnull=True, seen_at__isnull=True)
                | Q(seen_by__isnull=False, seen_at__isnull=False),
                name="contribution_seen_pair",
            )
        ]


class PortalRequest(models.Model):
    """The person asks for something: to come back inside the open door (to the Hub), or about an
    access to their record or a withheld entry (to the privacy officer)."""

    class Kind(models.TextChoices):
        COME_BACK = "come_back", _("I want to come back")
        QUESTION_ACCESS = "question_access", _("A question about who looked at my record")
        ASK_WITHHELD = "ask_withheld", _("A question about something withheld")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    introduction = models.ForeignKey(
        "intake.Introduction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    audit_event_id = models.BigIntegerField(null=True, blank=True)  # the access questioned
    message = models.TextField(blank=True)
    written_by = models.CharField(max_length=10, choices=Writer.choices)
    at = models.DateTimeField()
    handled_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at"]
        indexes = [models.Index(fields=["kind", "handled_at"])]


class AboutMe(models.Model):
    """About me and my crisis plan, in the person's words: a new row for each change (history
    kept); the newest is current. Shown to workers with a relationship."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    what_helps = models.TextField(_("What helps me"), blank=True)
    what_to_avoid = models.TextField(_("What to avoid"), blank=True)
    who_to_contact = models.TextField(_("Who to contact in a crisis"), blank=True)
    crisis_preferences = models.TextField(_("What I would like to happen in a crisis"), blank=True)
    written_by = models.CharField(max_length=10, choices=Writer.choices)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at"]


class Feedback(models.Model):
    """Feedback at any time, from the person or their proxy, on the same scale as the feedback
    at closure (insight.ClosureFeedback.Helpfulness), so the experience lens reads both alike."""

    Helpfulness = ClosureFeedback.Helpfulness

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    helpfulness = models.PositiveSmallIntegerField(choices=Helpfulness.choices)
    comment = models.TextField(blank=True)
    written_by = models.CharField(max_length=10, choices=Writer.choices)
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(helpfulness__gte=1, helpfulness__lte=5), name="portal_feedback_1_5"
            )
        ]
