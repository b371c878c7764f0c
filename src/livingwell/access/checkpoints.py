"""Signed checkpoints of the audit trail, kept outside the database (ADR 0021).

The hash chain shows a changed or removed event, but not a rewrite: whoever can write the database
can delete the newest events, or change old ones and hash the whole chain again, and then set the
chain head to match. A checkpoint records the chain as it stood (how many events, the newest one's
id and hash, the time), signed with HMAC-SHA256 under a key the database never holds, and is
appended as one JSON line to a file in a directory outside the database. Verifying against the
checkpoints then fails when an event a checkpoint saw is gone or hashes differently, whatever the
database's own head says, and a checkpoint cannot be forged or edited without the key.

`write_checkpoint()` is the plain function a scheduler calls (the task queue, or cron through
`livingwell audit checkpoint`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from livingwell.access.models import AuditEvent

FILE_NAME = "audit-checkpoints.jsonl"
MINIMUM_KEY_LENGTH = 32


class CheckpointError(RuntimeError):
    """Checkpoints that cannot be written or read; the message says why."""


@dataclass(frozen=True)
class Checkpoint:
    at: str
    count: int  # events from the start of the chain up to and including last_id
    last_id: int
    last_hash: str

    def body(self) -> str:
        fields = {
            "at": self.at,
            "count": self.count,
            "last_id": self.last_id,
            "last_hash": self.last_hash,
        }
        return json.dumps(fields, sort_keys=True, separators=(",", ":"))


def _key(key: str | None) -> bytes:
    key = key if key is not None else settings.LIVINGWELL_AUDIT_CHECKPOINT_KEY
    if len(key or "") < MINIMUM_KEY_LENGTH:
        raise CheckpointError(
            f"LIVINGWELL_AUDIT_CHECKPOINT_KEY must be set, at least {MINIMUM_KEY_LENGTH} characters"
        )
    return key.encode()


def _place(place: str | Path | None) -> Path:
    place = place or settings.LIVINGWELL_AUDIT_CHECKPOINT_DIR
    if not place:
        raise CheckpointError("Set LIVINGWELL_AUDIT_CHECKPOINT_DIR or name the place")
    return Path(place)


def sign(checkpoint: Checkpoint, key: bytes) -> str:
    return hmac.new(key, checkpoint.body().encode(), hashlib.sha256).hexdigest()


def current() -> Checkpoint | None:
    """The chain as it stands: its newest committed event and how many events lead up to it."""
    newest = AuditEvent.objects.order_by("-id").values("id", "hash").first()
    if newest is None:
        return None
    # Counted up to that event, not in total: an event committed between the two queries is
    # after it, so the count and the hash describe the same chain.
    count = AuditEvent.objects.filter(id__lte=newest["id"]).count()
    return Checkpoint(
        at=timezone.now().isoformat(timespec="seconds"),
        count=count,
        last_id=newest["id"],
        last_hash=newest["hash"],
    )


def write_checkpoint(*, place: str | Path | None = None, key: str | None = None) -> Checkpoint:
    """Append a signed checkpoint of the chain as it stands. Safe to call on any schedule."""
    secret = _key(key)
    directory = _place(place)
    if not directory.is_dir():
        raise CheckpointError(f"{directory} is not a directory")
    checkpoint = current()
    if checkpoint is None:
        raise CheckpointError("The audit trail is empty: nothing to checkpoint yet")
    line = json.dumps({**json.loads(checkpoint.body()), "hmac": sign(checkpoint, secret)})
    # Appended and flushed to the disk: a checkpoint is written completely or, if the machine
    # stops halfway, as a last line that fails to parse and is reported.
    fd = os.open(directory / FILE_NAME, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, (line + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    return checkpoint


def read_checkpoints(
    place: str | Path | None = None, *, key: str | None = None
) -> list[Checkpoint]:
    """Every checkpoint in the place, each checked against its signature."""
    secret = _key(key)
    path = _place(place) / FILE_NAME
    if not path.exists():
        raise CheckpointError(f"No checkpoints at {path}")
    found = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                checkpoint = Checkpoint(
                    at=data["at"],
                    count=int(data["count"]),
                    last_id=int(data["last_id"]),
                    last_hash=data["last_hash"],
                )
                mac = data["hmac"]
            except (ValueError, KeyError, TypeError):
                raise CheckpointError(f"{path} line {number} is not a checkpoint") from None
            if not hmac.compare_digest(mac, sign(checkpoint, secret)):
                raise CheckpointError(
                    f"{path} line {number}: the signature does not match (edited, or another key)"
                )
            found.append(checkpoint)
    return found
