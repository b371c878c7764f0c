"""The personal-data check on a learning summary, without a database."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from livingwell.improvement.privacy import personal_data_findings

PERSON = SimpleNamespace(
    given_name="Robin", family_name="Quayle", preferred_name="", date_of_birth=date(1990, 3, 7)
)
INTRO = SimpleNamespace(person=PERSON, introducer_name="Alex Quayle")


def kinds(text, intro=INTRO):
    return sorted((f.kind, f.blocking) for f in personal_data_findings(text, intro))


def test_a_clean_summary_has_no_findings():
    assert kinds("Urgent work needs a named holder at every handover.") == []


def test_nhs_numbers_in_any_usual_form_are_found_and_block():
    assert kinds("943 476 5919") == [("nhs_number", True)]
    assert kinds("ref 9434765919.") == [("nhs_number", True)]
    assert kinds("943-476-5918") == [("ten_digits", True)]  # fails the check digit: still found
    assert kinds("call 020 7946 0000") == []  # eleven digits: a phone number, not an NHS number


def test_the_persons_date_of_birth_in_usual_forms_blocks():
    for text in ("07/03/1990", "7/3/1990", "1990-03-07", "7 March 1990", "7 Mar 1990"):
        assert kinds(f"Seen on {text}.") == [("date_of_birth", True)], text
    assert kinds("DOB given at the call") == [("date_of_birth", True)]
    assert kinds("Met on 8/3/1990") == []  # another date is not the date of birth


def test_names_from_the_record_are_found_but_can_be_confirmed():
    assert kinds("robin waited") == [("name", False)]
    assert kinds("The Quayle family") == [("name", False), ("name", False)]
    assert kinds("A robinia tree") == []  # whole words only
    assert kinds("Robin waited", intro=None) == []  # no record: no names to look for
