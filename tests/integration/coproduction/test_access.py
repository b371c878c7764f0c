"""Every co-production page: signed out goes to sign-in, a worker without the co-production role
is refused (403) whatever their care relationships, the lead gets the page; the public page needs
no sign-in."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from tests import factories
from tests.coproduction_support import activity, lead, person

from livingwell.coproduction import actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    by = lead(personas)
    a = activity(by)
    att = actions.add_attendance(by=by, activity=a, person=person(by), role="carer")
    expense = actions.add_expense(
        by=by,
        attendance=att,
        kind="travel",
        description="Bus",
        amount="2.00",
        receipt=SimpleUploadedFile("t.pdf", b"%PDF-1.4\n", "application/pdf"),
    )
    d = actions.log_decision(
        by=by,
        activity=a,
        title="T",
        people_said="S",
        changed="changed",
        response="R",
        decided_by="Board",
        decided_on=date(2026, 5, 20),
    )
    yield {
        "by": by,
        "pages": [
            ("activities", []),
            ("activity_new", []),
            ("activity", [a.pk]),
            ("activity_rate", [a.pk]),
            ("attendance_add", [a.pk]),
            ("decision_new", [a.pk]),
            ("person_new", []),
            ("person", [att.person_id]),
            ("payment", [att.pk]),
            ("expense_add", [att.pk]),
            ("receipt", [expense.pk]),
            ("decisions", []),
            ("decision", [d.pk]),
            ("decision_finalise", [d.pk]),
            ("payments", []),
            ("rate_card_new", []),
            ("settings", []),
            ("network", []),
        ],
    }
    expense.receipt.delete(save=False)


def test_every_staff_page_needs_the_coproduction_role(client, personas, world):
    urls = [reverse(f"coproduction:{name}", args=args) for name, args in world["pages"]]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/account/sign-in/" in response["Location"], url
    for worker in (personas.hub_worker, personas.site_admin, personas.privacy_officer):
        factories.login(client, worker)
        for url in urls:
            assert client.get(url).status_code == 403, (worker, url)
    factories.login(client, world["by"])
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_the_public_page_needs_no_sign_in(client):
    response = client.get(reverse("coproduction:you_said_we_did"))
    assert response.status_code == 200
    assert "You said, we did" in response.content.decode()
