"""Plain-language NHS Talking Therapies summaries. Expected categories are worked out by hand
from the published rules: caseness PHQ-9 >= 10 or GAD-7 >= 8; reliable change a fall (or rise)
of at least 6 (PHQ-9) or 4 (GAD-7) points; recovery = a case at the start and neither measure at
or above its threshold at the end; reliable recovery = recovery with reliable improvement."""

from livingwell.outcomes import talking_therapies
from livingwell.outcomes.records import describe_talking_therapies


def words(p1, g1, p2, g2) -> str:
    return " ".join(describe_talking_therapies(talking_therapies(p1, g1, p2, g2)))


def test_reliable_recovery():
    text = words(15, 12, 6, 5)
    assert "Depression (PHQ-9) fell by 9 points, from 15 to 6: a reliable improvement." in text
    assert "Anxiety (GAD-7) fell by 7 points, from 12 to 5: a reliable improvement." in text
    assert "Overall this counts as reliable improvement." in text
    assert "(PHQ-9 10 or more, or GAD-7 8 or more)" in text
    assert "so this counts as recovery." in text
    assert "it also counts as reliable recovery." in text


def test_fall_of_exactly_six_is_reliable_but_gad7_at_eight_is_still_a_case():
    text = words(14, 10, 8, 8)
    assert "fell by 6 points, from 14 to 8: a reliable improvement." in text
    assert "Anxiety (GAD-7) fell by 2 points, from 10 to 8, within everyday variation." in text
    assert "Overall this counts as reliable improvement." in text
    assert "does not count as recovery yet." in text
    assert "reliable recovery" not in text


def test_recovery_without_reliable_improvement():
    # PHQ-9 11 -> 9 (fall 2), GAD-7 8 -> 7 (fall 1): below both thresholds, no reliable change.
    text = words(11, 8, 9, 7)
    assert "Overall there is no reliable change." in text
    assert "so this counts as recovery." in text
    assert "reliable recovery" not in text


def test_one_better_one_worse_is_no_reliable_change():
    text = words(12, 6, 5, 11)
    assert "fell by 7 points, from 12 to 5: a reliable improvement." in text
    assert "Anxiety (GAD-7) rose by 5 points, from 6 to 11: a reliable deterioration." in text
    assert "Overall there is no reliable change." in text
    assert "does not count as recovery yet." in text


def test_not_a_case_at_start():
    text = words(5, 4, 12, 6)
    assert "rose by 7 points, from 5 to 12: a reliable deterioration." in text
    assert "Overall this counts as reliable deterioration." in text
    assert "recovery is not counted" in text
    assert "counts as recovery" not in text


def test_no_movement_and_one_point_wording():
    text = words(9, 7, 9, 6)
    assert "Depression (PHQ-9) stayed at 9." in text
    assert "Anxiety (GAD-7) fell by 1 point, from 7 to 6, within everyday variation." in text
