"""Emergency access: the find page, breaking glass, the banner, the review and the person's log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from tests import factories
from tests.integration.access.access_helpers import build_shared_record

from livingwell.access import actions
from livingwell.access.models import AuditEvent, BreakGlass
from livingwell.core.models import SiteConfig

pytestmark = pytest.mark.django_db

REASON = "Found collapsed in reception, need the safety plan."


def _find(client, reference):
    return client.post(reverse("access:emergency"), {"reference": reference})


def _break(client, reference, reason=REASON):
    return client.post(reverse("access:break_glass"), {"reference": reference, "reason": reason})


def test_emergency_pages_need_sign_in(client):
    for url in (reverse("access:emergency"), reverse("access:break_glass")):
        response = client.post(url, {"reference": "LW-AAAA-BBBB"})
        assert response.status_code == 302 and "/account/sign-in/" in response["Location"]
    assert not BreakGlass.objects.exists()


def test_roles_without_break_glass_are_refused(client, personas):
    factories.login(client, personas.analyst)
    assert client.get(reverse("access:emergency")).status_code == 403
    assert _break(client, "LW-AAAA-BBBB").status_code == 403


def test_no_relationship_looks_the_same_as_no_such_record(client, personas):
    shared = build_shared_record(personas)
    factories.login(client, personas.unrelated_worker)
    real = _find(client, shared.intro.reference)
    missing = _find(client, "LW-ZZZZ-ZZZZ")
    assert real.status_code == missing.status_code == 200
    for response in (real, missing):
        body = response.content.decode()
        assert "There is no record you can open with that reference" in body
        assert "Break glass and open the record" in body
        assert shared.person.given_name not in body
    # The refusal of the real one is audited against the person.
    refusal = AuditEvent.objects.get(action="find")
    assert refusal.outcome == "refused" and refusal.person_id == shared.person.pk
    assert shared.intro.reference not in reverse("access:emergency")


def test_a_worker_with_a_relationship_goes_straight_to_the_record(client, personas):
    shared = build_shared_record(personas)
    factories.login(client, personas.key_worker)
    response = _find(client, shared.intro.reference.lower())
    assert response.status_code == 302
    assert response["Location"] == reverse("hub:record", args=[shared.intro.pk])


def test_a_short_reason_is_refused_beside_the_field_and_nothing_is_granted(client, personas):
    shared = build_shared_record(personas)
    factories.login(client, personas.unrelated_worker)
    response = _break(client, shared.intro.reference, reason="urgent")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Give the reason in at least 10 characters" in body
    assert "urgent</textarea>" in body
    assert not BreakGlass.objects.exists()
    assert not AuditEvent.objects.filter(action="break_glass.start").exists()
    assert client.get(reverse("hub:record", args=[shared.intro.pk])).status_code == 404


def test_breaking_glass_for_an_unknown_reference_is_refused_and_audited(client, personas):
    factories.login(client, personas.unrelated_worker)
    response = _break(client, "LW-ZZZZ-ZZZZ")
    assert "No record has that reference" in response.content.decode()
    event = AuditEvent.objects.get(action="break_glass.start")
    assert event.outcome == "refused" and event.severity == "high"
    assert not BreakGlass.objects.exists()


def test_break_glass_reaches_the_privacy_officer_and_the_persons_log(client, personas):
    shared = build_shared_record(personas)
    factories.login(client, personas.unrelated_worker)
    response = _break(client, shared.intro.reference)
    assert response.status_code == 302
    assert response["Location"] == reverse("hub:record", args=[shared.intro.pk])

    grant = BreakGlass.objects.get()
    assert grant.user == personas.unrelated_worker and grant.person == shared.person
    assert grant.expires_at - grant.started_at == timedelta(minutes=60)
    assert grant.reason == REASON and grant.review == "pending"
    start = AuditEvent.objects.get(action="break_glass.start")
    assert start.severity == "high" and start.purpose == "break_glass"
    assert start.outcome == "allowed" and start.person_id == shared.person.pk
    assert "safety plan" not in str(start.detail)

    record = client.get(response["Location"]).content.decode()
    assert "Emergency access" in record and "break-glass access" in record
    read = AuditEvent.objects.filter(action="read").last()
    assert read.purpose == "break_glass" and read.severity == "high"

    # The privacy officer's queue.
    factories.login(client, personas.privacy_officer)
    workspace = client.get(reverse("access:privacy_workspace")).content.decode()
    review_url = reverse("access:review_break_glass", args=[grant.pk])
    assert review_url in workspace and "Unrelated Worker" in workspace
    assert shared.person.given_name not in workspace  # the queue names no one
    review = client.get(review_url).content.decode()
    assert REASON in review and shared.person.display_name in review
    assert "opened the record in an emergency" in review

    # The person's access log.
    log = client.get(reverse("access:person_log", args=[shared.person.pk])).content.decode()
    assert "Unrelated Worker (Unrelated Community Trust, key worker) opened the record" in log
    assert "in an emergency (break-glass access)" in log


def test_break_glass_lasts_the_sites_setting(personas):
    config = SiteConfig.current()
    config.break_glass_minutes = 15
    config.save()
    shared = build_shared_record(personas)
    grant = actions.start_break_glass(
        by=personas.unrelated_worker, person=shared.person, reason=REASON
    )
    assert grant.expires_at - grant.started_at == timedelta(minutes=15)


def test_no_break_glass_when_a_relationship_exists(personas):
    shared = build_shared_record(personas)
    with pytest.raises(actions.AccessError, match="already open"):
        actions.start_break_glass(by=personas.key_worker, person=shared.person, reason=REASON)


# --- reviewing --------------------------------------------------------------------------------


def _grant(personas):
    shared = build_shared_record(personas)
    return shared, actions.start_break_glass(
        by=personas.unrelated_worker, person=shared.person, reason=REASON
    )


def test_review_page_needs_sign_in_and_the_privacy_role(client, personas):
    _shared, grant = _grant(personas)
    url = reverse("access:review_break_glass", args=[grant.pk])
    assert "/account/sign-in/" in client.get(url)["Location"]
    factories.login(client, personas.key_worker)
    assert client.get(url).status_code == 403
    factories.login(client, personas.privacy_officer)
    missing = reverse("access:review_break_glass", args=["0b3c9c1e-8d64-4bd8-9b70-5c6f1d1a2b3c"])
    assert client.get(missing).status_code == 404


def test_privacy_officer_records_a_review_outcome(client, personas):
    shared, grant = _grant(personas)
    factories.login(client, personas.privacy_officer)
    url = reverse("access:review_break_glass", args=[grant.pk])
    no_note = client.post(url, {"outcome": "inappropriate"})
    assert "Say what was wrong" in no_note.content.decode()
    grant.refresh_from_db()
    assert grant.review == "pending"

    done = client.post(url, {"outcome": "inappropriate", "note": "No emergency; manager told."})
    assert done.status_code == 302
    grant.refresh_from_db()
    assert grant.review == "inappropriate" and grant.reviewed_by == personas.privacy_officer
    event = AuditEvent.objects.get(action="break_glass.review")
    assert event.detail["outcome"] == "inappropriate" and event.person_id == shared.person.pk
    assert "manager" not in str(event.detail)
    workspace = client.get(reverse("access:privacy_workspace")).content.decode()
    assert url not in workspace  # no longer waiting
    assert "Not appropriate: action taken" in workspace
    with pytest.raises(actions.AccessError, match="already been reviewed"):
        actions.review_break_glass(by=personas.privacy_officer, grant=grant, appropriate=True)


def test_nobody_reviews_their_own_access(personas):
    shared = build_shared_record(personas)
    override = actions.record_safeguarding_override(
        by=personas.key_worker, person=shared.person, reason="Disclosure of harm at home."
    )
    with pytest.raises(actions.AccessError):
        actions.review_override(by=personas.key_worker, override=override, appropriate=True)
    reviewed = actions.review_override(
        by=personas.privacy_officer, override=override, appropriate=True
    )
    assert reviewed.review == "appropriate"


def test_override_review_page(client, personas):
    shared = build_shared_record(personas)
    override = actions.record_safeguarding_override(
        by=personas.partner_worker, person=shared.person, reason="Disclosure of harm at home."
    )
    url = reverse("access:review_override", args=[override.pk])
    assert "/account/sign-in/" in client.get(url)["Location"]
    factories.login(client, personas.partner_worker)
    assert client.get(url).status_code == 403
    factories.login(client, personas.privacy_officer)
    page = client.get(url).content.decode()
    assert "Disclosure of harm at home." in page
    assert client.post(url, {"outcome": "appropriate"}).status_code == 302
    override.refresh_from_db()
    assert override.review == "appropriate"
