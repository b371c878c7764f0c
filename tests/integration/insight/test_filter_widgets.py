"""The filter form's lists: the same options, order and selection as Django's model choices."""

from __future__ import annotations

import pytest
from django import forms

from livingwell.accounts.models import Organisation, Team
from livingwell.hub.models import Tier
from livingwell.insight.views import FilterForm

pytestmark = pytest.mark.django_db


class DjangoForm(forms.Form):
    team = forms.ModelChoiceField(Team.objects.filter(is_active=True), empty_label="All teams")
    tier = forms.ModelChoiceField(Tier.objects.filter(is_active=True), empty_label="All tiers")
    organisation = forms.ModelChoiceField(
        Organisation.objects.filter(is_active=True), empty_label="All organisations"
    )


def _options(field) -> list[tuple[str, str, bool]]:
    return [
        (str(o["value"]), str(o["label"]), bool(o["selected"]))
        for _g, options, _i in field.field.widget.optgroups(field.html_name, field.value() or "")
        for o in options
    ]


def test_lists_match_django_model_choices_and_keep_the_selection(personas):
    tier = Tier.objects.filter(is_active=True).order_by("order").last()
    data = {
        "team": str(personas.community_team.pk),
        "tier": tier.pk,
        "organisation": str(personas.vcs.pk),
    }
    ours, theirs = FilterForm(data), DjangoForm(data)
    assert ours.is_valid() and theirs.is_valid()
    assert ours.cleaned_data["team"] == personas.community_team
    for name in ("team", "tier", "organisation"):
        options = _options(ours[name])
        assert options == _options(theirs[name])
        assert len(options) > 2 and sum(selected for _v, _l, selected in options) == 1
    html = str(ours["team"])
    assert f'<option value="{personas.community_team.pk}" selected>' in html


def test_an_unknown_or_inactive_choice_is_refused(personas):
    other = personas.other_team
    Team.objects.filter(pk=other.pk).update(is_active=False)
    form = FilterForm({"team": str(other.pk)})
    assert not form.is_valid() and "team" in form.errors
