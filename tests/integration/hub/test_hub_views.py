"""Every Hub view: signed out → sign-in; no relationship → 404 (403 where the role lacks the
permission); success changes state and writes the audit row; bad input is refused beside the
field with nothing stored."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone
from tests import factories
from tests.outcomes_support import in_support

from livingwell.access.models import AuditEvent
from livingwell.accounts.models import Membership
from livingwell.hub import actions
from livingwell.hub.models import (
    Allocation,
    Closure,
    Contact,
    Conversation,
    Episode,
    Handover,
    PlanVersion,
    Tier,
)
from livingwell.intake.models import Introduction

pytestmark = pytest.mark.django_db

PERSON_VIEWS = ["conversation", "allocate", "tier", "plan", "contact", "close", "return"]
HANDOVER_VIEWS = ["handover_respond", "handover_acknowledge"]


def _tier(slug="short-term") -> Tier:
    return Tier.objects.get(slug=slug)


def _other_tier(intro) -> Tier:
    current = intro.episodes.get(ended_at__isnull=True).tier_id
    return Tier.objects.filter(is_active=True).exclude(pk=current).order_by("order").first()


def _said(response) -> list[str]:
    """What the page after a save tells the worker (Django's messages for that request)."""
    return [str(m) for m in get_messages(response.wsgi_request)]


def _audits(action: str, intro) -> int:
    return AuditEvent.objects.filter(action=action, person_id=intro.person_id).count()


def _offer(intro, by, org) -> Handover:
    return actions.offer_handover(
        by=by, introduction=intro, to_organisation=org, what_is_asked="Peer group, Tuesdays."
    )


def _declined(personas, intro) -> Handover:
    h = _offer(intro, personas.hub_worker, personas.vcs)
    return actions.respond_to_handover(
        by=personas.partner_worker, handover=h, accept=False, reason="Group is full."
    )


def _closed(personas) -> Introduction:
    intro = in_support(personas.hub_worker)
    actions.close(by=personas.hub_worker, introduction=intro, reason="supported")
    intro.refresh_from_db()
    return intro


def _url(name: str, personas) -> tuple[str, str]:
    """(method, url) for a view, on a freshly made introduction in the right state."""
    if name == "board":
        return "get", "/hub/"
    if name == "find":
        return "get", "/hub/find/"
    if name == "handover_new":
        return "get", f"/hub/handover/new/?introduction={in_support(personas.hub_worker).pk}"
    if name == "handover_respond":
        h = _offer(in_support(personas.hub_worker), personas.hub_worker, personas.vcs)
        return "get", f"/hub/handovers/{h.pk}/respond/"
    if name == "handover_acknowledge":
        h = _declined(personas, in_support(personas.hub_worker))
        return "get", f"/hub/handovers/{h.pk}/acknowledge/"
    if name == "handover_advance":
        h = _offer(in_support(personas.hub_worker), personas.hub_worker, personas.vcs)
        return "post", f"/hub/handovers/{h.pk}/advance/"
    if name == "record":
        return "get", f"/hub/introductions/{factories.introduction().pk}/"
    if name == "own":
        return "post", f"/hub/introductions/{factories.introduction().pk}/own/"
    if name == "conversation":
        return "get", f"/hub/introductions/{factories.introduction().pk}/conversation/"
    if name == "return":
        return "get", f"/hub/introductions/{_closed(personas).pk}/return/"
    return "get", f"/hub/introductions/{in_support(personas.hub_worker).pk}/{name}/"


ALL_VIEWS = [
    "board",
    "record",
    "own",
    "conversation",
    "allocate",
    "tier",
    "plan",
    "contact",
    "handover_new",
    "handover_respond",
    "handover_advance",
    "handover_acknowledge",
    "close",
    "return",
    "find",
]


# --- signed out ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_VIEWS)
def test_signed_out_goes_to_sign_in(name, personas, client):
    method, url = _url(name, personas)
    before = AuditEvent.objects.count()
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/?next=")
    assert AuditEvent.objects.count() == before


# --- no relationship, or a role without the permission -------------------------------------

# The unrelated worker is a key worker in another organisation: a care role with no link to
# these people. Allocating and reopening are Hub/team-lead permissions a key worker lacks.
UNRELATED_STATUS = {
    "record": 404,
    "own": 404,
    "conversation": 404,
    "allocate": 403,
    "tier": 404,
    "plan": 404,
    "contact": 404,
    "handover_new": 404,
    "handover_respond": 404,
    "handover_advance": 404,
    "handover_acknowledge": 404,
    "close": 404,
    "return": 403,
}


@pytest.mark.parametrize("name", sorted(UNRELATED_STATUS))
def test_unrelated_worker_is_refused(name, personas, client):
    method, url = _url(name, personas)
    intro_count = Introduction.objects.count()
    factories.login(client, personas.unrelated_worker)
    response = getattr(client, method)(url, {"to_state": "withdrawn"} if method == "post" else None)
    assert response.status_code == UNRELATED_STATUS[name]
    html = response.content.decode()
    assert "Taylor" not in html  # every test person's family name
    assert Introduction.objects.count() == intro_count
    assert not Handover.objects.filter(state="withdrawn").exists()
    assert not Introduction.objects.filter(owner=personas.unrelated_worker).exists()


def test_refusal_is_audited(personas, client):
    intro = factories.introduction()
    factories.login(client, personas.unrelated_worker)
    assert client.get(f"/hub/introductions/{intro.pk}/").status_code == 404
    refused = AuditEvent.objects.filter(actor=personas.unrelated_worker, person_id=intro.person_id)
    assert refused.exists() and refused.first().outcome != "allowed"


@pytest.mark.parametrize("name", ALL_VIEWS)
def test_role_without_board_permission_is_forbidden(name, personas, client):
    method, url = _url(name, personas)
    factories.login(client, personas.analyst)
    assert getattr(client, method)(url).status_code == 403


def test_unrelated_worker_board_and_find_show_nothing_of_the_person(personas, client):
    intro = factories.introduction(person=factories.person_details(family_name="Quill"))
    factories.login(client, personas.unrelated_worker)
    board = client.get("/hub/").content.decode()
    assert "Quill" not in board
    response = client.post("/hub/find/", {"reference": intro.reference})
    html = response.content.decode()
    assert response.status_code == 200 and "Quill" not in html
    assert 'id="id_reference-error"' in html
    assert "No introduction you can open has that reference" in html


def test_handover_respond_only_for_the_receiving_organisation(personas, client):
    h = _offer(in_support(personas.hub_worker), personas.hub_worker, personas.other_vcs)
    factories.login(client, personas.partner_worker)  # Riverside Mind, not the receiver
    assert client.get(f"/hub/handovers/{h.pk}/respond/").status_code == 404


# --- success --------------------------------------------------------------------------------


def test_board_lists_new_introduction(personas, client):
    intro = factories.introduction(person=factories.person_details(given_name="Juno"))
    factories.login(client, personas.hub_worker)
    html = client.get("/hub/").content.decode()
    new = html.split('aria-labelledby="new-heading"', 1)[1].split("</section>", 1)[0]
    assert "Juno Taylor" in new and f"/hub/introductions/{intro.pk}/" in new


def test_record_shows_person_and_audits_the_read(personas, client):
    intro = factories.introduction(person=factories.person_details(given_name="Ines"))
    factories.login(client, personas.hub_worker)
    html = client.get(f"/hub/introductions/{intro.pk}/").content.decode()
    assert "<h1>Ines Taylor</h1>" in html and intro.reference in html
    assert AuditEvent.objects.filter(
        actor=personas.hub_worker, person_id=intro.person_id, action="read", category="record"
    ).exists()


def test_take_ownership(personas, client):
    intro = factories.introduction()
    factories.login(client, personas.hub_worker)
    response = client.post(f"/hub/introductions/{intro.pk}/own/")
    assert response.status_code == 302
    intro.refresh_from_db()
    assert intro.owner == personas.hub_worker
    assert _audits("introduction.own", intro) == 1
    assert client.get(f"/hub/introductions/{intro.pk}/own/").status_code == 405


def test_first_conversation(personas, client):
    intro = factories.introduction()
    factories.login(client, personas.hub_worker)
    response = client.post(
        f"/hub/introductions/{intro.pk}/conversation/",
        {
            "mode": "phone",
            "whats_happening": "Low mood.",
            "what_matters": "My dog.",
            "next_step": "Call Friday.",
            "tier": _tier().pk,
        },
    )
    assert response.status_code == 302 and response["Location"].endswith(f"{intro.pk}/")
    assert _said(response) == [f"First conversation recorded: support has started in {_tier()}."]
    intro.refresh_from_db()
    assert intro.state == "in_support"
    assert Conversation.objects.filter(introduction=intro).count() == 1
    assert intro.episodes.get().tier == _tier()
    assert _audits("conversation.record", intro) == 1


def test_allocate(personas, client):
    intro = in_support(personas.hub_worker)
    membership = Membership.objects.get(user=personas.key_worker)
    factories.login(client, personas.hub_worker)
    response = client.post(
        f"/hub/introductions/{intro.pk}/allocate/", {"membership": membership.pk, "reason": ""}
    )
    assert response.status_code == 302
    assert _said(response) == [
        f"{personas.key_worker.get_full_name() or personas.key_worker.username}"
        f" ({personas.community_team}) is now the key worker."
    ]
    allocation = Allocation.objects.get(introduction=intro, ended_at__isnull=True)
    assert allocation.key_worker == personas.key_worker
    assert allocation.team == personas.community_team
    assert _audits("allocation.create", intro) == 1


def test_change_tier(personas, client):
    intro = in_support(personas.hub_worker)
    target = _other_tier(intro)
    factories.login(client, personas.hub_worker)
    response = client.post(
        f"/hub/introductions/{intro.pk}/tier/", {"tier": target.pk, "reason": "Needs more."}
    )
    assert response.status_code == 302
    assert _said(response) == [f"Support is now in {target}."]
    assert intro.episodes.get(ended_at__isnull=True).tier == target
    assert intro.episodes.count() == 2
    assert AuditEvent.objects.filter(action__startswith="tier.", person_id=intro.person_id).exists()


def test_plan(personas, client):
    intro = in_support(personas.hub_worker)
    factories.login(client, personas.hub_worker)
    review = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = client.post(
        f"/hub/introductions/{intro.pk}/plan/",
        {"goal_1": "Walk to the park", "review_date": review, "agreed_with_person": "on"},
    )
    assert response.status_code == 302
    assert _said(response) == ["Support plan saved as version 1."]
    plan = PlanVersion.objects.get(introduction=intro)
    assert [g["text"] for g in plan.goals] == ["Walk to the park"]
    assert plan.agreed_with_person and plan.version == 1
    assert _audits("plan.version", intro) == 1


def test_updating_a_plan_starts_from_the_whole_current_version(personas, client):
    intro = in_support(personas.hub_worker)
    review = timezone.localdate() + timedelta(days=30)
    by = timezone.localdate() + timedelta(days=7)
    actions.save_plan(
        by=personas.hub_worker,
        introduction=intro,
        goals=["Walk to the park", "Sleep better"],
        actions=[
            {"what": "Find a walking group", "who": "Sam (peer worker)", "by": by},
            {"what": "Talk to the GP about sleep", "who": "The person", "by": ""},
            {"what": "Try the library cafe", "who": "The person", "by": by},
        ],
        review_date=review,
        agreed_with_person=True,
    )
    factories.login(client, personas.hub_worker)
    url = f"/hub/introductions/{intro.pk}/plan/"
    page = client.get(url)
    form = page.context["form"]
    # The form shows the whole current version, with room for one more action.
    assert form.action_rows == 4
    assert form["goal_2"].value() == "Sleep better"
    assert form["action_3"].value() == "Try the library cafe"
    assert form["who_1"].value() == "Sam (peer worker)"
    assert form["by_1"].value() == by
    assert form["review_date"].value() == review
    # The worker adds a third goal and submits everything else as it was shown.
    data = {name: form[name].value() for name in form.fields}
    data = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items() if v}
    data["goal_3"] = "See my sister"
    data["agreed_with_person"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    first, second = PlanVersion.objects.filter(introduction=intro).order_by("version")
    assert [g["text"] for g in second.goals] == [
        "Walk to the park",
        "Sleep better",
        "See my sister",
    ]
    # Goals keep their keys, so goal-based outcomes stay paired with them.
    assert [g["key"] for g in second.goals[:2]] == [g["key"] for g in first.goals]
    assert second.actions == first.actions
    assert second.review_date == first.review_date


def test_a_plan_action_needs_saying_what_will_happen(personas, client):
    intro = in_support(personas.hub_worker)
    factories.login(client, personas.hub_worker)
    review = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = client.post(
        f"/hub/introductions/{intro.pk}/plan/",
        {"goal_1": "Walk to the park", "review_date": review, "who_1": "Sam"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["action_1"] == ["Enter what will happen in action 1"]
    assert not PlanVersion.objects.filter(introduction=intro).exists()


def test_contact(personas, client):
    intro = in_support(personas.hub_worker)
    factories.login(client, personas.hub_worker)
    response = client.post(
        f"/hub/introductions/{intro.pk}/contact/",
        {
            "outcome": "attended",
            "mode": "phone",
            "contact_date": timezone.localdate().isoformat(),
            "duration_minutes": "30",
            "note": "Went well.",
        },
    )
    assert response.status_code == 302
    assert _said(response) == ["Contact recorded."]
    contact = Contact.objects.get(introduction=intro)
    assert contact.outcome == "attended" and contact.duration_minutes == 30
    assert _audits("contact.record", intro) == 1


def test_handover_new(personas, client):
    intro = in_support(personas.hub_worker)
    factories.login(client, personas.hub_worker)
    response = client.post(
        "/hub/handover/new/",
        {
            "introduction": str(intro.pk),
            "to_organisation": personas.vcs.pk,
            "what_is_asked": "Peer group.",
        },
    )
    assert response.status_code == 302
    h = Handover.objects.get(introduction=intro)
    assert h.state == "offered" and h.to_organisation == personas.vcs
    assert _audits("handover.offer", intro) == 1


def test_handover_new_with_unknown_service_is_ignored(personas, client):
    intro = in_support(personas.hub_worker)
    factories.login(client, personas.hub_worker)
    response = client.get(f"/hub/handover/new/?introduction={intro.pk}&service=not-a-uuid")
    assert response.status_code == 200 and "To the service" not in response.content.decode()


def test_handover_respond_accept(personas, client):
    intro = in_support(personas.hub_worker)
    h = _offer(intro, personas.hub_worker, personas.vcs)
    factories.login(client, personas.partner_worker)
    page = client.get(f"/hub/handovers/{h.pk}/respond/")
    assert page.status_code == 200
    response = client.post(f"/hub/handovers/{h.pk}/respond/", {"decision": "accept"})
    assert response.status_code == 302 and response["Location"] == "/hub/"
    h.refresh_from_db()
    assert h.state == "accepted" and h.responded_by == personas.partner_worker
    assert _audits("handover.accepted", intro) == 1


def test_handover_advance(personas, client):
    intro = in_support(personas.hub_worker)
    h = _offer(intro, personas.hub_worker, personas.vcs)
    factories.login(client, personas.hub_worker)
    response = client.post(f"/hub/handovers/{h.pk}/advance/", {"to_state": "withdrawn"})
    assert response.status_code == 302
    assert _said(response) == [f"The handover offer to {personas.vcs} is withdrawn."]
    h.refresh_from_db()
    assert h.state == "withdrawn"
    assert _audits("handover.withdrawn", intro) == 1


def test_handover_advance_refuses_unknown_step(personas, client):
    intro = in_support(personas.hub_worker)
    h = _offer(intro, personas.hub_worker, personas.vcs)
    factories.login(client, personas.hub_worker)
    response = client.post(f"/hub/handovers/{h.pk}/advance/", {"to_state": "accepted"}, follow=True)
    assert "That is not a step a handover can take." in response.content.decode()
    h.refresh_from_db()
    assert h.state == "offered"


def test_handover_acknowledge(personas, client):
    intro = in_support(personas.hub_worker)
    h = _declined(personas, intro)
    factories.login(client, personas.hub_worker)
    response = client.post(
        f"/hub/handovers/{h.pk}/acknowledge/", {"note": "Carry on with weekly calls."}
    )
    assert response.status_code == 302
    assert _said(response) == [
        "The declined handover is acknowledged; the introduction stays with the Hub."
    ]
    h.refresh_from_db()
    assert h.returned_handled_at is not None
    assert _audits("handover.returned_acknowledged", intro) == 1


def test_close(personas, client):
    intro = in_support(personas.hub_worker)
    factories.login(client, personas.hub_worker)
    response = client.post(f"/hub/introductions/{intro.pk}/close/", {"reason": "supported"})
    assert response.status_code == 302
    [said] = _said(response)
    assert said.startswith("Closed: Supported, support has ended.")
    intro.refresh_from_db()
    assert intro.state == "closed" and Closure.objects.get(introduction=intro).reason == "supported"
    assert _audits("introduction.close", intro) == 1


def test_return_within_open_door(personas, client):
    intro = _closed(personas)
    factories.login(client, personas.hub_worker)
    response = client.post(
        f"/hub/introductions/{intro.pk}/return/",
        {"tier": _tier().pk, "note": "Harder after a move."},
    )
    assert response.status_code == 302
    assert _said(response) == [f"Welcomed back through the open door: support is in {_tier()}."]
    intro.refresh_from_db()
    assert intro.state == "in_support"
    assert Episode.objects.filter(introduction=intro, ended_at__isnull=True).count() == 1
    assert _audits("introduction.return", intro) == 1


def test_find_by_reference(personas, client):
    intro = factories.introduction()
    factories.login(client, personas.hub_worker)
    response = client.post("/hub/find/", {"reference": intro.reference})
    assert response.status_code == 302 and response["Location"] == f"/hub/introductions/{intro.pk}/"


# --- bad input: refused beside the field, nothing stored --------------------------------------


def _snapshot():
    return (
        AuditEvent.objects.exclude(action="read").count(),
        Contact.objects.count(),
        PlanVersion.objects.count(),
        Allocation.objects.count(),
        Episode.objects.count(),
        Handover.objects.count(),
        Closure.objects.count(),
        list(Introduction.objects.order_by("pk").values_list("state", flat=True)),
        list(Handover.objects.order_by("pk").values_list("state", "returned_handled_at")),
    )


def _bad(name, personas):
    """(user, url, data, field with the error, a typed value that must be kept)."""
    hub = personas.hub_worker
    if name == "conversation":
        intro = factories.introduction()
        data = {"mode": "phone", "what_matters": "My dog.", "tier": _tier().pk}
        return (
            hub,
            f"/hub/introductions/{intro.pk}/conversation/",
            data,
            "whats_happening",
            "My dog.",
        )
    intro = in_support(hub)
    base = f"/hub/introductions/{intro.pk}/"
    if name == "allocate":
        return (
            hub,
            base + "allocate/",
            {"membership": "", "reason": "Handing on"},
            "membership",
            ("Handing on"),
        )
    if name == "tier":
        return hub, base + "tier/", {"tier": _other_tier(intro).pk, "reason": ""}, "reason", None
    if name == "plan":
        past = (timezone.localdate() - timedelta(days=1)).isoformat()
        data = {"goal_1": "Sleep better", "review_date": past}
        return hub, base + "plan/", data, "review_date", "Sleep better"
    if name == "contact":
        future = (timezone.localdate() + timedelta(days=2)).isoformat()
        data = {
            "outcome": "attended",
            "mode": "phone",
            "contact_date": future,
            "duration_minutes": "20",
            "note": "Kept note",
        }
        return hub, base + "contact/", data, "contact_date", "Kept note"
    if name == "handover_new":
        data = {"introduction": str(intro.pk), "to_organisation": personas.vcs.pk}
        return hub, "/hub/handover/new/", data, "what_is_asked", None
    if name == "handover_respond":
        h = _offer(intro, hub, personas.vcs)
        data = {"decision": "decline", "reason": "  "}
        return personas.partner_worker, f"/hub/handovers/{h.pk}/respond/", data, "reason", None
    if name == "handover_acknowledge":
        h = _declined(personas, intro)
        return hub, f"/hub/handovers/{h.pk}/acknowledge/", {"note": ""}, "note", None
    if name == "close":
        return hub, base + "close/", {"note": "Kept closing note"}, "reason", "Kept closing note"
    if name == "return":
        closed = _closed(personas)
        data = {"tier": _tier().pk, "note": ""}
        return hub, f"/hub/introductions/{closed.pk}/return/", data, "note", None
    raise AssertionError(name)


@pytest.mark.parametrize(
    "name",
    [
        "conversation",
        "allocate",
        "tier",
        "plan",
        "contact",
        "handover_new",
        "handover_respond",
        "handover_acknowledge",
        "close",
        "return",
    ],
)
def test_bad_input_is_refused_beside_the_field(name, personas, client):
    user, url, data, field, kept = _bad(name, personas)
    before = _snapshot()
    factories.login(client, user)
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="nhsuk-error-summary"' in html
    assert f'id="id_{field}-error"' in html  # the message sits beside the field
    assert f'href="#id_{field}' in html  # and the summary links to it
    if kept:
        assert kept in html  # what was typed is kept
    assert _snapshot() == before


def test_action_refusal_is_shown_and_stores_nothing(personas, client):
    """A form that is valid but an action that refuses: the message is shown, typing is kept."""
    intro = in_support(personas.hub_worker)  # already had its first conversation
    before = _snapshot()
    factories.login(client, personas.hub_worker)
    response = client.post(
        f"/hub/introductions/{intro.pk}/conversation/",
        {
            "mode": "phone",
            "whats_happening": "Typed again.",
            "what_matters": "Family.",
            "next_step": "Call.",
            "tier": _tier().pk,
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="nhsuk-error-summary"' in html and "Typed again." in html
    assert _snapshot() == before
    assert Conversation.objects.filter(introduction=intro).count() == 1


def test_a_refusal_from_the_access_rules_is_said_beside_the_handover_form(
    personas, client, monkeypatch
):
    """Every hub form page hands its action's refusal (any core Refused: the Hub's own, a
    transition, a date, the access rules) back beside the form through core.forms.submit; a
    relationship ending between the page and the action is said, not a server error."""
    from livingwell.access.permissions import NotPermitted

    intro = in_support(personas.hub_worker)
    factories.login(client, personas.hub_worker)

    def ended(**kwargs):
        raise NotPermitted("You no longer work with this person.")

    monkeypatch.setattr(actions, "offer_handover", ended)
    response = client.post(
        "/hub/handover/new/",
        {
            "introduction": str(intro.pk),
            "to_organisation": personas.vcs.pk,
            "what_is_asked": "Peer group.",
        },
    )
    assert response.status_code == 200
    assert "You no longer work with this person." in response.content.decode()
    assert not Handover.objects.filter(introduction=intro).exists()
