"""The record's history pages (hub:record_history) and the record's bounded lists: access,
audit, pagination, and counts that count only what the user may see."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests import factories
from tests.integration.access.access_helpers import KWC, PLAN, RESTR, VCS, build_shared_record
from tests.outcomes_support import in_support

from livingwell.access import actions as access_actions
from livingwell.access.models import AuditEvent
from livingwell.hub import actions as hub
from livingwell.hub.models import Tier
from livingwell.intake.actions import submit_introduction

pytestmark = pytest.mark.django_db


def _history(intro, section="contacts"):
    return reverse("hub:record_history", args=[intro.pk, section])


def _record(intro):
    return reverse("hub:record", args=[intro.pk])


def _contacts(intro, by, n, *, start=0):
    """Contacts in the order of ``i``, dated between the introduction and now (a contact cannot
    be dated before the introduction was received)."""
    since = intro.received_at
    span = timezone.now() - since
    for i in range(start, start + n):
        hub.record_contact(
            by=by,
            introduction=intro,
            outcome="attended",
            mode="phone",
            contact_at=since + span * (i + 1) / 61,
            note=f"Contact note {i}",
        )


def _reads(user, intro) -> int:
    return AuditEvent.objects.filter(
        actor=user,
        action="read",
        person_id=intro.person_id,
        object_id=str(intro.pk),
        outcome=AuditEvent.Outcome.ALLOWED,
    ).count()


def test_history_page_needs_sign_in(client, personas):
    intro = in_support(personas.hub_worker, days_ago=10)
    response = client.get(_history(intro))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_history_page_without_relationship_is_not_found_and_the_refusal_audited(client, personas):
    intro = in_support(personas.hub_worker, days_ago=10)
    _contacts(intro, personas.hub_worker, 2)
    factories.login(client, personas.unrelated_worker)
    response = client.get(_history(intro))
    assert response.status_code == 404
    assert "Contact note" not in response.content.decode()
    assert AuditEvent.objects.filter(
        actor=personas.unrelated_worker,
        person_id=intro.person_id,
        outcome=AuditEvent.Outcome.REFUSED,
    ).exists()


def test_unknown_section_is_not_found(client, personas):
    intro = in_support(personas.hub_worker, days_ago=10)
    factories.login(client, personas.hub_worker)
    assert client.get(_history(intro, "everything")).status_code == 404


def test_an_organisation_with_only_an_offer_cannot_open_the_history(client, personas):
    intro = in_support(personas.hub_worker, days_ago=10)
    _contacts(intro, personas.hub_worker, 2)
    hub.offer_handover(
        by=personas.hub_worker,
        introduction=intro,
        to_organisation=personas.vcs,
        what_is_asked="Peer support.",
    )
    factories.login(client, personas.partner_worker)
    record = client.get(_record(intro)).content.decode()
    assert "Handover offered to your organisation" in record and "Contact note" not in record
    response = client.get(_history(intro))
    assert response.status_code == 404
    assert "Contact note" not in response.content.decode()


def test_contacts_history_pages_newest_first_and_audits_each_read(client, personas):
    worker = personas.hub_worker
    intro = in_support(worker, days_ago=70)
    _contacts(intro, worker, 30)
    factories.login(client, worker)

    record = client.get(_record(intro)).content.decode()
    assert "The latest 10 of 30 contacts." in record
    assert f'href="{_history(intro)}">All 30 contacts</a>' in record

    before = _reads(worker, intro)
    first = client.get(_history(intro))
    assert first.status_code == 200
    html = first.content.decode()
    assert html.count("<h1") == 1
    assert "Showing 1 to 25 of 30, newest first." in html
    assert all(f"Contact note {i}<" in html for i in range(5, 30))
    assert not any(f"Contact note {i}<" in html for i in range(5))
    assert html.index("Contact note 29<") < html.index("Contact note 5<")
    assert 'href="?page=2"' in html and "Page 2 of 2" in html
    assert _reads(worker, intro) == before + 1

    second = client.get(_history(intro) + "?page=2").content.decode()
    assert "Showing 26 to 30 of 30, newest first." in second
    assert all(f"Contact note {i}<" in second for i in range(5))
    assert "Contact note 5<" not in second
    assert 'href="?page=1"' in second
    assert _reads(worker, intro) == before + 2

    # Nonsense page numbers give a page, never an error.
    assert client.get(_history(intro) + "?page=abc").status_code == 200
    last = client.get(_history(intro) + "?page=99").content.decode()
    assert "Showing 26 to 30 of 30" in last


def test_restricted_contact_is_neither_listed_nor_counted_for_another_team(client, personas):
    shared = build_shared_record(personas)
    intro = shared.intro

    factories.login(client, personas.hub_worker)  # Hub team: not the authoring team
    for url in (_record(intro), _history(intro)):
        html = client.get(url).content.decode()
        assert RESTR not in html
        assert KWC in html and VCS in html
    history = client.get(_history(intro)).content.decode()
    assert "Showing 1 to 2 of 2, newest first." in history
    assert "Your team only" not in history

    factories.login(client, personas.key_worker)  # the authoring team sees it, and counts it
    history = client.get(_history(intro)).content.decode()
    assert RESTR in history and "Your team only" in history
    assert "Showing 1 to 3 of 3, newest first." in history


def test_restricted_contacts_do_not_show_in_the_records_count(client, personas):
    shared = build_shared_record(personas)
    intro = shared.intro
    for _ in range(11):  # more than the record shows, all restricted to the community team
        hub.record_contact(
            by=personas.key_worker,
            introduction=intro,
            outcome="attended",
            mode="phone",
            note=RESTR,
            restricted=True,
        )
    factories.login(client, personas.hub_worker)
    record = client.get(_record(intro)).content.decode()
    assert RESTR not in record
    assert "All 14 contacts" not in record and "of 14 contacts" not in record
    assert "All 2 contacts" not in record  # both fit on the record: no "more" link
    factories.login(client, personas.key_worker)
    record = client.get(_record(intro)).content.decode()
    assert "The latest 10 of 14 contacts." in record and "All 14 contacts" in record


def test_an_objection_hides_and_uncounts_entries_on_the_history_pages(client, personas):
    shared = build_shared_record(personas)
    access_actions.set_sharing(
        by=personas.key_worker,
        person=shared.person,
        organisation=personas.trust,
        share_out=False,
        share_in=True,
    )
    factories.login(client, personas.partner_worker)
    contacts = client.get(_history(shared.intro)).content.decode()
    assert KWC not in contacts and RESTR not in contacts and VCS in contacts
    assert "Showing 1 to 1 of 1, newest first." in contacts
    assert "asked that some information recorded by other organisations is not shared" in contacts
    plans = client.get(_history(shared.intro, "plans")).content.decode()
    assert PLAN not in plans and "Nothing recorded yet." in plans


def test_plan_history_lists_every_version_and_the_record_only_the_current(client, personas):
    worker = personas.hub_worker
    intro = in_support(worker, days_ago=30)
    for v in range(1, 5):
        hub.save_plan(
            by=worker,
            introduction=intro,
            goals=[f"Goal of version {v}"],
            actions=[],
            review_date=date.today() + timedelta(days=60),
        )
    factories.login(client, worker)
    record = client.get(_record(intro)).content.decode()
    assert "Support plan (version 4)" in record and "Goal of version 4" in record
    assert "Goal of version 3" not in record
    assert "See all 3 earlier versions of the plan" in record
    history = client.get(_history(intro, "plans")).content.decode()
    assert all(f"Goal of version {v}" in history for v in range(1, 5))
    assert history.index("Goal of version 4") < history.index("Goal of version 1")


def test_long_lists_on_the_record_show_the_latest_with_a_count_and_link(client, personas):
    worker = personas.hub_worker
    intro = in_support(worker, days_ago=30)
    waiting = hub.offer_handover(
        by=worker, introduction=intro, to_organisation=personas.other_vcs, what_is_asked="Help."
    )
    for _ in range(6):
        handover = hub.offer_handover(
            by=worker, introduction=intro, to_organisation=personas.vcs, what_is_asked="Help."
        )
        hub.advance_handover(by=worker, handover=handover, to_state="withdrawn")
    factories.login(client, worker)
    record = client.get(_record(intro)).content.decode()
    assert f'href="{_history(intro, "handovers")}">All 7 handovers</a>' in record
    # The oldest offer is still waiting: it is shown first, with its action, though six are newer.
    assert f'action="{reverse("hub:handover_advance", args=[waiting.pk])}"' in record
    history = client.get(_history(intro, "handovers")).content.decode()
    assert history.count("nhsuk-table__row") == 8  # the header and seven handovers


def _record_queries(client, intro) -> int:
    client.get(_record(intro))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(_record(intro)).status_code == 200
    return len(captured)


def test_record_query_count_is_the_same_for_few_and_many_plans_and_contacts(client, personas):
    shared = build_shared_record(personas)  # contacts from two organisations, one restricted
    intro = shared.intro
    factories.login(client, personas.hub_worker)
    few = _record_queries(client, intro)
    _contacts(intro, personas.key_worker, 40)
    for v in range(5):
        hub.save_plan(
            by=personas.key_worker,
            introduction=intro,
            goals=[f"Goal {v}"],
            actions=[],
            review_date=date.today() + timedelta(days=60),
        )
    assert _record_queries(client, intro) == few


def test_record_shows_tiers_key_workers_closures_handovers_and_other_introductions(
    client, personas
):
    worker = personas.hub_worker
    intro = in_support(worker, days_ago=30)
    hub.allocate_key_worker(
        by=worker, introduction=intro, key_worker=personas.key_worker, team=personas.community_team
    )
    hub.close(by=worker, introduction=intro, reason="supported")
    tier = Tier.objects.get(slug="short-term")
    hub.return_within_open_door(by=worker, introduction=intro, tier=tier)
    handover = hub.offer_handover(
        by=worker, introduction=intro, to_organisation=personas.vcs, what_is_asked="Peer group."
    )
    other, _ = submit_introduction(
        by=None,
        submission_key="another-one",
        route="self",
        existing_person=intro.person,
        details={"whats_happening": "Back again.", "risk_now": "no"},
    )
    intro.refresh_from_db()
    factories.login(client, worker)
    html = client.get(_record(intro)).content.decode()

    today = timezone.localdate()
    assert f"{tier.name} since {today.day} {today:%b %Y}" in html  # the open episode
    assert f"{personas.key_worker} ({personas.community_team}, " in html
    assert "Supported, support has ended" in html and "Came back on" in html
    assert "Offered, waiting for a reply" in html
    assert f'action="{reverse("hub:handover_advance", args=[handover.pk])}"' in html
    assert f'<a href="{_record(other)}">{other.reference}</a>' in html
    assert "/history/" not in html  # every list fits: no links to the history pages

    # Every list's history page shows the same entries in full.
    pages = {
        "tiers": [f'<td class="nhsuk-table__cell">{tier.name}</td>', "Support closed"],
        "key-workers": [f"{personas.key_worker} ({personas.community_team}, "],
        "closures": ["Supported, support has ended", "Came back on"],
        "handovers": ["Offered, waiting for a reply", str(handover.pk)],
        "introductions": [f'<a href="{_record(other)}">{other.reference}</a>'],
    }
    for section, expected in pages.items():
        page = client.get(_history(intro, section)).content.decode()
        assert all(text in page for text in expected), section
        assert "Showing 1 to " in page and page.count("<h1") == 1


def test_record_shows_the_first_conversation_and_the_current_plan_in_full(client, personas):
    shared = build_shared_record(personas)
    review = date.today() + timedelta(days=60)
    factories.login(client, personas.key_worker)
    html = client.get(_record(shared.intro)).content.decode()
    assert "First conversation" in html and "Low mood." in html and "Call next week." in html
    assert f"{personas.hub_worker} (" in html  # who held the conversation
    assert "Support plan (version 1)" in html and PLAN in html
    assert f"Review by {review.day} {review:%b %Y}." in html
    assert "Agreed with the person." in html


def test_contact_rows_escape_what_was_typed(client, personas):
    worker = personas.hub_worker
    intro = in_support(worker, days_ago=10)
    hub.record_contact(
        by=worker,
        introduction=intro,
        outcome="attended",
        mode="phone",
        duration_minutes=30,
        note='<script>alert("x")</script>\r\nSecond line & more',
    )
    factories.login(client, worker)
    for url in (_record(intro), _history(intro)):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>Second line &amp; more" in html
        assert "Attended, Phone, 30 min" in html


def test_tier_and_key_worker_rows_escape_what_was_typed(client, personas):
    worker = personas.hub_worker
    intro = in_support(worker, days_ago=10)
    typed = '<b>"Stepped" & moved</b>'
    hub.allocate_key_worker(
        by=worker,
        introduction=intro,
        key_worker=personas.key_worker,
        team=personas.community_team,
        reason=typed,
    )
    hub.allocate_key_worker(
        by=worker,
        introduction=intro,
        key_worker=personas.hub_worker,
        team=personas.hub_team,
        reason="Back to the Hub",
    )
    other = Tier.objects.exclude(pk=intro.episodes.get(ended_at__isnull=True).tier_id).first()
    hub.change_tier(by=worker, introduction=intro, tier=other, reason=typed)
    factories.login(client, worker)
    escaped = "&lt;b&gt;&quot;Stepped&quot; &amp; moved&lt;/b&gt;"
    for url in (_record(intro), _history(intro, "tiers"), _history(intro, "key-workers")):
        html = client.get(url).content.decode()
        assert "<b>" not in html and escaped in html, url
    record = client.get(_record(intro)).content.decode()
    assert f"Reason: {escaped}" in record  # the earlier allocation's reason
    assert f"{personas.hub_worker} ({personas.hub_team}, " in record and " – now" in record
