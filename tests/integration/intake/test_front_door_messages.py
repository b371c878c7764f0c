"""What the front door's pages say: errors that name their field, once, with "Error: " in the
title; the staff form speaking about the person; the urgent thank-you page."""

import html
import re

import pytest
from tests import factories

from livingwell.intake.models import Introduction

pytestmark = pytest.mark.django_db

SELF = "/introduce/for-myself/"
FAMILY = "/introduce/for-someone-else/"
STAFF = "/introduce/staff/new/"
DONE = "/introduce/thank-you/"

VALID = {
    "risk_now": "no",
    "whats_happening": "Low for months.",
    "given_name": "Priya",
    "family_name": "Shah",
    "postcode": "sw9 8aa",
    "phone": "07700 900111",
    "submission_key": "k" * 32,
}
FAMILY_VALID = VALID | {
    "introducer_name": "Ravi Shah",
    "relationship_to_person": "Brother",
    "introducer_phone": "07700 900222",
    "person_knows": "yes",
    "person_agrees": "yes",
}
STAFF_VALID = VALID | {
    "route": "gp",
    "introducer_name": "Dr Obi",
    "person_knows": "yes",
    "person_agrees": "yes",
}
# Django's own words, which name no field.
DJANGO_DEFAULTS = re.compile(
    r"This field is required|Select a valid choice|Enter a whole number|Ensure this value"
    r"|Enter a valid (email|value|date)"
)
SECOND_PERSON = re.compile(r"\b(you|your|yours|yourself)\b", re.IGNORECASE)


def words(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def title(page: str) -> str:
    return words(re.search(r"<title>(.*?)</title>", page, re.S).group(1))


def summary(page: str) -> list[tuple[str, str]]:
    """The error summary's (link target, message) pairs, in order."""
    body = re.search(r'nhsuk-error-summary__list">(.*?)</ul>', page, re.S)
    if not body:
        return []
    items = re.findall(r"<li>(.*?)</li>", body.group(1), re.S)
    return [
        (re.search(r'href="#([^"]*)"', li).group(1) if "href" in li else "", words(li))
        for li in items
    ]


def inline_errors(page: str) -> list[str]:
    hidden = r'<span class="nhsuk-u-visually-hidden">Error:</span>'
    found = re.findall(
        r'<span class="nhsuk-error-message"[^>]*>' + hidden + r"(.*?)</span>", page, re.S
    )
    return [f"Error: {words(message)}" for message in found]


def the_form(page: str) -> str:
    return re.search(r"<form method=\"post\".*?</form>", page, re.S).group(0)


@pytest.fixture
def staff_client(client, personas):
    return factories.login(client, personas.hub_worker)


FORMS = [
    pytest.param(SELF, "client", id="self"),
    pytest.param(FAMILY, "client", id="family"),
    pytest.param(STAFF, "staff_client", id="staff"),
]


@pytest.mark.parametrize("url,who", FORMS)
def test_every_error_names_its_field_once_and_the_title_says_error(url, who, request):
    client = request.getfixturevalue(who)
    page = client.post(url, {"submission_key": "k" * 32}).content.decode()
    errors = summary(page)
    assert len(errors) >= 5
    assert title(page).startswith("Error: ")
    for target, message in errors:
        assert not DJANGO_DEFAULTS.search(message), message
        # Each summary link leads to the field it names.
        assert target and f'id="{target}"' in page, (target, message)
    targets = [target for target, _message in errors]
    assert len(targets) == len(set(targets)), "a field has more than one message"
    assert Introduction.objects.count() == 0


@pytest.mark.parametrize(
    "url,who,valid,missing",
    [
        pytest.param(SELF, "client", VALID, "Enter what is going on for you", id="self"),
        pytest.param(
            FAMILY, "client", FAMILY_VALID, "Enter what is going on for them", id="family"
        ),
        pytest.param(
            STAFF, "staff_client", STAFF_VALID, "Enter what is going on for the person", id="staff"
        ),
    ],
)
def test_a_missing_answer_is_named_in_the_forms_own_voice(url, who, valid, missing, request):
    client = request.getfixturevalue(who)
    page = client.post(url, valid | {"whats_happening": "", "given_name": ""}).content.decode()
    messages = [message for _target, message in summary(page)]
    first_name = {SELF: "Enter your first name", FAMILY: "Enter their first name"}.get(
        url, "Enter the person's first name"
    )
    assert messages == [missing, first_name]


@pytest.mark.parametrize(
    "day,month,year,message,target",
    [
        ("1", "13", "1990", "Date of birth must be a real date", "id_dob_month"),
        ("31", "2", "1990", "Date of birth must be a real date", "id_dob_day"),
        ("one", "2", "1990", "Date of birth must be a real date", "id_dob_day"),
        ("1", "2", "", "Date of birth must include a year", "id_dob_year"),
        ("", "", "1990", "Date of birth must include a day and month", "id_dob_day"),
        ("1", "2", "90", "Year must include 4 numbers", "id_dob_year"),
        ("1", "2", "2999", "Date of birth must be in the past", "id_dob_day"),
        ("1", "2", "1850", "Date of birth must be after 1900", "id_dob_year"),
    ],
)
def test_a_wrong_date_of_birth_gives_one_message(client, day, month, year, message, target):
    data = VALID | {"dob_day": day, "dob_month": month, "dob_year": year}
    page = client.post(SELF, data).content.decode()
    assert summary(page) == [(target, message)]
    assert inline_errors(page) == [f"Error: {message}"]
    # What was typed stays in the boxes.
    assert (
        f'name="dob_year" type="text" inputmode="numeric" autocomplete="bday-year" value="{year}"'
        in page
    )


def test_a_wrong_email_with_no_phone_is_one_problem_with_one_message(client):
    page = client.post(SELF, VALID | {"phone": "", "email": "priya-at-home"}).content.decode()
    assert [message for _t, message in summary(page)] == [
        "Enter an email address like name@example.com"
    ]


def test_over_long_answers_name_their_field(client):
    data = VALID | {"given_name": "x" * 101, "email": "p" * 190 + "@example.com"}
    page = client.post(SELF, data).content.decode()
    assert [message for _t, message in summary(page)] == [
        "First name must be 100 characters or fewer",
        "Email address must be 200 characters or fewer",
    ]


def test_a_form_posted_without_its_key_is_still_sent(client):
    data = {k: v for k, v in VALID.items() if k != "submission_key"}
    response = client.post(SELF, data)
    assert response.status_code == 302
    assert Introduction.objects.count() == 1


def test_the_staff_form_speaks_about_the_person_not_to_them(staff_client):
    page = staff_client.get(STAFF).content.decode()
    form = words(the_form(page))
    assert not SECOND_PERSON.search(form), SECOND_PERSON.findall(form)
    assert "What would the person like to be called? (optional)" in form
    assert "When and how is it best to contact the person? (optional)" in form
    assert "In the person's own words" in form
    assert "About the person (optional)" in form
    # Its error messages too.
    errors = staff_client.post(STAFF, {"route": "self"}).content.decode()
    assert summary(errors)
    for _target, message in summary(errors):
        assert not SECOND_PERSON.search(message), message
    assert "Enter a phone number or an email address so we can reach the person" in errors


def test_the_family_form_asks_about_them_in_the_third_person(client):
    page = client.get(FAMILY).content.decode()
    person_part = words(page.split("The person you are worried about", 1)[1].split("</form>")[0])
    assert not SECOND_PERSON.search(person_part), SECOND_PERSON.findall(person_part)
    assert "What would they like to be called? (optional)" in person_part
    assert "What is going on for them at the moment?" in words(page)


def test_the_urgent_thank_you_page_does_not_invite_sending_the_form(client):
    form_page = client.get(SELF).content.decode()
    assert "You can still send this form" in form_page  # before sending, it is the right advice
    client.post(SELF, VALID | {"risk_now": "self"})
    page = client.get(DONE).content.decode()
    assert "Get help now" in page and "999" in page
    assert "We have your request" in page and "Hub team will try to call today" in page
    assert "You can still send this form" not in page
    assert "send this form" not in page


def test_the_staff_forms_urgent_help_is_for_the_worker(staff_client):
    page = words(staff_client.get(STAFF).content.decode())
    assert "You can still send this form" not in page
    assert "the Hub will call you today" not in page
    assert "marked urgent" in page
