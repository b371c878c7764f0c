"""The Hub and the tiers run as two simulations: the same figures, within noise, as the whole
network in one simulation, and the same figures again from the same seed."""

import statistics
from dataclasses import replace

import ciw
from tests.simulation_support import small_network

from livingwell.simulation.engine import replication_seeds
from livingwell.simulation.network import (
    Tier,
    build_hub_network,
    reach_everyone,
    run_once,
    run_tiers,
    run_whole_network,
)
from livingwell.simulation.stats import estimate


def _figures(reps) -> dict[str, list[float]]:
    return {
        "median_wait": [statistics.median(r.waits) for r in reps],
        "urgent_same_day": [r.urgent_same_day for r in reps],
        "stopped_waiting": [float(r.stopped_waiting) for r in reps],
        "hub_utilisation": [statistics.fmean(r.weekly_utilisation) for r in reps],
        "queue": [statistics.fmean(r.weekly_queue) for r in reps],
        "short_term": [r.tier_utilisation["short-term"] for r in reps],
        "focused": [r.tier_utilisation["focused"] for r in reps],
    }


def test_the_split_gives_the_whole_networks_figures_within_noise():
    inputs = small_network()
    seeds = replication_seeds(11, 12)
    split = _figures([run_once(inputs, s) for s in seeds])
    whole = _figures([run_whole_network(inputs, s) for s in seeds])
    for name in split:
        a, b = estimate(split[name]), estimate(whole[name])
        # The two 95% intervals overlap: the split is not told apart from the whole network.
        assert a.ci_low <= b.ci_high and b.ci_low <= a.ci_high, (name, a, b)


def test_the_hub_runs_without_the_tiers_and_the_same_seed_gives_the_same_figures():
    inputs = small_network()
    ciw.seed(5)
    people = reach_everyone(inputs)
    assert len(ciw.Simulation(build_hub_network(inputs, people)).transitive_nodes) == 1
    first, again = run_once(inputs, 5), run_once(inputs, 5)
    assert first == again
    assert run_once(inputs, 6) != first


def test_a_tiers_places_are_never_overfilled_and_people_wait_for_one():
    inputs = replace(
        small_network(),
        tiers=[Tier("short-term", "Short-term", 2, 1.0, [30.0], {})],
        handover_share=0.0,
        open_door_return_per_day=0.0,
    )
    span = inputs.horizon - inputs.warmup
    ciw.seed(1)
    # Two a day into two places held for 30 days each: full from the first month on.
    busy = run_tiers(inputs, [day / 2 for day in range(int(2 * inputs.horizon))])
    assert 0.97 * 2 * span < busy[0] <= 2 * span + 1e-9


def test_an_urgent_line_out_of_hours_answers_urgent_introductions_the_same_day():
    inputs = small_network()
    line = [1] * 24  # used only when the Hub is not holding conversations
    seeds = replication_seeds(2, 10)
    without = estimate([run_once(inputs, s).urgent_same_day for s in seeds])
    with_line = estimate(
        [run_once(replace(inputs, urgent_line_hours=line), s).urgent_same_day for s in seeds]
    )
    # Arrivals spread evenly over the week: the Hub alone answers about those on a weekday
    # before 17:00 (about half); with the line, those reached in the Hub's hours still queue
    # behind its conversations, and one failed try in five waits two hours more.
    assert without.ci_high < 0.6
    assert with_line.ci_low > 0.85


def test_the_back_test_shows_the_urgent_same_day_share_beside_what_happened():
    from django.template.loader import render_to_string

    from livingwell.simulation.presenters import backtest_view

    week = {"mean": 2.0, "ci_low": 1.5, "ci_high": 2.5}
    check = {
        "available": True,
        "calibrated_on": ["2026-01-01", "2026-09-13"],
        "compared_weeks": ["2026-09-13", "2026-12-06"],
        "week_starts": ["2026-09-13", "2026-09-20"],
        "simulated_weekly_wait_days": [week, week],
        "actual_weekly_wait_days": [2.2, 1.8],
        "mape_percent": 10.0,
        "simulated_urgent_same_day_share": {"mean": 0.825, "ci_low": 0.772, "ci_high": 0.878},
        "actual_urgent_same_day_share": 0.8,
    }
    page = render_to_string(
        "simulation/_backtest.html", {"backtest": backtest_view({"backtest": check})}
    )
    assert (
        "Urgent introductions answered the same day in those weeks: simulated 82% "
        "(77% to 88%), what happened 80%."
    ) in page
    check["actual_urgent_same_day_share"] = None  # no urgent introduction in those weeks
    page = render_to_string(
        "simulation/_backtest.html", {"backtest": backtest_view({"backtest": check})}
    )
    assert "backtest-urgent" not in page


def test_urgent_people_are_answered_as_soon_as_the_records_show_by_arrival_band():
    from livingwell.simulation.network import UrgentAnswer

    # Arrivals at 08:00, 12:00 and 20:00 of day 3 fall in the three bands.
    answer = UrgentAnswer({"before_hours": [0.1], "hub_hours": [0.2], "after_hours": [0.3]})
    assert [answer.sample(t=3 + h / 24) for h in (8, 12, 20)] == [0.1, 0.2, 0.3]
    # Everyone answered a day and a half after arriving: never on the day they arrived.
    late = replace(
        small_network(),
        urgent_line_hours=[1] * 24,
        urgent_answer_days=dict.fromkeys(("before_hours", "hub_hours", "after_hours"), [1.5]),
    )
    assert {run_once(late, s).urgent_same_day for s in replication_seeds(3, 3)} == {0.0}


def test_urgent_people_never_answered_in_the_observed_share_count_as_not_answered_that_day():
    answered_at_once = replace(
        small_network(),
        urgent_line_hours=[1] * 24,
        urgent_answer_days=dict.fromkeys(("before_hours", "hub_hours", "after_hours"), [0.0]),
    )
    seeds = replication_seeds(4, 10)
    nobody = replace(answered_at_once, urgent_unanswered_share=1.0)
    ciw.seed(4)
    assert all(p.unanswered for p in reach_everyone(nobody) if p.customer_class == "urgent")
    assert {run_once(nobody, s).urgent_same_day for s in seeds} == {0.0}
    # A third never answered: the same-day share falls to about two thirds of what it was.
    everyone = statistics.fmean(run_once(answered_at_once, s).urgent_same_day for s in seeds)
    third = replace(answered_at_once, urgent_unanswered_share=1 / 3)
    fewer = statistics.fmean(run_once(third, s).urgent_same_day for s in seeds)
    assert 0.55 < fewer / everyone < 0.8
