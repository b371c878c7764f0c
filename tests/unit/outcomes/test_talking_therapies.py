"""NHS Talking Therapies paired PHQ-9 / GAD-7 outcomes (living-well.md section 4).

Case: PHQ-9 >= 10 or GAD-7 >= 8. Recovery: a case at the start, below both at the end.
Reliable improvement: PHQ-9 down 6+ or GAD-7 down 4+, with neither reliably worse.
Reliable deterioration: the reverse. Reliable recovery: recovery and reliable improvement.
"""

from __future__ import annotations

import pytest
from outcomes_helpers import spread

from livingwell.outcomes import MeasureInputError, talking_therapies


def test_both_measures_improve_reliably_and_recover():
    # PHQ 15 -> 9 (-6), GAD 10 -> 5 (-5); end: 9 < 10 and 5 < 8 -> not a case
    result = talking_therapies(15, 10, 9, 5)
    assert result.case_at_start and not result.case_at_end
    assert result.recovery is True
    assert result.reliable_improvement is True
    assert result.reliable_deterioration is False
    assert result.reliable_recovery is True


def test_one_reliably_better_and_the_other_reliably_worse_is_neither():
    # PHQ 15 -> 9 (-6, reliably better); GAD 10 -> 14 (+4, reliably worse)
    result = talking_therapies(15, 10, 9, 14)
    assert result.phq9_category == "reliable_improvement"
    assert result.gad7_category == "reliable_deterioration"
    assert result.reliable_improvement is False
    assert result.reliable_deterioration is False
    assert result.case_at_end is True  # GAD 14 >= 8
    assert result.recovery is False
    assert result.reliable_recovery is False


def test_improvement_on_gad7_alone_counts_when_phq9_is_not_reliably_worse():
    # PHQ 12 -> 10 (-2), GAD 12 -> 8 (-4); end: PHQ 10 is still a case
    result = talking_therapies(12, 12, 10, 8)
    assert result.reliable_improvement is True
    assert result.recovery is False
    assert result.reliable_recovery is False


def test_recovery_without_reliable_improvement_is_not_reliable_recovery():
    # PHQ 11 -> 9 (-2), GAD 9 -> 7 (-2): case at start (11 >= 10), below both at end
    result = talking_therapies(11, 9, 9, 7)
    assert result.recovery is True
    assert result.reliable_improvement is False
    assert result.reliable_recovery is False


def test_reliable_deterioration():
    # PHQ 5 -> 11 (+6), GAD 5 -> 5
    result = talking_therapies(5, 5, 11, 5)
    assert result.reliable_deterioration is True
    assert result.reliable_improvement is False


def test_deterioration_on_one_with_a_small_fall_on_the_other():
    # PHQ 10 -> 15 (+5, not reliable), GAD 5 -> 9 (+4, reliable): deterioration
    result = talking_therapies(10, 5, 15, 9)
    assert result.reliable_deterioration is True


def test_not_a_case_at_start_has_no_recovery():
    # PHQ 9 < 10 and GAD 7 < 8 at the start
    result = talking_therapies(9, 7, 2, 1)
    assert result.case_at_start is False
    assert result.recovery is None
    assert result.reliable_recovery is None
    assert result.reliable_improvement is True  # PHQ -7 and GAD -6 are still reliable


@pytest.mark.parametrize(
    ("phq9", "gad7", "case"), [(10, 0, True), (0, 8, True), (9, 7, False), (5, 8, True)]
)
def test_caseness_boundaries(phq9, gad7, case):
    assert talking_therapies(phq9, gad7, 0, 0).case_at_start is case


def test_exact_thresholds_count_and_one_less_does_not():
    assert talking_therapies(16, 0, 10, 0).reliable_improvement is True  # PHQ -6
    assert talking_therapies(16, 0, 11, 0).reliable_improvement is False  # PHQ -5
    assert talking_therapies(0, 12, 0, 8).reliable_improvement is True  # GAD -4
    assert talking_therapies(0, 12, 0, 9).reliable_improvement is False  # GAD -3


def test_answer_dicts_are_scored_first():
    result = talking_therapies(spread(15, 9, 3), spread(10, 7, 3), spread(9, 9, 3), 5)
    assert (result.phq9_first, result.gad7_first, result.phq9_latest) == (15, 10, 9)
    assert result.reliable_recovery is True


@pytest.mark.parametrize("bad", [28, -1, True, 9.5, "10"])
def test_invalid_phq9_total_is_refused(bad):
    with pytest.raises(MeasureInputError, match="phq9"):
        talking_therapies(bad, 5, 5, 5)


def test_invalid_gad7_total_is_refused():
    with pytest.raises(MeasureInputError, match="gad7: total 22 is out of range \\(0 to 21\\)"):
        talking_therapies(5, 22, 5, 5)


def test_incomplete_answer_dict_is_refused():
    partial = spread(15, 9, 3)
    del partial["9"]
    with pytest.raises(MeasureInputError, match="missing"):
        talking_therapies(partial, 5, 5, 5)
