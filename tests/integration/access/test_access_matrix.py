"""The access matrix: persona x relationship x the person's sharing choice x endpoint.

Reads: each row names who is asking, the relationship they hold, the sharing choice in force and,
for every endpoint, the answer expected. For the record page (and the plan page, which pre-fills
the latest goals) the row also lists which entries must be shown; every other entry must be
absent. The plan page is the plan *form*: it needs a relationship that may edit the plan.

Actions (ACTION_MATRIX, below): every action about a person, sent by POST, for each persona and
relationship: taken (and audited), refused as not found (404, audited) or refused by role (403).
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
from livingwell.accounts.models import Role
from livingwell.hub import actions as hub
from livingwell.hub.models import Tier

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
#  contact page status, plan page status). The plan form needs a relationship in the person's care
#  (permissions.PERMISSION_BASES): not break-glass, nor the person's choice to share.
MATRIX = [
    # default: everyone in the care team sees every shared entry; the restricted entry only its team
    ("hub_worker", "hub", "default", 200, EVERYTHING_SHARED, 200, 200, 200),
    ("key_worker", "key_worker", "default", 200, EVERYTHING_SHARED | {"RESTR"}, 200, 200, 200),
    ("partner_worker", "partner_handover", "default", 200, EVERYTHING_SHARED, 200, 200, 200),
    ("unrelated_worker", None, "default", 404, set(), 404, 404, 404),
    ("unrelated_worker", "break_glass", "default", 200, EVERYTHING_SHARED, 200, 200, 404),
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
        404,
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
        404,
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
        404,
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
        404,
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
            expressed="in_person",
            note="In clinic.",
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


# --- actions --------------------------------------------------------------------------------

# The relationships of the action matrix: (persona, relationship it holds with the person).
ACTORS = [
    ("hub_worker", "hub"),
    ("key_worker", "key_worker"),
    ("partner_worker", "partner_handover"),
    ("unrelated_worker", "handover_offer"),  # an offer to their organisation waits for a reply
    ("unrelated_worker", "break_glass"),
    ("unrelated_worker", "person_shared"),  # the person chose to open the record to them
    ("unrelated_worker", None),
    ("privacy_officer", None),
]
OK = "taken"

# For each action, the answer for each actor above, in order. "taken": the action passes the
# access layer (and, where the shared record's state allows it, is done and audited).
# fmt: off
ACTION_MATRIX = {
    #                       hub  key  partner offer break_glass shared none privacy
    "sharing":             (OK,  OK,  404,    404,  404,        404,   404, 403),
    "override":            (OK,  OK,  OK,     404,  404,        404,   404, 403),
    "own":                 (OK,  404, 403,    404,  404,        404,   404, 403),
    "conversation":        (OK,  OK,  403,    404,  404,        404,   404, 403),
    "allocate":            (OK,  403, 403,    403,  403,        403,   403, 403),
    "tier":                (OK,  OK,  403,    404,  404,        404,   404, 403),
    "plan":                (OK,  OK,  OK,     404,  404,        404,   404, 403),
    "contact":             (OK,  OK,  OK,     404,  OK,         OK,    404, 403),
    "close":               (OK,  OK,  403,    404,  404,        404,   404, 403),
    "return":              (OK,  403, 403,    403,  403,        403,   403, 403),
    "handover_new":        (OK,  OK,  404,    404,  404,        404,   404, 403),
    "handover_respond":    (403, 404, 404,    OK,   404,        404,   404, 403),
    "handover_withdraw":   (OK,  OK,  404,    404,  404,        404,   404, 403),
    "handover_start":      (OK,  404, OK,     404,  404,        404,   404, 403),
    "handover_acknowledge": (OK, OK,  404,    404,  404,        404,   404, 403),
    "outcomes_record":     (OK,  OK,  OK,     404,  OK,         OK,    404, 403),
    "outcomes_send_link":  (OK,  OK,  OK,     404,  OK,         OK,    404, 403),
    "feedback":            (OK,  OK,  OK,     404,  OK,         OK,    404, 403),
}
# fmt: on


def _council_offer(m, *, declined=False):
    """An offer to the council, where none of the personas works (a worker is made to decline)."""
    p = m.personas
    offer = hub.offer_handover(
        by=p.hub_worker,
        introduction=m.intro,
        to_organisation=p.council,
        what_is_asked="Housing advice.",
    )
    if declined:
        council = factories.user("council_worker", org=p.council, role=Role.KEY_WORKER)
        hub.respond_to_handover(by=council, handover=offer, accept=False, reason="Not for us.")
    return offer


def _other_tier(m):
    return Tier.objects.filter(is_active=True).exclude(pk=m.intro.current_tier_id).first()


# action: (url and data for the POST, given the shared record and the case; the audit action
# written when it is taken, or None where the record's state stops it after the access layer).
ACTIONS = {
    "sharing": (
        lambda m: (
            reverse("access:sharing", args=[m.intro.pk]),
            {
                "organisation": m.personas.council.pk,
                "share_out": "yes",
                "share_in": "yes",
                "open_record": "on",
                "expressed": "in_person",
            },
        ),
        "sharing.set",
    ),
    "override": (
        lambda m: (
            reverse("access:override", args=[m.intro.pk]),
            {"reason": "Disclosure of harm to a child at home."},
        ),
        "sharing.override",
    ),
    "own": (lambda m: (reverse("hub:own", args=[m.intro.pk]), {}), "introduction.own"),
    # In support already: the first conversation is refused by the state machine.
    "conversation": (lambda m: (reverse("hub:conversation", args=[m.intro.pk]), {}), None),
    "allocate": (
        lambda m: (
            reverse("hub:allocate", args=[m.intro.pk]),
            {
                "membership": m.personas.partner_worker.memberships.get().pk,
                "reason": "Closer to home.",
            },
        ),
        "allocation.transfer",
    ),
    "tier": (
        lambda m: (
            reverse("hub:tier", args=[m.intro.pk]),
            {"tier": _other_tier(m).pk, "reason": "Doing better."},
        ),
        "tier.",
    ),
    "plan": (
        lambda m: (
            reverse("hub:plan", args=[m.intro.pk]),
            {
                "goal_1": "Back to football.",
                "review_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
                "agreed_with_person": "on",
            },
        ),
        "plan.version",
    ),
    "contact": (
        lambda m: (
            reverse("hub:contact", args=[m.intro.pk]),
            {
                "outcome": "attended",
                "mode": "phone",
                "contact_date": timezone.localdate().isoformat(),
                "duration_minutes": "10",
                "note": "Checked in.",
            },
        ),
        "contact.record",
    ),
    "close": (
        lambda m: (reverse("hub:close", args=[m.intro.pk]), {"reason": "supported"}),
        "introduction.close",
    ),
    # In support: returning within the open door is refused by the state machine.
    "return": (
        lambda m: (
            reverse("hub:return", args=[m.intro.pk]),
            {"tier": _other_tier(m).pk, "note": "Coming back."},
        ),
        None,
    ),
    "handover_new": (
        lambda m: (
            reverse("hub:handover_new"),
            {
                "introduction": m.intro.pk,
                "to_organisation": m.personas.council.pk,
                "what_is_asked": "Housing advice.",
            },
        ),
        "handover.offer",
    ),
    "handover_respond": (
        lambda m: (
            reverse("hub:handover_respond", args=[(m.own_offer or _council_offer(m)).pk]),
            {"decision": "accept"},
        ),
        "handover.accepted",
    ),
    "handover_withdraw": (
        lambda m: (
            reverse("hub:handover_advance", args=[_council_offer(m).pk]),
            {"to_state": "withdrawn"},
        ),
        "handover.withdrawn",
    ),
    "handover_start": (
        lambda m: (
            reverse("hub:handover_advance", args=[m.shared.handover.pk]),
            {"to_state": "started"},
        ),
        "handover.started",
    ),
    "handover_acknowledge": (
        lambda m: (
            reverse("hub:handover_acknowledge", args=[_council_offer(m, declined=True).pk]),
            {"note": "Carry on with weekly calls."},
        ),
        "handover.returned_acknowledged",
    ),
    # The outcomes and feedback forms sent empty: the access layer is what is checked here.
    "outcomes_record": (
        lambda m: (reverse("outcomes:record", args=[m.intro.pk, "phq9"]), {}),
        None,
    ),
    "outcomes_send_link": (
        lambda m: (reverse("outcomes:send_link", args=[m.intro.pk]), {}),
        None,
    ),
    "feedback": (lambda m: (reverse("insight:feedback", args=[m.intro.pk]), {}), None),
}


class _Case:
    def __init__(self, shared, own_offer):
        self.shared, self.personas, self.intro, self.own_offer = (
            shared,
            shared.personas,
            shared.intro,
            own_offer,
        )


def _give(shared, user, rel):
    """Give `user` the relationship named in the row (the others come with the shared record)."""
    p = shared.personas
    if rel == "handover_offer":
        return hub.offer_handover(
            by=p.hub_worker,
            introduction=shared.intro,
            to_organisation=p.other_vcs,
            what_is_asked="Debt advice.",
        )
    if rel == "break_glass":
        actions.start_break_glass(
            by=user, person=shared.person, reason="Found unconscious, need the safety plan."
        )
    if rel == "person_shared":
        actions.set_sharing(
            by=p.key_worker,
            person=shared.person,
            organisation=p.other_vcs,
            share_out=True,
            share_in=True,
            open_record=True,
            expressed="in_person",
        )
    return None


def _last_event_id() -> int:
    """The newest audit event's id (not the count: PostgreSQL does not reuse ids between tests)."""
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _action_cases():
    for action, answers in ACTION_MATRIX.items():
        for (persona, rel), answer in zip(ACTORS, answers, strict=True):
            yield pytest.param(
                action, persona, rel, answer, id=f"{action}-{persona}-{rel or 'none'}"
            )


@pytest.mark.parametrize("action,persona,rel,answer", list(_action_cases()))
def test_action_matrix(client, personas, action, persona, rel, answer):
    shared = build_shared_record(personas)
    user = getattr(personas, persona)
    case = _Case(shared, _give(shared, user, rel))
    assert (getattr(relationship(user, shared.person), "basis", None) or None) == rel
    build, audited = ACTIONS[action]
    url, data = build(case)
    factories.login(client, user)
    before = _last_event_id()

    response = client.post(url, data)

    new = AuditEvent.objects.filter(id__gt=before)
    done = [e for e in new if e.outcome == "allowed" and e.action != "read"]
    if answer == OK:
        assert response.status_code in {200, 302}, response.status_code
        assert not new.filter(outcome="refused").exists()
        if audited:
            assert response.status_code == 302
            assert [e.action for e in done if e.action.startswith(audited)], audited
            assert all(e.actor_id == user.pk for e in done)
        return
    assert response.status_code == answer
    assert shared.person.given_name not in response.content.decode()
    assert done == []  # nothing was changed
    if answer == 404:
        refused = new.last()
        assert refused.outcome == "refused" and refused.actor_id == user.pk


def test_action_matrix_covers_every_action_about_a_person():
    """Every URL that takes a POST about a person (an introduction or a handover) is a column."""
    from tests.integration.access.test_url_policies import ACCEPTS_POST

    about_a_person = {
        name
        for route, name, _callback, _ns in _all_patterns()
        if name in ACCEPTS_POST and ("introduction_id" in route or "handover_id" in route)
    }
    covered = {
        "access:sharing",
        "access:override",
        "hub:own",
        "hub:conversation",
        "hub:allocate",
        "hub:tier",
        "hub:plan",
        "hub:contact",
        "hub:close",
        "hub:return",
        "hub:handover_respond",
        "hub:handover_advance",
        "hub:handover_acknowledge",
        "outcomes:record",
        "outcomes:send_link",
        "insight:feedback",
    }
    assert about_a_person <= covered, about_a_person - covered
    assert len(ACTION_MATRIX) == len(ACTIONS) and set(ACTION_MATRIX) == set(ACTIONS)


def _all_patterns():
    from tests.integration.access.test_url_policies import ALL

    return ALL


# --- the person's own relationship, and proxies (the portal) ----------------------------------
# (viewer, sharing setting, page, status, entries shown). The person sees every organisation's
# entries whatever their sharing choices (the choices are about others), never the restricted
# one; a proxy sees only the parts granted (here the plan and support); another person's session
# finds nothing of this record; a staff session is refused (403) whatever its relationship.
PORTAL_CONTACTS = {"KWC", "VCS"}
PORTAL_MATRIX = [
    ("person", "default", "support", 200, PORTAL_CONTACTS),
    ("person", "default", "plan", 200, {"PLAN"}),
    ("person", "trust objects to sharing out", "support", 200, PORTAL_CONTACTS),
    ("person", "Riverside Mind refuses sharing in", "support", 200, PORTAL_CONTACTS),
    ("proxy", "default", "support", 200, PORTAL_CONTACTS),
    ("proxy", "default", "plan", 200, {"PLAN"}),
    ("proxy", "default", "measures", 404, set()),
    ("proxy", "default", "sharing", 404, set()),
    ("proxy", "default", "download_json", 404, set()),
    ("revoked_proxy", "default", "plan", 404, set()),
    ("other_person", "default", "support", 200, set()),
    ("other_person", "default", "plan", 200, set()),
    ("key_worker", "default", "support", 403, set()),
    ("key_worker", "default", "plan", 403, set()),
]


@pytest.mark.parametrize(
    "viewer,setting,page,status,shown",
    PORTAL_MATRIX,
    ids=[f"{r[0]}-{r[1].replace(' ', '_')}-{r[2]}" for r in PORTAL_MATRIX],
)
def test_portal_access_matrix(client, personas, viewer, setting, page, status, shown):
    from tests.integration.portal.portal_support import (
        grant,
        other_person_record,
        proxy_viewer,
        self_viewer,
        sign_in,
    )

    shared = build_shared_record(personas)
    _apply(shared, setting, viewer)
    if viewer == "person":
        sign_in(client, self_viewer(shared.person))
    elif viewer in {"proxy", "revoked_proxy"}:
        g = grant(shared.person, parts=["plan", "support"])
        if viewer == "revoked_proxy":
            actions.revoke_proxy(by=self_viewer(shared.person), grant=g)
        sign_in(client, proxy_viewer(g))
    elif viewer == "other_person":
        sign_in(client, self_viewer(other_person_record().person))
    else:
        factories.login(client, getattr(personas, viewer))
        sign_in(client, self_viewer(shared.person))  # a planted person identity changes nothing
    before = _last_event_id()
    response = client.get(reverse(f"portal:{page}"))
    assert response.status_code == status
    body = response.content.decode()
    for key, text in ALL_MARKERS.items():
        assert (text in body) == (key in shown), f"{key} on {page}"
    if status == 404:
        refused = AuditEvent.objects.filter(id__gt=before).last()
        assert refused.outcome == "refused" and refused.person_id == shared.person.pk
    if status == 200 and viewer != "other_person":
        read = AuditEvent.objects.filter(id__gt=before, action="read").last()
        assert read.person_id == shared.person.pk and read.acting_role in {"person", "proxy"}
