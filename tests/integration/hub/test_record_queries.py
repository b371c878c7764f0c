"""A person's record page does a fixed number of queries, however much is recorded (no N+1), and
shows the latest contacts with a count and a link to all of them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tests import factories
from tests.outcomes_support import in_support

from livingwell.access.models import AuditEvent
from livingwell.hub.actions import record_contact
from livingwell.outcomes.actions import record_response

pytestmark = pytest.mark.django_db

DIALOG = {str(i): 4 for i in range(1, 12)}


def _contacts(intro, workers, n: int, *, start: int):
    now = timezone.now()
    for i in range(start, start + n):
        record_contact(
            by=workers[i % len(workers)],
            introduction=intro,
            outcome="attended",
            mode="phone",
            contact_at=now - timedelta(days=40 - i, hours=1),
            note=f"Contact note {i}",
        )


def _record_with_contacts(personas, client, n: int):
    """Someone in support with ``n`` contacts and a baseline DIALOG, and their record's address,
    opened once by a signed-in Hub worker (the session and caches warmed)."""
    intro = in_support(personas.hub_worker, days_ago=45)
    _contacts(intro, [personas.hub_worker, personas.key_worker], n, start=0)
    record_response(
        by=personas.hub_worker,
        introduction=intro,
        measure="dialog",
        answers=DIALOG,
        completed_at=timezone.localdate() - timedelta(days=30),
        occasion="baseline",
    )
    factories.login(client, personas.hub_worker)
    url = f"/hub/introductions/{intro.pk}/"
    client.get(url)
    return intro, url


def _reads(intro) -> int:
    return AuditEvent.objects.filter(
        action="read", person_id=intro.person_id, object_id=str(intro.pk)
    ).count()


def test_record_page_query_count_same_for_3_and_30_contacts_and_shows_the_latest_10(
    personas, client, django_assert_max_num_queries
):
    workers = [personas.hub_worker, personas.key_worker]
    intro, url = _record_with_contacts(personas, client, 3)
    with CaptureQueriesContext(connection) as captured:
        html = client.get(url).content.decode()
    assert "Contact note 2" in html and "Contact note 3" not in html

    _contacts(intro, workers, 27, start=3)
    for days in (20, 10):
        record_response(
            by=personas.key_worker,
            introduction=intro,
            measure="dialog",
            answers=DIALOG,
            completed_at=timezone.localdate() - timedelta(days=days),
            occasion="review",
        )
    reads_before = _reads(intro)
    with django_assert_max_num_queries(len(captured)):
        html = client.get(url).content.decode()
    assert all(f"Contact note {i}<" in html for i in range(20, 30))
    assert not any(f"Contact note {i}<" in html for i in range(20))
    assert "The latest 10 of 30 contacts." in html
    assert f'href="/hub/introductions/{intro.pk}/history/contacts/">All 30 contacts</a>' in html
    assert "(3 responses)" in html  # the outcomes panel counted every DIALOG response
    assert _reads(intro) == reads_before + 1  # still exactly one audited read per page


def test_record_page_without_relationship_is_refused_and_audited(personas, client):
    intro = in_support(personas.hub_worker, days_ago=45)
    _contacts(intro, [personas.hub_worker], 3, start=0)
    factories.login(client, personas.unrelated_worker)
    response = client.get(f"/hub/introductions/{intro.pk}/")
    assert response.status_code == 404
    assert AuditEvent.objects.filter(
        actor=personas.unrelated_worker,
        person_id=intro.person_id,
        outcome=AuditEvent.Outcome.REFUSED,
    ).exists()


# The record's own reads (hub/record.record_context): one statement for each list with its total
# (the current plan, tiers, key workers, handovers, the first conversation, contacts, closures,
# other introductions), one for the outcomes panel's latest score of each measure with their
# counts, and the measure schedule. The person's sharing choices are not read again when
# open_introduction found they have none.
RECORD_STATEMENTS = 10


def _record_reads(user, intro_id):
    """(statements, context) of the record's reads for `user`, as the record view makes them."""
    from livingwell.access.helpers import _load_introduction
    from livingwell.access.relationships import relationship
    from livingwell.hub.record import record_context

    intro = _load_introduction(user, intro_id)
    rel = relationship(user, intro.person, held_open=intro.lw_held_open)  # memberships read
    with CaptureQueriesContext(connection) as captured:
        context = record_context(user, intro, rel)
    return captured.captured_queries, context


def test_the_record_reads_each_list_in_one_statement_however_long_the_history(personas, client):
    workers = [personas.hub_worker, personas.key_worker]
    intro, url = _record_with_contacts(personas, client, 3)
    few, _context = _record_reads(personas.hub_worker, intro.pk)
    assert len(few) == RECORD_STATEMENTS, [q["sql"][:60] for q in few]

    _contacts(intro, workers, 27, start=3)
    many, context = _record_reads(personas.hub_worker, intro.pk)
    assert len(many) == RECORD_STATEMENTS, [q["sql"][:60] for q in many]
    assert (len(context["contacts"]), context["contacts"].total) == (10, 30)
    html = client.get(url).content.decode()
    assert "The latest 10 of 30 contacts." in html
    assert "Latest scores" in html  # the outcomes panel's table


def test_record_page_shows_the_site_settings_as_they_are_now(personas, client):
    from livingwell.core.models import SiteConfig

    intro = in_support(personas.hub_worker, days_ago=45)
    factories.login(client, personas.hub_worker)
    url = f"/hub/introductions/{intro.pk}/"
    client.get(url)
    SiteConfig.objects.filter(id=1).update(name="Northvale Living Well", area_name="Northvale")
    html = client.get(url).content.decode()
    assert "Northvale Living Well · Northvale" in html
