"""A date the page offers (today, for consent, a panel's meeting, feedback) shows in the browser's
date box: the box takes only ISO dates, whatever the site's language writes dates as."""

from __future__ import annotations

from datetime import date

import pytest

from livingwell.stories.forms import CollectionForm, ConsentForm, FeedbackForm, SelectionForm

DAY = date(2026, 12, 6)


@pytest.mark.parametrize(
    ("form", "name"),
    [
        (ConsentForm(initial={"given_on": DAY}), "given_on"),
        (SelectionForm(candidates=[], initial={"met_on": DAY}), "met_on"),
        (FeedbackForm(initial={"told_on": DAY}), "told_on"),
        (CollectionForm(initial={"period_start": DAY}), "period_start"),
    ],
    ids=lambda x: x if isinstance(x, str) else type(x).__name__,
)
def test_an_offered_date_shows_in_the_date_box(form, name):
    html = str(form[name])
    assert 'type="date"' in html and 'value="2026-12-06"' in html


def test_a_date_that_is_not_one_says_how_to_write_it():
    form = FeedbackForm({"told": "teller", "told_on": "31/02/2026", "how": "By phone"})
    assert form.errors["told_on"] == ["Enter a real date, for example 2026-03-30."]
    assert FeedbackForm({"told": "teller", "how": "By phone"}).errors["told_on"]
