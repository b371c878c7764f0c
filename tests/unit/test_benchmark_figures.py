"""The benchmark's arithmetic and its results file (benchmarks/figures.py): nothing is timed."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "figures.py"
_SPEC = importlib.util.spec_from_file_location("benchmark_figures", _PATH)
figures = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = figures  # (dataclasses look their module up there)
_SPEC.loader.exec_module(figures)


def test_percentile_interpolates_between_ranks():
    values = [float(n) for n in range(1, 101)]  # 1..100
    assert figures.percentile(values, 50) == pytest.approx(50.5)
    assert figures.percentile(values, 95) == pytest.approx(95.05)
    assert figures.percentile([7.0, 1.0, 3.0], 50) == 3.0  # order does not matter
    assert figures.percentile([4.0], 95) == 4.0


def test_percentile_refuses_nothing_and_out_of_range():
    with pytest.raises(ValueError):
        figures.percentile([], 50)
    with pytest.raises(ValueError):
        figures.percentile([1.0, 2.0], 100)


def test_ratio_to_the_floor():
    assert figures.ratio(6.0, 2.0) == 3.0
    assert figures.ratio(1.0, 0.0) is None


def test_latency_gives_each_page_as_a_multiple_of_the_floor():
    pages = figures.latency({"floor": [2.0, 2.0, 2.0], "board": [6.0, 6.0, 6.0]})
    assert pages["floor"]["p50_x_floor"] == 1.0
    assert pages["board"] == {
        "requests": 3,
        "p50_ms": 6.0,
        "p95_ms": 6.0,
        "p50_x_floor": 3.0,
        "p95_x_floor": 3.0,
    }


def test_cost_is_the_floors_throughput_over_the_pages():
    floor_runs = [
        figures.Drive(ok=300, errors=0, seconds=3.0, times_ms=(1.0,) * 300),
        figures.Drive(ok=100, errors=0, seconds=1.0, times_ms=(1.0,) * 100),
    ]
    board = figures.Drive(ok=50, errors=2, seconds=2.0, times_ms=(4.0,) * 50)
    summary = figures.throughput({"floor": floor_runs, "board": [board]})
    assert summary["floor"]["runs_per_second"] == [100.0, 100.0]
    assert summary["floor"]["per_second"] == 100.0
    assert summary["board"]["per_second"] == 25.0
    assert summary["board"]["cost_x_floor"] == 4.0
    assert summary["board"]["errors"] == 2
    assert summary["floor"]["cost_x_floor"] == 1.0


def test_a_page_that_answered_nothing_has_no_cost_figure_and_misses_its_goal():
    summary = figures.throughput(
        {
            "floor": [figures.Drive(ok=10, errors=0, seconds=1.0, times_ms=(1.0,) * 10)],
            "board": [figures.Drive(ok=0, errors=5, seconds=1.0)],
        }
    )
    assert summary["board"]["cost_x_floor"] is None
    assert summary["board"]["p50_ms"] is None
    checks = figures.goals({}, {"10": summary})
    assert checks["board cost_x_floor at 10 clients"]["met"] is False


def test_goals_hold_p50_and_p95_and_the_cost_to_three_times_the_floor():
    pages = figures.latency(
        {"floor": [1.0] * 20, "dashboard": [2.0] * 20, "board": [3.0] * 20, "record": [3.5] * 20}
    )
    checks = figures.goals(pages, {})
    assert checks["board p50_x_floor"] == {"limit": 3.0, "value": 3.0, "met": True}
    assert checks["record p95_x_floor"]["met"] is False
    assert checks["dashboard p95_x_floor"]["met"] is True


def test_growth_of_the_board_between_two_boroughs():
    small = figures.latency({"floor": [2.0] * 5, "board": [5.0] * 5})
    large = figures.latency({"floor": [2.5] * 5, "board": [6.0] * 5})
    grown = figures.growth(small, large)
    assert grown["p50_growth"] == 1.2
    assert grown["p50_x_floor_growth"] == pytest.approx(0.96)


def test_results_file_is_json_with_the_documented_keys(tmp_path):
    pages = figures.latency({"floor": [1.0, 1.0], "board": [2.0, 2.0]})
    database = {"pages": pages, "goals": figures.goals(pages, {})}
    doc = figures.document(
        generated_at="2026-12-01T00:00:00+00:00",
        commit="abc",
        machine={"cpus": 2},
        settings={"people": 2000},
        databases={"sqlite": database},
    )
    path = tmp_path / "results" / "latest.json"
    figures.write(doc, path)
    read = json.loads(path.read_text())
    assert read["schema_version"] == figures.SCHEMA_VERSION
    assert read["databases"]["sqlite"]["pages"]["board"]["p50_x_floor"] == 2.0
    assert read["all_goals_met"] is True
    assert [p.name for p in path.parent.iterdir()] == ["latest.json"]  # no temporary left


def test_results_file_is_left_as_it_was_when_writing_fails(tmp_path):
    path = tmp_path / "latest.json"
    path.write_text('{"old": true}\n')
    with pytest.raises(ValueError):
        figures.write({"p50": float("nan")}, path)  # not valid JSON: refused
    assert json.loads(path.read_text()) == {"old": True}
    assert [p.name for p in tmp_path.iterdir()] == ["latest.json"]
