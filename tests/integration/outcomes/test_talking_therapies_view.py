"""The NHS Talking Therapies summary on a person's outcomes page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from tests import factories
from tests.outcomes_support import in_support

from livingwell.access.models import AuditEvent
from livingwell.outcomes.actions import record_response

pytestmark = pytest.mark.django_db


def answers_totalling(total: int, items: int) -> dict[str, int]:
    """Item scores 0-3 adding up to ``total`` (earliest items filled first)."""
    out = {}
    for i in range(1, items + 1):
        out[str(i)] = min(3, total)
        total -= out[str(i)]
    assert total == 0
    return out


def _record(by, intro, measure, total, days_ago):
    items = 9 if measure == "phq9" else 7
    record_response(
        by=by,
        introduction=intro,
        measure=measure,
        answers=answers_totalling(total, items),
        completed_at=timezone.localdate() - timedelta(days=days_ago),
        occasion="review",
    )


@pytest.fixture
def paired(personas):
    worker = personas.hub_worker
    intro = in_support(worker, days_ago=100)
    _record(worker, intro, "phq9", 15, 90)
    _record(worker, intro, "gad7", 12, 90)
    _record(worker, intro, "phq9", 6, 5)
    _record(worker, intro, "gad7", 5, 5)
    return intro


def test_summary_in_plain_language(paired, personas, client):
    factories.login(client, personas.hub_worker)
    response = client.get(f"/outcomes/{paired.pk}/")
    html = response.content.decode()
    section = html.split('aria-labelledby="heading-talking-therapies"', 1)[1].split("</section>")[0]
    assert "Depression and anxiety together (NHS Talking Therapies)" in section
    assert "fell by 9 points, from 15 to 6: a reliable improvement." in section
    assert "Overall this counts as reliable improvement." in section
    assert "it also counts as reliable recovery." in section
    first = (timezone.localdate() - timedelta(days=90)).strftime("%-d %B %Y")
    assert f"from {first} to" in section
    # The read is audited against the person, under the outcomes category.
    assert AuditEvent.objects.filter(
        actor=personas.hub_worker, person_id=paired.person_id, action="read", category="outcomes"
    ).exists()


def test_no_summary_until_both_measures_are_paired(personas, client):
    worker = personas.hub_worker
    intro = in_support(worker, days_ago=100)
    _record(worker, intro, "phq9", 15, 90)
    _record(worker, intro, "gad7", 12, 90)
    _record(worker, intro, "phq9", 6, 5)  # GAD-7 only once: not paired yet
    factories.login(client, worker)
    html = client.get(f"/outcomes/{intro.pk}/").content.decode()
    assert "NHS Talking Therapies" not in html
    assert "Patient Health Questionnaire (PHQ-9)" in html


def test_not_signed_in_is_sent_to_sign_in(paired, client):
    response = client.get(f"/outcomes/{paired.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/account/sign-in/")


def test_no_relationship_is_not_found(paired, personas, client):
    factories.login(client, personas.unrelated_worker)
    response = client.get(f"/outcomes/{paired.pk}/")
    assert response.status_code == 404
    assert "reliable" not in response.content.decode()
