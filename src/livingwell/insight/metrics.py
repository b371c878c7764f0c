"""The network's measures: plain queries, each with a definition in plain language.

Every measure returns a :class:`Table` of *true* figures; :func:`safe_table` is the one place
where counts are suppressed and rounded for showing outside the care team (screen, CSV, PDF all
go through it). A :class:`Dataset` loads each kind of row once per request, so a page does a
fixed number of queries however much data there is.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from livingwell.insight.disclosure import suppress, suppress_rate
from livingwell.outcomes import MEASURES, MeasureInputError, change

LONDON = ZoneInfo("Europe/London")
DIRECT_MODES = ("face_to_face", "phone", "video")

# --------------------------------------------------------------------------------------------
# Definitions (shown on the page next to each figure, and in the CSV and the board report).

DEFINITIONS: dict[str, tuple[str, str]] = {
    "introductions": (
        gettext_lazy("Introductions per week, by route"),
        gettext_lazy(
            "The number of introductions received in each week (Monday to Sunday, UK time) in "
            "the period, split by who made the introduction: the person, family or friends, a "
            "GP, another professional or a partner organisation."
        ),
    ),
    "waits": (
        gettext_lazy("Time to first conversation and to start of support"),
        gettext_lazy(
            "For introductions received in the period: the number of days from the "
            "introduction to the first conversation, and to the start of support (the first "
            "key worker allocation). The median is the middle wait; the 90th percentile is the "
            "wait that 9 in 10 people were seen within (the smallest wait at or above which "
            "90% of waits fall, the 'nearest rank' method). People still waiting are counted "
            "separately and not in the waits."
        ),
    ),
    "urgent": (
        gettext_lazy("Urgent introductions answered the same day"),
        gettext_lazy(
            "Of the introductions marked urgent (a risk disclosed at the front door) received "
            "in the period, the share that had a first conversation, or any contact in which "
            "the person was reached (attended), on the same calendar day (UK time) as the "
            "introduction arrived."
        ),
    ),
    "open_work": (
        gettext_lazy("Open work by state and age"),
        gettext_lazy(
            "Introductions open today (new, waiting for a first conversation, or in support), "
            "by how long ago the introduction arrived. Not limited by the period."
        ),
    ),
    "handovers": (
        gettext_lazy("Handovers offered, accepted, declined and ageing"),
        gettext_lazy(
            "Handovers offered in the period, by where they are now. Accepted includes those "
            "whose support has since started or completed. Waiting past its reply date means "
            "still waiting for a reply after the site's reply period."
        ),
    ),
    "returns": (
        gettext_lazy("Returns within the open door"),
        gettext_lazy(
            "Of the times support was closed in the period, how many people have since come "
            "back through the open door (without a new introduction)."
        ),
    ),
    "bounced": (
        gettext_lazy("Introductions bounced"),
        gettext_lazy(
            "Closures in the period without one of the allowed exits: supported and closed; "
            "handed over and accepted (a closure as 'handed over' with no accepted handover is "
            "counted here); the person declined; could not be reached after documented "
            "attempts; moved away. By design this is always 0, and it is counted, not assumed."
        ),
    ),
    "access": (
        gettext_lazy("People accessing support (two attended contacts)"),
        gettext_lazy(
            "The NHS England access measure: the number of people who, in the 12 months up to "
            "the end of the period, had at least two attended direct contacts (face to face, "
            "phone or video; text messages do not count). A person counts once, however many "
            "contacts they had."
        ),
    ),
    "equity": (
        gettext_lazy("Equity: who comes through the door, and how long they wait"),
        gettext_lazy(
            "Introductions received in the period by ethnic group (ONS headings), age band at "
            "introduction, sex, gender and deprivation decile (1 = most deprived), each as a "
            "share of introductions where it was recorded, next to the group's share of the "
            "local population (the site's population table), with the median days to first "
            "conversation. A gap is stated where a group's share of introductions is under "
            "four fifths, or over five fourths, of its share of the population. Gender is in "
            "the person's own words, grouped for counting: woman (including trans women), man "
            "(including trans men), non-binary (including genderqueer, genderfluid and "
            "agender), other answers, and not recorded (blank or prefer not to say). "
            "Outcomes by group: of the people in support with at least one measure answered "
            "twice (see the outcomes lens), the share who reliably improved on at least one "
            "measure and reliably deteriorated on none (and the reverse), by ethnic group, age "
            "band (at the earliest of their introductions in support), sex, gender and "
            "deprivation decile. A gap is stated where a group's share who improved, or who "
            "deteriorated, is under four fifths, or over five fourths, of the share across the "
            "network (everyone with a pair of answers, whatever their group). Shares are worked "
            "out from the rounded counts; where a group's figures are hidden, the gap is not "
            "stated and the page says so."
        ),
    ),
    "outcomes": (
        gettext_lazy("Outcomes: measures completed, paired and reliable change"),
        gettext_lazy(
            "People in support in the period: introductions whose first conversation was on or "
            "before the last day of the period and that were still open on its first day. "
            "Completion: the share with at least one answered measure (a baseline). Paired: "
            "the first and the latest answers to the same measure, up to the end of the period, "
            "can be compared. Change is counted by the NHS England method for each measure "
            "(DIALOG 1 point on any life-domain item, GBO 3 points on any goal, ReQoL-10 5 "
            "points on the total; the published reliable change for the others): reliable "
            "improvement, no reliable change or reliable deterioration. ReQoL-10 reliable "
            "recovery: a first score below 25, a latest score of 25 or more, and reliable "
            "improvement. Goal progress counts each goal rated on both occasions. The outcome "
            "framework counts a person as improved on an outcome when at least one of its "
            "measures, DIALOG items or goals reliably improved and none reliably deteriorated "
            "(deteriorated: the reverse; otherwise no reliable change)."
        ),
    ),
    "experience": (
        gettext_lazy("Experience: what people said when support closed"),
        gettext_lazy(
            "Feedback given when support closed in the period: how helpful people found their "
            "support (from 1, not at all helpful, to 5, extremely helpful), whether they felt "
            "listened to, and the share of closures with feedback. Comments in people's own "
            "words are shown only when they agreed to share them and more answers were given "
            "than the small-number threshold; never with a name, a reference or an exact date."
        ),
    ),
    "relationships": (
        gettext_lazy("Handovers between organisations"),
        gettext_lazy(
            "Handovers offered in the period from one organisation (the offering team's "
            "organisation) to another: how many, the median days to a reply, and the share "
            "accepted of those answered."
        ),
    ),
}

LENSES = list(DEFINITIONS)


def lens_of(table_key: str) -> str | None:
    """The lens a table belongs to: 'open_work' -> 'open_work', 'equity_sex' -> 'equity'."""
    if table_key in DEFINITIONS:
        return table_key
    prefix = table_key.split("_", 1)[0]
    return prefix if prefix in DEFINITIONS else None


def title_of(key: str) -> str:
    return str(DEFINITIONS[key][0])


def definition_of(key: str) -> str:
    return str(DEFINITIONS[key][1])


# --------------------------------------------------------------------------------------------
# Filters


@dataclass(frozen=True)
class Filters:
    start: date
    end: date  # inclusive
    team_id: object | None = None
    tier: str | None = None
    organisation_id: object | None = None
    # Any of several teams (an improvement project's teams); not offered on the dashboard.
    team_ids: tuple = ()

    @classmethod
    def default(cls, today: date | None = None) -> Filters:
        today = today or timezone.localdate()
        # 26 whole weeks ending with the current week's Sunday.
        end = today + timedelta(days=6 - today.weekday())
        return cls(start=end - timedelta(weeks=26) + timedelta(days=1), end=end)

    @property
    def window(self) -> tuple[datetime, datetime]:
        return (
            datetime.combine(self.start, time.min, tzinfo=LONDON),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=LONDON),
        )

    def as_query(self) -> dict[str, str]:
        query = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        if self.team_id:
            query["team"] = str(self.team_id)
        if self.tier:
            query["tier"] = self.tier
        if self.organisation_id:
            query["organisation"] = str(self.organisation_id)
        return query


def scope_subqueries(filters: Filters) -> list:
    """The ids of the introductions in the team, organisation and tier filtered on, one
    ``values("introduction_id")`` queryset per filter (an introduction must be in all)."""
    from livingwell.hub.models import Allocation, Episode

    ids = []
    if filters.team_id:
        ids.append(Allocation.objects.filter(team_id=filters.team_id).values("introduction_id"))
    if filters.team_ids:
        ids.append(
            Allocation.objects.filter(team_id__in=filters.team_ids).values("introduction_id")
        )
    if filters.organisation_id:
        ids.append(
            Allocation.objects.filter(organisation_id=filters.organisation_id).values(
                "introduction_id"
            )
        )
    if filters.tier:
        ids.append(Episode.objects.filter(tier_id=filters.tier).values("introduction_id"))
    return ids


def scope_introductions(qs, filters: Filters, prefix: str = ""):
    """Limit an introduction (or related) queryset by team, tier and organisation.

    As "introduction in (ids with an allocation to the team...)": the database reads each list
    once, where a correlated EXISTS per row can make it search by the filter's index per row.
    """
    for ids in scope_subqueries(filters):
        qs = qs.filter(**{f"{prefix}pk__in": ids})
    return qs


# --------------------------------------------------------------------------------------------
# Tables


@dataclass
class Column:
    label: str
    kind: str = (
        "text"  # text | count | rate (cell = (numerator, denominator)) | days (cell = (value, n))
    )


@dataclass
class Table:
    key: str
    caption: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    drilldown: str | None = None  # name of a drill-down behind this table


def london_day(dt: datetime) -> date:
    return timezone.localtime(dt, LONDON).date()


def days_between(a: datetime, b: datetime) -> float:
    return (b - a).total_seconds() / 86400


def percentile(values: list[float], p: float) -> float | None:
    """Nearest rank: the smallest value with at least p% of values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def age_band(date_of_birth: date | None, on: date) -> str:
    if date_of_birth is None:
        return "not_recorded"
    age = (
        on.year
        - date_of_birth.year
        - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))
    )
    for limit, band in (
        (18, "under_18"),
        (25, "18_24"),
        (35, "25_34"),
        (45, "35_44"),
        (55, "45_54"),
        (65, "55_64"),
    ):
        if age < limit:
            return band
    return "65_plus"


AGE_BANDS = ["under_18", "18_24", "25_34", "35_44", "45_54", "55_64", "65_plus"]
WORK_AGE_BANDS = [
    (7, "0-7 days"),
    (28, "8-28 days"),
    (91, "29-91 days"),
    (182, "92-182 days"),
    (None, "183 days or more"),
]


# Gender is free text in the person's own words. For counting it is grouped, never rewritten on
# the record: the words are lower-cased, and anything but letters becomes a single space, then
# looked up below. Trans women are women and trans men are men (the words say so); non-binary
# takes the identities usually counted under it; blank and "prefer not to say" style answers
# are "not recorded"; every other answer is "other" (so an unusual answer is never dropped).
GENDER_GROUPS = ["woman", "man", "non_binary", "other"]
_GENDER_WORDS = {
    "woman": {
        "woman",
        "women",
        "female",
        "f",
        "girl",
        "lady",
        "trans woman",
        "transwoman",
        "transgender woman",
        "trans female",
        "cis woman",
        "cisgender woman",
    },
    "man": {
        "man",
        "men",
        "male",
        "m",
        "boy",
        "trans man",
        "transman",
        "transgender man",
        "trans male",
        "cis man",
        "cisgender man",
    },
    "non_binary": {
        "non binary",
        "nonbinary",
        "nb",
        "enby",
        "genderqueer",
        "gender queer",
        "genderfluid",
        "gender fluid",
        "agender",
    },
    "not_recorded": {
        "",
        "prefer not to say",
        "rather not say",
        "not stated",
        "not known",
        "unknown",
        "n a",
        "na",
        "none",
        "declined",
    },
}
_GENDER_LOOKUP = {word: group for group, words in _GENDER_WORDS.items() for word in words}


def gender_group(text: str | None) -> str:
    """The counting group of a free-text gender: woman, man, non_binary, other, not_recorded."""
    words = " ".join("".join(c if c.isalpha() else " " for c in (text or "").lower()).split())
    return _GENDER_LOOKUP.get(words, "other")


def group_label(dimension: str, group: str) -> str:
    if group == "not_recorded":
        return _("Not recorded")
    if dimension == "ethnicity":
        return {
            "asian": _("Asian"),
            "black": _("Black"),
            "mixed": _("Mixed or multiple"),
            "white": _("White"),
            "other": _("Other ethnic group"),
            "not_stated": _("Not stated"),
        }.get(group, group)
    if dimension == "age_band":
        return (
            _("Under 18")
            if group == "under_18"
            else (_("65 and over") if group == "65_plus" else group.replace("_", "-"))
        )
    if dimension == "sex":
        return {"female": _("Female"), "male": _("Male"), "not_said": _("Prefer not to say")}.get(
            group, group
        )
    if dimension == "gender":
        return {
            "woman": _("Woman"),
            "man": _("Man"),
            "non_binary": _("Non-binary"),
            "other": _("Other answers"),
        }.get(group, group)
    if dimension == "deprivation":
        return _("Decile {n}").format(n=group)
    return group


# --------------------------------------------------------------------------------------------
# The dataset: each kind of row loaded once


class Dataset:
    def __init__(self, filters: Filters, now: datetime | None = None):
        self.filters = filters
        self.now = now or timezone.now()

    @cached_property
    def introductions(self) -> list[dict]:
        from livingwell.hub.models import Allocation, Contact
        from livingwell.intake.models import Introduction

        start, end = self.filters.window
        qs = Introduction.objects.filter(received_at__gte=start, received_at__lt=end)
        qs = scope_introductions(qs, self.filters)
        first_allocation = (
            Allocation.objects.filter(introduction=OuterRef("pk"))
            .order_by("started_at")
            .values("started_at")[:1]
        )
        first_contact = (
            Contact.objects.filter(introduction=OuterRef("pk"), outcome="attended")
            .order_by("at")
            .values("at")[:1]
        )
        qs = qs.annotate(
            first_allocation_at=Subquery(first_allocation), first_contact_at=Subquery(first_contact)
        ).order_by()
        return list(
            qs.values(
                "id",
                "person_id",
                "route",
                "urgent",
                "state",
                "received_at",
                "first_conversation_at",
                "first_allocation_at",
                "first_contact_at",
                "person__date_of_birth",
                "person__sex",
                "person__gender",
                "person__ethnicity",
                "person__deprivation_decile",
            )
        )

    @cached_property
    def handovers(self) -> list[dict]:
        from livingwell.hub.models import Handover

        start, end = self.filters.window
        qs = Handover.objects.filter(offered_at__gte=start, offered_at__lt=end)
        qs = scope_introductions(qs, self.filters, prefix="introduction__")
        return list(
            qs.order_by().values(
                "state",
                "offered_at",
                "responded_at",
                "reply_due_at",
                "from_team__organisation_id",
                "from_team__organisation__name",
                "to_organisation_id",
                "to_organisation__name",
            )
        )

    @cached_property
    def closures(self) -> list[dict]:
        from livingwell.hub.models import Closure, Handover

        start, end = self.filters.window
        qs = Closure.objects.filter(closed_at__gte=start, closed_at__lt=end)
        qs = scope_introductions(qs, self.filters, prefix="introduction__")
        accepted = Handover.objects.filter(
            introduction=OuterRef("introduction"), state__in=["accepted", "started", "completed"]
        )
        return list(
            qs.annotate(has_accepted_handover=Exists(accepted))
            .order_by()
            .values(
                "introduction_id",
                "introduction__person_id",
                "reason",
                "returned_at",
                "has_accepted_handover",
            )
        )

    @cached_property
    def open_work(self) -> list[dict]:
        from livingwell.intake.models import Introduction

        qs = Introduction.objects.exclude(state=Introduction.State.CLOSED)
        qs = scope_introductions(qs, self.filters)
        return list(qs.order_by().values("state", "received_at", "owner_id"))

    @cached_property
    def population(self) -> dict[str, dict[str, int]]:
        from livingwell.insight.models import PopulationGroup

        table: dict[str, dict[str, int]] = defaultdict(dict)
        for dimension, group, count in PopulationGroup.objects.values_list(
            "dimension", "group", "count"
        ):
            table[dimension][group] = count
        return table

    @cached_property
    def in_support(self) -> list[dict]:
        """Introductions in support at some time in the period (outcomes lens)."""
        from django.db.models import Q

        from livingwell.intake.models import Introduction

        start, end = self.filters.window
        qs = Introduction.objects.filter(first_conversation_at__lt=end).filter(
            Q(closed_at__isnull=True) | Q(closed_at__gte=start)
        )
        qs = scope_introductions(qs, self.filters)
        return list(
            qs.order_by().values(
                "id",
                "person_id",
                "received_at",
                "person__date_of_birth",
                "person__sex",
                "person__gender",
                "person__ethnicity",
                "person__deprivation_decile",
            )
        )

    @cached_property
    def outcome_data(self) -> OutcomeData:
        """Pairs compared once per request (the outcomes lens and outcomes by equity group)."""
        return collect(self)

    @cached_property
    def measure_answers(self) -> list[dict]:
        """Every answer, up to the end of the period, of the introductions in support."""
        from django.db.models import Q

        from livingwell.intake.models import Introduction
        from livingwell.outcomes.models import MeasureResponse

        start, end = self.filters.window
        cohort = Introduction.objects.filter(first_conversation_at__lt=end).filter(
            Q(closed_at__isnull=True) | Q(closed_at__gte=start)
        )
        cohort = scope_introductions(cohort, self.filters)
        return list(
            MeasureResponse.objects.filter(
                introduction__in=cohort.values("pk"), completed_at__lte=self.filters.end
            )
            .order_by("introduction_id", "measure", "completed_at", "recorded_at")
            .values("introduction_id", "measure", "answers")
        )

    @cached_property
    def feedback(self) -> list[dict]:
        """Closure feedback for closures in the period, newest first (experience lens)."""
        from livingwell.insight.models import ClosureFeedback

        start, end = self.filters.window
        qs = ClosureFeedback.objects.filter(
            closure__closed_at__gte=start, closure__closed_at__lt=end
        )
        qs = scope_introductions(qs, self.filters, prefix="introduction__")
        return list(
            qs.order_by("-answered_at").values(
                "helpfulness",
                "felt_listened_to",
                "free_text",
                "comment_may_be_shared",
                "answered_at",
            )
        )

    @cached_property
    def portal_feedback(self) -> list[int]:
        """How helpful people said their support was, in feedback given at any time in their
        portal during the period (experience lens); ratings only, never the comments."""
        from livingwell.intake.models import Introduction
        from livingwell.portal.models import Feedback

        start, end = self.filters.window
        people = scope_introductions(Introduction.objects.all(), self.filters).values("person_id")
        return list(
            Feedback.objects.filter(at__gte=start, at__lt=end, person_id__in=people).values_list(
                "helpfulness", flat=True
            )
        )

    @cached_property
    def access_count(self) -> int:
        from livingwell.hub.models import Contact
        from livingwell.intake.models import Introduction

        _start, end = self.filters.window
        # 12 calendar months ending with the last day of the period.
        last = self.filters.end
        try:
            first = last.replace(year=last.year - 1) + timedelta(days=1)
        except ValueError:  # 29 February
            first = date(last.year - 1, 3, 1)
        since = datetime.combine(first, time.min, tzinfo=LONDON)
        qs = Contact.objects.filter(
            at__gte=since, at__lt=end, outcome="attended", mode__in=DIRECT_MODES
        )
        for ids in scope_subqueries(self.filters):
            qs = qs.filter(introduction_id__in=ids)
        # Count per introduction first (read from the covering index on contacts, see insight
        # migration 0007), then add up per person: the same count as grouping every contact by
        # person, without looking up an introduction for each contact.
        per_introduction = qs.order_by().values("introduction_id").annotate(n=Count("*"))
        inner, params = per_introduction.query.sql_with_params()
        quote = connection.ops.quote_name
        sql = (
            f"SELECT COUNT(*) FROM (SELECT i.{quote('person_id')} FROM ({inner}) c "
            f"INNER JOIN {quote(Introduction._meta.db_table)} i "
            f"ON i.{quote('id')} = c.{quote('introduction_id')} "
            f"GROUP BY i.{quote('person_id')} HAVING SUM(c.{quote('n')}) >= 2) people"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]


# --------------------------------------------------------------------------------------------
# Measures answered twice, compared (the outcomes lens and outcomes by equity group read them)


@dataclass
class Pair:
    """One introduction's first and latest answers to one measure, compared."""

    introduction_id: object
    measure: str
    category: str
    items: dict[str, str] | None
    reliable_recovery: bool | None
    first_total: float | None


@dataclass
class OutcomeData:
    cohort: int = 0
    with_baseline: set = field(default_factory=set)
    with_pair: set = field(default_factory=set)
    baseline_by_measure: dict[str, set] = field(default_factory=lambda: defaultdict(set))
    pairs: dict[str, list[Pair]] = field(default_factory=lambda: defaultdict(list))


def collect(data: Dataset) -> OutcomeData:
    """Group the answers and compare first with latest for every introduction and measure."""
    result = OutcomeData(cohort=len(data.in_support))
    grouped: dict[tuple, list[dict]] = defaultdict(list)
    for row in data.measure_answers:  # ordered by introduction, measure, completed, recorded
        grouped[(row["introduction_id"], row["measure"])].append(row["answers"])
    for (intro_id, measure), answers in grouped.items():
        if measure not in MEASURES:
            continue
        result.with_baseline.add(intro_id)
        result.baseline_by_measure[measure].add(intro_id)
        if len(answers) < 2:
            continue
        try:
            outcome = change(measure, answers[0], answers[-1])
        except MeasureInputError:
            continue  # e.g. GBO goals rated on only one occasion each: nothing is paired
        result.with_pair.add(intro_id)
        result.pairs[measure].append(
            Pair(
                intro_id,
                measure,
                outcome.category,
                outcome.items,
                outcome.reliable_recovery,
                outcome.first,
            )
        )
    return result


# --------------------------------------------------------------------------------------------
# Weekly series (for the XmR charts)


def weeks(filters: Filters) -> list[date]:
    first = filters.start - timedelta(days=filters.start.weekday())
    result = []
    while first <= filters.end:
        result.append(first)
        first += timedelta(weeks=1)
    return result


def week_of(dt: datetime) -> date:
    day = london_day(dt)
    return day - timedelta(days=day.weekday())


def weekly_introductions(data: Dataset) -> list[tuple[date, int]]:
    counts = Counter(week_of(row["received_at"]) for row in data.introductions)
    return [(w, counts.get(w, 0)) for w in weeks(data.filters)]


def weekly_median_wait(data: Dataset) -> list[tuple[date, float | None, int]]:
    """(week, median days to first conversation, number of introductions it rests on)."""
    waits: dict[date, list[float]] = defaultdict(list)
    for row in data.introductions:
        if row["first_conversation_at"]:
            waits[week_of(row["received_at"])].append(
                days_between(row["received_at"], row["first_conversation_at"])
            )
    return [(w, median(waits.get(w, [])), len(waits.get(w, []))) for w in weeks(data.filters)]


# --------------------------------------------------------------------------------------------
# The measures


def introductions_by_route(data: Dataset) -> Table:
    from livingwell.intake.models import Route

    routes = list(Route.choices)
    per_week: dict[date, Counter] = defaultdict(Counter)
    for row in data.introductions:
        per_week[week_of(row["received_at"])][row["route"]] += 1
    table = Table(
        "introductions",
        title_of("introductions"),
        [Column(_("Week beginning"))]
        + [Column(str(label), "count") for _v, label in routes]
        + [Column(_("All routes"), "count")],
    )
    totals = Counter()
    for w in weeks(data.filters):
        counts = per_week.get(w, Counter())
        totals.update(counts)
        table.rows.append(
            [w.strftime("%d %b %Y")]
            + [counts.get(v, 0) for v, _l in routes]
            + [sum(counts.values())]
        )
    table.rows.append(
        [_("Whole period")] + [totals.get(v, 0) for v, _l in routes] + [sum(totals.values())]
    )
    return table


def waits(data: Dataset) -> Table:
    conversation, support = [], []
    waiting_conversation = waiting_support = 0
    for row in data.introductions:
        if row["first_conversation_at"]:
            conversation.append(days_between(row["received_at"], row["first_conversation_at"]))
        elif row["state"] == "new":
            waiting_conversation += 1
        if row["first_allocation_at"]:
            support.append(days_between(row["received_at"], row["first_allocation_at"]))
        elif row["state"] != "closed":
            waiting_support += 1
    table = Table(
        "waits",
        title_of("waits"),
        [
            Column(_("Wait")),
            Column(_("People counted"), "count"),
            Column(_("Median (days)"), "days"),
            Column(_("90th percentile (days)"), "days"),
            Column(_("Still waiting"), "count"),
        ],
    )
    table.rows.append(
        [
            _("Introduction to first conversation"),
            len(conversation),
            (median(conversation), len(conversation)),
            (percentile(conversation, 90), len(conversation)),
            waiting_conversation,
        ]
    )
    table.rows.append(
        [
            _("Introduction to start of support"),
            len(support),
            (median(support), len(support)),
            (percentile(support, 90), len(support)),
            waiting_support,
        ]
    )
    return table


def urgent_rows(data: Dataset) -> tuple[list[dict], list[dict]]:
    """(answered the same day, not answered the same day) among urgent introductions."""
    same, other = [], []
    for row in data.introductions:
        if not row["urgent"]:
            continue
        day = london_day(row["received_at"])
        answers = [t for t in (row["first_conversation_at"], row["first_contact_at"]) if t]
        (same if any(london_day(t) == day for t in answers) else other).append(row)
    return same, other


def urgent_same_day(data: Dataset) -> Table:
    same, other = urgent_rows(data)
    total = len(same) + len(other)
    table = Table(
        "urgent",
        title_of("urgent"),
        [
            Column(_("Urgent introductions"), "count"),
            Column(_("Answered the same day"), "count"),
            Column(_("Not answered the same day"), "count"),
            Column(_("Share answered the same day"), "rate"),
        ],
        drilldown="urgent_not_same_day",
    )
    table.rows.append([total, len(same), len(other), (len(same), total)])
    return table


def open_work(data: Dataset) -> Table:
    today = london_day(data.now)
    counts: dict[str, Counter] = defaultdict(Counter)
    unowned = 0
    for row in data.open_work:
        age = (today - london_day(row["received_at"])).days
        for limit, label in WORK_AGE_BANDS:
            if limit is None or age <= limit:
                counts[row["state"]][label] += 1
                break
        if row["state"] == "new" and row["owner_id"] is None:
            unowned += 1
    labels = [label for _l, label in WORK_AGE_BANDS]
    table = Table(
        "open_work",
        title_of("open_work"),
        [Column(_("State"))]
        + [Column(_(label), "count") for label in labels]
        + [Column(_("All"), "count")],
    )
    for state, name in (
        ("new", _("New: waiting for a first conversation")),
        ("in_support", _("In support")),
    ):
        table.rows.append(
            [name]
            + [counts[state].get(label, 0) for label in labels]
            + [sum(counts[state].values())]
        )
    table.notes.append(_("New introductions with no owner yet: {n}").format(n="{unowned}"))
    table.unowned = unowned  # type: ignore[attr-defined]
    return table


def handovers(data: Dataset) -> Table:
    offered = len(data.handovers)
    states = Counter(row["state"] for row in data.handovers)
    accepted = states["accepted"] + states["started"] + states["completed"]
    overdue = sum(
        1 for row in data.handovers if row["state"] == "offered" and row["reply_due_at"] < data.now
    )
    table = Table(
        "handovers",
        title_of("handovers"),
        [
            Column(_("Offered"), "count"),
            Column(_("Accepted"), "count"),
            Column(_("Declined"), "count"),
            Column(_("Withdrawn"), "count"),
            Column(_("Waiting for a reply"), "count"),
            Column(_("Waiting past the reply date"), "count"),
            Column(_("Accepted of those answered"), "rate"),
        ],
    )
    table.rows.append(
        [
            offered,
            accepted,
            states["declined"],
            states["withdrawn"],
            states["offered"],
            overdue,
            (accepted, accepted + states["declined"]),
        ]
    )
    return table


def returns(data: Dataset) -> Table:
    closed = len(data.closures)
    returned = sum(1 for row in data.closures if row["returned_at"])
    table = Table(
        "returns",
        title_of("returns"),
        [
            Column(_("Closures"), "count"),
            Column(_("Came back through the open door"), "count"),
            Column(_("Share"), "rate"),
        ],
    )
    table.rows.append([closed, returned, (returned, closed)])
    return table


def bounced_rows(data: Dataset) -> list[dict]:
    from livingwell.intake.models import ClosedReason

    allowed = set(ClosedReason.values)
    return [
        row
        for row in data.closures
        if row["reason"] not in allowed
        or (row["reason"] == ClosedReason.HANDED_OVER and not row["has_accepted_handover"])
    ]


def bounced(data: Dataset) -> Table:
    table = Table(
        "bounced",
        title_of("bounced"),
        [
            Column(_("Closures in the period"), "count"),
            Column(_("Closed without an allowed exit"), "count"),
        ],
    )
    table.rows.append([len(data.closures), len(bounced_rows(data))])
    return table


def access(data: Dataset) -> Table:
    table = Table(
        "access",
        title_of("access"),
        [
            Column(_("12 months ending")),
            Column(_("People with two or more attended direct contacts"), "count"),
        ],
    )
    table.rows.append([data.filters.end.strftime("%d %b %Y"), data.access_count])
    return table


def group_of(dimension: str, row: dict) -> str:
    """The group of one equity dimension that an introduction's row (with its person) is in."""
    from livingwell.people.models import ETHNICITY_HEADING

    if dimension == "ethnicity":
        code = row["person__ethnicity"]
        return ETHNICITY_HEADING.get(code, "not_recorded") if code else "not_recorded"
    if dimension == "age_band":
        return age_band(row["person__date_of_birth"], london_day(row["received_at"]))
    if dimension == "sex":
        return row["person__sex"] or "not_recorded"
    if dimension == "gender":
        return gender_group(row["person__gender"])
    decile = row["person__deprivation_decile"]
    return str(decile) if decile else "not_recorded"


EQUITY_DIMENSIONS = ["ethnicity", "age_band", "sex", "gender", "deprivation"]
DIMENSION_LABELS = {
    "ethnicity": gettext_lazy("Ethnic group"),
    "age_band": gettext_lazy("Age band"),
    "sex": gettext_lazy("Sex"),
    "gender": gettext_lazy("Gender"),
    "deprivation": gettext_lazy("Deprivation decile"),
}


def groups_in_order(dimension: str, seen: set[str], population: dict[str, int]) -> list[str]:
    """The groups of a dimension to show, in the order tables show them."""
    if dimension == "ethnicity":
        order = ["asian", "black", "mixed", "white", "other", "not_stated"]
    elif dimension == "age_band":
        order = AGE_BANDS
    elif dimension == "sex":
        order = ["female", "male", "not_said"]
    elif dimension == "gender":
        order = GENDER_GROUPS
    else:
        order = [str(n) for n in range(1, 11)]
    extra = sorted((seen | set(population)) - set(order) - {"not_recorded"})
    return order + extra + (["not_recorded"] if "not_recorded" in seen else [])


def equity(data: Dataset, dimension: str) -> Table:
    counts: Counter = Counter()
    waits_by: dict[str, list[float]] = defaultdict(list)
    for row in data.introductions:
        group = group_of(dimension, row)
        counts[group] += 1
        if row["first_conversation_at"]:
            waits_by[group].append(days_between(row["received_at"], row["first_conversation_at"]))
    population = data.population.get(dimension, {})
    recorded = sum(n for g, n in counts.items() if g != "not_recorded")
    pop_total = sum(population.values())
    table = Table(
        f"equity_{dimension}",
        _("{dimension}: introductions compared with the local population").format(
            dimension=DIMENSION_LABELS[dimension]
        ),
        [
            Column(str(DIMENSION_LABELS[dimension])),
            Column(_("Introductions"), "count"),
            Column(_("Share of introductions (where recorded)"), "rate"),
            Column(_("Share of the local population"), "rate"),
            Column(_("Median days to first conversation"), "days"),
        ],
    )
    table.gaps = []  # type: ignore[attr-defined]
    for group in groups_in_order(dimension, set(counts), population):
        n = counts.get(group, 0)
        share = (n, recorded) if group != "not_recorded" else None
        pop = (population[group], pop_total) if group in population and pop_total else None
        table.rows.append(
            [
                group_label(dimension, group),
                n,
                share,
                pop,
                (median(waits_by.get(group, [])), len(waits_by.get(group, []))),
            ]
        )
        if share is not None and pop is not None:
            table.gaps.append((group_label(dimension, group), n, recorded, pop[0], pop_total))  # type: ignore[attr-defined]
    if not population:
        table.notes.append(_("No population figures have been imported for this dimension."))
    return table


def _percent(value: float) -> str:
    """A share in words that never rounds a small part to nothing: 0.4%, 12%."""
    if 0 < value < 1:
        return f"{value:.1f}%"
    return f"{value:.0f}%"


def relationships(data: Dataset) -> Table:
    pairs: dict[tuple, dict] = {}
    for row in data.handovers:
        key = (row["from_team__organisation_id"], row["to_organisation_id"])
        entry = pairs.setdefault(
            key,
            {
                "from": row["from_team__organisation__name"],
                "to": row["to_organisation__name"],
                "n": 0,
                "accepted": 0,
                "answered": 0,
                "reply_days": [],
            },
        )
        entry["n"] += 1
        if row["responded_at"]:
            entry["reply_days"].append(days_between(row["offered_at"], row["responded_at"]))
        if row["state"] in {"accepted", "started", "completed"}:
            entry["accepted"] += 1
            entry["answered"] += 1
        elif row["state"] == "declined":
            entry["answered"] += 1
    table = Table(
        "relationships",
        title_of("relationships"),
        [
            Column(_("From")),
            Column(_("To")),
            Column(_("Handovers offered"), "count"),
            Column(_("Median days to a reply"), "days"),
            Column(_("Accepted of those answered"), "rate"),
        ],
    )
    for entry in sorted(pairs.values(), key=lambda e: (-e["n"], e["from"], e["to"])):
        table.rows.append(
            [
                entry["from"],
                entry["to"],
                entry["n"],
                (median(entry["reply_days"]), len(entry["reply_days"])),
                (entry["accepted"], entry["answered"]),
            ]
        )
    return table


# --------------------------------------------------------------------------------------------
# Disclosure control: the one place figures become safe to show outside the care team


@dataclass(frozen=True)
class Disclosure:
    threshold: int = 7
    rounding: int = 5

    @classmethod
    def from_site(cls) -> Disclosure:
        from livingwell.core.models import SiteConfig

        config = SiteConfig.current()
        return cls(config.suppression_threshold, config.suppression_rounding)

    def count(self, n: int) -> str:
        return str(suppress(n, threshold=self.threshold, rounding=self.rounding))

    def rate(self, numerator: int, denominator: int) -> str:
        value = suppress_rate(
            numerator, denominator, threshold=self.threshold, rounding=self.rounding
        )
        if value is None:
            return "–"
        if not isinstance(value, float):
            return str(value)
        return f"{value:.0f}%"

    def days(self, value: float | None, n: int) -> str:
        if n == 0 or value is None:
            return "–"
        if 0 < n <= self.threshold:
            return "*"
        return f"{value:.1f}"

    def cell(self, column: Column, value) -> str:
        if value is None:
            return "–"
        if column.kind == "count":
            return self.count(value)
        if column.kind == "rate":
            return self.rate(*value)
        if column.kind == "days":
            return self.days(*value)
        return str(value)

    def table(self, table: Table) -> list[list[str]]:
        return [
            [self.cell(c, v) for c, v in zip(table.columns, row, strict=True)] for row in table.rows
        ]

    def shown_share(self, numerator: int, denominator: int) -> float | None:
        value = suppress_rate(
            numerator, denominator, threshold=self.threshold, rounding=self.rounding
        )
        return value if isinstance(value, float) else None

    def gap_sentences(self, table: Table) -> list[str]:
        """Plain statements of where a group's share of introductions, or its outcomes, is out
        of line."""
        sentences = self.outcome_gap_sentences(table)
        for label, n, recorded, pop, pop_total in getattr(table, "gaps", []):
            shown = self.shown_share(n, recorded)
            if shown is None and n != 0:
                continue  # a hidden count cannot be described
            shown = shown or 0.0
            pop_share = 100 * pop / pop_total
            if pop_share == 0:
                if n:
                    sentences.append(
                        _(
                            "The local population figure for {group} people is missing, so "
                            "their share of introductions cannot be compared with it."
                        ).format(group=label)
                    )
                continue
            ratio = shown / pop_share
            if ratio < 0.8 or ratio > 1.25:
                sentences.append(
                    _(
                        "{group} people are {pop} of the local population but {share} of "
                        "introductions."
                    ).format(group=label, pop=_percent(pop_share), share=_percent(shown))
                )
        return sentences

    def outcome_gap_sentences(self, table: Table) -> list[str]:
        """For outcomes by group: each group's share who reliably improved (and deteriorated)
        against the whole network's, where it is under 4/5 or over 5/4 of it.

        Every share is worked out from the rounded counts, as the table shows them. A group
        whose share who improved is hidden gets a sentence saying so and nothing derived from
        its counts; a hidden share who deteriorated is simply not compared.
        """
        network = getattr(table, "outcome_network", None)
        if network is None:
            return []
        total, up, down = network
        if total == 0:
            return []
        network_up = self.shown_share(up, total)
        network_down = self.shown_share(down, total)
        if network_up is None:
            return [
                _(
                    "Too few people across the network have a pair of answers to compare "
                    "groups; the figures are hidden to protect privacy."
                )
            ]
        sentences = []
        for phrase, n, group_up, group_down in getattr(table, "outcome_gaps", []):
            if n == 0:
                continue
            shown_up = self.shown_share(group_up, n)
            if shown_up is None:
                sentences.append(
                    _("{group}: figures hidden to protect privacy.").format(group=phrase)
                )
                continue
            if _out_of_line(shown_up, network_up):
                sentences.append(
                    _(
                        "{group}: {share:.0f}% reliably improved, against {network:.0f}% across "
                        "the network."
                    ).format(group=phrase, share=shown_up, network=network_up)
                )
            shown_down = self.shown_share(group_down, n)
            if shown_down is not None and network_down is not None:
                if _out_of_line(shown_down, network_down):
                    sentences.append(
                        _(
                            "{group}: {share:.0f}% reliably deteriorated, against "
                            "{network:.0f}% across the network."
                        ).format(group=phrase, share=shown_down, network=network_down)
                    )
        return sentences


def _out_of_line(share: float, reference: float) -> bool:
    """Under four fifths or over five fourths of the reference (any share against 0 is)."""
    if reference == 0:
        return share > 0
    ratio = share / reference
    return ratio < 0.8 or ratio > 1.25


NOTE_FORMATTERS = {
    "{unowned}": lambda table, disclosure: disclosure.count(getattr(table, "unowned", 0))
}


def notes_of(table: Table, disclosure: Disclosure) -> list[str]:
    result = []
    for note in table.notes:
        for token, fn in NOTE_FORMATTERS.items():
            if token in note:
                note = note.replace(token, fn(table, disclosure))
        result.append(note)
    return result


def has_filters(filters: Filters) -> bool:
    return bool(filters.team_id or filters.tier or filters.organisation_id)


__all__ = [
    "DEFINITIONS",
    "Dataset",
    "Disclosure",
    "Filters",
    "Table",
]
