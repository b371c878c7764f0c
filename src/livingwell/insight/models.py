"""The local population the network compares itself with (equity lens)."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class PopulationGroup(models.Model):
    """How many residents of the area are in one group of one dimension (e.g. ethnicity: black).

    Imported by the site with ``livingwell insight import-population FILE.csv``; the demo ships a
    synthetic table. Groups use the same codes as the equity tables (see insight.metrics).
    """

    class Dimension(models.TextChoices):
        ETHNICITY = "ethnicity", _("Ethnic group")
        AGE_BAND = "age_band", _("Age band")
        SEX = "sex", _("Sex")
        GENDER = "gender", _("Gender")  # groups: woman, man, non_binary, other
        DEPRIVATION = "deprivation", _("Deprivation decile")

    dimension = models.CharField(max_length=20, choices=Dimension.choices)
    group = models.CharField(max_length=40)
    count = models.PositiveIntegerField()

    class Meta:
        ordering = ["dimension", "group"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "group"], name="population_group_unique")
        ]

    def __str__(self) -> str:
        return f"{self.dimension}:{self.group}={self.count}"


class ClosureFeedback(models.Model):
    """What a person said about their support when it closed (the experience lens).

    A short question set, asked once per closure: how helpful the support was, whether they felt
    listened to, and anything they want to say in their own words. The words are shown to the
    network (never with a name, a reference or an exact date) only when the person agreed and
    there are enough answers for one not to stand out.
    """

    class Helpfulness(models.IntegerChoices):
        NOT_AT_ALL = 1, _("Not at all helpful")
        A_LITTLE = 2, _("A little helpful")
        QUITE = 3, _("Quite helpful")
        VERY = 4, _("Very helpful")
        EXTREMELY = 5, _("Extremely helpful")

    class Listened(models.TextChoices):
        YES = "yes", _("Yes")
        PARTLY = "partly", _("Partly")
        NO = "no", _("No")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    introduction = models.ForeignKey(
        "intake.Introduction", on_delete=models.PROTECT, related_name="closure_feedback"
    )
    closure = models.OneToOneField("hub.Closure", on_delete=models.PROTECT, related_name="feedback")
    answered_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    helpfulness = models.PositiveSmallIntegerField(choices=Helpfulness.choices)
    felt_listened_to = models.CharField(max_length=10, choices=Listened.choices)
    free_text = models.TextField(blank=True)
    comment_may_be_shared = models.BooleanField(default=False)

    class Meta:
        ordering = ["-answered_at"]
        indexes = [models.Index(fields=["answered_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(helpfulness__gte=1, helpfulness__lte=5),
                name="closure_feedback_helpfulness_1_5",
            )
        ]

    def __str__(self) -> str:
        return f"Feedback {self.answered_at:%Y-%m-%d}"


# The dashboard's SPC charts, with the direction of improvement each is read in. A target needs
# a direction: a neutral chart (more or fewer is neither better nor worse) cannot have one.
CHART_IMPROVEMENT = {"introductions": "neutral", "wait": "decrease"}


class ChartAnnotation(models.Model):
    """A process change or a target on one of the dashboard's SPC charts.

    A process change at a date starts new limits from the first week on or after that date, with
    the note drawn on the chart. The latest target in force gives the chart its assurance reading.
    Added, edited and withdrawn only through ``insight.actions`` (audited). A withdrawn one is
    kept (with who withdrew it, when and why) and listed as history, but no longer rebases a
    chart or gives assurance. ``changed_at`` moves on every add, edit and withdrawal, so the
    latest ``changed_at`` says whether any chart's settings may have changed.
    """

    class Chart(models.TextChoices):
        INTRODUCTIONS = "introductions", _("Introductions per week")
        WAIT = "wait", _("Median days from introduction to first conversation")

    class Kind(models.TextChoices):
        PROCESS_CHANGE = "process_change", _("Process change")
        TARGET = "target", _("Target")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    chart = models.CharField(max_length=40, choices=Chart.choices)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    effective_date = models.DateField()
    target_value = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    note = models.CharField(max_length=200)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    changed_at = models.DateTimeField()  # set on add, edit and withdrawal
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["chart", "effective_date", "created_at"]
        indexes = [models.Index(fields=["chart", "effective_date"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="target", target_value__isnull=False)
                    | models.Q(kind="process_change", target_value__isnull=True)
                ),
                name="chart_annotation_target_value_only_for_targets",
            )
        ]

    def __str__(self) -> str:
        return f"{self.chart} {self.kind} {self.effective_date:%Y-%m-%d}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class ChartAnnotationEdit(models.Model):
    """One edit of a process change or target: what it said before, who changed it and why.

    Written only by ``insight.actions.edit_chart_annotation``; the annotation itself holds the
    current values, these rows the history shown on the process changes and targets page.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    annotation = models.ForeignKey(ChartAnnotation, on_delete=models.PROTECT, related_name="edits")
    edited_at = models.DateTimeField()
    edited_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=200)
    previous_effective_date = models.DateField()
    previous_target_value = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True
    )
    previous_note = models.CharField(max_length=200)

    class Meta:
        ordering = ["annotation", "edited_at"]

    def __str__(self) -> str:
        return f"Edit of {self.annotation_id} at {self.edited_at:%Y-%m-%d %H:%M}"


class DashboardSnapshot(models.Model):
    """The network dashboard's figures as computed at one time ("as at").

    The dashboard is costly to compute over years of data, so its figures are stored and served
    until they are older than the site's refresh interval (``SiteConfig.insight_refresh_minutes``).
    ``figures`` is plain data, never HTML: each headline's figure after disclosure control and
    each chart's weekly values (hidden weeks as None). The page is built from it in each request,
    with the process changes and targets in force. ``key`` is a hash of everything the figures
    depend on: the normalised filters and period, the site's disclosure settings and the
    figures' version. Nothing in it depends on who is looking. Written by ``insight.snapshots``;
    old rows pruned by ``livingwell insight refresh``.
    """

    key = models.CharField(max_length=64, unique=True)
    filters = models.JSONField(default=dict)
    computed_at = models.DateTimeField(db_index=True)
    figures = models.JSONField(default=dict)
    compute_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-computed_at"]

    def __str__(self) -> str:
        return f"Dashboard snapshot {self.key[:12]} at {self.computed_at:%Y-%m-%d %H:%M}"
