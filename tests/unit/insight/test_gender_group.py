"""Free-text gender grouped for counting (the grouping is in the equity definition)."""

import pytest

from livingwell.insight.metrics import gender_group


@pytest.mark.parametrize(
    "text,group",
    [
        ("Woman", "woman"),
        ("  FEMALE ", "woman"),
        ("trans-woman", "woman"),
        ("Transgender woman", "woman"),
        ("f", "woman"),
        ("Man", "man"),
        ("male", "man"),
        ("Trans man", "man"),
        ("Non-binary", "non_binary"),
        ("nonbinary", "non_binary"),
        ("Gender fluid", "non_binary"),
        ("agender", "non_binary"),
        ("", "not_recorded"),
        (None, "not_recorded"),
        ("Prefer not to say", "not_recorded"),
        ("n/a", "not_recorded"),
        ("Two-spirit", "other"),
        ("woman and non-binary", "other"),  # two answers in one: not forced into either
        ("Questioning", "other"),
    ],
)
def test_gender_group(text, group):
    assert gender_group(text) == group
