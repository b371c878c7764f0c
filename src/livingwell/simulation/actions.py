"""Every change to scenarios and runs: keyword-only, ``by`` the acting user, audited.

A run is requested by a user (:func:`request_run`) and carried out by :func:`execute_run`, called
from the background task (``tasks.py``) once the request is committed. The run's progress is
written as it goes, in its own short transactions, so a page can show it while the run works.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from livingwell.access import audit
from livingwell.core.statemachine import check_transition
from livingwell.simulation import scenario as scenario_format
from livingwell.simulation.models import Run, Scenario
from livingwell.simulation.network import MODEL_VERSION
from livingwell.simulation.presenters import known_tiers
from livingwell.simulation.runner import run_scenario
from livingwell.simulation.scenario import ScenarioError

R = Run.State
RUN_TRANSITIONS: dict[str, set[str]] = {
    R.QUEUED: {R.RUNNING, R.FAILED},
    R.RUNNING: {R.DONE, R.FAILED},
    R.DONE: set(),
    R.FAILED: set(),
}


@transaction.atomic
def create_scenario(*, by, document: dict) -> Scenario:
    """A scenario from a document, refused whole (ScenarioError) if anything in it is wrong."""
    parsed = scenario_format.parse(document, known_tiers=set(known_tiers()))
    scenario = Scenario.objects.create(
        name=parsed.name,
        description=parsed.description,
        document=parsed.as_document(),
        created_by=by,
        created_at=timezone.now(),
    )
    audit.record(by=by, action="simulation.scenario.create", category="simulation", obj=scenario)
    return scenario


@transaction.atomic
def request_run(
    *,
    by,
    scenario: Scenario,
    enqueue: Callable[[str], object],
    replications: int | None = None,
    seed: int | None = None,
) -> Run:
    """Store a run with what makes it repeatable; ``enqueue(run_id)`` once it is committed.

    Views pass ``tasks.run_simulation.enqueue`` (the background task calls :func:`execute_run`);
    the task is handed in rather than imported so that this module and ``tasks`` do not import
    each other.
    """
    parsed = scenario_format.parse(scenario.document, known_tiers=set(known_tiers()))
    if replications is not None and not 2 <= replications <= 200:
        raise ScenarioError([_("Replications must be from 2 to 200.")])
    run = Run.objects.create(
        scenario=scenario,
        seed=parsed.seed if seed is None else seed,
        replications=replications or parsed.replications,
        model_version=MODEL_VERSION,
        data_start=parsed.data_start,
        data_end=parsed.data_end,
        requested_by=by,
        requested_at=timezone.now(),
    )
    audit.record(
        by=by,
        action="simulation.run.request",
        category="simulation",
        obj=run,
        detail={"seed": run.seed, "replications": run.replications},
    )
    run_id = str(run.pk)
    transaction.on_commit(lambda: enqueue(run_id))
    return run


def _move(run_id, to_state: str, **fields) -> Run:
    with transaction.atomic():
        run = Run.objects.select_for_update().get(pk=run_id)
        check_transition(RUN_TRANSITIONS, run.state, to_state, what="simulation run")
        run.state = to_state
        for name, value in fields.items():
            setattr(run, name, value)
        run.save(update_fields=["state", *fields])
        audit.record(
            by=None,
            action=f"simulation.run.{to_state}",
            category="simulation",
            obj=run,
        )
    return run


def execute_run(run_id) -> Run:
    """Carry out a requested run: progress as it goes, the result (or the reason) at the end."""
    run = _move(run_id, R.RUNNING, started_at=timezone.now())

    def progress(fraction: float, note: str) -> None:
        Run.objects.filter(pk=run_id).update(
            progress=min(1.0, max(0.0, fraction)), progress_note=note[:100]
        )

    try:
        parsed = scenario_format.parse(run.scenario.document, known_tiers=set(known_tiers()))
        result = run_scenario(
            parsed, replications=run.replications, seed=run.seed, progress=progress
        )
    except ScenarioError as exc:
        return _move(run_id, R.FAILED, error="\n".join(exc.errors), finished_at=timezone.now())
    except Exception:  # noqa: BLE001 - any failure is stored on the run, never lost
        return _move(
            run_id,
            R.FAILED,
            error=_("The simulation stopped with an error:") + "\n" + traceback.format_exc(-3),
            finished_at=timezone.now(),
        )
    try:
        return _move(run_id, R.DONE, result=result, progress=1.0, finished_at=timezone.now())
    except Exception:  # noqa: BLE001 - a result that cannot be stored leaves the run failed
        return _move(
            run_id,
            R.FAILED,
            error=_("The result could not be stored:") + "\n" + traceback.format_exc(-3),
            finished_at=timezone.now(),
        )
