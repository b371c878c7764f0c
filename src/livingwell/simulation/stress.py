"""The STRESS-DES report of a run (Monks et al., J Simulation 2019; 10.1080/17477778.2018.1442155),
filled from the model and the run's stored result, so that it says what was actually run.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from livingwell.simulation.network import CLOSE_HOUR, OPEN_HOUR


def _changes(changes: dict) -> list[str]:
    if not changes:
        return [_("No change: the scenario is the baseline.")]
    out = []
    for key, value in changes.items():
        out.append(f"{key}: {value}")
    return out


def report(run) -> list[dict]:
    r = run.result or {}
    cal = r.get("calibration", {})
    scenario = r.get("scenario", {})
    env = r.get("environment", {})
    inputs = r.get("inputs", {}).get("baseline", {})
    rota = inputs.get("hub_rota", [])
    backtest = r.get("backtest") or {}
    return [
        {
            "number": "1",
            "title": _("Objectives"),
            "items": [
                (
                    "1.1",
                    _("Purpose of the model"),
                    scenario.get("description")
                    or _(
                        "To estimate what a change to demand or capacity would do to waits for a "
                        "first conversation, the urgent same-day answer and the people who stop "
                        "waiting, before the network makes it."
                    ),
                ),
                (
                    "1.2",
                    _("Model outputs"),
                    _(
                        "Median and 90th centile days from introduction to first conversation; the "
                        "share of urgent introductions answered the same day; people who stopped "
                        "waiting; weekly mean wait, Hub queue length at opening and Hub "
                        "utilisation; "
                        "utilisation of each tier. Each with its 95% confidence interval across "
                        "replications."
                    ),
                ),
                (
                    "1.3",
                    _("Experimentation aims"),
                    _(
                        "Compare the scenario '{name}' with the baseline (the network as the data "
                        "show it), both run with the same seeds."
                    ).format(name=scenario.get("name", "")),
                ),
            ],
        },
        {
            "number": "2",
            "title": _("Logic"),
            "items": [
                (
                    "2.1",
                    _("Base model overview diagram"),
                    _(
                        "Front door → attempts to reach → Hub first conversation (rota) → tiers "
                        "(places, steps between tiers) → partner handover → closure → open door → "
                        "back to a tier."
                    ),
                ),
                (
                    "2.2",
                    _("Base model logic"),
                    _(
                        "A queueing network (discrete-event). Two classes: urgent (served first, "
                        "not leaving the queue) and routine (may stop waiting, exponential "
                        "patience). "
                        "The Hub holds conversations from {open}:00 to {close}:00 with the rota's "
                        "workers (Monday to Sunday {rota}), each holding {per} a day. A failed "
                        "attempt to reach a routine introduction adds a day; it takes no "
                        "conversation slot. An urgent introduction is ready for its conversation "
                        "after a time drawn from the observed times to urgent first "
                        "conversations of those arriving in the same band of hours (failed tries "
                        "and next-day answers included), and a share of {unanswered:.3f} is never "
                        "answered, as observed; out of the Hub's hours the urgent line answers in "
                        "the hours the records show."
                    ).format(
                        open=OPEN_HOUR,
                        close=CLOSE_HOUR,
                        rota=", ".join(str(n) for n in rota),
                        per=inputs.get("conversations_per_worker_day", ""),
                        unanswered=inputs.get("urgent_unanswered_share", 0),
                    ),
                ),
                ("2.3", _("Scenario logic"), "; ".join(_changes(scenario.get("changes", {})))),
                (
                    "2.4",
                    _("Algorithms"),
                    _(
                        "Arrivals: Poisson with a monthly rate (Ciw PoissonIntervals); lengths of "
                        "support and handovers: the observed lengths resampled (Ciw Empirical); "
                        "routing: a transition matrix of observed shares."
                    ),
                ),
                (
                    "2.5",
                    _("Components"),
                    ", ".join(t["name"] + f" ({t['places']})" for t in inputs.get("tiers", [])),
                ),
            ],
        },
        {
            "number": "3",
            "title": _("Data"),
            "items": [
                (
                    "3.1",
                    _("Data sources"),
                    _("This site's own records from {start} to {end} (end excluded): ").format(
                        start=cal.get("start", ""), end=cal.get("end", "")
                    )
                    + " | ".join(f"{k}: {v}" for k, v in cal.get("sources", {}).items()),
                ),
                (
                    "3.2",
                    _("Pre-processing"),
                    _(
                        "Episodes still open and handovers not completed are left out of the "
                        "lengths (right-censored); local days in the site's time zone; rules in "
                        "livingwell/simulation/calibration.py."
                    ),
                ),
                (
                    "3.3",
                    _("Input parameters"),
                    _(
                        "Introductions per week {per_week}; urgent share {urgent:.3f}; failed "
                        "attempts {fail:.3f}; stopping waiting {stop:.4f} a day; open door "
                        "{door:.0f} "
                        "days."
                    ).format(
                        per_week=inputs.get("introductions_per_week", ""),
                        urgent=inputs.get("urgent_share", 0),
                        fail=inputs.get("attempt_failure_share", 0),
                        stop=inputs.get("stop_waiting_per_day", 0),
                        door=inputs.get("open_door_days", 0),
                    ),
                ),
                (
                    "3.4",
                    _("Assumptions"),
                    _(
                        "The Hub's capacity in the data period did not bind (its observed booking "
                        "lead time holds any queueing it had); places per tier are the most open "
                        "episodes at a week's start; arrivals are spread over the day; the pattern "
                        "over the year repeats; partners have no limit on places."
                    ),
                ),
            ],
        },
        {
            "number": "4",
            "title": _("Experimentation"),
            "items": [
                (
                    "4.1",
                    _("Initialisation"),
                    _(
                        "The network starts empty; the first {w} weeks are a warm-up and not "
                        "counted."
                    ).format(w=r.get("warmup_weeks", "")),
                ),
                (
                    "4.2",
                    _("Run length"),
                    _("{w} weeks from {start}.").format(
                        w=r.get("weeks", ""), start=cal.get("end", "")
                    ),
                ),
                (
                    "4.3",
                    _("Estimation approach"),
                    _(
                        "{n} independent replications (seeds {seed} to {last}); means with 95% "
                        "Student's t intervals across replications. Back-test: calibrated up to 12 "
                        "weeks before the data end, mean absolute percentage error of weekly waits "
                        "{mape}."
                    ).format(
                        n=run.replications,
                        seed=run.seed,
                        last=run.seed + run.replications - 1,
                        mape=(
                            f"{backtest['mape_percent']:.0f}%"
                            if backtest.get("mape_percent") is not None
                            else _("not available")
                        ),
                    ),
                ),
            ],
        },
        {
            "number": "5",
            "title": _("Implementation"),
            "items": [
                (
                    "5.1",
                    _("Software or programming language"),
                    _(
                        "Python {py}, Ciw {ciw}, SimPy {simpy}, NumPy {np}; Living Well model {v}."
                    ).format(
                        py=env.get("python", ""),
                        ciw=env.get("ciw", ""),
                        simpy=env.get("simpy", "-"),
                        np=env.get("numpy", ""),
                        v=run.model_version,
                    ),
                ),
                (
                    "5.2",
                    _("Random sampling"),
                    _(
                        "Ciw's generators seeded with seed + k for replication k; the network (and "
                        "its pre-drawn arrivals) built after seeding; the tiers' SimPy run draws "
                        "from the same generator after the Hub's."
                    ),
                ),
                (
                    "5.3",
                    _("Model execution"),
                    _(
                        "Ciw's event scheduling for the Hub, then SimPy's for the tiers; "
                        "replications in a background task, side by side in separate processes "
                        "(the result does not depend on how many)."
                    ),
                ),
                (
                    "5.4",
                    _("System specification"),
                    _("{platform} ({cpu}); {seconds} seconds.").format(
                        platform=env.get("platform", ""),
                        cpu=env.get("processor", ""),
                        seconds=r.get("seconds", ""),
                    ),
                ),
            ],
        },
        {
            "number": "6",
            "title": _("Code access"),
            "items": [
                (
                    "6.1",
                    _("Computer model sharing statement"),
                    _(
                        "The model is part of Living Well (AGPL-3.0-or-later): "
                        "src/livingwell/simulation/ (network.py, calibration.py), model version "
                        "{v}; "
                        "the scenario file is stored with the run and can be run again with "
                        "'livingwell simulate scenario'."
                    ).format(v=run.model_version),
                ),
            ],
        },
    ]
