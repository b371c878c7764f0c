"""Fidelity to the PDSA method, per series: each of the five criteria met and not met."""

from __future__ import annotations

from livingwell.improvement.study import CycleFacts, documented_stages, fidelity


def cycle(key, number, **kw):
    return CycleFacts(key=key, number=number, **kw)


GOOD = [
    cycle(
        "C1",
        1,
        scale_people=5,
        do_started=True,
        predictions=1,
        locked_predictions=1,
        studied=True,
        window_points=(3,),
        finished=True,
        documented=True,
    ),
    cycle(
        "C2",
        2,
        parent_key="C1",
        scale_people=20,
        do_started=True,
        predictions=2,
        locked_predictions=2,
        studied=True,
        window_points=(4, 3),
        finished=True,
        documented=True,
    ),
]


def test_a_series_done_well_meets_all_five():
    result = fidelity(GOOD)
    assert result.as_dict() == {
        "iterative": True,
        "predictions_locked": True,
        "small_scale_first": True,
        "data_over_time": True,
        "documented": True,
    }
    assert result.missing == {}
    assert result.met_count == 5


def test_iterative_needs_a_cycle_linked_to_another_in_the_series():
    unlinked = [GOOD[0], cycle("C2", 2, scale_people=20)]
    assert fidelity(unlinked).iterative is False
    assert fidelity(unlinked).missing["iterative"] == "no_linked_cycles"
    # A parent outside the series (another change idea's cycle) does not count.
    elsewhere = [GOOD[0], cycle("C2", 2, parent_key="C9")]
    assert fidelity(elsewhere).iterative is False
    assert fidelity([GOOD[0], cycle("C2", 2, parent_key="C1")]).iterative is True


def test_predictions_locked_before_every_do():
    # A cycle that started Do without any prediction fails the series.
    none_made = [GOOD[0], cycle("C2", 2, parent_key="C1", do_started=True, predictions=0)]
    result = fidelity(none_made)
    assert result.predictions_locked is False
    assert result.missing["predictions_locked"] == "started_without_locked_predictions"
    # One of two predictions not locked (an imported file can say so).
    half = [cycle("C1", 1, do_started=True, predictions=2, locked_predictions=1)]
    assert fidelity(half).predictions_locked is False
    # Nothing started yet: nothing to judge, so not met.
    assert fidelity([cycle("C1", 1, predictions=1)]).predictions_locked is False
    assert fidelity([cycle("C1", 1, predictions=1)]).missing["predictions_locked"] == (
        "no_cycle_started"
    )
    # A cycle still in Plan does not count against the series.
    planned = [GOOD[0], cycle("C2", 2, predictions=0)]
    assert fidelity(planned).predictions_locked is True


def test_small_scale_first_needs_a_later_cycle_with_more_people_than_the_first():
    assert fidelity(GOOD).small_scale_first is True  # 5 then 20
    same = [cycle("C1", 1, scale_people=20), cycle("C2", 2, scale_people=20)]
    assert fidelity(same).small_scale_first is False
    smaller = [cycle("C1", 1, scale_people=20), cycle("C2", 2, scale_people=5)]
    assert fidelity(smaller).small_scale_first is False
    # Order is the cycles' numbers, not the order given.
    assert fidelity(list(reversed(GOOD))).small_scale_first is True
    assert fidelity([GOOD[0]]).missing["small_scale_first"] == "one_cycle_only"
    unknown = [cycle("C1", 1), cycle("C2", 2, scale_people=20)]
    assert fidelity(unknown).missing["small_scale_first"] == "first_scale_missing"


def test_data_over_time_needs_three_points_in_every_predictions_window():
    thin = [GOOD[0], cycle("C2", 2, studied=True, window_points=(4, 2))]
    result = fidelity(thin)
    assert result.data_over_time is False
    assert result.missing["data_over_time"] == "too_few_window_points"
    assert fidelity([cycle("C1", 1, studied=True, window_points=(3,))]).data_over_time is True
    # Not studied yet: nothing to judge.
    assert fidelity([cycle("C1", 1, do_started=True)]).missing["data_over_time"] == (
        "nothing_studied"
    )


def test_documented_needs_all_four_stages_of_every_finished_cycle():
    gap = [GOOD[0], cycle("C2", 2, finished=True, documented=False)]
    assert fidelity(gap).documented is False
    assert fidelity(gap).missing["documented"] == "stages_missing"
    assert fidelity([cycle("C1", 1)]).missing["documented"] == "nothing_finished"
    # An unfinished cycle does not count against the series.
    assert fidelity([GOOD[0], cycle("C2", 2)]).documented is True


def test_missing_words_name_the_cycles():
    words = {}

    def say(key, **kw):
        words[key] = kw
        return key

    fidelity([GOOD[0], cycle("C2", 2, finished=True)], words=say)
    assert words["stages_missing"] == {"cycles": "C2"}


def test_documented_stages_needs_each_stage():
    full = dict(
        purpose="Test a text reminder",
        predictions=1,
        ran_as_planned="yes",
        study_date="2026-04-01",
        learning="Fewer missed calls",
        decision="adopt",
        decision_rationale="It worked",
    )
    assert documented_stages(**full) is True
    for key, empty in (
        ("purpose", "  "),
        ("predictions", 0),
        ("ran_as_planned", ""),
        ("study_date", None),
        ("learning", ""),
        ("decision", ""),
        ("decision_rationale", " "),
    ):
        assert documented_stages(**{**full, key: empty}) is False, key
