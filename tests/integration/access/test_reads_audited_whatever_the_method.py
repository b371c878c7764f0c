"""Security issue "Close the holes", item 2: a read by POST or PUT is a read.

Pages that only show a record answer only GET (any other method is 405 and shows nothing), and
the access helpers record every read of a person's data whatever the method of the request, so
"who has looked at this record" and the unusual-access check see every one.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests import factories
from tests.integration.access.access_helpers import build_shared_record

from livingwell.access import actions
from livingwell.access.helpers import open_introduction, open_person
from livingwell.access.models import AuditEvent
from livingwell.access.queries import access_log_for, unusual_access

pytestmark = pytest.mark.django_db


def _read_pages(shared):
    intro, person = shared.intro.pk, shared.person.pk
    return {
        "record": reverse("hub:record", args=[intro]),
        "contacts history": reverse("hub:record_history", args=[intro, "contacts"]),
        "plans history": reverse("hub:record_history", args=[intro, "plans"]),
        "outcomes": reverse("outcomes:person", args=[intro]),
        "access log": reverse("access:person_log", args=[person]),
    }


def _last_event_id() -> int:
    """The newest audit event's id (not the count: PostgreSQL does not reuse ids between tests)."""
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


PAGES = ["record", "contacts history", "plans history", "outcomes", "access log"]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("page", PAGES)
def test_a_read_page_answers_only_get(client, personas, page, method):
    shared = build_shared_record(personas)
    factories.login(client, personas.hub_worker)
    url = _read_pages(shared)[page]
    before = _last_event_id()

    response = client.generic(method, url)

    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert shared.person.given_name not in response.content.decode()
    assert AuditEvent.objects.filter(id__gt=before, action="read").count() == 0
    # The same page by GET is shown, and its read is recorded.
    assert client.get(url).status_code == 200
    assert AuditEvent.objects.filter(id__gt=before, action="read").count() == 1


@pytest.mark.parametrize("method", ["post", "put"])
def test_open_introduction_records_a_read_whatever_the_method(rf, personas, method):
    shared = build_shared_record(personas)
    request = getattr(rf, method)("/any/")
    request.user = personas.key_worker
    before = _last_event_id()
    intro, rel = open_introduction(request, shared.intro.pk)
    read = AuditEvent.objects.filter(id__gt=before, action="read").get()
    assert read.person_id == shared.person.pk and read.actor == personas.key_worker
    assert read.detail == {"basis": "key_worker", "caseload": True}


@pytest.mark.parametrize("method", ["post", "put"])
def test_open_person_records_a_read_whatever_the_method(rf, personas, method):
    shared = build_shared_record(personas)
    request = getattr(rf, method)("/any/")
    request.user = personas.partner_worker
    before = _last_event_id()
    open_person(request, shared.person.pk, category="access_log")
    read = AuditEvent.objects.filter(id__gt=before, action="read").get()
    assert read.person_id == shared.person.pk and read.category == "access_log"


def test_a_form_page_shown_again_after_a_post_records_the_read(client, personas):
    """A form sent with a mistake shows the person again: that is a read, in their log."""
    shared = build_shared_record(personas)
    factories.login(client, personas.partner_worker)
    before = _last_event_id()
    response = client.post(reverse("hub:contact", args=[shared.intro.pk]), {"outcome": ""})
    assert response.status_code == 200 and shared.person.given_name in response.content.decode()
    read = AuditEvent.objects.filter(id__gt=before, action="read").get()
    assert read.person_id == shared.person.pk and read.actor == personas.partner_worker
    assert access_log_for(shared.person)[0].who == "Partner Worker"


def test_reads_by_post_count_towards_unusual_access(client, personas):
    """Form pages opened by POST on records outside the worker's caseload are counted."""
    shared = build_shared_record(personas)
    colleague = factories.user("hub_colleague", team=personas.hub_team, role="hub_worker")
    factories.login(client, colleague)
    assert client.post(reverse("hub:contact", args=[shared.intro.pk]), {}).status_code == 200
    flagged = unusual_access(threshold=0)
    assert [(u.actor_name, u.people) for u in flagged] == [("Hub Colleague", 1)]


def test_a_privacy_review_sent_with_a_mistake_records_the_read(client, personas):
    shared = build_shared_record(personas)
    grant = actions.start_break_glass(
        by=personas.unrelated_worker,
        person=shared.person,
        reason="Found collapsed at the centre, need the safety plan.",
    )
    factories.login(client, personas.privacy_officer)
    before = _last_event_id()
    url = reverse("access:review_break_glass", args=[grant.pk])
    response = client.post(url, {"outcome": "inappropriate", "note": ""})
    assert response.status_code == 200
    read = AuditEvent.objects.filter(id__gt=before, action="read").get()
    assert read.category == "access_review" and read.person_id == shared.person.pk
