import pytest
from tests import factories

from livingwell.access.models import AuditEvent
from livingwell.intake.models import Introduction
from livingwell.people.models import Person, PossibleMatch

pytestmark = pytest.mark.django_db

VALID = {
    "risk_now": "no",
    "whats_happening": "Low for months.",
    "given_name": "Priya",
    "family_name": "Shah",
    "postcode": "sw9 8aa",
    "phone": "07700 900111",
    "submission_key": "k" * 32,
}


def test_valid_self_introduction_is_stored_once_and_acknowledged(client):
    response = client.post("/introduce/for-myself/", VALID)
    assert response.status_code == 302 and response["Location"] == "/introduce/thank-you/"
    intro = Introduction.objects.get()
    assert intro.person.postcode == "SW9 8AA" and intro.route == "self" and intro.state == "new"
    assert intro.reference in client.get("/introduce/thank-you/").content.decode()
    event = AuditEvent.objects.get(action="introduction.create")
    assert event.person_id == intro.person_id and "Low for months" not in str(event.detail)
    # A double click sends the same key again: still one introduction, same reference shown.
    client.post("/introduce/for-myself/", VALID)
    assert Introduction.objects.count() == 1 and Person.objects.count() == 1


def test_errors_sit_beside_fields_keep_typing_and_store_nothing(client):
    data = VALID | {"postcode": "nowhere", "whats_happening": "", "phone": "abc"}
    response = client.post("/introduce/for-myself/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_postcode-error"' in html and "Enter a real postcode" in html
    assert "Enter what is going on for you" in html
    assert 'value="Priya"' in html and 'value="nowhere"' in html
    assert Introduction.objects.count() == 0 and Person.objects.count() == 0


def test_oversized_input_is_refused_with_a_message(client):
    response = client.post("/introduce/for-myself/", VALID | {"whats_happening": "x" * 6000})
    assert response.status_code == 200
    assert "5000 characters or fewer" in response.content.decode()
    assert Introduction.objects.count() == 0


def test_impossible_date_of_birth_is_explained(client):
    response = client.post(
        "/introduce/for-myself/", VALID | {"dob_day": "31", "dob_month": "2", "dob_year": "1990"}
    )
    assert "must be a real date" in response.content.decode()
    assert Introduction.objects.count() == 0


@pytest.mark.parametrize(
    "answer,urgent", [("self", True), ("others", True), ("not_sure", True), ("no", False)]
)
def test_risk_answers_set_urgency(client, answer, urgent):
    client.post("/introduce/for-myself/", VALID | {"risk_now": answer})
    assert Introduction.objects.get().urgent is urgent
    page = client.get("/introduce/thank-you/").content.decode()
    assert ("Hub team will try to call today" in page) is urgent


def test_honeypot_stores_nothing_but_looks_normal(client):
    response = client.post("/introduce/for-myself/", VALID | {"website": "http://spam.example"})
    assert response.status_code == 302
    assert Introduction.objects.count() == 0


def test_rate_limit_after_ten_submissions_but_mistakes_do_not_count(client):
    from django.core.cache import cache

    cache.clear()
    for _ in range(12):
        client.post("/introduce/for-myself/", VALID | {"postcode": "bad"})
    for i in range(10):
        different = {"submission_key": f"key-{i:02d}" + "x" * 20, "whats_happening": f"Story {i}"}
        client.post("/introduce/for-myself/", VALID | different)
    assert Introduction.objects.count() == 10
    response = client.post("/introduce/for-myself/", VALID | {"submission_key": "z" * 32})
    assert response.status_code == 429 and Introduction.objects.count() == 10
    cache.clear()


def test_family_introduction_records_consent_questions(client):
    data = VALID | {
        "introducer_name": "Ravi Shah",
        "relationship_to_person": "Brother",
        "introducer_phone": "07700 900222",
        "person_knows": "yes",
        "person_agrees": "not_sure",
    }
    client.post("/introduce/for-someone-else/", data)
    intro = Introduction.objects.get()
    assert (intro.route, intro.person_knows, intro.person_agrees, intro.introducer_name) == (
        "family",
        "yes",
        "not_sure",
        "Ravi Shah",
    )


def test_likely_match_is_flagged_not_merged(client):
    first = factories.introduction(
        person=factories.person_details(
            given_name="Priya", family_name="Shah", postcode="SW9 8AA", date_of_birth=None
        )
    )
    factories.introduction(
        person=factories.person_details(given_name="Priya", family_name="Shah", postcode="SW9 8AA")
    )
    factories.introduction(
        person=factories.person_details(given_name="priya", family_name="SHAH", postcode="SW9 8AA")
    )
    match = PossibleMatch.objects.get()
    assert match.state == "open" and set(match.reasons) == {"name", "date_of_birth", "postcode"}
    assert Person.objects.filter(merged_into__isnull=False).count() == 0
    assert first.person_id not in {match.new_person_id, match.existing_person_id}


def test_the_match_page_says_what_matched_in_words(client, personas):
    factories.introduction(
        person=factories.person_details(given_name="Priya", family_name="Shah", postcode="SW9 8AA")
    )
    factories.introduction(
        person=factories.person_details(given_name="priya", family_name="SHAH", postcode="SW9 8AA")
    )
    match = PossibleMatch.objects.get()
    factories.login(client, personas.hub_worker)
    body = client.get(f"/people/matches/{match.pk}/").content.decode()
    assert "Matched on: name, date of birth, postcode." in body
    assert "date_of_birth" not in body


def test_staff_form_needs_sign_in_and_checks_nhs_number(client, personas):
    assert client.get("/introduce/staff/new/").status_code == 302
    factories.login(client, personas.hub_worker)
    data = VALID | {
        "route": "gp",
        "introducer_name": "Dr Obi",
        "nhs_number": "943 476 5918",
        "person_knows": "yes",
        "person_agrees": "yes",
    }
    response = client.post("/introduce/staff/new/", data)
    assert "valid 10-digit NHS number" in response.content.decode()
    client.post("/introduce/staff/new/", data | {"nhs_number": "943 476 5919"})
    intro = Introduction.objects.get()
    assert (
        intro.route == "gp"
        and intro.person.nhs_number == "9434765919"
        and intro.created_by == personas.hub_worker
    )
