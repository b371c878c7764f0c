"""What-if pages: scenarios, their runs, results beside the baseline, and the STRESS-DES report.

No person data: scenarios and results are aggregates. Reading needs ``view_insight``; writing a
scenario or starting a run needs ``run_simulation``. Changes go through ``simulation.actions``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from livingwell.access.permissions import Permission, has_permission
from livingwell.access.policy import staff
from livingwell.improvement.actions import ImprovementError
from livingwell.simulation import actions, pdsa, presenters, stress, tasks
from livingwell.simulation.forms import RunForm, ScenarioForm
from livingwell.simulation.models import Run, Scenario
from livingwell.simulation.scenario import ScenarioError

VIEW, RUN = Permission.VIEW_INSIGHT, Permission.RUN_SIMULATION


@staff(VIEW)
@require_GET
def scenarios(request):
    rows = list(Scenario.objects.select_related("created_by")[:25])
    latest = presenters.latest_runs(rows)
    return render(
        request,
        "simulation/scenarios.html",
        {
            "rows": [(s, latest.get(s.pk)) for s in rows],
            "total": Scenario.objects.count(),
            "can_run": has_permission(request.user, RUN),
        },
    )


@staff(RUN)
@require_http_methods(["GET", "POST"])
def scenario_new(request):
    form = ScenarioForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            scenario = actions.create_scenario(
                by=request.user, document=form.cleaned_data["scenario"]
            )
        except ScenarioError as exc:
            for error in exc.errors:
                form.add_error(None, error)
        else:
            messages.success(request, _("Scenario saved. Run it to see what it changes."))
            return redirect("simulation:scenario", scenario_id=scenario.pk)
    return render(request, "simulation/scenario_new.html", {"form": form})


@staff(VIEW)
@require_GET
def scenario(request, scenario_id):
    item = get_object_or_404(Scenario, pk=scenario_id)
    runs = list(item.runs.select_related("requested_by")[:10])
    done = next((r for r in runs if r.state == Run.State.DONE), None)
    return render(
        request,
        "simulation/scenario.html",
        {
            "scenario": item,
            "runs": runs,
            "changes": presenters.change_rows(item.document),
            "form": RunForm(),
            "can_run": has_permission(request.user, RUN),
            "backtest": presenters.backtest_view(done.result) if done else None,
            "latest_done": done,
        },
    )


@staff(RUN)
@require_POST
def run_new(request, scenario_id):
    item = get_object_or_404(Scenario, pk=scenario_id)
    form = RunForm(request.POST)
    if form.is_valid():
        try:
            run = actions.request_run(
                by=request.user,
                scenario=item,
                enqueue=tasks.run_simulation.enqueue,
                replications=form.cleaned_data["replications"],
                seed=form.cleaned_data["seed"],
            )
        except ScenarioError as exc:
            for error in exc.errors:
                form.add_error(None, error)
        else:
            messages.success(request, _("The run has started."))
            return redirect("simulation:run", run_id=run.pk)
    runs = list(item.runs.select_related("requested_by")[:10])
    return render(
        request,
        "simulation/scenario.html",
        {
            "scenario": item,
            "runs": runs,
            "changes": presenters.change_rows(item.document),
            "form": form,
            "can_run": True,
            "backtest": None,
        },
        status=400,
    )


@staff(VIEW)
@require_GET
def run(request, run_id):
    item = get_object_or_404(Run.objects.select_related("scenario", "requested_by"), pk=run_id)
    context = {"run": item, "scenario": item.scenario, "status": presenters.run_status(item)}
    if item.state == Run.State.DONE:
        context.update(presenters.result_view(item.result))
        if has_permission(request.user, Permission.LEAD_IMPROVEMENT):
            context["predict_targets"] = pdsa.targets(request.user)
    return render(request, "simulation/run.html", context)


@staff(VIEW)
@require_GET
def run_progress(request, run_id):
    """The run's state and progress as JSON, polled by its page while it works (no page reload:
    the page's script writes the words into a polite live region)."""
    item = get_object_or_404(Run, pk=run_id)
    return JsonResponse(presenters.run_status(item), headers={"Cache-Control": "no-store"})


@staff(VIEW)
@require_GET
def report(request, run_id):
    item = get_object_or_404(
        Run.objects.select_related("scenario"), pk=run_id, state=Run.State.DONE
    )
    return render(
        request,
        "simulation/report.html",
        {"run": item, "scenario": item.scenario, "sections": stress.report(item)},
    )


@staff(Permission.LEAD_IMPROVEMENT)
@require_POST
def predict(request, run_id):
    item = get_object_or_404(
        Run.objects.select_related("scenario"), pk=run_id, state=Run.State.DONE
    )
    try:
        prediction = pdsa.predict(by=request.user, run=item, target=request.POST.get("target", ""))
    except (ImprovementError, PermissionDenied) as exc:
        messages.error(request, str(exc) or _("You cannot add a prediction to that cycle."))
        return redirect("simulation:run", run_id=item.pk)
    messages.success(request, _("Added as a prediction to the cycle."))
    return redirect(
        "improvement:cycle", project_id=prediction.cycle.project_id, cycle_id=prediction.cycle_id
    )
