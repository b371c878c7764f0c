"""Scenario files refused whole with every error named; more capacity never makes waits worse."""

import json
from dataclasses import replace
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from livingwell.simulation.network import ModelInputs, Tier, simulate
from livingwell.simulation.scenario import ScenarioError, apply_changes, loads

GOOD = {
    "format": "livingwell-scenario/1",
    "name": "More Hub workers",
    "data_period": {"start": "2025-01-01", "end": "2026-01-01"},
    "weeks": 26,
    "changes": {"hub_rota": {"monday": 4}, "demand_multiplier": 1.1},
}


def test_a_good_file_is_read():
    scenario = loads(json.dumps(GOOD), known_tiers={"short-term"})
    assert scenario.name == "More Hub workers"
    assert scenario.data_start == date(2025, 1, 1)
    assert scenario.weeks == 26 and scenario.warmup_weeks == 13 and scenario.replications == 10
    assert scenario.changes["hub_rota"] == {"monday": 4}


def test_a_bad_file_is_refused_whole_with_every_error():
    bad = {
        **GOOD,
        "weeks": 1000,
        "colour": "blue",
        "changes": {
            "hub_rota": {"monday": -1, "funday": 2},
            "urgent_share": 1.5,
            "tier_places": {"no-such-tier": 3},
        },
    }
    with pytest.raises(ScenarioError) as caught:
        loads(json.dumps(bad), known_tiers={"short-term"})
    text = "\n".join(caught.value.errors)
    assert "weeks: 1000 is greater than the maximum of 156" in text
    assert "'colour' was unexpected" in text
    assert "changes.hub_rota.monday: -1 is less than the minimum of 0" in text
    assert "'funday' was unexpected" in text
    assert "changes.urgent_share: 1.5 is greater than the maximum of 1" in text
    assert len(caught.value.errors) >= 5


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"data_period": {"start": "2025-02-30", "end": "2026-01-01"}}, "real dates"),
        ({"data_period": {"start": "2026-01-01", "end": "2025-01-01"}}, "end must come after"),
        ({"changes": {"tier_places": {"nowhere": 3}}}, "no such tier"),
        (
            {
                "changes": {
                    "hub_rota": dict.fromkeys(
                        ["monday", "tuesday", "wednesday", "thursday", "friday"], 0
                    )
                    | {"saturday": 0, "sunday": 0}
                }
            },
            "nobody on any day",
        ),
        (
            {
                "changes": {
                    "new_tiers": [
                        {
                            "slug": "short-term",
                            "name": "Again",
                            "places": 3,
                            "first_tier_share": 0.2,
                            "support_weeks": 4,
                        }
                    ]
                }
            },
            "already has a tier",
        ),
    ],
)
def test_checks_a_schema_cannot_make(change, message):
    with pytest.raises(ScenarioError, match=message):
        loads(json.dumps({**GOOD, **change}), known_tiers={"short-term"})


@pytest.mark.parametrize("text", ["{", "[]", '{"format": "livingwell-scenario/2", "name": "x"}'])
def test_not_a_scenario_is_refused(text):
    with pytest.raises(ScenarioError):
        loads(text)


def _tight_network() -> ModelInputs:
    """A Hub short of capacity: 12 a week arrive, 2 workers a day hold 1.3 conversations each."""
    return ModelInputs(
        start=date(2026, 1, 5),
        weeks=12,
        warmup_weeks=4,
        arrivals_per_day=12 / 7,
        seasonality=[1.0] * 12,
        arrivals_by_hour_of_week=[],
        urgent_share=0.1,
        hub_rota=[2, 2, 2, 2, 2, 0, 0],
        conversations_per_worker_day=1.3,
        attempt_failure_share=0.2,
        first_attempt_days=[0.5, 1.0, 2.0],
        stop_waiting_per_day=0.01,
        tiers=[Tier("short-term", "Short-term", 30, 0.8, [20.0, 40.0, 60.0], {})],
        handover_share=0.1,
        handover_days=[14.0],
        open_door_return_per_day=0.001,
        open_door_days=180.0,
    )


def test_more_capacity_never_makes_waits_worse_beyond_noise():
    base = _tight_network()
    previous = None
    for rota in ([2, 2, 2, 2, 2, 0, 0], [3, 2, 3, 2, 2, 0, 0], [4, 4, 4, 4, 4, 0, 0]):
        result = simulate(replace(base, hub_rota=rota), replications=5, seed=3)
        if previous is not None:
            for key in ("median_wait_days", "p90_wait_days"):
                # Worse only if the new mean is above the old interval's top.
                assert result[key]["mean"] <= previous[key]["ci_high"], (rota, key)
            assert result["stopped_waiting"]["mean"] <= previous["stopped_waiting"]["ci_high"]
        previous = result
    first = simulate(base, replications=5, seed=3)
    assert previous["p90_wait_days"]["mean"] < first["p90_wait_days"]["ci_low"]


def test_changes_are_applied_and_the_rest_kept():
    base = _tight_network()

    class Cal:
        arrivals_per_week = {"self": 7.0, "gp": 5.0}

    changed = apply_changes(
        base,
        Cal(),
        {
            "route_multipliers": {"gp": 2.0},
            "demand_multiplier": 1.5,
            "hub_rota": {"saturday": 1},
            "new_tiers": [
                {
                    "slug": "new",
                    "name": "New team",
                    "places": 5,
                    "first_tier_share": 0.25,
                    "support_weeks": 6,
                }
            ],
        },
    )
    assert changed.arrivals_per_day == pytest.approx((7 + 10) / 7 * 1.5)
    assert changed.hub_rota == [2, 2, 2, 2, 2, 1, 0]
    assert [t.first_share for t in changed.tiers] == [pytest.approx(0.6), 0.25]
    assert changed.tiers[1].support_days == [42.0]
    assert changed.urgent_share == base.urgent_share


def test_a_winter_pattern_and_the_urgent_lines_hours_are_applied():
    base = replace(_tight_network(), urgent_line_hours=[1] * 24)

    class Cal:
        arrivals_per_week = {"self": 12.0}

    changed = apply_changes(
        base,
        Cal(),
        {
            "month_multipliers": {"december": 1.2, "january": 1.3},
            "urgent_line_hours": [{"from": 0, "to": 8}, {"from": 20, "to": 24}],
        },
    )
    assert changed.seasonality == [1.3] + [1.0] * 10 + [1.2]
    assert changed.urgent_line_hours == [1] * 8 + [0] * 12 + [1] * 4
    closed = apply_changes(base, Cal(), {"urgent_line_hours": []})
    assert closed.urgent_line_hours == [0] * 24
    assert apply_changes(base, Cal(), {}).urgent_line_hours == [1] * 24  # as the data show


def test_a_winter_multiplier_brings_more_introductions_in_those_months():
    base = replace(_tight_network(), start=date(2026, 11, 2), weeks=8, warmup_weeks=0)
    winter = replace(base, seasonality=[1.0] * 10 + [2.0, 2.0])
    plain = simulate(base, replications=3, seed=1)["weekly_queue"]
    busy = simulate(winter, replications=3, seed=1)["weekly_queue"]
    assert sum(w["mean"] for w in busy[4:]) > 1.5 * sum(w["mean"] for w in plain[4:])


def test_bad_winter_patterns_and_urgent_line_hours_are_refused_whole_with_every_error():
    bad = {
        **GOOD,
        "changes": {
            "month_multipliers": {"smarch": 2, "december": -1},
            "urgent_line_hours": [{"from": 20, "to": 8}, {"from": 24, "to": 25}, {"from": 3}],
        },
    }
    with pytest.raises(ScenarioError) as caught:
        loads(json.dumps(bad))
    text = "\n".join(caught.value.errors)
    assert "'smarch' was unexpected" in text
    assert "changes.month_multipliers.december: -1 is less than the minimum of 0" in text
    assert "changes.urgent_line_hours.1.from: 24 is greater than the maximum of 23" in text
    assert "changes.urgent_line_hours.1.to: 25 is greater than the maximum of 24" in text
    assert "changes.urgent_line_hours.2: 'to' is a required property" in text
    with pytest.raises(ScenarioError) as caught:
        loads(json.dumps({**GOOD, "changes": {"urgent_line_hours": [{"from": 20, "to": 8}]}}))
    assert caught.value.errors == [
        "changes.urgent_line_hours.0: 'to' (8) must come after 'from' (20); hours across "
        "midnight are two ranges, e.g. 20 to 24 and 0 to 8."
    ]


def test_command_refuses_a_bad_file_whole(tmp_path, db):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({**GOOD, "weeks": 1, "seed": -4}))
    with pytest.raises(CommandError) as caught:
        call_command("simulate", "scenario", str(path))
    assert "weeks: 1 is less than the minimum of 4" in str(caught.value)
    assert "seed: -4 is less than the minimum of 0" in str(caught.value)


def test_the_documented_examples_are_valid_scenarios():
    from pathlib import Path

    root = Path(__file__).resolve().parents[3] / "docs"
    examples = sorted((root / "simulation-examples").glob("*.json"))
    text = (root / "simulation-scenario-format.md").read_text("utf-8")
    documented = text.split("```json\n", 1)[1].split("```", 1)[0]
    assert examples
    for source in [documented, *(p.read_text("utf-8") for p in examples)]:
        assert loads(source, known_tiers={"short-term"}).name
