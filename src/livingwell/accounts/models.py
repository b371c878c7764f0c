"""Staff, their organisations and teams, and the roles they hold.

A key worker can belong to any partner organisation, so membership (user x organisation x team x
role) is data rather than a flag on the user. Ending a membership removes access at once.
"""

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    class Kind(models.TextChoices):
        NHS_TRUST = "nhs_trust", _("NHS trust")
        COUNCIL = "council", _("Council")
        VCS = "vcs", _("Voluntary or community organisation")
        PEER_LED = "peer_led", _("Peer-led organisation")
        PRIMARY_CARE = "primary_care", _("Primary care")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=40, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    is_hub = models.BooleanField(
        default=False, help_text=_("A Hub team holds every open introduction in the network.")
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    display_name = models.CharField(max_length=150, blank=True)
    job_title = models.CharField(max_length=150, blank=True)
    is_demo_persona = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def name(self) -> str:
        return str(self)

    @cached_property
    def current_memberships(self) -> list["Membership"]:
        """The user's current memberships, each with its team and organisation, oldest first.

        Read once per user object. The request's user is loaded afresh for every request, so
        roles, relationships and the audit's acting role all come from one read per request,
        and an ended membership counts at the next page (access/memberships.py).
        """
        return list(
            self.memberships.current()
            .select_related("team", "organisation")
            .order_by("started_at", "pk")
        )


class Role(models.TextChoices):
    HUB_WORKER = "hub_worker", _("Hub worker")
    KEY_WORKER = "key_worker", _("Key worker")
    PEER_WORKER = "peer_worker", _("Peer worker")
    PARTNER_WORKER = "partner_worker", _("Partner organisation worker")
    TEAM_LEAD = "team_lead", _("Team lead")
    PRIVACY_OFFICER = "privacy_officer", _("Privacy officer")
    SITE_ADMIN = "site_admin", _("Site administrator")
    ANALYST = "analyst", _("Analyst")
    COPRODUCTION_LEAD = "coproduction_lead", _("Co-production lead")


class MembershipQuerySet(models.QuerySet):
    def current(self, at=None):
        """Memberships that have started and not ended (now, or ``at``)."""
        now = at or timezone.now()
        return self.filter(started_at__lte=now).filter(
            Q(ended_at__isnull=True) | Q(ended_at__gt=now)
        )


class Membership(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=30, choices=Role.choices)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="membership_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.team or self.organisation}"


class UserSession(models.Model):
    """Links a server-side session to its user so that people can see and end their sessions."""

    session_key = models.CharField(max_length=40, primary_key=True)
    # Pages and forms name a session by this opaque id, never by its key (the key is a credential).
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_sessions")
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    user_agent = models.CharField(max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"{self.user} – {self.created_at:%Y-%m-%d %H:%M}"
