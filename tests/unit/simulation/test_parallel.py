"""Replications side by side in processes: the same result whatever the number of workers, and
the model's processes never reach the site's data."""

import json
import os
import subprocess
import sys
from dataclasses import replace

import pytest
from django.core.management import call_command
from tests.simulation_support import build, document, small_network

from livingwell.simulation import scenario as scenario_format
from livingwell.simulation.network import ModelInputs, replication_pool, simulate
from livingwell.simulation.presenters import known_tiers
from livingwell.simulation.runner import run_scenario


def _inputs() -> ModelInputs:
    # Six weeks of the model tests' network, with an urgent line in the evenings and at night.
    return replace(
        small_network(),
        weeks=6,
        warmup_weeks=2,
        urgent_line_hours=[1] * 9 + [0] * 8 + [1] * 7,
    )


def test_two_workers_give_the_same_json_as_one_and_report_each_replication():
    inputs = _inputs()
    alone = simulate(inputs, replications=5, seed=3)
    seen: list[tuple[int, int]] = []
    with replication_pool(2) as pool:
        assert pool is not None
        side_by_side = simulate(
            inputs, replications=5, seed=3, pool=pool, progress=lambda d, n: seen.append((d, n))
        )
    assert json.dumps(side_by_side, sort_keys=True) == json.dumps(alone, sort_keys=True)
    assert seen == [(k, 5) for k in range(1, 6)]


def test_one_worker_runs_in_this_process():
    with replication_pool(1) as pool:
        assert pool is None


def test_a_scenario_run_is_the_same_with_one_worker_or_two(personas):
    build(personas)
    parsed = scenario_format.parse(document(), known_tiers=set(known_tiers()))
    notes: list[str] = []
    one = run_scenario(parsed, workers=1)
    two = run_scenario(parsed, workers=2, progress=lambda f, note: notes.append(note))
    one.pop("seconds"), two.pop("seconds")
    assert json.dumps(one, sort_keys=True) == json.dumps(two, sort_keys=True)
    assert notes.count("Baseline") == parsed.replications  # as each replication finishes


def test_the_command_takes_the_number_of_workers(personas, tmp_path, capsys):
    build(personas)
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(document()))
    call_command("simulate", "scenario", str(path), "--workers", "2", "--json")
    result = json.loads(capsys.readouterr().out)
    assert result["replications"] == 3 and result["result"]["median_wait_days"]["mean"] > 0
    with pytest.raises(Exception, match="--workers must be"):
        call_command("simulate", "scenario", str(path), "--workers", "0")


def test_the_model_imports_no_django_so_its_processes_cannot_reach_the_data():
    code = (
        "import sys, livingwell.simulation.network as n; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    # A bare environment (no DJANGO_SETTINGS_MODULE), with this run's import path.
    env = {"PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.strip() == "[]"
