"""Test and learn: improvement projects with PDSA cycles, and learning responses.

An improvement project states an aim, draws its theory of change as a driver diagram, chooses
measures (the network's own metrics for its teams, or figures it records by hand) and tests
change ideas in series of Plan-Do-Study-Act cycles. A cycle's predictions are locked when its Do
stage starts: the actions refuse any change after that and the database refuses it too (see the
triggers in migration 0002). What a prediction turned out to be (observed, met, signal) is never
stored: it is worked out from the measure's data each time (``improvement.study``).

Learning responses (After Action Review, swarm huddle, multidisciplinary review, thematic review)
follow NHS England's Patient Safety Incident Response Framework: contributing factors coded to
the SEIPS work system, no field that names an individual as a cause, safety actions with an
owner, a due date and a measure.

Every change goes through ``improvement.actions`` (audited).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# --------------------------------------------------------------------------------------------
# Improvement projects


class Improvement(models.TextChoices):
    INCREASE = "increase", _("Higher is better")
    DECREASE = "decrease", _("Lower is better")


class ImprovementProject(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        FINISHED = "finished", _("Finished")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(max_length=200)
    # The aim: what, by how much, by when, read on which measure (IHI Model for Improvement).
    aim_statement = models.TextField()
    aim_measure = models.ForeignKey(
        "Measure", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    aim_target = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    aim_date = models.DateField(null=True, blank=True)
    # The teams whose work the network measures are filtered to.
    teams = models.ManyToManyField("accounts.Team", blank=True, related_name="+")
    # The first day the project's charts show: the baseline before any test of change.
    data_from = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    lead = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    imported = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class ProjectMember(models.Model):
    """Someone on the project team, by name and role; lived-experience members need no account."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(
        ImprovementProject, on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=150)
    role = models.CharField(max_length=150)
    lived_experience = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


PROGRESS_SCORES = [Decimal(n) / 2 for n in range(1, 11)]  # 0.5, 1.0, ... 5.0


class ProgressScore(models.Model):
    """The IHI progress score (0.5 to 5.0) as the team set it on a date: set by people, never
    worked out by the platform (Life QI and IHI use it the same way)."""

    LABELS = {
        Decimal("0.5"): _("Intent to participate"),
        Decimal("1.0"): _("Charter and team established"),
        Decimal("1.5"): _("Planning for the project has begun"),
        Decimal("2.0"): _("Activity, but no changes"),
        Decimal("2.5"): _("Changes tested, but no improvement"),
        Decimal("3.0"): _("Modest improvement"),
        Decimal("3.5"): _("Improvement"),
        Decimal("4.0"): _("Significant improvement"),
        Decimal("4.5"): _("Sustainable improvement"),
        Decimal("5.0"): _("Outstanding sustainable results"),
    }

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(
        ImprovementProject, on_delete=models.CASCADE, related_name="progress_scores"
    )
    score = models.DecimalField(max_digits=2, decimal_places=1)
    on = models.DateField()
    note = models.TextField(blank=True)
    set_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    set_at = models.DateTimeField()

    class Meta:
        ordering = ["-on", "-set_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=Decimal("0.5"), score__lte=Decimal("5.0")),
                name="progress_score_half_to_five",
            )
        ]

    @property
    def label(self) -> str:
        return str(self.LABELS.get(self.score, ""))


class Driver(models.Model):
    """A box of the driver diagram: a primary driver (serving the aim) or a secondary driver
    (serving a primary driver)."""

    class Level(models.TextChoices):
        PRIMARY = "primary", _("Primary driver")
        SECONDARY = "secondary", _("Secondary driver")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(
        ImprovementProject, on_delete=models.CASCADE, related_name="drivers"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    level = models.CharField(max_length=10, choices=Level.choices)
    text = models.CharField(max_length=300)
    key = models.CharField(max_length=20)  # stable within the project, for the exchange format
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["project", "key"], name="driver_key_unique"),
            models.CheckConstraint(
                condition=Q(level="primary", parent__isnull=True)
                | Q(level="secondary", parent__isnull=False),
                name="driver_secondary_has_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.text


class ChangeIdea(models.Model):
    """A change worth testing, serving a driver. Its PDSA cycles are one series."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(
        ImprovementProject, on_delete=models.CASCADE, related_name="change_ideas"
    )
    driver = models.ForeignKey(Driver, on_delete=models.PROTECT, related_name="change_ideas")
    text = models.CharField(max_length=300)
    key = models.CharField(max_length=20)
    from_safety_action = models.ForeignKey(
        "SafetyAction", null=True, blank=True, on_delete=models.PROTECT, related_name="change_ideas"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["project", "key"], name="change_idea_key_unique")
        ]

    def __str__(self) -> str:
        return self.text


class Measure(models.Model):
    """One of the project's family of measures: outcome, process or balancing.

    ``source`` is a network metric (worked out from the network's own records for the project's
    teams, week by week; see ``improvement.series``) or ``manual`` (points the team records).
    """

    class Kind(models.TextChoices):
        OUTCOME = "outcome", _("Outcome measure")
        PROCESS = "process", _("Process measure")
        BALANCING = "balancing", _("Balancing measure")

    MANUAL = "manual"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(
        ImprovementProject, on_delete=models.CASCADE, related_name="measures"
    )
    key = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    improvement = models.CharField(max_length=10, choices=Improvement.choices)
    source = models.CharField(max_length=40, default=MANUAL)
    unit = models.CharField(max_length=20, blank=True)
    definition = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["project", "key"], name="measure_key_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_manual(self) -> bool:
        return self.source == self.MANUAL


class MeasurePoint(models.Model):
    """One value of a measure the team records by hand."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="points")
    on = models.DateField()
    value = models.DecimalField(max_digits=12, decimal_places=2)
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["on"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "on"], name="measure_point_one_per_date")
        ]


class ProcessChange(models.Model):
    """A change adopted into the way the work is done, shown on one measure's chart: new limits
    from the first point on or after its date, with its note (as the dashboard's process
    changes, read through ``insight.annotations.settings_for``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="process_changes")
    cycle = models.ForeignKey(
        "PDSACycle", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    effective_date = models.DateField()
    note = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    # The shape insight.annotations.settings_for reads: the chart is the measure.
    kind = "process_change"

    class Meta:
        ordering = ["effective_date", "created_at"]

    @property
    def chart(self) -> str:
        return str(self.measure_id)


class PDSACycle(models.Model):
    """One Plan-Do-Study-Act cycle testing a change idea; ``parent`` is the cycle it builds on.

    Stages move plan -> do -> study -> act -> done (``actions.CYCLE_TRANSITIONS``). Starting Do
    sets ``do_started_at`` (when the predictions were locked) and ``do_started_on`` (the first
    day of the window the predictions are read in); neither can change afterwards.
    """

    class Stage(models.TextChoices):
        PLAN = "plan", _("Plan")
        DO = "do", _("Do")
        STUDY = "study", _("Study")
        ACT = "act", _("Act")
        DONE = "done", _("Finished")

    class RanAsPlanned(models.TextChoices):
        YES = "yes", _("Yes")
        PARTLY = "partly", _("Partly")
        NO = "no", _("No")

    class Decision(models.TextChoices):
        ADOPT = "adopt", _("Adopt")
        ADAPT = "adapt", _("Adapt")
        ABANDON = "abandon", _("Abandon")
        REFRAME = "reframe", _("Reframe the problem")
        SCALE_UP = "scale_up", _("Scale up")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(ImprovementProject, on_delete=models.CASCADE, related_name="cycles")
    change_idea = models.ForeignKey(ChangeIdea, on_delete=models.PROTECT, related_name="cycles")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    number = models.PositiveIntegerField()
    key = models.CharField(max_length=20)
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.PLAN)
    imported = models.BooleanField(default=False)
    # Plan
    purpose = models.TextField()
    questions = models.TextField(blank=True)
    scale_who = models.CharField(max_length=200, blank=True)
    scale_where = models.CharField(max_length=200, blank=True)
    scale_people = models.PositiveIntegerField(null=True, blank=True)
    scale_duration = models.CharField(max_length=100, blank=True)
    data_plan = models.TextField(blank=True)
    planned_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    planned_at = models.DateTimeField()
    # Do
    do_started_at = models.DateTimeField(null=True, blank=True)
    do_started_on = models.DateField(null=True, blank=True)
    ran_as_planned = models.CharField(max_length=10, choices=RanAsPlanned.choices, blank=True)
    deviations = models.TextField(blank=True)
    observations = models.TextField(blank=True)
    surprises = models.TextField(blank=True)
    stopped_for_harm = models.BooleanField(default=False)
    # Study
    study_date = models.DateField(null=True, blank=True)
    learning = models.TextField(blank=True)
    # Act
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    decision_rationale = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="cycle_number_unique"),
            models.UniqueConstraint(fields=["project", "key"], name="cycle_key_unique"),
            models.CheckConstraint(
                condition=Q(do_started_at__isnull=True, do_started_on__isnull=True)
                | Q(do_started_at__isnull=False, do_started_on__isnull=False),
                name="cycle_do_start_pair",
            ),
            models.CheckConstraint(
                condition=Q(study_date__isnull=True)
                | Q(do_started_on__isnull=False, study_date__gte=models.F("do_started_on")),
                name="cycle_study_after_do",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="cycle_not_its_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.change_idea}"

    @property
    def predictions_locked(self) -> bool:
        return self.do_started_at is not None


class Prediction(models.Model):
    """What the team expects a measure to do during the cycle, and why; locked at Do start."""

    class Direction(models.TextChoices):
        INCREASE = "increase", _("Increase")
        DECREASE = "decrease", _("Decrease")
        NO_CHANGE = "no_change", _("No change")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cycle = models.ForeignKey(PDSACycle, on_delete=models.PROTECT, related_name="predictions")
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="predictions")
    direction = models.CharField(max_length=10, choices=Direction.choices)
    expected_low = models.DecimalField(max_digits=12, decimal_places=2)
    expected_high = models.DecimalField(max_digits=12, decimal_places=2)
    rationale = models.TextField(blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    locked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expected_low__lte=models.F("expected_high")),
                name="prediction_range_in_order",
            )
        ]


# --------------------------------------------------------------------------------------------
# Learning from failure


class SEIPS(models.TextChoices):
    """The SEIPS work system (Holden et al. 2013, SEIPS 2.0)."""

    PERSON = "person", _("Person (people in the work: staff, the person, family)")
    TASKS = "tasks", _("Tasks")
    TOOLS = "tools", _("Tools and technology")
    ORGANISATION = "organisation", _("Organisation")
    INTERNAL = "internal", _("Internal environment")
    EXTERNAL = "external", _("External environment")


class LearningResponse(models.Model):
    class Kind(models.TextChoices):
        AAR = "aar", _("After Action Review")
        SWARM = "swarm", _("Swarm huddle")
        MDT = "mdt", _("Multidisciplinary review")
        THEMATIC = "thematic", _("Thematic review")

    class EventKind(models.TextChoices):
        INCIDENT = "incident", _("Patient safety incident")
        NEAR_MISS = "near_miss", _("Near miss")
        GOOD_CARE = "good_care", _("Good care to learn from")
        RISK = "risk", _("Risk or concern")

    class Involvement(models.TextChoices):
        INVOLVED = "involved", _("Yes, they took part")
        OFFERED = "offered", _("Offered, they chose not to")
        NOT_YET = "not_yet", _("Not yet")
        NOT_APPROPRIATE = "not_appropriate", _("Not appropriate (reason in the notes)")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    event_kind = models.CharField(max_length=10, choices=EventKind.choices)
    title = models.CharField(max_length=200)
    event_date = models.DateField()
    response_date = models.DateField()
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    raised_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField()
    # When set, the access rules of the person's record apply to every view of this response.
    introduction = models.ForeignKey(
        "intake.Introduction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="learning_responses",
    )
    # The four After Action Review questions.
    expected = models.TextField(blank=True)
    happened = models.TextField(blank=True)
    difference = models.TextField(blank=True)
    learned = models.TextField(blank=True)
    # Who took part, by role only (never names); and whether the person or family were involved.
    participant_roles = models.JSONField(default=list, blank=True)
    person_involvement = models.CharField(
        max_length=20, choices=Involvement.choices, default=Involvement.NOT_YET
    )
    support_offered = models.BooleanField(default=False)
    involvement_notes = models.TextField(blank=True)
    # The summary the network may read, once checked for personal data and shared.
    learning_summary = models.TextField(blank=True)
    shared_at = models.DateTimeField(null=True, blank=True)
    shared_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["-event_date", "-raised_at"]
        indexes = [models.Index(fields=["event_date"])]

    def __str__(self) -> str:
        return self.title


class ContributingFactor(models.Model):
    """Something in the work system that contributed, or that went well. About systems, not
    people: there is no field for who."""

    class Effect(models.TextChoices):
        CONTRIBUTED = "contributed", _("Contributed to what happened")
        WENT_WELL = "went_well", _("Went well")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(LearningResponse, on_delete=models.CASCADE, related_name="factors")
    seips = models.CharField(max_length=20, choices=SEIPS.choices)
    effect = models.CharField(max_length=12, choices=Effect.choices)
    description = models.CharField(max_length=500)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at"]


class SafetyAction(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(
        LearningResponse, on_delete=models.PROTECT, related_name="safety_actions"
    )
    description = models.CharField(max_length=500)
    owner = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField()
    measure = models.CharField(max_length=300)  # how we will know it worked
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["due_date", "created_at"]
        indexes = [models.Index(fields=["owner", "status", "due_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", done_at__isnull=True)
                | Q(status="done", done_at__isnull=False),
                name="safety_action_done_pair",
            )
        ]

    def __str__(self) -> str:
        return self.description
