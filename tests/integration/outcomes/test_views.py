"""Staff outcomes pages and the person's own link page, through the test client."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from tests.factories import login
from tests.outcomes_support import PHQ9_12, in_support

from livingwell.access.models import AuditEvent
from livingwell.outcomes.actions import create_response_link, record_response
from livingwell.outcomes.models import ItemWording, MeasureResponse, OutcomeFrameworkVersion

pytestmark = pytest.mark.django_db

DEMO_WARNING = "Demonstration wording – not the real wording; do not use clinically"


def _dialog(values):
    return {str(i): v for i, v in enumerate(values, start=1)}


def _post_measure(client, intro, measure, answers, **extra):
    data = {
        "source": "worker",
        "completed_at": timezone.localdate().isoformat(),
        "occasion": "review",
        **{f"item_{k}": str(v) for k, v in answers.items()},
        **extra,
    }
    return client.post(reverse("outcomes:record", args=[intro.pk, measure]), data)


# --- recording -----------------------------------------------------------------------------------


def test_record_page_needs_login(client, personas):
    intro = in_support(personas.hub_worker)
    url = reverse("outcomes:record", args=[intro.pk, "dialog"])
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_unrelated_worker_gets_404_and_nothing_is_stored(client, personas):
    intro = in_support(personas.hub_worker)
    login(client, personas.unrelated_worker)
    url = reverse("outcomes:record", args=[intro.pk, "dialog"])
    assert client.get(url).status_code == 404
    response = _post_measure(client, intro, "dialog", _dialog([4] * 11))
    assert response.status_code == 404
    assert MeasureResponse.objects.count() == 0
    assert AuditEvent.objects.filter(outcome="refused", person_id=intro.person_id).exists()


def test_form_shows_demonstration_warning_until_wording_is_imported(client, personas):
    intro = in_support(personas.hub_worker)
    login(client, personas.hub_worker)
    page = client.get(reverse("outcomes:record", args=[intro.pk, "gad7"])).content.decode()
    assert DEMO_WARNING in page
    assert page.count('type="radio"') >= 7 * 4  # seven items with options 0-3 (plus "how")
    now = timezone.now()
    ItemWording.objects.bulk_create(
        ItemWording(measure="gad7", link_id=str(i), text=f"Licensed question {i}", imported_at=now)
        for i in range(1, 8)
    )
    page = client.get(reverse("outcomes:record", args=[intro.pk, "gad7"])).content.decode()
    assert DEMO_WARNING not in page
    assert "Licensed question 5" in page


def test_worker_records_a_dialog(client, personas):
    intro = in_support(personas.hub_worker)
    login(client, personas.hub_worker)
    response = _post_measure(client, intro, "dialog", _dialog([4, 5, 3, 4, 6, 2, 3, 5, 6, 5, 4]))
    assert response.status_code == 302
    assert response["Location"] == reverse("outcomes:person", args=[intro.pk])
    stored = MeasureResponse.objects.get()
    assert stored.subscales == {"sqol": 4.0, "treatment_satisfaction": 5.0}
    assert stored.source == "worker" and stored.occasion == "review"
    assert stored.recorded_by == personas.hub_worker


def test_a_new_measure_defaults_to_the_occasion_that_is_due(client, personas):
    intro = in_support(personas.hub_worker)
    login(client, personas.hub_worker)
    url = reverse("outcomes:record", args=[intro.pk, "dialog"])
    # Nothing recorded yet: the baseline is due.
    assert client.get(url).context["form"]["occasion"].value() == "baseline"
    record_response(
        by=personas.hub_worker,
        introduction=intro,
        measure="dialog",
        answers=_dialog([4] * 11),
        completed_at=timezone.localdate(),
        source="worker",
        occasion="baseline",
    )
    assert client.get(url).context["form"]["occasion"].value() == "review"


def test_bad_answers_are_shown_beside_each_item_and_kept(client, personas):
    intro = in_support(personas.hub_worker)
    login(client, personas.hub_worker)
    answers = {k: v for k, v in PHQ9_12.items() if k != "4"}
    response = _post_measure(client, intro, "phq9", answers)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Item 4: choose an answer (every item is needed)." in page
    # What was chosen is kept: item 1's answer 3 is still checked.
    assert re.search(r'name="item_1" type="radio" value="3" checked', page)
    assert MeasureResponse.objects.count() == 0


def test_paper_form_keeps_its_own_date(client, personas):
    intro = in_support(personas.hub_worker, days_ago=30)
    login(client, personas.hub_worker)
    completed = timezone.localdate() - timedelta(days=20)
    response = _post_measure(
        client, intro, "phq9", PHQ9_12, source="paper", completed_at=completed.isoformat()
    )
    assert response.status_code == 302
    stored = MeasureResponse.objects.get()
    assert stored.source == "paper" and stored.completed_at == completed


def test_gbo_form_shows_plan_goals_in_the_persons_words(client, personas):
    intro = in_support(personas.hub_worker, goals=["Get back to playing football"])
    key = intro.plan_versions.get().goals[0]["key"]
    login(client, personas.hub_worker)
    page = client.get(reverse("outcomes:record", args=[intro.pk, "gbo"])).content.decode()
    assert "Get back to playing football" in page
    response = _post_measure(client, intro, "gbo", {"1": 2}, goal_1=key)
    assert response.status_code == 302
    assert MeasureResponse.objects.get().goal_keys == {"1": key}


# --- the person's outcomes page --------------------------------------------------------------


def test_outcomes_page_needs_login_and_a_relationship(client, personas):
    intro = in_support(personas.hub_worker)
    url = reverse("outcomes:person", args=[intro.pk])
    assert reverse("accounts:login") in client.get(url)["Location"]
    login(client, personas.unrelated_worker)
    assert client.get(url).status_code == 404


def test_outcomes_page_shows_chart_table_and_plain_language_change(client, personas):
    intro = in_support(personas.hub_worker, days_ago=100)
    worker = personas.hub_worker
    today = timezone.localdate()
    # DIALOG: friendships (item 7) 3 -> 5, mental health (item 1) 4 -> 3, rest unchanged.
    first = _dialog([4, 4, 4, 4, 4, 4, 3, 4, 5, 5, 5])
    latest = _dialog([3, 4, 4, 4, 4, 4, 5, 4, 5, 5, 5])
    for answers, days in ((first, 90), (latest, 6)):
        record_response(
            by=worker,
            introduction=intro,
            measure="dialog",
            answers=answers,
            completed_at=today - timedelta(days=days),
            source="worker",
            occasion="review",
        )
    # PHQ-9: 12 -> 6, a fall of exactly 6 = reliable improvement.
    phq_latest = {**PHQ9_12, "1": 0, "2": 0, "3": 1}  # 12 - 3 - 2 - 1 = 6
    for answers, days in ((PHQ9_12, 90), (phq_latest, 6)):
        record_response(
            by=worker,
            introduction=intro,
            measure="phq9",
            answers=answers,
            completed_at=today - timedelta(days=days),
            source="worker",
            occasion="review",
        )
    login(client, worker)
    response = client.get(reverse("outcomes:person", args=[intro.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<svg") == 2 and 'role="img"' in page
    assert "lw-chart__band" in page and "lw-chart__cutoff" in page
    assert "style=" not in page and "http://www.w3.org/2000/svg" in page
    assert "https://" not in page.split("<svg", 1)[1]
    assert "<caption" in page and 'scope="row"' in page
    assert "Your score for friendships improved by 2 points (from 3 to 5)." in page
    assert "Your score for mental health got worse by 1 point (from 4 to 3)." in page
    # One item up by 2 and one down by 1: improvement alongside deterioration is no reliable change.
    assert "Overall: this is within the range of everyday variation (no reliable change)." in page
    assert "Your score improved by 6 points, from 12 to 6 (lower is better)." in page
    assert "This counts as a reliable improvement." in page
    assert "Total 12 (Moderate)" in page and "Total 6 (Mild)" in page
    assert AuditEvent.objects.filter(
        action="read", category="outcomes", person_id=intro.person_id
    ).exists()


# --- sending a link ----------------------------------------------------------------------------


def test_send_link(client, personas, outbox):
    intro = in_support(personas.hub_worker)
    url = reverse("outcomes:send_link", args=[intro.pk])
    assert reverse("accounts:login") in client.get(url)["Location"]
    login(client, personas.unrelated_worker)
    assert (
        client.post(url, {"measure": "phq9", "occasion": "review", "valid_days": "7"}).status_code
        == 404
    )
    assert outbox == []
    login(client, personas.hub_worker)
    response = client.post(url, {"measure": "phq9", "occasion": "review", "valid_days": "7"})
    assert response.status_code == 302
    assert len(outbox) == 1
    path = re.search(r"(/measure/[^ ]+/)", outbox[0].body).group(1)
    token = path.split("/")[2]
    # The URL carries the token and nothing else.
    assert path == f"/measure/{token}/" and re.fullmatch(r"[A-Za-z0-9_-]{43}", token)


# --- the person's own link (public) ----------------------------------------------------------


def test_public_link_page_get_and_post(client, personas, outbox):
    intro = in_support(personas.hub_worker)
    _link, raw = create_response_link(by=personas.hub_worker, introduction=intro, measure="phq9")
    url = reverse("outcomes:respond", args=[raw])
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Patient Health Questionnaire (PHQ-9)" in page
    assert "Need help now?" in page  # the urgent-help strip
    assert DEMO_WARNING in page
    person = intro.person
    for personal in (person.given_name, person.family_name, intro.reference, person.phone):
        assert personal not in page
    # An incomplete answer is refused with a message, and the link still works.
    bad = client.post(url, {"item_1": "3"})
    assert bad.status_code == 200 and "Item 2: choose an answer" in bad.content.decode()
    response = client.post(url, {f"item_{k}": str(v) for k, v in PHQ9_12.items()})
    assert response.status_code == 302 and response["Location"] == reverse("outcomes:respond_done")
    stored = MeasureResponse.objects.get()
    assert stored.total == 12 and stored.source == "self_link"
    done = client.get(reverse("outcomes:respond_done"))
    assert done.status_code == 200 and "your answers were received" in done.content.decode()
    # The same link again: a clear message, nothing stored twice.
    again = client.post(url, {f"item_{k}": str(v) for k, v in PHQ9_12.items()})
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    assert MeasureResponse.objects.count() == 1


def test_bad_and_expired_tokens_get_a_friendly_page(client, personas, outbox):
    response = client.get(reverse("outcomes:respond", args=["not-a-real-token"]))
    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()
    response = client.post(reverse("outcomes:respond", args=["x" * 43]), {"item_1": "1"})
    assert response.status_code == 404
    intro = in_support(personas.hub_worker)
    _link, raw = create_response_link(
        by=personas.hub_worker,
        introduction=intro,
        measure="gad7",
        at=timezone.now() - timedelta(days=8),
    )
    response = client.get(reverse("outcomes:respond", args=[raw]))
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()


# --- framework ---------------------------------------------------------------------------------


def test_framework_page_for_site_administrators_only(client, personas):
    url = reverse("outcomes:framework")
    assert reverse("accounts:login") in client.get(url)["Location"]
    login(client, personas.hub_worker)
    assert client.get(url).status_code == 403
    login(client, personas.site_admin)
    page = client.get(url).content.decode()
    assert "Recovering and staying well" in page
    data = {
        "outcome-TOTAL_FORMS": "2",
        "outcome-INITIAL_FORMS": "0",
        "outcome-0-title": "Recover and stay well",
        "outcome-0-i_statements": "I feel better\nI know what helps",
        "outcome-0-measures": ["dialog", "reqol10"],
        "outcome-0-dialog_domains": ["1"],
        "outcome-1-title": "",
        "note": "Agreed with the panel",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    saved = OutcomeFrameworkVersion.objects.get()
    assert saved.version == 1 and saved.created_by == personas.site_admin
    assert saved.outcomes == [
        {
            "key": "recover_and_stay_well",
            "title": "Recover and stay well",
            "i_statements": ["I feel better", "I know what helps"],
            "measures": ["dialog", "reqol10"],
            "dialog_domains": ["1"],
            "goals": False,
        }
    ]
    data["outcome-0-i_statements"] = ""
    response = client.post(url, data)
    assert response.status_code == 200 and "needs at least one" in response.content.decode()
    assert OutcomeFrameworkVersion.objects.count() == 1
