"""Co-production pages: who may open them, the main path through the forms, the duty before a
decision is final (in the form), the benefits warning, the exports and the public page."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from tests import factories
from tests.coproduction_support import activity, lead, person, rate_card

from livingwell.coproduction import actions
from livingwell.coproduction.models import Activity, Decision, InvolvedPerson

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"coproduction:{name}", args=args)


@pytest.fixture
def by(personas):
    return lead(personas)


@pytest.fixture
def signed_in(client, by):
    return factories.login(client, by)


def test_pages_need_sign_in_and_the_coproduction_role(client, personas, by):
    a = activity(by)
    response = client.get(url("activity", a.pk))
    assert response.status_code == 302 and "/account/sign-in/" in response["Location"]
    factories.login(client, personas.hub_worker)  # works with people in care: no role here
    for name, args in [
        ("activities", ()),
        ("activity", (a.pk,)),
        ("payments", ()),
        ("network", ()),
    ]:
        assert client.get(url(name, *args)).status_code == 403
    assert client.get(url("payroll_csv") + "?start=2026-01-01&end=2026-12-31").status_code == 403


def test_the_staff_menu_shows_co_production_to_the_lead(signed_in, by):
    from livingwell.access.policy import landing_url

    page = signed_in.get(url("activities")).content.decode()
    assert 'href="/coproduction/"' in page and "Co-production" in page
    assert landing_url(by) == "/coproduction/"


def test_a_lost_receipt_file_is_a_404_not_a_500(signed_in, by):
    att = actions.add_attendance(by=by, activity=activity(by), person=person(by), role="carer")
    upload = SimpleUploadedFile("t.pdf", b"%PDF-1.4\n", "application/pdf")
    expense = actions.add_expense(
        by=by, attendance=att, kind="travel", description="Bus", amount="2.00", receipt=upload
    )
    expense.receipt.delete(save=False)
    assert signed_in.get(url("receipt", expense.pk)).status_code == 404


def test_record_an_activity_with_people_and_ratings(signed_in):
    response = signed_in.post(
        url("activity_new"),
        {
            "title": "Crisis café design day",
            "kind": "design_workshop",
            "purpose": "Design the crisis café with people who have used crisis services",
            "decisions_in_scope": "Opening hours and who staffs it",
            "held_on": "2026-05-12",
            "hours": "five",
            "intended_level": "7",
            "payment_basis": "sessional",
        },
    )
    assert "Enter the length in hours" in response.content.decode()
    assert response.context["form"]["title"].value() == "Crisis café design day"  # kept
    assert Activity.objects.count() == 0
    data = dict(response.context["form"].data.items())
    data["hours"] = "5"
    response = signed_in.post(url("activity_new"), data)
    a = Activity.objects.get()
    assert response["Location"] == url("activity", a.pk)
    response = signed_in.post(
        url("person_new"),
        {"name": "Ade Bello", "usual_role": "lived_experience", "ethnicity": "black_african"},
    )
    ade = InvolvedPerson.objects.get()
    signed_in.post(
        url("attendance_add", a.pk),
        {"person": ade.pk, "role": "lived_experience", "enhanced": "on"},
    )
    signed_in.post(url("activity_rate", a.pk), {"participants_level": "5", "staff_level": "7"})
    page = signed_in.get(url("activity", a.pk)).content.decode()
    assert "Ade Bello" in page and "Pay Ade Bello" in page
    assert "5. Engagement" not in page  # labels, not numbers
    a.refresh_from_db()
    assert (a.participants_level, a.staff_level) == (5, 7)
    assert "Engagement" in page and "Co-production" in page


def test_the_decision_form_refuses_final_without_the_duty(signed_in, by):
    a = activity(by)
    fields = {
        "title": "Crisis café opens until midnight",
        "people_said": "Crises happen late at night",
        "changed": "changed",
        "response": "We moved closing time from 8pm to midnight",
        "decided_by": "Network leadership group",
        "decided_on": "2026-05-20",
        "final": "on",
    }
    response = signed_in.post(url("decision_new", a.pk), fields)
    assert "Choose whether the statutory involvement duty applied" in response.content.decode()
    assert Decision.objects.count() == 0
    fields |= {"duty": "applies", "duty_how_met": "Two design days and a survey"}
    response = signed_in.post(url("decision_new", a.pk), fields)
    d = Decision.objects.get()
    assert d.status == "final" and d.duty == "applies"


def test_the_payment_page_shows_the_running_total_and_warning_before_accepting(signed_in, by):
    rate_card(by)
    actions.set_settings(
        by=by,
        feedback_due_days=28,
        benefits_warning_amount="100.00",
        benefits_advice="Ask the welfare rights service",
    )
    ade = person(by)
    first = actions.add_attendance(
        by=by, activity=activity(by, date(2026, 5, 1)), person=ade, role="lived_experience"
    )
    actions.accept_payment(by=by, attendance=first)
    second = actions.add_attendance(
        by=by, activity=activity(by, date(2026, 5, 8)), person=ade, role="lived_experience"
    )
    page = signed_in.get(url("payment", second.pk)).content.decode()
    assert "£75.00" in page and "£150.00" in page  # so far, and if accepted
    assert "Ask the welfare rights service" in page and 'id="benefits-warning"' in page
    response = signed_in.post(url("payment", second.pk), {"answer": "accept"})
    assert "Confirm the person has read the warning" in response.content.decode()
    signed_in.post(url("payment", second.pk), {"answer": "accept", "warning_seen": "on"})
    second.refresh_from_db()
    assert second.payment == "accepted" and second.warning_shown


def test_payroll_csv_is_formula_safe_and_reconciles(signed_in, by):
    rate_card(by)
    a = activity(by, date(2026, 5, 12), hours=Decimal("3"))
    b = activity(by, date(2026, 5, 19), hours=Decimal("6"))
    sly = person(by, name='=HYPERLINK("http://x")')
    ade = person(by, name="Ade Bello")
    for act in (a, b):
        for p in (sly, ade):
            att = actions.add_attendance(by=by, activity=act, person=p, role="lived_experience")
            actions.accept_payment(by=by, attendance=att, warning_seen=True)
    declined = actions.add_attendance(
        by=by, activity=a, person=person(by, name="Cal"), role="carer"
    )
    actions.decline_payment(by=by, attendance=declined)
    response = signed_in.get(url("payroll_csv") + "?start=2026-05-01&end=2026-05-31")
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    body, total = rows[1:-1], rows[-1]
    assert len(body) == 4  # the declined payment is not on the payroll
    assert all(not r[0].startswith("=") for r in body)
    assert any(r[0].startswith("'=HYPERLINK") for r in body)
    amounts = [Decimal(r[-1]) for r in body]
    assert sorted(amounts) == [
        Decimal("75.00"),
        Decimal("75.00"),
        Decimal("150.00"),
        Decimal("150.00"),
    ]
    assert total[0] == "Total" and Decimal(total[-1]) == sum(amounts) == Decimal("450.00")
    assert signed_in.get(url("payroll_csv")).status_code == 400


def test_expenses_csv_and_the_receipt_download(signed_in, by):
    att = actions.add_attendance(
        by=by, activity=activity(by, date(2026, 5, 12)), person=person(by), role="carer"
    )
    upload = SimpleUploadedFile("ticket.png", b"\x89PNG\r\n\x1a\n....", "image/png")
    response = signed_in.post(
        url("expense_add", att.pk),
        {"kind": "travel", "description": "+Bus", "amount": "4.50", "receipt": upload},
    )
    assert response.status_code == 302
    expense = att.expenses.get()
    rows = list(
        csv.reader(
            io.StringIO(
                signed_in.get(
                    url("expenses_csv") + "?start=2026-05-01&end=2026-05-31"
                ).content.decode()
            )
        )
    )
    assert rows[1][5] == "'+Bus" and Decimal(rows[-1][-1]) == Decimal("4.50")
    download = signed_in.get(url("receipt", expense.pk))
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Content-Type"] == "image/png"
    expense.receipt.delete(save=False)


def test_the_public_pages_show_only_public_decisions(client, by):
    a = activity(by)
    common = {
        "people_said": "Said",
        "changed": "changed",
        "response": "Did",
        "decided_by": "Board",
        "decided_on": date(2026, 5, 20),
    }
    actions.log_decision(
        by=by,
        activity=a,
        title="Published one",
        final=True,
        public=True,
        duty="does_not_apply",
        duty_how_met="Internal rota",
        **common,
    )
    actions.log_decision(
        by=by,
        activity=a,
        title="Final, not public",
        final=True,
        duty="applies",
        duty_how_met="Survey",
        **common,
    )
    actions.log_decision(by=by, activity=a, title="Still a draft", **common)
    # Its own page, and the "You said, we did" section of the public impact page.
    for address in (url("you_said_we_did"), reverse("stories:impact")):
        page = client.get(address).content.decode()
        assert "Published one" in page, address
        assert "Final, not public" not in page and "Still a draft" not in page


def test_the_network_page_hides_small_groups_of_people(signed_in, by):
    today = timezone.localdate()
    a = activity(by, today - timedelta(days=10))
    actions.rate_activity(by=by, activity=a, participants_level=4, staff_level=6)
    for n in range(3):
        actions.add_attendance(
            by=by,
            activity=a,
            person=person(by, name=f"P{n}", ethnicity="white_british"),
            role="lived_experience",
        )
    old = _decision_on(by, a, today - timedelta(days=60))
    page = signed_in.get(url("network")).content.decode()
    view = signed_in.get(url("network")).context["view"]
    lived = next(r for r in view.roles if str(r["label"]) == "Lived experience")
    assert lived["people"] == "*"
    ethnicity = next(g for g in view.groups if str(g["label"]) == "Ethnic group")
    assert {"label": "White", "people": "*"} in ethnicity["rows"]  # insight's heading, hidden
    assert view.feedback_overdue == 1 and old.feedback_given_on is None
    assert view.decisions_changed == 1 and view.changed_share == "100%"
    assert "4. Consultation" in page and "6. Co-design" in page


def _decision_on(by, a, on):
    return actions.log_decision(
        by=by,
        activity=a,
        title="Old one",
        people_said="x",
        changed="changed",
        response="y",
        decided_by="Board",
        decided_on=on,
    )


def test_a_decision_links_to_what_changed_by_typed_reference(signed_in, by, personas):
    from tests.improvement_support import build_project

    built = build_project(personas.hub_worker)
    d = actions.log_decision(
        by=by,
        activity=activity(by),
        title="Try call-back slots",
        people_said="x",
        changed="changed",
        response="y",
        decided_by="Board",
        decided_on=date(2026, 5, 20),
        pdsa_cycle=built.cycle,
        improvement_project=built.project,
    )
    assert d.pdsa_cycle_ref == built.cycle.pk
    page = signed_in.get(url("decision", d.pk)).content.decode()
    assert built.project.title in page
