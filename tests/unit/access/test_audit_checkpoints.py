"""Signed checkpoints outside the database catch what the hash chain alone cannot: the newest
events removed, or the chain rewritten, by someone who also rewrote the chain head."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from livingwell.access import audit, checkpoints
from livingwell.access.models import AuditChainHead, AuditEvent

pytestmark = pytest.mark.django_db

KEY = "k" * 40
TABLE = AuditEvent._meta.db_table


@pytest.fixture(autouse=True)
def _configured(settings, tmp_path):
    settings.LIVINGWELL_AUDIT_CHECKPOINT_KEY = KEY
    settings.LIVINGWELL_AUDIT_CHECKPOINT_DIR = str(tmp_path)


def events(personas, n):
    return [
        audit.record(by=personas.hub_worker, action="read", category="record", detail={"n": i})
        for i in range(n)
    ]


def remove_the_tail_and_rewrite_the_head(keep: int) -> None:
    """What someone with write access to the database could do: the chain and its head agree
    afterwards, so the chain alone cannot tell (the test database's purge switch allows it)."""
    kept = list(AuditEvent.objects.order_by("id")[:keep])
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id > %s", [kept[-1].id])
    AuditChainHead.objects.filter(id=1).update(last_hash=kept[-1].hash)


def rewrite_the_whole_chain() -> None:
    """Change the first event, then hash every event again so that each link holds."""
    prev = audit.GENESIS
    for event in AuditEvent.objects.order_by("id"):
        if prev == audit.GENESIS:
            event.purpose = "nosy"
        event.prev_hash = prev
        event.hash = event.compute_hash()
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {TABLE} SET purpose = %s, prev_hash = %s, hash = %s WHERE id = %s",
                [event.purpose, event.prev_hash, event.hash, event.id],
            )
        prev = event.hash
    AuditChainHead.objects.filter(id=1).update(last_hash=prev)


def test_an_untouched_chain_passes_against_its_checkpoints(personas, tmp_path, capsys):
    events(personas, 3)
    call_command("audit", "checkpoint")
    events(personas, 2)  # later events, not yet checkpointed, are fine
    call_command("audit", "checkpoint", "--place", str(tmp_path))
    call_command("audit", "verify", "--checkpoints", str(tmp_path))
    assert "against 2 signed checkpoints" in capsys.readouterr().out
    lines = (tmp_path / checkpoints.FILE_NAME).read_text().splitlines()
    assert len(lines) == 2 and json.loads(lines[1])["count"] == AuditEvent.objects.count()


def test_a_removed_tail_with_a_rewritten_head_fails_against_the_checkpoints(personas, tmp_path):
    events(personas, 5)
    checkpoints.write_checkpoint()
    remove_the_tail_and_rewrite_the_head(keep=3)
    assert audit.verify_chain().ok  # the chain alone cannot see it
    with pytest.raises(CommandError, match="BROKEN at the end of the chain: events recorded by"):
        call_command("audit", "verify", "--checkpoints", str(tmp_path))


def test_a_rewritten_chain_fails_against_the_checkpoints(personas, tmp_path):
    first, *_ = events(personas, 4)
    checkpoints.write_checkpoint()
    rewrite_the_whole_chain()
    assert audit.verify_chain().ok  # every link holds
    result = audit.verify_chain(checkpoints=checkpoints.read_checkpoints())
    assert not result.ok and "rewritten after the checkpoint" in result.problem


def test_an_edited_checkpoint_is_refused(personas, tmp_path):
    events(personas, 3)
    checkpoints.write_checkpoint()
    path = tmp_path / checkpoints.FILE_NAME
    line = json.loads(path.read_text())
    line["count"] = 2
    path.write_text(json.dumps(line) + "\n")
    with pytest.raises(CommandError, match="signature does not match"):
        call_command("audit", "verify", "--checkpoints", str(tmp_path))


def test_checkpoints_signed_with_another_key_are_refused(personas, tmp_path, settings):
    events(personas, 2)
    checkpoints.write_checkpoint()
    settings.LIVINGWELL_AUDIT_CHECKPOINT_KEY = "o" * 40
    with pytest.raises(checkpoints.CheckpointError, match="signature does not match"):
        checkpoints.read_checkpoints()


def test_no_checkpoint_without_a_key(personas, settings):
    events(personas, 1)
    settings.LIVINGWELL_AUDIT_CHECKPOINT_KEY = ""
    with pytest.raises(CommandError, match="LIVINGWELL_AUDIT_CHECKPOINT_KEY must be set"):
        call_command("audit", "checkpoint")


def test_a_checkpoint_place_that_is_not_a_directory_is_named(personas, tmp_path):
    events(personas, 1)
    missing = tmp_path / "not-mounted"
    with pytest.raises(CommandError, match="not-mounted is not a directory"):
        call_command("audit", "checkpoint", "--place", str(missing))
