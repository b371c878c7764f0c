"""Improvement project pages: the portfolio, a project, its cycles and their stages.

Projects hold no person data: the pages need the ``lead_improvement`` permission, and changing a
project needs to be on its team (``rules.may_change_project``). Every change goes through
``improvement.actions``; a refused one is shown beside the field it is about.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from livingwell.access.permissions import Permission
from livingwell.access.policy import staff
from livingwell.core import forms as lw_forms
from livingwell.core.forms import perform, posted
from livingwell.core.statemachine import TransitionError
from livingwell.improvement import actions, diagram, queries, rules
from livingwell.improvement import forms as f
from livingwell.improvement.models import ImprovementProject, Measure, PDSACycle, Prediction

LEAD = Permission.LEAD_IMPROVEMENT


def _project(project_id) -> ImprovementProject:
    return get_object_or_404(queries.project_queryset(), pk=project_id)


def _changeable(request, project) -> None:
    if not rules.may_change_project(request.user, project):
        raise PermissionDenied


def _cycle(project, cycle_id) -> PDSACycle:
    return get_object_or_404(
        PDSACycle.objects.select_related("change_idea", "parent"), pk=cycle_id, project=project
    )


def submit(request, form, call, *, done):
    """``core.forms.submit``, where a stage already recorded (in another tab, say) is also said
    above the form."""

    def call_once(data):
        try:
            return call(data)
        except TransitionError:
            raise actions.ImprovementError(
                _("This stage has already been recorded. Go back to the cycle.")
            ) from None

    return lw_forms.submit(request, form, call_once, done=done)


def form_page(request, form, *, title, back_url, back_text, button, intro="", extra=None):
    context = {
        "form": form,
        "title": title,
        "back_url": back_url,
        "back_text": back_text,
        "button": button,
        "intro": intro,
        **(extra or {}),
    }
    return render(request, "improvement/form.html", context)


def project_url(project) -> str:
    return reverse("improvement:project", kwargs={"project_id": project.pk})


def cycle_url(cycle) -> str:
    return reverse(
        "improvement:cycle", kwargs={"project_id": cycle.project_id, "cycle_id": cycle.pk}
    )


# --------------------------------------------------------------------------------------------
# The portfolio and a project


@staff(LEAD)
@require_GET
def portfolio(request):
    projects = list(queries.project_queryset().order_by("status", "title")[:25])
    return render(
        request,
        "improvement/portfolio.html",
        {
            "rows": queries.portfolio(projects),
            "total": ImprovementProject.objects.count(),
            "overdue": queries.overdue_safety_actions(request.user).count(),
        },
    )


@staff(LEAD)
@require_http_methods(["GET", "POST"])
def project_new(request):
    form = f.ProjectForm(posted(request))
    project = submit(
        request,
        form,
        lambda data: actions.create_project(by=request.user, **data),
        done=_("Project started. Next: its driver diagram and measures."),
    )
    if project:
        return redirect("improvement:project", project_id=project.pk)
    return form_page(
        request,
        form,
        title=_("Start an improvement project"),
        back_url=reverse("improvement:portfolio"),
        back_text=_("Back to improvement projects"),
        button=_("Start the project"),
        intro=_(
            "What are we trying to accomplish? How will we know that a change is an "
            "improvement? What changes can we make that will result in improvement?"
        ),
    )


@staff(LEAD)
@require_GET
def project(request, project_id):
    project = _project(project_id)
    pic = queries.picture(project)
    return render(
        request,
        "improvement/project.html",
        {
            "project": project,
            "picture": pic,
            "can_change": rules.may_change_project(request.user, project),
            "diagram": diagram.figure(project),
            "tree": diagram.tree(project),
            "charts": [queries.chart(pic, m) for m in project.measures.all()],
            "scores": list(project.progress_scores.all()),
        },
    )


@staff(LEAD)
@require_GET
def export(request, project_id):
    from livingwell.improvement.exchange import export_project

    project = _project(project_id)
    body = json.dumps(export_project(project, by=request.user), indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="improvement-{project.pk}.json"'
    return response


def _project_form(request, project_id, make_form, call, *, title, button, done, intro=""):
    """A form that changes part of a project, then goes back to the project page.
    ``make_form(data, project)`` builds the form."""
    project = _project(project_id)
    _changeable(request, project)
    form = make_form(posted(request), project)
    if submit(request, form, lambda data: call(project, data), done=done):
        return redirect("improvement:project", project_id=project.pk)
    return form_page(
        request,
        form,
        title=title,
        back_url=project_url(project),
        back_text=_("Back to the project"),
        button=button,
        intro=intro,
        extra={"project": project},
    )


@staff(LEAD)
@require_http_methods(["GET", "POST"])
def aim_edit(request, project_id):
    def aim_form(data, project):
        target = project.aim_target
        initial = {
            "aim_statement": project.aim_statement,
            "aim_measure": project.aim_measure_id,
            "aim_target": "" if target is None else f"{target:g}",
            "aim_date": project.aim_date,
        }
        return f.AimForm(data, project=project, initial=initial)

    return _project_form(
        request,
        project_id,
        aim_form,
        lambda project, data: actions.update_aim(by=request.user, project=project, **data),
        title=_("Change the aim"),
        button=_("Save the aim"),
        done=_("Aim saved."),
    )


@staff(LEAD)
@require_http_methods(["GET", "POST"])
def member_add(request, project_id):
    return _project_form(
        request,
        project_id,
        lambda data, _project: f.MemberForm(data),
        lambda project, data: actions.add_member(by=request.user, project=project, **data),
        title=_("Add a team member"),
        button=_("Add to the team"),
        done=_("Added to the team."),
        intro=_("Members with lived experience are part of the team; they need no account."),
    )


@staff(LEAD)
@require_http_methods(["GET", "POST"])
def progress_set(request, project_id):
    return _project_form(
        request,
        project_id,
        lambda data, _project: f.ProgressForm(data),
        lambda project, data: actions.set_progress_score(by=request.user, project=project, **data),
        title=_("Set the progress score"),
        button=_("Save the score"),
        done=_("Progress score saved."),
        intro=_("The team sets the score; the platform never works it out."),
    )


@staff(LEAD)
@require_http_methods(["GET", "POST"])
def driver_add(request, project_id):
    return _project_form(
        request,
        project_id,
        lambda data, project: f.DriverForm(data, project=project),
        lambda project, data: actions.add_driver(by=request.user, project=project, **data),
        title=_("Add a driver"),
        button=_("Add the driver"),
        done=_("Driver added to the diagram."),
    )


@staff(LEAD)
@require_http_methods(["GET", "POST"])
def idea_add(request, project_id):
    return _project_form(
        request,
        project_id,
        lambda data, project: f.ChangeIdeaForm(data, project=project),
        lambda project, data: actions.add_change_idea(by=request.user, project=project, **data),
        title=_("Add a change idea"),
        button=_("Add the change idea"),
        done=_("Change idea added."),
    )


@staff(LEAD)
@require_http_methods(["GET", "POST"])
def measure_add(request, project_id):
    return _project_form(
        request,
        project_id,
        lambda data, _project: f.MeasureForm(data),
        lambda project, data: actions.add_measure(by=request.user, project=project, **data),
        title=_("Add a measure"),
        button=_("Add the measure"),
        done=_("Measure added."),
        intro=_(
            "An outcome measure shows whether the aim is met; a process measure, whether the "
            "changes are happening; a balancing measure, whether something else got worse."
        ),
    )


@staff(LEAD)
@require_http_methods(["GET", "POST"])
def point_add(request, project_id, measure_id):
    project = _project(project_id)
    _changeable(request, project)
    measure = get_object_or_404(Measure, pk=measure_id, project=project)
    form = f.PointForm(posted(request))
    if submit(
        request,
        form,
        lambda data: actions.record_point(by=request.user, measure=measure, **data),
        done=_("Value recorded."),
    ):
        return redirect("improvement:project", project_id=project.pk)
    return form_page(
        request,
        form,
        title=_("Record a value: {name}").format(name=measure.name),
        back_url=project_url(project),
        back_text=_("Back to the project"),
        button=_("Record the value"),
        extra={"project": project},
    )


# --------------------------------------------------------------------------------------------
# Cycles


@staff(LEAD)
@require_http_methods(["GET", "POST"])
def cycle_new(request, project_id):
    project = _project(project_id)
    _changeable(request, project)
    initial = {}
    if request.GET.get("idea"):
        initial["change_idea"] = request.GET["idea"]
    if request.GET.get("builds_on"):
        initial["parent"] = request.GET["builds_on"]
    form = f.CycleForm(posted(request), project=project, initial=initial)
    cycle = submit(
        request,
        form,
        lambda data: actions.plan_cycle(by=request.user, project=project, **data),
        done=_("Cycle planned. Now add your predictions."),
    )
    if cycle:
        return redirect("improvement:cycle", project_id=project.pk, cycle_id=cycle.pk)
    return form_page(
        request,
        form,
        title=_("Plan a PDSA cycle"),
        back_url=project_url(project),
        back_text=_("Back to the project"),
        button=_("Plan the cycle"),
        extra={"project": project},
    )


@staff(LEAD)
@require_GET
def cycle(request, project_id, cycle_id):
    project = _project(project_id)
    cycle = next((c for c in project.cycles.all() if str(c.pk) == str(cycle_id)), None)
    if cycle is None:
        raise Http404
    pic = queries.picture(project)
    readings = [pic.readings[p.pk] for p in cycle.predictions.all()]
    can_change = rules.may_change_project(request.user, project)
    stage = cycle.stage
    context = {
        "project": project,
        "cycle": cycle,
        "readings": readings,
        "can_change": can_change,
        "balancing": queries.balancing_beside(pic, cycle) if cycle.do_started_on else [],
        "equity": queries.equity_beside(project, cycle) if cycle.study_date else [],
        "do_form": f.DoForm() if stage == "do" and can_change else None,
        "study_form": f.StudyForm(initial={"study_date": timezone.localdate()})
        if stage == "study" and can_change
        else None,
        "act_form": f.ActForm(project=project) if stage == "act" and can_change else None,
        "series": next(s for s in pic.series if s.idea.pk == cycle.change_idea_id),
    }
    return render(request, "improvement/cycle.html", context)


def _cycle_stage(request, project_id, cycle_id, form_class, call, *, template_form, done):
    project = _project(project_id)
    _changeable(request, project)
    cycle = _cycle(project, cycle_id)
    kwargs = {"project": project} if form_class is f.ActForm else {}
    form = form_class(posted(request), **kwargs)
    if submit(request, form, lambda data: call(cycle, data), done=done):
        return redirect("improvement:cycle", project_id=project.pk, cycle_id=cycle.pk)
    pic = queries.picture(project)
    cycle = next(c for c in project.cycles.all() if c.pk == cycle.pk)
    return render(
        request,
        "improvement/cycle.html",
        {
            "project": project,
            "cycle": cycle,
            "readings": [pic.readings[p.pk] for p in cycle.predictions.all()],
            "can_change": True,
            "balancing": queries.balancing_beside(pic, cycle) if cycle.do_started_on else [],
            "equity": queries.equity_beside(project, cycle) if cycle.study_date else [],
            template_form: form,
            "form": form,
            "series": next(s for s in pic.series if s.idea.pk == cycle.change_idea_id),
        },
    )


@staff(LEAD)
@require_POST
def start_do(request, project_id, cycle_id):
    project = _project(project_id)
    _changeable(request, project)
    cycle = _cycle(project, cycle_id)
    try:
        actions.start_do(by=request.user, cycle=cycle)
    except TransitionError:
        messages.info(request, _("The Do stage had already started."))
    else:
        messages.success(
            request, _("The Do stage has started. The predictions are locked and time-stamped.")
        )
    return redirect("improvement:cycle", project_id=project.pk, cycle_id=cycle.pk)


@staff(LEAD)
@require_http_methods(["GET", "POST"])
def do_record(request, project_id, cycle_id):
    return _cycle_stage(
        request,
        project_id,
        cycle_id,
        f.DoForm,
        lambda cycle, data: actions.record_do(by=request.user, cycle=cycle, **data),
        template_form="do_form",
        done=_("Do stage recorded. Next: Study."),
    )


@staff(LEAD)
@require_http_methods(["GET", "POST"])
def study_record(request, project_id, cycle_id):
    return _cycle_stage(
        request,
        project_id,
        cycle_id,
        f.StudyForm,
        lambda cycle, data: actions.record_study(by=request.user, cycle=cycle, **data),
        template_form="study_form",
        done=_("Study recorded. Next: decide what to do."),
    )


@staff(LEAD)
@require_http_methods(["GET", "POST"])
def act_record(request, project_id, cycle_id):
    return _cycle_stage(
        request,
        project_id,
        cycle_id,
        f.ActForm,
        lambda cycle, data: actions.record_act(by=request.user, cycle=cycle, **data),
        template_form="act_form",
        done=_("Decision recorded. The cycle is finished."),
    )


@staff(LEAD)
@require_http_methods(["GET", "POST"])
def plan_edit(request, project_id, cycle_id):
    project = _project(project_id)
    _changeable(request, project)
    cycle = _cycle(project, cycle_id)
    fields = ["purpose", "questions", "scale_who", "scale_where", "scale_duration", "data_plan"]
    initial = {name: getattr(cycle, name) for name in fields}
    initial["scale_people"] = cycle.scale_people or ""
    form = f.PlanForm(posted(request), project=project, initial=initial)
    if submit(
        request,
        form,
        lambda data: actions.update_plan(by=request.user, cycle=cycle, **data),
        done=_("Plan saved."),
    ):
        return redirect("improvement:cycle", project_id=project.pk, cycle_id=cycle.pk)
    return form_page(
        request,
        form,
        title=_("Change the plan of {key}").format(key=cycle.key),
        back_url=cycle_url(cycle),
        back_text=_("Back to the cycle"),
        button=_("Save the plan"),
        extra={"project": project, "cycle": cycle},
    )


def _prediction_page(request, project, cycle, form, *, locked=False):
    return form_page(
        request,
        form,
        title=_("Prediction for {key}").format(key=cycle.key),
        back_url=cycle_url(cycle),
        back_text=_("Back to the cycle"),
        button=_("Save the prediction"),
        intro=_(
            "Say what you expect the measure to do during the test and why. Predictions are "
            "locked when the Do stage starts; after that nobody can change them."
        ),
        extra={
            "project": project,
            "cycle": cycle,
            "locked": locked,
            "locked_message": actions.locked_message(cycle) if locked else "",
        },
    )


@staff(LEAD)
@require_http_methods(["GET", "POST"])
def prediction_add(request, project_id, cycle_id):
    project = _project(project_id)
    _changeable(request, project)
    cycle = _cycle(project, cycle_id)
    form = f.PredictionForm(posted(request), project=project)
    if request.method == "GET" and cycle.predictions_locked:
        return _prediction_page(request, project, cycle, form, locked=True)
    if submit(
        request,
        form,
        lambda data: actions.add_prediction(by=request.user, cycle=cycle, **data),
        done=_("Prediction added."),
    ):
        return redirect("improvement:cycle", project_id=project.pk, cycle_id=cycle.pk)
    return _prediction_page(request, project, cycle, form, locked=cycle.predictions_locked)


@staff(LEAD)
@require_http_methods(["GET", "POST"])
def prediction_edit(request, project_id, cycle_id, prediction_id):
    project = _project(project_id)
    _changeable(request, project)
    cycle = _cycle(project, cycle_id)
    prediction = get_object_or_404(Prediction, pk=prediction_id, cycle=cycle)
    initial = {
        "measure": prediction.measure_id,
        "direction": prediction.direction,
        "expected_low": f"{prediction.expected_low:g}",
        "expected_high": f"{prediction.expected_high:g}",
        "rationale": prediction.rationale,
    }
    form = f.PredictionForm(posted(request), project=project, initial=initial)
    if request.method == "GET" and prediction.locked_at is not None:
        return _prediction_page(request, project, cycle, form, locked=True)
    if submit(
        request,
        form,
        lambda data: actions.edit_prediction(by=request.user, prediction=prediction, **data),
        done=_("Prediction saved."),
    ):
        return redirect("improvement:cycle", project_id=project.pk, cycle_id=cycle.pk)
    locked = Prediction.objects.filter(pk=prediction.pk, locked_at__isnull=False).exists()
    return _prediction_page(request, project, cycle, form, locked=locked)


@staff(LEAD)
@require_POST
def prediction_remove(request, project_id, cycle_id, prediction_id):
    project = _project(project_id)
    _changeable(request, project)
    cycle = _cycle(project, cycle_id)
    prediction = get_object_or_404(Prediction, pk=prediction_id, cycle=cycle)
    perform(
        request,
        lambda: actions.remove_prediction(by=request.user, prediction=prediction),
        done=_("Prediction removed."),
    )
    return redirect("improvement:cycle", project_id=project.pk, cycle_id=cycle.pk)
