"""The quick filter widgets give exactly the markup of Django's template-rendered widgets."""

from __future__ import annotations

from datetime import date

import pytest
from django import forms

from livingwell.insight.widgets import QuickDateInput, QuickSelect

CHOICES = [("", "All teams"), ("a1", "North & South <Team>"), ("b2", 'Say "hi"')]


@pytest.mark.parametrize("value", [None, "", "a1", "b2"])
def test_select_matches_django(value):
    attrs = {"class": "nhsuk-select", "id": "id_team", "aria-describedby": "id_team-hint"}
    ours = QuickSelect(choices=CHOICES).render("team", value, attrs=attrs)
    theirs = forms.Select(choices=CHOICES).render("team", value, attrs=attrs)
    assert ours == theirs.replace("\n", "").replace("  ", "")
    assert "&lt;Team&gt;" in ours and "&amp;" in ours
    if value == "a1":
        assert '<option value="a1" selected>' in ours


@pytest.mark.parametrize("value", [None, date(2026, 1, 5), "2026-13-40", '"><script>'])
def test_date_input_matches_django(value):
    attrs = {"class": "nhsuk-input", "id": "id_start"}
    ours = QuickDateInput(attrs={"type": "date"}, format="%Y-%m-%d").render("start", value, attrs)
    theirs = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d").render(
        "start", value, attrs
    )
    assert ours == theirs
    assert "<script>" not in ours
