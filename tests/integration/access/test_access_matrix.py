"""The access matrix: persona x relationship x the person's sharing choice x endpoint.

Each row names who is asking, the relationship they hold, the sharing choice in force and, for
every endpoint, the answer expected. For the record page (and the plan page, which pre-fills the
latest goals) the row also lists which entries must be shown; every other entry must be absent.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from tests import factories
from tests.integration.access.access_helpers import ALL_MARKERS, build_shared_record

from livingwell.access import actions
from livingwell.access.models import AuditEvent, BreakGlass
from livingwell.access.relationships import relationship

pytestmark = pytest.mark.django_db

EVERYTHING_SHARED = {"CONV", "KWC", "PLAN", "VCS"}  # all but the restricted entry
TRUST = {"CONV", "KWC", "PLAN"}

# Sharing choices: (organisation attribute on personas, share_out, share_in, open_record).
SETTINGS = {
    "default": [],
    "trust objects to sharing out": [("trust", False, True, False)],
    "Riverside Mind refuses sharing in": [("vcs", True, False, False)],
    "Riverside Mind objects to sharing out": [("vcs", False, True, False)],
    "trust objects, partner overrides": [("trust", False, True, False)],
    "person shares with an unrelated organisation": [("other_vcs", True, True, True)],
}

# (persona, relationship, setting, record status, entries shown, person-log status,
#  contact page status, plan page status)
MATRIX = [
    # default: everyone in the care team sees every shared entry; the restricted entry only its team
    ("hub_worker", "hub", "default", 200, EVERYTHING_SHARED, 200, 200, 200),
    ("key_worker", "key_worker", "default", 200, EVERYTHING_SHARED | {"RESTR"}, 200, 200, 200),
    ("partner_worker", "partner_handover", "default", 200, EVERYTHING_SHARED, 200, 200, 200),
    ("unrelated_worker", None, "default", 404, set(), 404, 404, 404),
    ("unrelated_worker", "break_glass", "default", 200, EVERYTHING_SHARED, 200, 200, 200),
    ("privacy_officer", None, "default", 403, set(), 200, 403, 403),
    ("analyst", None, "default", 403, set(), 403, 403, 403),
    ("site_admin", None, "default", 403, set(), 403, 403, 403),
    # the trust's entries stay inside the trust
    ("hub_worker", "hub", "trust objects to sharing out", 200, EVERYTHING_SHARED, 200, 200, 200),
    (
        "key_worker",
        "key_worker",
        "trust objects to sharing out",
        200,
        EVERYTHING_SHARED | {"RESTR"},
        200,
        200,
        200,
    ),
    (
        "partner_worker",
        "partner_handover",
        "trust objects to sharing out",
        200,
        {"VCS"},
        200,
        200,
        200,
    ),
    (
        "unrelated_worker",
        "break_glass",
        "trust objects to sharing out",
        200,
        {"VCS"},
        200,
        200,
        200,
    ),
    ("unrelated_worker", None, "trust objects to sharing out", 404, set(), 404, 404, 404),
    # Riverside Mind sees only what it recorded itself
    (
        "hub_worker",
        "hub",
        "Riverside Mind refuses sharing in",
        200,
        EVERYTHING_SHARED,
        200,
        200,
        200,
    ),
    (
        "partner_worker",
        "partner_handover",
        "Riverside Mind refuses sharing in",
        200,
        {"VCS"},
        200,
        200,
        200,
    ),
    (
        "unrelated_worker",
        "break_glass",
        "Riverside Mind refuses sharing in",
        200,
        EVERYTHING_SHARED,
        200,
        200,
        200,
    ),
    # Riverside Mind's entries stay inside Riverside Mind
    ("hub_worker", "hub", "Riverside Mind objects to sharing out", 200, TRUST, 200, 200, 200),
    (
        "key_worker",
        "key_worker",
        "Riverside Mind objects to sharing out",
        200,
        TRUST | {"RESTR"},
        200,
        200,
        200,
    ),
    (
        "partner_worker",
        "partner_handover",
        "Riverside Mind objects to sharing out",
        200,
        EVERYTHING_SHARED,
        200,
        200,
        200,
    ),
    (
        "unrelated_worker",
        "break_glass",
        "Riverside Mind objects to sharing out",
        200,
        TRUST,
        200,
        200,
        200,
    ),
    # a safeguarding override sets the objection aside, but never the team restriction
    (
        "partner_worker",
        "partner_handover",
        "trust objects, partner overrides",
        200,
        EVERYTHING_SHARED,
        200,
        200,
        200,
    ),
    # the person chose to share with an organisation that has no care relationship
    (
        "unrelated_worker",
        "person_shared",
        "person shares with an unrelated organisation",
        200,
        EVERYTHING_SHARED,
        200,
        200,
        200,
    ),
    ("analyst", None, "person shares with an unrelated organisation", 403, set(), 403, 403, 403),
]

ENDPOINTS = ["record", "person_log", "contact", "plan"]


def _cases():
    for row in MATRIX:
        persona, rel, setting, record_status, shown, log_status, contact_status, plan_status = row
        statuses = {
            "record": record_status,
            "person_log": log_status,
            "contact": contact_status,
            "plan": plan_status,
        }
        for endpoint in ENDPOINTS:
            yield pytest.param(
                persona,
                rel,
                setting,
                endpoint,
                statuses[endpoint],
                frozenset(shown),
                id=f"{persona}-{rel or 'none'}-{setting.replace(' ', '_')}-{endpoint}",
            )


def _apply(shared, setting: str, persona: str):
    p = shared.personas
    for org_attr, share_out, share_in, open_record in SETTINGS[setting]:
        actions.set_sharing(
            by=p.key_worker,
            person=shared.person,
            organisation=getattr(p, org_attr),
            share_out=share_out,
            share_in=share_in,
            open_record=open_record,
            note="Told me in clinic.",
        )
    if setting == "trust objects, partner overrides":
        actions.record_safeguarding_override(
            by=p.partner_worker,
            person=shared.person,
            reason="Concern for a child living at the address.",
        )


def _url(endpoint, shared):
    if endpoint == "person_log":
        return reverse("access:person_log", args=[shared.person.pk])
    return reverse(f"hub:{endpoint}", args=[shared.intro.pk])


@pytest.mark.parametrize("persona,rel,setting,endpoint,status,shown", list(_cases()))
def test_access_matrix(client, personas, persona, rel, setting, endpoint, status, shown):
    shared = build_shared_record(personas)
    _apply(shared, setting, persona)
    user = getattr(personas, persona)
    if rel == "break_glass":
        actions.start_break_glass(
            by=user, person=shared.person, reason="Found unconscious, need the safety plan."
        )
    # The relationship named in the row is the one the access layer finds.
    assert (getattr(relationship(user, shared.person), "basis", None) or None) == rel
    factories.login(client, user)
    before = AuditEvent.objects.count()
    response = client.get(_url(endpoint, shared))
    assert response.status_code == status
    body = response.content.decode()
    if status != 200:
        assert shared.person.given_name not in body
        if status == 404:
            refused = AuditEvent.objects.filter(id__gt=before).last()
            assert refused.outcome == "refused" and refused.actor_id == user.pk
        return
    if endpoint in {"record", "plan"}:
        expected = shown if endpoint == "record" else shown & {"PLAN"}
        checked = ALL_MARKERS if endpoint == "record" else {"PLAN": ALL_MARKERS["PLAN"]}
        for key, text in checked.items():
            assert (text in body) == (key in expected), f"{key} on {endpoint}"
    read = AuditEvent.objects.filter(id__gt=before, action="read").last()
    assert read is not None and read.person_id == shared.person.pk
    assert read.purpose == {"break_glass": "break_glass", None: "privacy_review"}.get(
        rel, "direct_care"
    )


def test_matrix_covers_every_basis_and_setting():
    bases = {row[1] for row in MATRIX}
    assert {
        "hub",
        "key_worker",
        "partner_handover",
        "break_glass",
        "person_shared",
        None,
    } <= bases
    assert {row[2] for row in MATRIX} == set(SETTINGS)


def test_expired_break_glass_is_no_relationship(personas):
    shared = build_shared_record(personas)
    grant = actions.start_break_glass(
        by=personas.unrelated_worker,
        person=shared.person,
        reason="Found unconscious, need the safety plan.",
    )
    assert relationship(personas.unrelated_worker, shared.person).basis == "break_glass"
    BreakGlass.objects.filter(pk=grant.pk).update(
        started_at=timezone.now() - timedelta(hours=3),
        expires_at=timezone.now() - timedelta(hours=2),
    )
    assert relationship(personas.unrelated_worker, shared.person) is None
