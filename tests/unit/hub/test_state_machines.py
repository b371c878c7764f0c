"""Every transition of introductions and handovers, including the refused ones."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from tests import factories

from livingwell.core.statemachine import TransitionError
from livingwell.hub import actions
from livingwell.hub.actions import HANDOVER_TRANSITIONS, INTRODUCTION_TRANSITIONS
from livingwell.hub.models import Closure, Contact, Episode, Handover, Tier
from livingwell.intake.models import Introduction

pytestmark = pytest.mark.django_db


def tier(slug="short-term"):
    return Tier.objects.get(slug=slug)


def in_support(p, **kw):
    intro = factories.introduction(**kw)
    actions.record_first_conversation(
        by=p.hub_worker,
        introduction=intro,
        tier=tier(),
        fields={"mode": "phone", "whats_happening": "x", "what_matters": "y", "next_step": "z"},
    )
    intro.refresh_from_db()
    return intro


def test_tables_cover_every_state():
    assert set(INTRODUCTION_TRANSITIONS) == set(Introduction.State.values)
    assert set(HANDOVER_TRANSITIONS) == set(Handover.State.values)


def test_first_conversation_moves_new_to_in_support_and_opens_a_tier(personas):
    intro = in_support(personas)
    assert intro.state == "in_support"
    assert intro.first_conversation_at is not None
    assert intro.owner == personas.hub_worker
    assert Episode.objects.get(introduction=intro, ended_at__isnull=True).tier_id == "short-term"


def test_second_first_conversation_is_refused(personas):
    intro = in_support(personas)
    with pytest.raises(TransitionError):
        actions.record_first_conversation(
            by=personas.hub_worker,
            introduction=intro,
            tier=tier(),
            fields={"mode": "phone", "whats_happening": "x", "what_matters": "y", "next_step": "z"},
        )


def test_new_cannot_close_as_supported(personas):
    intro = factories.introduction()
    with pytest.raises(actions.HubError, match="Supported"):
        actions.close(by=personas.hub_worker, introduction=intro, reason="supported")
    intro.refresh_from_db()
    assert intro.state == "new"


def test_not_reached_needs_two_documented_attempts(personas):
    intro = factories.introduction()
    actions.record_contact(
        by=personas.hub_worker, introduction=intro, outcome="not_reached", mode="phone"
    )
    with pytest.raises(actions.HubError, match="at least 2 attempts"):
        actions.close(by=personas.hub_worker, introduction=intro, reason="not_reached")
    actions.record_contact(
        by=personas.hub_worker, introduction=intro, outcome="not_reached", mode="text"
    )
    closed = actions.close(by=personas.hub_worker, introduction=intro, reason="not_reached")
    assert closed.state == "closed" and closed.closed_reason == "not_reached"
    assert Closure.objects.filter(introduction=intro).count() == 1


def test_closed_cannot_close_again(personas):
    intro = in_support(personas)
    actions.close(by=personas.hub_worker, introduction=intro, reason="supported")
    with pytest.raises(TransitionError):
        actions.close(by=personas.hub_worker, introduction=intro, reason="supported")


def test_close_ends_tier_and_allocation_and_opens_the_door(personas):
    intro = in_support(personas)
    actions.allocate_key_worker(
        by=personas.hub_worker,
        introduction=intro,
        key_worker=personas.key_worker,
        team=personas.community_team,
    )
    closed = actions.close(by=personas.hub_worker, introduction=intro, reason="supported")
    assert not closed.episodes.filter(ended_at__isnull=True).exists()
    assert not closed.allocations.filter(ended_at__isnull=True).exists()
    # Default open door is 6 months: about 182 days.
    assert 180 <= (closed.open_door_until - closed.closed_at).days <= 183


def test_return_within_open_door_reopens_same_record(personas):
    intro = in_support(personas)
    actions.close(by=personas.hub_worker, introduction=intro, reason="supported")
    back = actions.return_within_open_door(
        by=personas.hub_worker, introduction=intro, tier=tier("staying-well"), note="Back"
    )
    assert back.pk == intro.pk and back.state == "in_support"
    assert back.closed_at is None and back.closed_reason == ""
    assert Closure.objects.get(introduction=intro).returned_at is not None
    assert Introduction.objects.count() == 1


def test_return_after_open_door_is_refused(personas):
    intro = in_support(personas)
    actions.close(by=personas.hub_worker, introduction=intro, reason="supported")
    # 400 days on (a closure cannot be dated before the introduction it closes).
    later = timezone.now() + timezone.timedelta(days=400)
    with pytest.raises(actions.HubError, match="open-door period has ended"):
        actions.return_within_open_door(
            by=personas.hub_worker, introduction=intro, tier=tier(), at=later
        )


def test_return_refused_when_not_closed(personas):
    intro = in_support(personas)
    with pytest.raises(TransitionError):
        actions.return_within_open_door(by=personas.hub_worker, introduction=intro, tier=tier())


def test_step_up_and_down_keep_one_history(personas):
    intro = in_support(personas)
    actions.change_tier(
        by=personas.hub_worker, introduction=intro, tier=tier("focused"), reason="More support"
    )
    actions.change_tier(
        by=personas.hub_worker, introduction=intro, tier=tier("staying-well"), reason="Better"
    )
    episodes = list(intro.episodes.order_by("started_at"))
    assert [e.tier_id for e in episodes] == ["short-term", "focused", "staying-well"]
    assert [e.end_reason for e in episodes] == ["stepped_up", "stepped_down", ""]
    with pytest.raises(actions.HubError, match="Already in"):
        actions.change_tier(by=personas.hub_worker, introduction=intro, tier=tier("staying-well"))


def test_tier_change_refused_for_new(personas):
    intro = factories.introduction()
    with pytest.raises(actions.HubError):
        actions.change_tier(by=personas.hub_worker, introduction=intro, tier=tier("focused"))


def test_handover_offer_accept_start_complete(personas):
    intro = in_support(personas)
    h = actions.offer_handover(
        by=personas.hub_worker,
        introduction=intro,
        to_organisation=personas.vcs,
        what_is_asked="Peer group",
    )
    assert h.state == "offered" and h.reply_due_at > h.offered_at
    h = actions.respond_to_handover(by=personas.partner_worker, handover=h, accept=True)
    h = actions.advance_handover(by=personas.partner_worker, handover=h, to_state="started")
    h = actions.advance_handover(by=personas.partner_worker, handover=h, to_state="completed")
    assert h.state == "completed" and h.started_at and h.completed_at


def test_declined_handover_needs_reason_and_returns_to_owner(personas):
    intro = in_support(personas)
    h = actions.offer_handover(
        by=personas.hub_worker,
        introduction=intro,
        to_organisation=personas.vcs,
        what_is_asked="Peer group",
    )
    with pytest.raises(actions.HubError, match="reason"):
        actions.respond_to_handover(
            by=personas.partner_worker, handover=h, accept=False, reason=" "
        )
    h = actions.respond_to_handover(
        by=personas.partner_worker, handover=h, accept=False, reason="Group is full"
    )
    assert (
        h.state == "declined" and h.owner == personas.hub_worker and h.returned_handled_at is None
    )
    again = actions.offer_handover(
        by=personas.hub_worker,
        introduction=intro,
        to_organisation=personas.other_vcs,
        what_is_asked="Try here",
        previous=h,
    )
    h.refresh_from_db()
    assert h.returned_handled_at is not None and again.previous_id == h.pk


@pytest.mark.parametrize(
    "start,target",
    [
        ("declined", "accepted"),
        ("completed", "started"),
        ("withdrawn", "accepted"),
        ("offered", "started"),
        ("offered", "completed"),
        ("accepted", "declined"),
    ],
)
def test_illegal_handover_transitions_are_refused(personas, start, target):
    intro = in_support(personas)
    h = actions.offer_handover(
        by=personas.hub_worker, introduction=intro, to_organisation=personas.vcs, what_is_asked="x"
    )
    path = {
        "offered": [],
        "declined": [("respond", False)],
        "accepted": [("respond", True)],
        "completed": [("respond", True), ("advance", "started"), ("advance", "completed")],
        "withdrawn": [("advance", "withdrawn")],
    }[start]
    for step, arg in path:
        if step == "respond":
            h = actions.respond_to_handover(
                by=personas.partner_worker, handover=h, accept=arg, reason="full"
            )
        else:
            # The receiving side runs the handover; the side that offered it withdraws it.
            by = personas.hub_worker if arg == "withdrawn" else personas.partner_worker
            h = actions.advance_handover(by=by, handover=h, to_state=arg)
    with pytest.raises(TransitionError):
        if target in {"accepted", "declined"}:
            actions.respond_to_handover(
                by=personas.partner_worker, handover=h, accept=target == "accepted", reason="r"
            )
        else:
            actions.advance_handover(by=personas.partner_worker, handover=h, to_state=target)


def test_cannot_close_with_an_unanswered_offer(personas):
    intro = in_support(personas)
    actions.offer_handover(
        by=personas.hub_worker, introduction=intro, to_organisation=personas.vcs, what_is_asked="x"
    )
    with pytest.raises(actions.HubError, match="waiting for a reply"):
        actions.close(by=personas.hub_worker, introduction=intro, reason="supported")


def test_transfer_needs_a_reason(personas):
    intro = in_support(personas)
    actions.allocate_key_worker(
        by=personas.hub_worker,
        introduction=intro,
        key_worker=personas.key_worker,
        team=personas.community_team,
    )
    with pytest.raises(actions.HubError, match="reason"):
        actions.allocate_key_worker(
            by=personas.hub_worker,
            introduction=intro,
            key_worker=personas.partner_worker,
            team=personas.vcs_team,
        )
    actions.allocate_key_worker(
        by=personas.hub_worker,
        introduction=intro,
        key_worker=personas.partner_worker,
        team=personas.vcs_team,
        reason="Peer support fits better",
    )
    assert (
        intro.allocations.filter(ended_at__isnull=True).get().key_worker == personas.partner_worker
    )
    assert intro.allocations.count() == 2


def test_database_refuses_closed_state_without_reason(personas):
    intro = factories.introduction()
    with pytest.raises(IntegrityError), transaction.atomic():
        Introduction.objects.filter(pk=intro.pk).update(state="closed", closed_at=timezone.now())


def test_plan_versions_are_kept_and_goal_keys_stable(personas):
    intro = in_support(personas)
    review = timezone.localdate() + timezone.timedelta(days=30)
    v1 = actions.save_plan(
        by=personas.hub_worker,
        introduction=intro,
        goals=["Sleep better", "See friends"],
        actions=[],
        review_date=review,
    )
    v2 = actions.save_plan(
        by=personas.hub_worker,
        introduction=intro,
        goals=["Sleep better", "Find work"],
        actions=[{"what": "CV help", "who": "Key worker"}],
        review_date=review,
    )
    assert (v1.version, v2.version) == (1, 2)
    assert v1.goals[0]["key"] == v2.goals[0]["key"]
    assert v2.goals[1]["key"] != v1.goals[1]["key"]
    v1.refresh_from_db()
    assert [g["text"] for g in v1.goals] == ["Sleep better", "See friends"]


def test_contact_in_future_refused(personas):
    intro = factories.introduction()
    with pytest.raises(actions.HubError, match="future"):
        actions.record_contact(
            by=personas.hub_worker,
            introduction=intro,
            outcome="attended",
            mode="phone",
            contact_at=timezone.now() + timezone.timedelta(days=1),
        )
    assert not Contact.objects.exists()
