"""The soak's verdicts (benchmarks/soak_checks.py) catch what they are there to catch: a lost or
doubled write, and an error outside the kill windows. Nothing is served or timed here."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "soak_checks.py"
_SPEC = importlib.util.spec_from_file_location("soak_checks", _PATH)
soak_checks = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = soak_checks  # (dataclasses look their module up there)
_SPEC.loader.exec_module(soak_checks)

Sent, Request = soak_checks.Sent, soak_checks.Request


def test_an_acknowledged_write_that_is_missing_is_caught():
    sent = [Sent("introduction", "a", True), Sent("contact", "b", True)]
    found = {"introduction": {"a": 1}, "contact": {}}
    assert soak_checks.write_problems(sent, found) == ["acknowledged contact b is missing"]


def test_a_write_stored_twice_is_caught_acknowledged_or_not():
    sent = [Sent("introduction", "a", True), Sent("plan", "c", False)]
    found = {"introduction": {"a": 2}, "plan": {"c": 2}}
    assert soak_checks.write_problems(sent, found) == [
        "introduction a is stored 2 times",
        "plan c is stored 2 times",
    ]


def test_an_unanswered_write_may_be_missing_or_stored_once():
    sent = [Sent("contact", "d", False), Sent("contact", "e", False)]
    assert soak_checks.write_problems(sent, {"contact": {"e": 1}}) == []


def test_errors_are_excused_only_inside_a_kill_window():
    windows = [(10.0, 12.0)]
    cut_by_kill = Request("record", 9.5, 10.2, None, False)
    after_restart = Request("board", 12.5, 13.0, 500, False)
    fine = Request("board", 1.0, 1.1, 200, True)
    assert soak_checks.errors_outside([cut_by_kill, after_restart, fine], windows) == [
        after_restart
    ]


def test_busy_answers_are_counted_and_p95_is_by_page():
    requests = [Request("board", 0, n / 1000, 200, True) for n in range(21)]  # 0 to 20 ms
    requests.append(Request("contact", 0, 1, 503, False))
    assert soak_checks.busy_answers(requests) == 1
    pages = soak_checks.by_page(requests)
    assert (pages["board"]["p50_ms"], pages["board"]["p95_ms"]) == (10.0, 19.0)
    assert pages["contact"]["errors"] == 1
