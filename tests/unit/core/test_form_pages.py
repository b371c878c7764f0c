"""The POST half of a form page (``core.forms.submit`` / ``perform``) and the shared fields: an
action's refusal lands beside the field it names, a success is said once, a GET or an invalid
form calls nothing."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib import messages
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import RequestFactory

from livingwell.coproduction.actions import CoproductionError
from livingwell.core import forms as lw_forms
from livingwell.core.refusals import Refused, checked_choice, checked_text
from livingwell.core.statemachine import TransitionError
from livingwell.improvement import views as improvement_views
from livingwell.improvement.actions import ImprovementError
from livingwell.portal.actions import PortalError
from livingwell.stories.actions import LinkError, StoryError


class Example(lw_forms.Form):
    title = forms.CharField(label="Title")
    on = lw_forms.date_field("Date")


def _request(method: str = "post", data: dict | None = None):
    request = getattr(RequestFactory(), method)("/somewhere/", data or {})
    SessionMiddleware(lambda r: None).process_request(request)
    MessageMiddleware(lambda r: None).process_request(request)
    return request


def _said(request) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in messages.get_messages(request)]


class Calls:
    def __init__(self, result="saved", refusal: Exception | None = None):
        self.result, self.refusal, self.seen = result, refusal, []

    def __call__(self, data=None):
        self.seen.append(data)
        if self.refusal:
            raise self.refusal
        return self.result


def test_posted_binds_the_form_on_a_post_only():
    assert lw_forms.posted(_request("get")) is None
    assert lw_forms.posted(_request("post", {"title": "A"}))["title"] == "A"


def test_a_get_shows_the_form_and_calls_nothing():
    request = _request("get")
    call = Calls()
    form = Example(lw_forms.posted(request))
    assert lw_forms.submit(request, form, call, done="Done.") is None
    assert call.seen == [] and not form.is_bound and _said(request) == []


def test_an_invalid_form_calls_nothing():
    request = _request(data={"title": ""})
    call = Calls()
    form = Example(lw_forms.posted(request))
    assert lw_forms.submit(request, form, call, done="Done.") is None
    assert call.seen == [] and "title" in form.errors and _said(request) == []


def test_a_valid_form_calls_the_action_with_its_values_and_says_it_was_done():
    request = _request(data={"title": "Tea", "on": "2026-03-30"})
    call = Calls(result="the record")
    form = Example(lw_forms.posted(request))
    assert lw_forms.submit(request, form, call, done="Saved.") == "the record"
    assert call.seen == [form.cleaned_data] and call.seen[0]["title"] == "Tea"
    assert _said(request) == [("success", "Saved.")]


def test_the_success_message_can_name_what_was_made():
    request = _request(data={"title": "Tea"})
    form = Example(lw_forms.posted(request))
    lw_forms.submit(request, form, Calls(result="Ann"), done=lambda who: f"{who} added.")
    assert _said(request) == [("success", "Ann added.")]


@pytest.mark.parametrize(
    ("field", "where"), [("title", "title"), (None, "__all__"), ("not_on_form", "__all__")]
)
def test_a_refusal_goes_beside_the_field_it_names_or_above_the_form(field, where):
    request = _request(data={"title": "Tea"})
    form = Example(lw_forms.posted(request))
    refused = Calls(refusal=Refused("Not that one.", field))
    assert lw_forms.submit(request, form, refused, done="Saved.") is None
    assert form.errors == {where: ["Not that one."]}
    assert _said(request) == []


def test_an_error_that_is_not_a_refusal_is_not_hidden_as_one():
    request = _request(data={"title": "Tea"})
    form = Example(lw_forms.posted(request))
    with pytest.raises(KeyError):
        lw_forms.submit(request, form, Calls(refusal=KeyError("bug")), done="Saved.")


def test_perform_says_what_was_done_or_why_not():
    done = _request()
    assert lw_forms.perform(done, Calls(), done="Published.") is True
    assert _said(done) == [("success", "Published.")]
    refused = _request()
    assert lw_forms.perform(refused, Calls(refusal=Refused("Not final yet.")), done="x") is False
    assert _said(refused) == [("error", "Not final yet.")]


@pytest.mark.parametrize(
    "error",
    [CoproductionError, ImprovementError, StoryError, LinkError, PortalError],
    ids=lambda e: e.__name__,
)
def test_each_apps_refusal_is_one_shape(error):
    refusal = error("No.", "title")
    assert isinstance(refusal, Refused) and refusal.field == "title" and str(refusal) == "No."


def test_improvement_says_a_stage_recorded_twice_above_the_form():
    request = _request(data={"title": "Tea"})
    form = Example(lw_forms.posted(request))
    twice = Calls(refusal=TransitionError("A cycle cannot go from 'do' to 'do'."))
    assert improvement_views.submit(request, form, twice, done="Saved.") is None
    assert form.errors == {
        "__all__": ["This stage has already been recorded. Go back to the cycle."]
    }


def test_the_shared_fields_type_a_date_text_and_a_number():
    class Fields(lw_forms.Form):
        on = lw_forms.date_field("Date", required=True)
        notes = lw_forms.text_field("Notes", rows=3, max_length=10)
        amount = lw_forms.decimal_text("Amount", max_length=6)

    form = Fields({"on": "30/30/2026", "notes": "x" * 11, "amount": "1234567"})
    assert form.errors["on"] == ["Enter a real date, for example 2026-03-30."]
    assert "notes" in form.errors and "amount" in form.errors
    html = str(Fields(initial={"on": "2026-03-30"}))
    assert 'type="date"' in html and 'value="2026-03-30"' in html
    assert "<textarea" in html and 'inputmode="decimal"' in html
    assert Fields({"on": ""}).errors["on"] == ["Enter date"]
    assert Fields({"on": "2026-03-30"}).is_valid()


def test_radios_are_one_answer_from_the_models_choices():
    class Pick(lw_forms.Form):
        how = lw_forms.radios("How", [("phone", "Phone"), ("visit", "Visit")])
        maybe = lw_forms.radios("Maybe", [("a", "A")], required=False, help_text="If you like.")

    assert Pick({}).errors == {"how": ["Choose how"]}
    assert Pick({"how": "phone"}).is_valid()
    assert Pick({"how": "fax"}).errors["how"]
    html = str(Pick())
    assert html.count('type="radio"') == 3 and "If you like." in html


@pytest.mark.parametrize("nothing", [None, [], 0])
def test_an_action_that_returns_nothing_still_reads_as_done(nothing):
    request = _request(data={"title": "Tea"})
    form = Example(lw_forms.posted(request))
    assert lw_forms.submit(request, form, Calls(result=nothing), done="Saved.") is True
    assert _said(request) == [("success", "Saved.")]


def test_checked_text_names_the_field_in_the_apps_own_refusal():
    assert checked_text("  Tea  ", "title", "Enter a title", limit=5) == "Tea"
    assert checked_text("", "title", "Enter a title", limit=5, required=False) == ""
    with pytest.raises(StoryError) as missing:
        checked_text(None, "title", "Enter a title", limit=5, refusal=StoryError)
    assert (str(missing.value), missing.value.field) == ("Enter a title", "title")
    with pytest.raises(Refused) as long:
        checked_text("x" * 6, "title", "Enter a title", limit=5)
    assert str(long.value) == "Keep this to 5 characters or fewer."


def test_checked_choice_takes_a_models_choices_or_values_and_refuses_anything_else():
    choices = [("phone", "Phone"), ("visit", "Visit")]
    assert checked_choice("visit", choices, "how", "Choose how") == "visit"
    assert checked_choice("visit", ["phone", "visit"], "how", "Choose how") == "visit"
    assert checked_choice(None, choices, "how", "Choose how", blank=True) == ""
    for bad in ["fax", "", None, ["phone"], {"a": 1}]:
        with pytest.raises(ImprovementError) as refused:
            checked_choice(bad, choices, "how", "Choose how", refusal=ImprovementError)
        assert (str(refused.value), refused.value.field) == ("Choose how", "how")
