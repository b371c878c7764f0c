"""Every change to improvement projects, PDSA cycles and learning responses.

Keyword-only, ``by`` the acting user (None only for the site's own commands: the seed and the
import command), one transaction each, an audit event in it. Bad input raises
:class:`ImprovementError` naming the field at fault; nothing is half stored.

Predictions are locked when a cycle's Do stage starts (:func:`start_do`): adding, changing or
removing one after that is refused here with a message and an audited refusal, and refused by
the database as well (migration 0002).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import partial

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from livingwell.access import audit
from livingwell.access.models import AuditEvent
from livingwell.access.permissions import Permission, has_permission
from livingwell.core.refusals import Refused, checked_choice, checked_text
from livingwell.core.statemachine import check_transition
from livingwell.improvement import rules
from livingwell.improvement.models import (
    PROGRESS_SCORES,
    SEIPS,
    ChangeIdea,
    ContributingFactor,
    Driver,
    Improvement,
    ImprovementProject,
    LearningResponse,
    Measure,
    MeasurePoint,
    PDSACycle,
    Prediction,
    ProcessChange,
    ProgressScore,
    ProjectMember,
    SafetyAction,
)
from livingwell.improvement.series import NETWORK_MEASURES


class ImprovementError(Refused):
    """A change that cannot be made; ``field`` names the input at fault (None: the whole form)."""


S = PDSACycle.Stage
CYCLE_TRANSITIONS: dict[str, set[str]] = {
    S.PLAN: {S.DO},
    S.DO: {S.STUDY},
    S.STUDY: {S.ACT},
    S.ACT: {S.DONE},
    S.DONE: set(),
}

EARLIEST = date(2000, 1, 1)
NUMBER_LIMIT = Decimal("1000000000")


# --------------------------------------------------------------------------------------------
# Checking input


_text = partial(checked_text, refusal=ImprovementError)


def _date(value, field: str, message: str, *, required: bool = True) -> date | None:
    if value in (None, ""):
        if required:
            raise ImprovementError(message, field)
        return None
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ImprovementError(message, field)
    if value < EARLIEST or value.year > timezone.localdate().year + 10:
        raise ImprovementError(
            _("Enter a date between 1 January 2000 and ten years from now."), field
        )
    return value


def _number(value, field: str, message: str, *, required: bool = True) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise ImprovementError(message, field)
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ImprovementError(message, field) from None
    if not number.is_finite() or abs(number) >= NUMBER_LIMIT:
        raise ImprovementError(message, field)
    if number != number.quantize(Decimal("0.01")):
        raise ImprovementError(_("Use at most two decimal places."), field)
    return number.quantize(Decimal("0.01"))


_choice = partial(checked_choice, refusal=ImprovementError)


def _log(by, verb: str, obj, *, person_id=None, category="improvement", **detail) -> None:
    """No free text in the detail: only what changed, as names, keys and dates."""
    audit.record(
        by=by,
        action=f"improvement.{verb}",
        person_id=person_id,
        category=category,
        purpose="service_improvement",
        obj=obj,
        detail=detail,
    )


def _may_change(by, project: ImprovementProject) -> None:
    if by is not None and not rules.may_change_project(by, project):
        raise PermissionDenied(_("Only the project's lead and team members can change it."))


def _next_key(model, project, prefix: str) -> str:
    n = model.objects.filter(project=project).count() + 1
    while model.objects.filter(project=project, key=f"{prefix}{n}").exists():
        n += 1
    return f"{prefix}{n}"


# --------------------------------------------------------------------------------------------
# Projects


@transaction.atomic
def create_project(
    *,
    by,
    title: str,
    aim_statement: str,
    aim_target=None,
    aim_date=None,
    data_from=None,
    teams=(),
    lead=None,
    imported: bool = False,
) -> ImprovementProject:
    if by is not None and not has_permission(by, Permission.LEAD_IMPROVEMENT):
        raise PermissionDenied
    title = _text(title, "title", _("Enter the project's title."), limit=200)
    aim_statement = _text(
        aim_statement,
        "aim_statement",
        _("Enter the aim: what the project will improve, by how much and by when."),
        limit=2000,
    )
    aim_target = _number(
        aim_target, "aim_target", _("Enter the target as a number."), required=False
    )
    aim_date = _date(
        aim_date, "aim_date", _("Enter the aim's date as a real date."), required=False
    )
    today = timezone.localdate()
    data_from = _date(
        data_from, "data_from", _("Enter the first date of data as a real date."), required=False
    )
    if data_from is None:
        data_from = date.fromordinal(today.toordinal() - 26 * 7)
    if data_from > today and not imported:
        raise ImprovementError(
            _(
                "The first date of data cannot be in the future: the baseline comes before "
                "the tests."
            ),
            "data_from",
        )
    project = ImprovementProject.objects.create(
        title=title,
        aim_statement=aim_statement,
        aim_target=aim_target,
        aim_date=aim_date,
        data_from=data_from,
        lead=lead if lead is not None else by,
        created_by=by,
        created_at=timezone.now(),
        imported=imported,
    )
    project.teams.set(list(teams))
    if by is not None and not imported:
        ProjectMember.objects.create(
            project=project,
            user=by,
            name=str(by),
            role=_("Project lead"),
            lived_experience=False,
        )
    _log(by, "project_create", project, teams=len(list(teams)), imported=imported)
    return project


@transaction.atomic
def update_aim(
    *,
    by,
    project: ImprovementProject,
    aim_statement: str,
    aim_measure=None,
    aim_target=None,
    aim_date=None,
) -> ImprovementProject:
    _may_change(by, project)
    project.aim_statement = _text(
        aim_statement,
        "aim_statement",
        _("Enter the aim: what the project will improve, by how much and by when."),
        limit=2000,
    )
    if aim_measure is not None and aim_measure.project_id != project.pk:
        raise ImprovementError(_("Choose one of this project's measures."), "aim_measure")
    project.aim_measure = aim_measure
    project.aim_target = _number(
        aim_target, "aim_target", _("Enter the target as a number."), required=False
    )
    project.aim_date = _date(
        aim_date, "aim_date", _("Enter the aim's date as a real date."), required=False
    )
    project.save(update_fields=["aim_statement", "aim_measure", "aim_target", "aim_date"])
    _log(by, "project_aim", project)
    return project


@transaction.atomic
def add_member(
    *,
    by,
    project: ImprovementProject,
    name: str,
    role: str,
    lived_experience: bool = False,
    user=None,
) -> ProjectMember:
    _may_change(by, project)
    member = ProjectMember.objects.create(
        project=project,
        user=user,
        name=_text(name, "name", _("Enter the team member's name."), limit=150),
        role=_text(role, "role", _("Enter their role in the project."), limit=150),
        lived_experience=bool(lived_experience),
    )
    _log(by, "member_add", project, lived_experience=member.lived_experience)
    return member


@transaction.atomic
def set_progress_score(
    *, by, project: ImprovementProject, score, on=None, note: str = ""
) -> ProgressScore:
    _may_change(by, project)
    try:
        value = Decimal(str(score))
    except (InvalidOperation, ValueError):
        value = None
    if value not in PROGRESS_SCORES:
        raise ImprovementError(_("Choose a progress score from 0.5 to 5.0."), "score")
    on = _date(on or timezone.localdate(), "on", _("Enter the date as a real date."))
    entry = ProgressScore.objects.create(
        project=project,
        score=value,
        on=on,
        note=_text(note, "note", "", limit=2000, required=False),
        set_by=by,
        set_at=timezone.now(),
    )
    _log(by, "progress_score", project, score=str(value), on=on.isoformat())
    return entry


@transaction.atomic
def add_driver(
    *,
    by,
    project: ImprovementProject,
    level: str,
    text: str,
    parent: Driver | None = None,
    key: str | None = None,
) -> Driver:
    _may_change(by, project)
    level = _choice(level, Driver.Level.values, "level", _("Choose a primary or secondary driver."))
    text = _text(text, "text", _("Enter the driver."), limit=300)
    if level == Driver.Level.SECONDARY:
        if parent is None or parent.project_id != project.pk or parent.level != "primary":
            raise ImprovementError(
                _("Choose the primary driver this secondary driver serves."), "parent"
            )
    else:
        parent = None
    driver = Driver.objects.create(
        project=project,
        parent=parent,
        level=level,
        text=text,
        key=key or _next_key(Driver, project, "D"),
        created_at=timezone.now(),
    )
    _log(by, "driver_add", project, level=level)
    return driver


@transaction.atomic
def add_change_idea(
    *,
    by,
    project: ImprovementProject,
    driver: Driver | None,
    text: str,
    from_safety_action: SafetyAction | None = None,
    key: str | None = None,
) -> ChangeIdea:
    _may_change(by, project)
    if driver is None or driver.project_id != project.pk:
        raise ImprovementError(_("Choose the driver this change idea serves."), "driver")
    idea = ChangeIdea.objects.create(
        project=project,
        driver=driver,
        text=_text(text, "text", _("Enter the change idea."), limit=300),
        key=key or _next_key(ChangeIdea, project, "I"),
        from_safety_action=from_safety_action,
        created_at=timezone.now(),
    )
    _log(by, "change_idea_add", project, from_safety_action=from_safety_action is not None)
    return idea


@transaction.atomic
def add_measure(
    *,
    by,
    project: ImprovementProject,
    name: str,
    kind: str,
    improvement: str,
    source: str = Measure.MANUAL,
    unit: str = "",
    definition: str = "",
    key: str | None = None,
) -> Measure:
    _may_change(by, project)
    source = _choice(
        source,
        [Measure.MANUAL, *NETWORK_MEASURES],
        "source",
        _("Choose one of the network's measures, or a measure you record yourselves."),
    )
    if source != Measure.MANUAL:
        network = NETWORK_MEASURES[source]
        name = name or str(network.name)
        unit = unit or network.unit
        definition = definition or str(network.definition)
    measure = Measure.objects.create(
        project=project,
        key=key or _next_key(Measure, project, "M"),
        name=_text(name, "name", _("Enter the measure's name."), limit=200),
        kind=_choice(
            kind, Measure.Kind.values, "kind", _("Choose an outcome, process or balancing measure.")
        ),
        improvement=_choice(
            improvement,
            Improvement.values,
            "improvement",
            _("Choose whether higher or lower is better for this measure."),
        ),
        source=source,
        unit=_text(unit, "unit", "", limit=20, required=False),
        definition=_text(definition, "definition", "", limit=4000, required=False),
        created_at=timezone.now(),
    )
    _log(by, "measure_add", project, kind=measure.kind, source=source)
    return measure


@transaction.atomic
def record_point(*, by, measure: Measure, on, value) -> MeasurePoint:
    _may_change(by, measure.project)
    if not measure.is_manual:
        raise ImprovementError(
            _("This measure comes from the network's records; its points cannot be typed in."),
            None,
        )
    on = _date(on, "on", _("Enter the date of the value as a real date."))
    if on > timezone.localdate():
        raise ImprovementError(_("A value cannot be dated in the future."), "on")
    value = _number(value, "value", _("Enter the value as a number, for example 12 or 3.5."))
    if MeasurePoint.objects.filter(measure=measure, on=on).exists():
        raise ImprovementError(
            _("There is already a value for this date. Each date has one value."), "on"
        )
    point = MeasurePoint.objects.create(
        measure=measure, on=on, value=value, recorded_by=by, recorded_at=timezone.now()
    )
    _log(by, "point_record", measure, on=on.isoformat())
    return point


# --------------------------------------------------------------------------------------------
# PDSA cycles


def _plan_fields(fields: dict) -> dict:
    purpose = _text(
        fields.get("purpose"),
        "purpose",
        _("Enter what this cycle is testing and why."),
        limit=4000,
    )
    scale_people = fields.get("scale_people")
    if scale_people in ("", None):
        scale_people = None
    else:
        try:
            scale_people = int(scale_people)
        except (TypeError, ValueError):
            scale_people = -1
        if scale_people < 1 or scale_people > 1_000_000:
            raise ImprovementError(
                _("Enter how many people the test will involve, as a whole number of 1 or more."),
                "scale_people",
            )
    return {
        "purpose": purpose,
        "questions": _text(fields.get("questions"), "questions", "", limit=4000, required=False),
        "scale_who": _text(fields.get("scale_who"), "scale_who", "", limit=200, required=False),
        "scale_where": _text(
            fields.get("scale_where"), "scale_where", "", limit=200, required=False
        ),
        "scale_people": scale_people,
        "scale_duration": _text(
            fields.get("scale_duration"), "scale_duration", "", limit=100, required=False
        ),
        "data_plan": _text(fields.get("data_plan"), "data_plan", "", limit=4000, required=False),
    }


@transaction.atomic
def plan_cycle(
    *,
    by,
    project: ImprovementProject,
    change_idea: ChangeIdea | None,
    parent: PDSACycle | None = None,
    key: str | None = None,
    imported: bool = False,
    **fields,
) -> PDSACycle:
    """A new cycle in Plan. ``parent`` is the cycle it builds on (any earlier cycle of the
    project's; usually the same change idea's)."""
    _may_change(by, project)
    if change_idea is None or change_idea.project_id != project.pk:
        raise ImprovementError(_("Choose the change idea this cycle tests."), "change_idea")
    if parent is not None and parent.project_id != project.pk:
        raise ImprovementError(_("Choose a cycle of this project to build on."), "parent")
    number = (PDSACycle.objects.filter(project=project).aggregate(n=Max("number"))["n"] or 0) + 1
    cycle = PDSACycle.objects.create(
        project=project,
        change_idea=change_idea,
        parent=parent,
        number=number,
        key=key or f"C{number}",
        planned_by=by,
        planned_at=timezone.now(),
        imported=imported,
        **_plan_fields(fields),
    )
    _log(by, "cycle_plan", cycle, key=cycle.key, builds_on=parent.key if parent else None)
    return cycle


@transaction.atomic
def update_plan(*, by, cycle: PDSACycle, **fields) -> PDSACycle:
    cycle = PDSACycle.objects.select_for_update().get(pk=cycle.pk)
    _may_change(by, cycle.project)
    if cycle.stage != S.PLAN:
        raise ImprovementError(_("The plan cannot change once the Do stage has started."), None)
    values = _plan_fields(fields)
    for name, value in values.items():
        setattr(cycle, name, value)
    cycle.save(update_fields=list(values))
    _log(by, "cycle_plan_update", cycle, key=cycle.key)
    return cycle


def _prediction_values(
    cycle: PDSACycle, *, measure, direction, expected_low, expected_high, rationale=""
) -> dict:
    if measure is None or measure.project_id != cycle.project_id:
        raise ImprovementError(_("Choose one of the project's measures."), "measure")
    direction = _choice(
        direction,
        Prediction.Direction.values,
        "direction",
        _("Choose whether the measure will increase, decrease or not change."),
    )
    low = _number(
        expected_low, "expected_low", _("Enter the lowest value you expect, as a number.")
    )
    high = _number(
        expected_high, "expected_high", _("Enter the highest value you expect, as a number.")
    )
    if low > high:
        raise ImprovementError(
            _("The highest value you expect must be at least the lowest."), "expected_high"
        )
    return {
        "measure": measure,
        "direction": direction,
        "expected_low": low,
        "expected_high": high,
        "rationale": _text(rationale, "rationale", "", limit=2000, required=False),
    }


def refuse_locked(by, cycle: PDSACycle, what: str) -> None:
    """Record a refused attempt to change a locked prediction, and say why. Outside the action's
    transaction, so the refusal stays on the record."""
    audit.record(
        by=by,
        action="improvement.prediction_change_refused",
        category="improvement",
        purpose="service_improvement",
        outcome=AuditEvent.Outcome.REFUSED,
        obj=cycle,
        detail={"key": cycle.key, "attempt": what},
    )
    raise ImprovementError(locked_message(cycle), None)


def locked_message(cycle: PDSACycle) -> str:
    when = timezone.localtime(cycle.do_started_at) if cycle.do_started_at else None
    return _(
        "The predictions of {key} were locked when its Do stage started{when}. Nobody can "
        "change them now. To predict again, plan a new cycle that builds on this one."
    ).format(key=cycle.key, when=when.strftime(" on %d %B %Y at %H:%M") if when else "")


def add_prediction(*, by, cycle: PDSACycle, **values) -> Prediction:
    if PDSACycle.objects.filter(pk=cycle.pk, do_started_at__isnull=False).exists():
        refuse_locked(by, cycle, "add")
    return _add_prediction(by=by, cycle=cycle, **values)


@transaction.atomic
def _add_prediction(*, by, cycle: PDSACycle, **values) -> Prediction:
    cycle = PDSACycle.objects.select_for_update().get(pk=cycle.pk)
    _may_change(by, cycle.project)
    if cycle.do_started_at is not None:
        raise ImprovementError(locked_message(cycle), None)
    prediction = Prediction.objects.create(
        cycle=cycle,
        created_by=by,
        created_at=timezone.now(),
        **_prediction_values(cycle, **values),
    )
    _log(by, "prediction_add", cycle, key=cycle.key, measure=prediction.measure.key)
    return prediction


def edit_prediction(*, by, prediction: Prediction, **values) -> Prediction:
    if Prediction.objects.filter(pk=prediction.pk, locked_at__isnull=False).exists():
        refuse_locked(by, prediction.cycle, "edit")
    return _edit_prediction(by=by, prediction=prediction, **values)


@transaction.atomic
def _edit_prediction(*, by, prediction: Prediction, **values) -> Prediction:
    cycle = PDSACycle.objects.select_for_update().get(pk=prediction.cycle_id)
    _may_change(by, cycle.project)
    current = Prediction.objects.get(pk=prediction.pk)
    if current.locked_at is not None or cycle.do_started_at is not None:
        raise ImprovementError(locked_message(cycle), None)
    checked = _prediction_values(cycle, **values)
    for name, value in checked.items():
        setattr(current, name, value)
    current.save(update_fields=list(checked))
    _log(by, "prediction_edit", cycle, key=cycle.key, measure=current.measure.key)
    return current


def remove_prediction(*, by, prediction: Prediction) -> None:
    if Prediction.objects.filter(pk=prediction.pk, locked_at__isnull=False).exists():
        refuse_locked(by, prediction.cycle, "remove")
    _remove_prediction(by=by, prediction=prediction)


@transaction.atomic
def _remove_prediction(*, by, prediction: Prediction) -> None:
    cycle = PDSACycle.objects.select_for_update().get(pk=prediction.cycle_id)
    _may_change(by, cycle.project)
    if cycle.do_started_at is not None:
        raise ImprovementError(locked_message(cycle), None)
    Prediction.objects.filter(pk=prediction.pk, locked_at__isnull=True).delete()
    _log(by, "prediction_remove", cycle, key=cycle.key)


@transaction.atomic
def start_do(*, by, cycle: PDSACycle, on: date | None = None) -> PDSACycle:
    """Start the Do stage: lock and time-stamp every prediction, and fix the window's first day.

    ``on`` is for the import command only (a cycle another site ran): a team's own Do starts
    today, so that nobody can move the window after seeing the data.
    """
    cycle = PDSACycle.objects.select_for_update().get(pk=cycle.pk)
    _may_change(by, cycle.project)
    check_transition(CYCLE_TRANSITIONS, cycle.stage, S.DO, what="PDSA cycle")
    now = timezone.now()
    on = on or timezone.localdate(now)
    locked = Prediction.objects.filter(cycle=cycle, locked_at__isnull=True).update(locked_at=now)
    cycle.do_started_at = now
    cycle.do_started_on = on
    cycle.stage = S.DO
    cycle.save(update_fields=["do_started_at", "do_started_on", "stage"])
    _log(by, "cycle_start_do", cycle, key=cycle.key, predictions_locked=locked, on=on.isoformat())
    return cycle


@transaction.atomic
def record_do(
    *,
    by,
    cycle: PDSACycle,
    ran_as_planned: str,
    deviations: str = "",
    observations: str = "",
    surprises: str = "",
    stopped_for_harm: bool = False,
) -> PDSACycle:
    cycle = PDSACycle.objects.select_for_update().get(pk=cycle.pk)
    _may_change(by, cycle.project)
    check_transition(CYCLE_TRANSITIONS, cycle.stage, S.STUDY, what="PDSA cycle")
    cycle.ran_as_planned = _choice(
        ran_as_planned,
        PDSACycle.RanAsPlanned.values,
        "ran_as_planned",
        _("Say whether the test ran as planned: yes, partly or no."),
    )
    cycle.deviations = _text(deviations, "deviations", "", limit=4000, required=False)
    if cycle.ran_as_planned != "yes" and not cycle.deviations:
        raise ImprovementError(
            _("Say what was done differently from the plan, and why."), "deviations"
        )
    cycle.observations = _text(observations, "observations", "", limit=4000, required=False)
    cycle.surprises = _text(surprises, "surprises", "", limit=4000, required=False)
    cycle.stopped_for_harm = bool(stopped_for_harm)
    cycle.stage = S.STUDY
    cycle.save(
        update_fields=[
            "ran_as_planned",
            "deviations",
            "observations",
            "surprises",
            "stopped_for_harm",
            "stage",
        ]
    )
    _log(
        by,
        "cycle_do",
        cycle,
        key=cycle.key,
        ran_as_planned=cycle.ran_as_planned,
        stopped_for_harm=cycle.stopped_for_harm,
    )
    return cycle


@transaction.atomic
def record_study(*, by, cycle: PDSACycle, study_date, learning: str) -> PDSACycle:
    cycle = PDSACycle.objects.select_for_update().get(pk=cycle.pk)
    _may_change(by, cycle.project)
    check_transition(CYCLE_TRANSITIONS, cycle.stage, S.ACT, what="PDSA cycle")
    study_date = _date(study_date, "study_date", _("Enter the Study date as a real date."))
    if study_date < cycle.do_started_on:
        raise ImprovementError(
            _("The Study date must be on or after the Do stage started ({d}).").format(
                d=cycle.do_started_on.strftime("%d %B %Y")
            ),
            "study_date",
        )
    if study_date > timezone.localdate() and not cycle.imported:
        raise ImprovementError(_("The Study date cannot be in the future."), "study_date")
    cycle.study_date = study_date
    cycle.learning = _text(
        learning,
        "learning",
        _("Say what you learned, including what you did not expect."),
        limit=4000,
    )
    cycle.stage = S.ACT
    cycle.save(update_fields=["study_date", "learning", "stage"])
    _log(by, "cycle_study", cycle, key=cycle.key, study_date=study_date.isoformat())
    return cycle


@transaction.atomic
def record_act(
    *,
    by,
    cycle: PDSACycle,
    decision: str,
    rationale: str,
    process_change_measures=(),
    process_change_date=None,
    process_change_note: str = "",
) -> PDSACycle:
    """The decision, with why. Adopting can record a process change on chosen measures' charts
    (new limits from that date, with its note)."""
    cycle = PDSACycle.objects.select_for_update().get(pk=cycle.pk)
    _may_change(by, cycle.project)
    check_transition(CYCLE_TRANSITIONS, cycle.stage, S.DONE, what="PDSA cycle")
    cycle.decision = _choice(
        decision,
        PDSACycle.Decision.values,
        "decision",
        _("Choose adopt, adapt, abandon, reframe the problem or scale up."),
    )
    cycle.decision_rationale = _text(
        rationale, "rationale", _("Say why you made this decision."), limit=4000
    )
    measures = list(process_change_measures)
    if measures:
        if cycle.decision != PDSACycle.Decision.ADOPT:
            raise ImprovementError(
                _("Only an adopted change is recorded as a process change on the charts."),
                "process_change_measures",
            )
        on = _date(
            process_change_date,
            "process_change_date",
            _("Enter the date the change became the way things are done."),
        )
        note = _text(
            process_change_note,
            "process_change_note",
            _("Enter a short note for the charts saying what changed."),
            limit=200,
        )
        now = timezone.now()
        for measure in measures:
            if measure.project_id != cycle.project_id:
                raise ImprovementError(
                    _("Choose the project's own measures."), "process_change_measures"
                )
            ProcessChange.objects.create(
                measure=measure,
                cycle=cycle,
                effective_date=on,
                note=note,
                created_by=by,
                created_at=now,
            )
    cycle.stage = S.DONE
    cycle.finished_at = timezone.now()
    cycle.save(update_fields=["decision", "decision_rationale", "stage", "finished_at"])
    _log(
        by,
        "cycle_act",
        cycle,
        key=cycle.key,
        decision=cycle.decision,
        process_changes=len(measures),
    )
    return cycle


# --------------------------------------------------------------------------------------------
# Learning responses


def _response_person_id(response: LearningResponse):
    return response.introduction.person_id if response.introduction_id else None


def _may_lead_response(by, response: LearningResponse | None = None, introduction=None) -> None:
    """The role, and for a response about a person the relationship with them (the one rule,
    has_permission with the person)."""
    if by is None:
        return
    intro = introduction or (
        response.introduction if response and response.introduction_id else None
    )
    person = intro.person if intro is not None else None
    if not has_permission(by, Permission.LEAD_LEARNING_RESPONSE, person=person):
        raise PermissionDenied


def _membership_organisation(by):
    from livingwell.access.memberships import current_memberships

    memberships = current_memberships(by)
    if not memberships:
        raise ImprovementError(_("You need a current role in an organisation to raise this."))
    return memberships[0].organisation


@transaction.atomic
def raise_response(
    *,
    by,
    kind: str,
    event_kind: str,
    title: str,
    event_date,
    response_date=None,
    introduction=None,
    organisation=None,
) -> LearningResponse:
    _may_lead_response(by, introduction=introduction)
    kind = _choice(kind, LearningResponse.Kind.values, "kind", _("Choose the kind of response."))
    event_kind = _choice(
        event_kind,
        LearningResponse.EventKind.values,
        "event_kind",
        _("Choose what happened: an incident, a near miss, good care or a risk."),
    )
    title = _text(
        title,
        "title",
        _("Enter a short title that names no one, for example “Urgent call not returned”."),
        limit=200,
    )
    event_date = _date(event_date, "event_date", _("Enter the date of the event as a real date."))
    if event_date > timezone.localdate():
        raise ImprovementError(_("The event cannot be in the future."), "event_date")
    response_date = _date(
        response_date or timezone.localdate(),
        "response_date",
        _("Enter the date of the response as a real date."),
    )
    if response_date < event_date:
        raise ImprovementError(_("The response cannot be before the event."), "response_date")
    now = timezone.now()
    response = LearningResponse.objects.create(
        kind=kind,
        event_kind=event_kind,
        title=title,
        event_date=event_date,
        response_date=response_date,
        organisation=organisation or _membership_organisation(by),
        raised_by=by,
        raised_at=now,
        introduction=introduction,
        changed_at=now,
    )
    _log(
        by,
        "response_raise",
        response,
        person_id=_response_person_id(response),
        category="learning_response",
        kind=kind,
        event_kind=event_kind,
    )
    return response


RESPONSE_TEXT_FIELDS = ("expected", "happened", "difference", "learned", "involvement_notes")


@transaction.atomic
def update_response(
    *,
    by,
    response: LearningResponse,
    expected: str = "",
    happened: str = "",
    difference: str = "",
    learned: str = "",
    participant_roles=(),
    person_involvement: str,
    support_offered: bool = False,
    involvement_notes: str = "",
) -> LearningResponse:
    """The four questions (for an After Action Review: what was expected, what happened, why
    was there a difference, what can be learned), who took part by role, and whether the person
    or family were involved and offered support."""
    response = LearningResponse.objects.select_for_update().get(pk=response.pk)
    _may_lead_response(by, response)
    values = {
        "expected": expected,
        "happened": happened,
        "difference": difference,
        "learned": learned,
        "involvement_notes": involvement_notes,
    }
    for name, value in values.items():
        setattr(response, name, _text(value, name, "", limit=8000, required=False))
    allowed = set(rules.PARTICIPANT_ROLE_VALUES)
    roles = list(participant_roles)
    if any(r not in allowed for r in roles):
        raise ImprovementError(_("Choose roles from the list."), "participant_roles")
    response.participant_roles = roles
    response.person_involvement = _choice(
        person_involvement,
        LearningResponse.Involvement.values,
        "person_involvement",
        _("Say whether the person or their family were involved."),
    )
    response.support_offered = bool(support_offered)
    response.changed_at = timezone.now()
    response.save(
        update_fields=[
            *RESPONSE_TEXT_FIELDS,
            "participant_roles",
            "person_involvement",
            "support_offered",
            "changed_at",
        ]
    )
    _log(
        by,
        "response_update",
        response,
        person_id=_response_person_id(response),
        category="learning_response",
        roles=len(roles),
    )
    return response


@transaction.atomic
def add_factor(
    *, by, response: LearningResponse, seips: str, effect: str, description: str
) -> ContributingFactor:
    _may_lead_response(by, response)
    factor = ContributingFactor.objects.create(
        response=response,
        seips=_choice(seips, SEIPS.values, "seips", _("Choose the part of the work system.")),
        effect=_choice(
            effect,
            ContributingFactor.Effect.values,
            "effect",
            _("Say whether it contributed or went well."),
        ),
        description=_text(
            description,
            "description",
            _("Describe the factor in the work system, without naming anyone."),
            limit=500,
        ),
        created_at=timezone.now(),
    )
    LearningResponse.objects.filter(pk=response.pk).update(changed_at=timezone.now())
    _log(
        by,
        "factor_add",
        response,
        person_id=_response_person_id(response),
        category="learning_response",
        seips=factor.seips,
        effect=factor.effect,
    )
    return factor


@transaction.atomic
def add_safety_action(
    *, by, response: LearningResponse, description: str, owner, due_date, measure: str
) -> SafetyAction:
    _may_lead_response(by, response)
    if owner is None:
        raise ImprovementError(_("Choose who owns this action."), "owner")
    due = _date(due_date, "due_date", _("Enter the date it is due as a real date."))
    action = SafetyAction.objects.create(
        response=response,
        description=_text(description, "description", _("Enter the safety action."), limit=500),
        owner=owner,
        due_date=due,
        measure=_text(
            measure,
            "measure",
            _("Say how you will know the action worked (its measure)."),
            limit=300,
        ),
        created_at=timezone.now(),
    )
    _log(
        by,
        "safety_action_add",
        response,
        person_id=_response_person_id(response),
        category="learning_response",
        due=due.isoformat(),
    )
    return action


@transaction.atomic
def complete_safety_action(*, by, action: SafetyAction) -> SafetyAction:
    action = SafetyAction.objects.select_for_update().select_related("response").get(pk=action.pk)
    if by is not None and action.owner_id != by.pk:
        _may_lead_response(by, action.response)
    if action.status == SafetyAction.Status.DONE:
        raise ImprovementError(_("This action is already done."))
    action.status = SafetyAction.Status.DONE
    action.done_at = timezone.now()
    action.done_by = by
    action.save(update_fields=["status", "done_at", "done_by"])
    _log(
        by,
        "safety_action_done",
        action,
        person_id=_response_person_id(action.response),
        category="learning_response",
    )
    return action


@transaction.atomic
def safety_action_to_change_idea(
    *, by, action: SafetyAction, project: ImprovementProject, driver: Driver | None, text: str = ""
) -> ChangeIdea:
    """A safety action becomes a change idea to test with PDSA cycles in a project."""
    if project is None or driver is None:
        raise ImprovementError(_("Choose the project and driver the change idea serves."), "driver")
    if by is not None and action.owner_id != by.pk:
        _may_lead_response(by, action.response)
    return add_change_idea(
        by=by,
        project=project,
        driver=driver,
        text=text or action.description,
        from_safety_action=action,
    )


@transaction.atomic
def share_learning_summary(
    *, by, response: LearningResponse, summary: str, names_checked: bool = False
) -> LearningResponse:
    """Share the response's learning summary with the network, after the personal-data check.

    NHS numbers and the person's date of birth always stop it; a name of someone in the record
    stops it unless the lead confirms it is not about them (a name can be an ordinary word).
    """
    from livingwell.improvement.privacy import personal_data_findings

    response = LearningResponse.objects.select_for_update().get(pk=response.pk)
    _may_lead_response(by, response)
    summary = _text(
        summary,
        "learning_summary",
        _("Enter the learning summary: what the network can learn, without personal data."),
        limit=4000,
    )
    findings = personal_data_findings(summary, response.introduction)
    blocking = [f for f in findings if f.blocking]
    names = [f for f in findings if not f.blocking]
    if blocking or (names and not names_checked):
        raise ImprovementError(
            _("The summary may hold personal data: {what}. Take it out before sharing.").format(
                what="; ".join(f.message for f in findings)
            ),
            "learning_summary",
        )
    now = timezone.now()
    response.learning_summary = summary
    response.shared_at = now
    response.shared_by = by
    response.changed_at = now
    response.save(update_fields=["learning_summary", "shared_at", "shared_by", "changed_at"])
    _log(
        by,
        "response_share",
        response,
        person_id=_response_person_id(response),
        category="learning_response",
        names_confirmed_not_personal=len(names),
    )
    return response
