"""Closure feedback: the action, the staff form from a closed record, and the experience lens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from tests.factories import login
from tests.outcomes_support import in_support

from livingwell.access.models import AuditEvent
from livingwell.hub import actions as hub
from livingwell.insight import actions, metrics
from livingwell.insight.experience import experience_tables, shareable_comments
from livingwell.insight.models import ClosureFeedback

pytestmark = pytest.mark.django_db


def closed(by, days_ago: int = 5):
    intro = in_support(by, days_ago=days_ago + 10)
    hub.close(
        by=by, introduction=intro, reason="supported", at=timezone.now() - timedelta(days=days_ago)
    )
    intro.refresh_from_db()
    return intro


def give(by, intro, helpfulness, listened, text="", shared=False):
    return actions.record_closure_feedback(
        by=by,
        introduction=intro,
        helpfulness=helpfulness,
        felt_listened_to=listened,
        free_text=text,
        comment_may_be_shared=shared,
    )


def test_feedback_is_recorded_once_per_closure_and_audited_without_the_words(personas):
    hw = personas.hub_worker
    intro = closed(hw)
    feedback = give(hw, intro, 4, "yes", "Felt believed.", shared=True)
    assert feedback.closure.introduction_id == intro.pk and feedback.comment_may_be_shared
    event = AuditEvent.objects.get(action="insight.feedback_record")
    assert event.person_id == intro.person_id
    assert "Felt believed" not in str(event.detail) and event.detail == {"has_comment": True}
    with pytest.raises(actions.FeedbackError, match="already been recorded"):
        give(hw, intro, 5, "yes")
    assert ClosureFeedback.objects.count() == 1


@pytest.mark.parametrize(
    "helpfulness,listened,message",
    [(0, "yes", "how helpful"), (6, "yes", "how helpful"), (3, "maybe", "listened to")],
)
def test_bad_answers_are_refused_and_nothing_is_stored(personas, helpfulness, listened, message):
    intro = closed(personas.hub_worker)
    with pytest.raises(actions.FeedbackError, match=message):
        give(personas.hub_worker, intro, helpfulness, listened)
    assert not ClosureFeedback.objects.exists()


def test_feedback_needs_a_closed_introduction(personas):
    intro = in_support(personas.hub_worker)
    with pytest.raises(actions.FeedbackError, match="once support has closed"):
        give(personas.hub_worker, intro, 3, "partly")


def test_a_comment_not_written_cannot_be_shared(personas):
    feedback = give(personas.hub_worker, closed(personas.hub_worker), 3, "partly", "", True)
    assert feedback.comment_may_be_shared is False


def test_feedback_form_access(client, personas):
    intro = closed(personas.hub_worker)
    url = reverse("insight:feedback", args=[intro.pk])
    response = client.get(url)
    assert response.status_code == 302 and "sign-in" in response["Location"]
    login(client, personas.unrelated_worker)
    assert client.get(url).status_code == 404  # no relationship: same as no such record
    assert client.post(url, {"helpfulness": 5, "felt_listened_to": "yes"}).status_code == 404
    assert not ClosureFeedback.objects.exists()
    client.logout()
    login(client, personas.analyst)
    assert client.get(url).status_code == 403  # analysts do not record care


def test_feedback_form_from_the_closed_record(client, personas):
    intro = closed(personas.hub_worker)
    login(client, personas.hub_worker)
    record = client.get(reverse("hub:record", args=[intro.pk])).content.decode()
    url = reverse("insight:feedback", args=[intro.pk])
    assert f'href="{url}"' in record
    page = client.get(url).content.decode()
    assert "How helpful was the support you had?" in page
    # Bad input: message beside the field, what was typed kept, nothing stored.
    response = client.post(url, {"felt_listened_to": "yes", "free_text": "Kind staff."})
    html = response.content.decode()
    assert response.status_code == 200 and "Kind staff." in html and "nhsuk-error-message" in html
    assert not ClosureFeedback.objects.exists()
    response = client.post(
        url,
        {
            "helpfulness": "5",
            "felt_listened_to": "partly",
            "free_text": "Kind staff.",
            "comment_may_be_shared": "on",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith(
        reverse("hub:record", args=[intro.pk])
    )
    saved = ClosureFeedback.objects.get()
    assert (saved.helpfulness, saved.felt_listened_to, saved.recorded_by) == (
        5,
        "partly",
        personas.hub_worker,
    )
    assert AuditEvent.objects.filter(action="insight.feedback_record").count() == 1


def test_feedback_form_for_an_open_introduction_says_so(client, personas):
    intro = in_support(personas.hub_worker)
    login(client, personas.hub_worker)
    html = client.get(reverse("insight:feedback", args=[intro.pk])).content.decode()
    assert 'id="feedback-not-closed"' in html and 'name="helpfulness"' not in html


@pytest.fixture
def four_closures(personas):
    """Closures A-D in the last month; feedback: A 5 yes (shared), B 4 yes, C 2 no (shared),
    D none."""
    hw = personas.hub_worker
    a, b, c, _d = (closed(hw, days_ago=n) for n in (9, 8, 7, 6))
    give(hw, a, 5, "yes", "Being able to call back helped.", shared=True)
    give(hw, b, 4, "yes", "Not for sharing.", shared=False)
    give(hw, c, 2, "no", "Hard to reach anyone.", shared=True)
    today = timezone.localdate()
    return metrics.Dataset(metrics.Filters(start=today - timedelta(days=30), end=today))


def test_experience_tables_by_hand(four_closures):
    responses, helpful, listened, _portal = experience_tables(four_closures)
    assert responses.rows == [["All closures", 4, 3, (3, 4)]]
    counts = [r[1] for r in helpful.rows]
    assert counts == [1, 1, 0, 1, 0, 2]  # 5, 4, 3, 2, 1, then "4 or 5"
    assert helpful.rows[-1][2] == (2, 3)
    assert [r[1] for r in listened.rows] == [2, 0, 1]  # yes, partly, no


def test_comments_only_above_the_threshold_only_shared_and_without_dates(four_closures):
    assert shareable_comments(four_closures, threshold=3) is None  # 3 answers: too few
    comments = shareable_comments(four_closures, threshold=2)
    assert [c["text"] for c in comments] == [
        "Hard to reach anyone.",
        "Being able to call back helped.",
    ]
    assert set(comments[0]) == {"month", "text"}


def test_experience_page_shows_counts_suppressed_and_comments_gated(
    client, personas, four_closures
):
    from livingwell.core.models import SiteConfig

    login(client, personas.analyst)
    url = reverse("insight:metric", args=["experience"])
    html = client.get(url).content.decode()
    assert "How helpful was the support?" in html
    assert "Being able to call back helped." not in html  # 3 answers, threshold 7
    assert "only when more than 7 people" in html
    config = SiteConfig.current()
    config.suppression_threshold = 2
    config.save()
    html = client.get(url).content.decode()
    assert "Being able to call back helped." in html and "Not for sharing." not in html
    from livingwell.intake.models import Introduction

    for intro in Introduction.objects.select_related("person"):
        assert intro.person.display_name not in html and intro.reference not in html
    assert "experience_helpfulness" in html  # CSV link for the table
    assert client.get(reverse("insight:csv", args=["experience_helpfulness"])).status_code == 200


def test_outcomes_page_renders_and_csv(client, personas):
    login(client, personas.analyst)
    html = client.get(reverse("insight:metric", args=["outcomes"])).content.decode()
    assert "Reliable change from the first to the latest answer" in html
    assert "ReQoL-10 reliable recovery" in html
    for key in ("outcomes_completion", "outcomes_change", "outcomes_framework"):
        assert client.get(reverse("insight:csv", args=[key])).status_code == 200, key


def test_lens_pages_query_count_is_fixed(client, personas, four_closures):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, personas.analyst)

    def count(key):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("insight:metric", args=[key])).status_code == 200
        return len(ctx.captured_queries)

    # The first page of a session may move its idle stamp (a write at most once a minute):
    # count from the second, as every page after it does.
    count("outcomes")
    before = {k: count(k) for k in ("outcomes", "experience")}
    hw = personas.hub_worker
    for _n in range(3):
        give(hw, closed(hw, days_ago=3), 3, "partly", "More words.", shared=True)
    assert {k: count(k) for k in ("outcomes", "experience")} == before


def test_seed_hook_writes_feedback_in_bulk_once_per_closure(personas):
    import random

    from livingwell.insight.demo import build_feedback
    from livingwell.intake.models import Introduction

    hw = personas.hub_worker
    intros = [closed(hw, days_ago=n) for n in (3, 4, 5)]
    in_support(hw)  # open: no closure, no feedback
    assert build_feedback(random.Random(1), Introduction.objects.all(), share=1.0) == 3
    assert set(ClosureFeedback.objects.values_list("introduction_id", flat=True)) == {
        i.pk for i in intros
    }
    for f in ClosureFeedback.objects.select_related("closure"):
        assert f.closure.closed_at <= f.answered_at <= timezone.now()
        assert 1 <= f.helpfulness <= 5 and f.felt_listened_to in {"yes", "partly", "no"}
    assert build_feedback(random.Random(1), Introduction.objects.all(), share=1.0) == 0
    assert build_feedback(random.Random(2), Introduction.objects.all(), share=0.0) == 0
