"""`livingwell backup` and `livingwell restore --verify` on the database the suite runs on
(SQLite, or PostgreSQL under DATABASE_URL): a backup taken while the site runs restores whole,
and the checks run against the restored copy say so, or say what is wrong with it."""

from __future__ import annotations

import os
import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from tests import factories

from livingwell.access import audit
from livingwell.backups import backup as backups
from livingwell.intake.models import Introduction

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture(autouse=True)
def _postgres_tools():
    if connection.vendor == "postgresql" and not shutil.which("pg_dump"):
        if os.environ.get("CI") == "true":
            pytest.fail("CI must have the PostgreSQL client programs")
        pytest.skip("pg_dump is not installed here")


@pytest.fixture
def site(personas):
    """Committed work, as a running site holds it: introductions (each audited) and reads."""
    intros = [factories.introduction(urgent=n == 0) for n in range(3)]
    audit.record(by=personas.hub_worker, action="read", category="record")
    return intros


def test_a_backup_restores_and_passes_every_check(site, tmp_path, capsys):
    call_command("backup", str(tmp_path))
    (written,) = tmp_path.iterdir()
    assert written.suffix == (".sqlite3" if connection.vendor == "sqlite" else ".pgdump")
    assert "Backed up to" in capsys.readouterr().out

    call_command("restore", str(written), "--verify")
    out = capsys.readouterr().out
    assert "ok     migrations" in out
    assert "ok     audit trail: Audit chain intact" in out
    assert "ok     board: Everything the board reads is in step" in out
    assert f"introductions {Introduction.objects.count()}" in out
    assert "passed every check" in out


def test_the_scratch_database_is_removed_after_the_checks(site, tmp_path):
    written = backups.backup(tmp_path)
    restored = backups.restore(written)
    report = backups.verify(restored)
    assert report.ok
    counts = backups.key_counts(report.counts)
    assert counts["introductions"] == Introduction.objects.count() == 3
    restored.discard()
    if restored.engine == "sqlite":
        assert not restored.scratch_dir.exists()
    else:
        import psycopg

        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(restored.url).close()


def test_a_tampered_copy_fails_the_audit_check(site, tmp_path, capsys):
    written = backups.backup(tmp_path)
    restored = backups.restore(written)
    try:
        if restored.engine == "sqlite":
            import sqlite3

            conn = sqlite3.connect(restored.where)
        else:
            import psycopg

            conn = psycopg.connect(restored.url)
        with conn:
            # The test database allows this (its purge switch is on); the chain still shows it.
            conn.execute(
                "UPDATE access_auditevent SET purpose = 'nosy' "
                "WHERE id = (SELECT min(id) FROM access_auditevent)"
            )
        conn.close()
        report = backups.verify(restored)
    finally:
        restored.discard()
    failed = {check.name: check for check in report.checks if not check.ok}
    assert list(failed) == ["audit trail"]
    assert "BROKEN" in failed["audit trail"].said


def test_a_backup_never_overwrites_a_file(site, tmp_path):
    dest = tmp_path / "kept.bak"
    dest.write_text("an older backup")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(dest))
    assert dest.read_text() == "an older backup"


def test_restoring_a_file_that_is_not_a_backup_says_so(tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database")
    with pytest.raises(CommandError, match="neither a SQLite database nor a pg_dump"):
        call_command("restore", str(junk), "--verify")


def test_the_configured_directory_is_the_default_destination(site, tmp_path, settings):
    settings.LIVINGWELL_BACKUP_DIR = str(tmp_path)
    call_command("backup")
    assert len(list(tmp_path.iterdir())) == 1
    settings.LIVINGWELL_BACKUP_DIR = ""
    with pytest.raises(CommandError, match="Name a destination"):
        call_command("backup")
