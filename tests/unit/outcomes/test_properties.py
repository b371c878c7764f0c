"""Property-based checks that hold for every shipped measure."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from livingwell.outcomes import (
    DETERIORATION,
    IMPROVEMENT,
    MEASURES,
    change,
    get_definition,
    jacobson_truax,
    score,
    talking_therapies,
)

MIRROR = {IMPROVEMENT: DETERIORATION, DETERIORATION: IMPROVEMENT}


def complete_answers(measure: str):
    defn = get_definition(measure)
    return st.fixed_dictionaries(
        {item.link_id: st.sampled_from(sorted(item.values)) for item in defn.items}
    )


measure_and_pair = st.sampled_from(MEASURES).flatmap(
    lambda m: st.tuples(st.just(m), complete_answers(m), complete_answers(m))
)


@given(st.sampled_from(MEASURES).flatmap(lambda m: st.tuples(st.just(m), complete_answers(m))))
def test_complete_totals_and_subscales_stay_in_range(case):
    measure, answers = case
    defn = get_definition(measure)
    result = score(measure, answers)
    lowest = sum(min(item.values) for item in defn.items)
    highest = sum(max(item.values) for item in defn.items)
    if defn.total_method == "sum":
        assert result.total == sum(answers.values())
        assert lowest <= result.total <= highest
    for sub in defn.subscales:
        values = [answers[i] for i in sub.items]
        assert min(values) <= result.subscales[sub.code] <= max(values)
    if defn.metric_table is not None:
        assert min(defn.metric_table.values()) <= result.metric <= max(defn.metric_table.values())
    assert result.prorated is False


@settings(max_examples=200)
@given(measure_and_pair)
def test_swapping_first_and_latest_mirrors_the_category(case):
    measure, first, latest = case
    forward = change(measure, first, latest)
    backward = change(measure, latest, first)
    assert backward.category == MIRROR.get(forward.category, forward.category)
    if forward.items is not None:
        assert backward.items == {k: MIRROR.get(v, v) for k, v in forward.items.items()}


@given(measure_and_pair)
def test_no_change_when_nothing_changed(case):
    measure, first, _ = case
    assert change(measure, first, dict(first)).category == "no_reliable_change"


@given(st.floats(-100, 100), st.floats(-100, 100), st.floats(0.1, 50), st.floats(0, 0.99))
def test_jacobson_truax_is_antisymmetric(x1, x2, sd, r):
    forward = jacobson_truax(x1, x2, sd, r)
    backward = jacobson_truax(x2, x1, sd, r)
    assert forward.rc == -backward.rc
    assert forward.reliable == backward.reliable


@given(st.integers(0, 27), st.integers(0, 21), st.integers(0, 27), st.integers(0, 21))
def test_talking_therapies_improvement_and_deterioration_mirror(p1, g1, p2, g2):
    forward = talking_therapies(p1, g1, p2, g2)
    backward = talking_therapies(p2, g2, p1, g1)
    assert forward.reliable_improvement == backward.reliable_deterioration
    assert not (forward.reliable_improvement and forward.reliable_deterioration)
    if forward.reliable_recovery:
        assert forward.recovery and forward.reliable_improvement
