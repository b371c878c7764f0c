"""`livingwell rebuild_board`: the fields the board reads, worked out again from their sources
after data changed behind the actions' backs (a restore, a bulk load); `--check` reports drift."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from tests.outcomes_support import in_support

from livingwell.access.models import AuditEvent
from livingwell.hub import actions
from livingwell.hub.maintained import drift
from livingwell.intake.models import Introduction, IntroductionTally

pytestmark = pytest.mark.django_db


def _work(personas):
    hub = personas.hub_worker
    seen = in_support(hub, days_ago=20)
    actions.record_contact(by=hub, introduction=seen, outcome="attended", mode="phone")
    held = in_support(hub, days_ago=30)
    actions.allocate_key_worker(
        by=hub, introduction=held, key_worker=personas.key_worker, team=personas.community_team
    )
    closed = in_support(hub, days_ago=40)
    actions.close(by=hub, introduction=closed, reason="supported")
    return seen, held


IN_STEP = {
    "last_attended_contact_at": 0,
    "current_key_worker": 0,
    "current_team": 0,
    "current_tier": 0,
    "running_totals": 0,
}


def test_the_actions_keep_the_current_team_and_tier(personas):
    from livingwell.hub.models import Tier

    hub = personas.hub_worker
    intro = in_support(hub, days_ago=10)
    first = Introduction.objects.get(pk=intro.pk)
    assert first.current_tier_id == intro.episodes.get(ended_at__isnull=True).tier_id
    assert first.current_team_id is None  # no allocation yet
    actions.allocate_key_worker(
        by=hub, introduction=intro, key_worker=personas.key_worker, team=personas.community_team
    )
    other = Tier.objects.exclude(pk=first.current_tier_id).order_by("order").first()
    actions.change_tier(by=hub, introduction=intro, tier=other, reason="more help")
    kept = Introduction.objects.get(pk=intro.pk)
    assert (kept.current_team_id, kept.current_tier_id) == (personas.community_team.pk, other.pk)
    actions.close(by=hub, introduction=intro, reason="supported")
    kept = Introduction.objects.get(pk=intro.pk)
    assert (kept.current_key_worker_id, kept.current_team_id, kept.current_tier_id) == (None,) * 3
    actions.return_within_open_door(by=hub, introduction=intro, tier=other, note="back")
    assert Introduction.objects.get(pk=intro.pk).current_tier_id == other.pk
    assert drift() == IN_STEP


def test_check_finds_nothing_after_the_actions(personas, capsys):
    _work(personas)
    assert drift() == IN_STEP
    call_command("rebuild_board", "--check")
    assert "in step" in capsys.readouterr().out


def test_rebuild_puts_back_what_changed_behind_the_actions(personas, capsys):
    seen, held = _work(personas)
    kept_contact = Introduction.objects.get(pk=seen.pk).last_attended_contact_at
    # A bulk load that knew nothing of the kept fields.
    Introduction.objects.filter(pk=seen.pk).update(last_attended_contact_at=None)
    Introduction.objects.filter(pk=held.pk).update(current_key_worker=None, current_team=None)
    Introduction.objects.filter(pk=seen.pk).update(current_tier=None)
    IntroductionTally.objects.filter(pk=1).update(received=0, new=5)
    assert drift() == {
        "last_attended_contact_at": 1,
        "current_key_worker": 1,
        "current_team": 1,
        "current_tier": 1,
        "running_totals": 1,
    }
    with pytest.raises(CommandError, match="out of step"):
        call_command("rebuild_board", "--check")
    assert "current_key_worker: 1 out of step" in capsys.readouterr().out

    call_command("rebuild_board")
    assert "Reworked" in capsys.readouterr().out
    event = AuditEvent.objects.filter(action="board.rebuild").get()
    assert event.category == "maintenance" and event.detail["running_totals"] == 1
    assert Introduction.objects.get(pk=seen.pk).last_attended_contact_at == kept_contact
    rebuilt = Introduction.objects.get(pk=held.pk)
    assert rebuilt.current_key_worker_id == personas.key_worker.pk
    assert rebuilt.current_team_id == personas.community_team.pk
    assert Introduction.objects.get(pk=seen.pk).current_tier_id is not None
    tally = IntroductionTally.objects.get(pk=1)
    assert (tally.received, tally.new, tally.in_support) == IntroductionTally.counted() == (3, 0, 2)
    assert drift() == IN_STEP
