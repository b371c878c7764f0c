"""Read-side shaping: a project's readings, fidelity, charts and the portfolio; learning lists.

Nothing here is stored: every reading is worked out from the measures' data when asked
(``improvement.study``), with the same functions for the pages, the export and the import.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from livingwell.improvement import study
from livingwell.improvement.models import (
    ChangeIdea,
    ImprovementProject,
    PDSACycle,
    Prediction,
    ProcessChange,
    SafetyAction,
)
from livingwell.improvement.series import project_points
from livingwell.insight.annotations import settings_for
from livingwell.insight.charts import summarise, xmr_figure
from livingwell.insight.icons import point_variation_label
from livingwell.insight.spc import xmr


def run_length() -> int:
    from livingwell.core.models import SiteConfig

    return SiteConfig.current().spc_run_length


def fidelity_words(key: str, **kw) -> str:
    texts = {
        "no_linked_cycles": _("No cycle builds on another yet: plan a cycle that builds on one."),
        "no_cycle_started": _("No cycle has started its Do stage yet."),
        "started_without_locked_predictions": _(
            "{cycles} started without a locked prediction for every measure."
        ),
        "one_cycle_only": _("Only one cycle so far: start small, then test at a larger scale."),
        "first_scale_missing": _("{cycle} does not say how many people it involved."),
        "no_later_cycle_larger": _("No later cycle involved more people than {cycle}."),
        "nothing_studied": _("No cycle has reached its Study stage yet."),
        "too_few_window_points": _(
            "{cycles} had fewer than 3 points of a predicted measure in its window."
        ),
        "nothing_finished": _("No cycle is finished yet."),
        "stages_missing": _("{cycles} is missing part of a stage (Plan, Do, Study or Act)."),
    }
    return texts[key].format(**kw)


CRITERION_LABELS = {
    "iterative": gettext_lazy("Iterative: two or more linked cycles"),
    "predictions_locked": gettext_lazy("A prediction locked before every Do"),
    "small_scale_first": gettext_lazy("Small scale first, then larger"),
    "data_over_time": gettext_lazy("Data over time: 3 or more points in every window"),
    "documented": gettext_lazy("Documented: every finished cycle has all four stages"),
}


def criterion_label(name: str) -> str:
    return str(CRITERION_LABELS[name])


@dataclass
class PredictionReading:
    prediction: Prediction
    reading: study.Reading | None
    window_end: date | None
    so_far: bool  # the cycle has not reached its Study date: read up to today


@dataclass
class Series:
    idea: ChangeIdea
    cycles: list[PDSACycle]
    fidelity: study.Fidelity

    @property
    def checklist(self) -> list[dict]:
        return [
            {
                "name": name,
                "label": criterion_label(name),
                "met": met,
                "missing": self.fidelity.missing.get(name, ""),
            }
            for name, met in self.fidelity.as_dict().items()
        ]


@dataclass
class Picture:
    project: ImprovementProject
    points: dict
    changes: dict  # measure id -> [ProcessChange]
    readings: dict = field(default_factory=dict)  # prediction id -> PredictionReading
    series: list[Series] = field(default_factory=list)

    @property
    def latest_reading(self) -> PredictionReading | None:
        studied = [r for r in self.readings.values() if r.reading and not r.so_far]
        if not studied:
            return None
        return max(
            studied, key=lambda r: (r.prediction.cycle.study_date, r.prediction.cycle.number)
        )


def baseline_from(changes: list[ProcessChange], do_start: date) -> date | None:
    dates = [c.effective_date for c in changes if c.effective_date <= do_start]
    return max(dates) if dates else None


def read(prediction: Prediction, points, changes, *, today: date, length: int):
    cycle = prediction.cycle
    if cycle.do_started_on is None:
        return PredictionReading(prediction, None, None, False)
    end = cycle.study_date or today
    reading = study.read_prediction(
        points,
        do_start=cycle.do_started_on,
        study_date=end,
        direction=prediction.direction,
        expected_low=prediction.expected_low,
        expected_high=prediction.expected_high,
        improvement=prediction.measure.improvement,
        baseline_from=baseline_from(changes, cycle.do_started_on),
        run_length=length,
        trend_length=length,
    )
    return PredictionReading(prediction, reading, end, cycle.study_date is None)


def cycle_facts(cycle: PDSACycle, readings: dict) -> study.CycleFacts:
    predictions = list(cycle.predictions.all())
    window_points = ()
    if cycle.study_date is not None:
        window_points = tuple(
            readings[p.pk].reading.window_points
            for p in predictions
            if p.pk in readings and readings[p.pk].reading is not None
        )
    return study.CycleFacts(
        key=cycle.key,
        number=cycle.number,
        parent_key=cycle.parent.key if cycle.parent_id else None,
        scale_people=cycle.scale_people,
        do_started=cycle.do_started_at is not None,
        predictions=len(predictions),
        locked_predictions=sum(1 for p in predictions if p.locked_at is not None),
        studied=cycle.study_date is not None,
        window_points=window_points,
        finished=cycle.stage == PDSACycle.Stage.DONE,
        documented=study.documented_stages(
            purpose=cycle.purpose,
            predictions=len(predictions),
            ran_as_planned=cycle.ran_as_planned,
            study_date=cycle.study_date,
            learning=cycle.learning,
            decision=cycle.decision,
            decision_rationale=cycle.decision_rationale,
        ),
    )


def project_queryset():
    return ImprovementProject.objects.prefetch_related(
        "teams",
        "members",
        "progress_scores",
        "drivers",
        Prefetch("change_ideas", queryset=ChangeIdea.objects.select_related("driver")),
        "measures",
        Prefetch(
            "cycles",
            queryset=PDSACycle.objects.select_related("parent", "change_idea").prefetch_related(
                Prefetch("predictions", queryset=Prediction.objects.select_related("measure"))
            ),
        ),
    )


def picture(project: ImprovementProject, *, today: date | None = None, words=None) -> Picture:
    """Readings of every prediction and the fidelity of every series. ``project`` should come
    from :func:`project_queryset` (everything prefetched)."""
    today = today or timezone.localdate()
    measures = list(project.measures.all())
    points = project_points(project, measures, end=today)
    changes: dict = defaultdict(list)
    for change in ProcessChange.objects.filter(
        measure__project=project, withdrawn_at__isnull=True
    ).order_by("effective_date", "created_at"):
        changes[change.measure_id].append(change)
    result = Picture(project=project, points=points, changes=changes)
    length = run_length()
    cycles = list(project.cycles.all())
    for cycle in cycles:
        cycle.project = project  # already loaded; spares a query per cycle in the templates
        for prediction in cycle.predictions.all():
            prediction.cycle = cycle
            result.readings[prediction.pk] = read(
                prediction,
                points.get(prediction.measure_id, []),
                changes.get(prediction.measure_id, []),
                today=today,
                length=length,
            )
    by_idea = defaultdict(list)
    for cycle in cycles:
        by_idea[cycle.change_idea_id].append(cycle)
    for idea in project.change_ideas.all():
        series_cycles = by_idea.get(idea.pk, [])
        facts = [cycle_facts(c, result.readings) for c in series_cycles]
        result.series.append(
            Series(idea, series_cycles, study.fidelity(facts, words=words or fidelity_words))
        )
    return result


def chart(picture_: Picture, measure, *, today: date | None = None) -> dict:
    """One measure's XmR chart with its process changes (new limits, noted) and the start of
    each cycle that predicted it (a marker), as a figure for ``insight/_xmr_chart.html`` and as a
    table."""
    points = sorted(picture_.points.get(measure.pk, []), key=lambda p: p[0])
    dates = [d for d, _v in points]
    values = [v for _d, v in points]
    labels = [d.strftime("%d %b %Y") for d in dates]
    today = today or timezone.localdate()
    settings = settings_for(str(measure.pk), dates, today, picture_.changes.get(measure.pk, []))
    project = picture_.project
    target = (
        project.aim_target
        if project.aim_measure_id == measure.pk and project.aim_target is not None
        else None
    )
    length = run_length()
    result = xmr(
        values,
        improvement=measure.improvement,
        target=target,
        rebase_at=settings.rebase_at,
        run_length=length,
        trend_length=length,
    )
    markers = []
    cycles_shown = []
    for cycle in project.cycles.all():
        if cycle.do_started_on is None:
            continue
        if not any(p.measure_id == measure.pk for p in cycle.predictions.all()):
            continue
        index = next((i for i, d in enumerate(dates) if d >= cycle.do_started_on), None)
        if index is None:
            continue
        description = _("{key} started its Do stage on {d}: {idea}").format(
            key=cycle.key, d=cycle.do_started_on.strftime("%d %B %Y"), idea=cycle.change_idea.text
        )
        markers.append((index, cycle.key, description))
        cycles_shown.append(description)
    figure = None
    if points:
        figure = xmr_figure(
            result,
            title=measure.name,
            unit=measure.unit,
            labels=labels,
            id_prefix=f"measure-{measure.key}",
            markers=markers,
        )
    return {
        "measure": measure,
        "figure": figure,
        "summary": summarise(result, measure.name, measure.unit) if points else "",
        "rebases": [note for _i, note in settings.rebase_at],
        "cycles": cycles_shown,
        "rows": [
            (
                label,
                "–" if v is None else f"{v:g}",
                p.mean,
                p.upl,
                p.lpl,
                point_variation_label(p.variation),
            )
            for label, v, p in zip(labels, values, result.points, strict=True)
        ],
        "n_points": sum(1 for v in values if v is not None),
    }


def portfolio(projects) -> list[dict]:
    rows = []
    for project in projects:
        pic = picture(project)
        scores = list(project.progress_scores.all())
        latest = pic.latest_reading
        rows.append(
            {
                "project": project,
                "score": scores[0] if scores else None,
                "cycles": len(list(project.cycles.all())),
                "series": pic.series,
                "latest": latest,
            }
        )
    return rows


# --------------------------------------------------------------------------------------------
# Safety actions


def overdue_q(today: date) -> Q:
    """A safety action is overdue when it is open and its due date has passed."""
    return Q(status=SafetyAction.Status.OPEN, due_date__lt=today)


def overdue_safety_actions(user, *, today: date | None = None):
    """Open safety actions the user owns whose due date has passed, oldest due first: for the
    owner's board (the huddle board can show them with this one call) and their own list."""
    today = today or timezone.localdate()
    return (
        SafetyAction.objects.filter(overdue_q(today), owner=user)
        .select_related("response")
        .order_by("due_date", "created_at")
    )


def my_safety_actions(user):
    return (
        SafetyAction.objects.filter(owner=user)
        .select_related("response")
        .order_by("status", "due_date", "created_at")
    )


# --------------------------------------------------------------------------------------------
# Beside a cycle's Study: the balancing measures and the equity lens, same teams and window


def balancing_beside(pic: Picture, cycle: PDSACycle, *, today: date | None = None) -> list:
    """Each balancing measure read over the cycle's window against its baseline, as a
    prediction of no change would be: did something else get worse?"""
    today = today or timezone.localdate()
    out = []
    for measure in pic.project.measures.all():
        if measure.kind != "balancing":
            continue
        reading = study.read_prediction(
            pic.points.get(measure.pk, []),
            do_start=cycle.do_started_on,
            study_date=cycle.study_date or today,
            direction="no_change",
            expected_low=0,
            expected_high=0,
            improvement=measure.improvement,
            baseline_from=baseline_from(pic.changes.get(measure.pk, []), cycle.do_started_on),
            run_length=run_length(),
            trend_length=run_length(),
        )
        out.append({"measure": measure, "reading": reading})
    return out


def equity_beside(project: ImprovementProject, cycle: PDSACycle) -> list[str]:
    """The equity lens's stated gaps for the project's teams over the cycle's window (who came
    through the door, and who improved), made safe to show as on the insight pages."""
    from livingwell.improvement.series import filters_for
    from livingwell.insight import metrics
    from livingwell.insight.lenses import tables_for

    base = filters_for(project, end=cycle.study_date)
    filters = metrics.Filters(
        start=cycle.do_started_on, end=cycle.study_date, team_ids=base.team_ids
    )
    data = metrics.Dataset(filters)
    disclosure = metrics.Disclosure.from_site()
    sentences: list[str] = []
    for table in tables_for("equity", data):
        sentences += disclosure.gap_sentences(table)
    return sentences
