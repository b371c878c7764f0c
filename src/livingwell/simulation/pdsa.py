"""A scenario's result as a PDSA prediction in test and learn (``livingwell.improvement``).

The prediction is then read against the SPC chart of the same network measure once the cycle's
Do stage starts. Only the two figures that are the same measure on both sides are offered: the
median wait to a first conversation (days) and the urgent same-day share (%).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from livingwell.improvement import actions as improvement
from livingwell.improvement import rules
from livingwell.improvement.models import Measure, PDSACycle, Prediction

# Network measure key -> (the result's figure, the factor to the measure's unit).
MEASURES = {
    "wait_days": ("median_wait_days", 1.0),
    "urgent_same_day": ("urgent_same_day_share", 100.0),
}


def targets(user, limit: int = 50) -> list[tuple[str, str]]:
    """(value, label) for each planned cycle the user may change × each matching measure."""
    cycles = (
        PDSACycle.objects.filter(stage=PDSACycle.Stage.PLAN, do_started_at__isnull=True)
        .select_related("project")
        .order_by("project__title", "number")[:limit]
    )
    out = []
    for cycle in cycles:
        if not rules.may_change_project(user, cycle.project):
            continue
        for measure in cycle.project.measures.filter(source__in=MEASURES).order_by("key"):
            out.append(
                (
                    f"{cycle.pk}:{measure.pk}",
                    f"{cycle.project.title} · {cycle.key} · {measure.name}",
                )
            )
    return out


def prediction_values(result: dict, source: str) -> dict:
    """Direction from whether the intervals overlap; the expected range is the scenario's."""
    key, factor = MEASURES[source]
    base, scen = result["baseline"][key], result["result"][key]
    if scen["mean"] is None or base["mean"] is None:
        raise improvement.ImprovementError(_("The run gave no figure for this measure."))
    if scen["ci_high"] < base["ci_low"]:
        direction = Prediction.Direction.DECREASE
    elif scen["ci_low"] > base["ci_high"]:
        direction = Prediction.Direction.INCREASE
    else:
        direction = Prediction.Direction.NO_CHANGE
    return {
        "direction": direction,
        "expected_low": round(max(0.0, scen["ci_low"]) * factor, 2),
        "expected_high": round(scen["ci_high"] * factor, 2),
    }


def predict(*, by, run, target: str) -> Prediction:
    """Add the run's figure as a prediction to a planned cycle (improvement's own action)."""
    cycle_id, _sep, measure_id = target.partition(":")
    cycle = PDSACycle.objects.select_related("project").filter(pk=cycle_id).first()
    measure = Measure.objects.filter(pk=measure_id, source__in=MEASURES).first()
    if cycle is None or measure is None:
        raise improvement.ImprovementError(_("Choose a planned cycle and one of its measures."))
    return improvement.add_prediction(
        by=by,
        cycle=cycle,
        measure=measure,
        rationale=_(
            "From the what-if scenario '{name}' (run of {when}, seed {seed}, {reps} "
            "replications, model {version}, data {start} to {end}): the scenario's 95% interval."
        ).format(
            name=run.scenario.name,
            when=run.requested_at.date().isoformat(),
            seed=run.seed,
            reps=run.replications,
            version=run.model_version,
            start=run.data_start.isoformat(),
            end=run.data_end.isoformat(),
        ),
        **prediction_values(run.result, measure.source),
    )
