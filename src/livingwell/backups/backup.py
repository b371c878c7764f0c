"""Backing the database up, and proving that a backup restores (ADR 0021).

A backup is one file: SQLite's online backup API copies a consistent snapshot while the site keeps
writing (WAL readers never block writers); on PostgreSQL `pg_dump` writes its custom format, which
`pg_restore` reads. The file is written under a temporary name and renamed when complete, so a
backup cut short (a full disk, a killed process) never has the name of a good one.

A restore never touches the live database: it goes into a scratch database (or one the operator
names), where the same checks a site runs after an upgrade are run against it, each in a process
of its own pointed at the restored copy: the migrations, the audit trail's hash chain and the
fields the board reads. Row counts say what came back.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import dj_database_url
from django.apps import apps
from django.db import connections

import livingwell

SQLITE_MAGIC = b"SQLite format 3\x00"
POSTGRES_MAGIC = b"PGDMP"  # pg_dump's custom format

# Counted and named in the report: what an operator checks first after a restore.
KEY_TABLES = {
    "people.Person": "people",
    "intake.Introduction": "introductions",
    "hub.Contact": "contacts",
    "access.AuditEvent": "audit events",
    "accounts.User": "user accounts",
}


class BackupError(RuntimeError):
    """A backup or restore that could not be made; the message says why, in words."""


def _engine(settings_dict: dict) -> str:
    engine = settings_dict["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgres"
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {engine}")


def _postgres_env(settings_dict: dict, name: str | None = None) -> dict[str, str]:
    """libpq's own environment variables, so that no password is ever on a command line."""
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    env["PGDATABASE"] = name or settings_dict["NAME"]
    return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    try:
        bindir = subprocess.run(
            ["pg_config", "--bindir"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        bindir = ""
    candidate = Path(bindir) / name
    if bindir and candidate.exists():
        return str(candidate)
    raise BackupError(f"{name} is not installed: install the PostgreSQL client programs")


def _run(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    if result.returncode:
        raise BackupError(f"{Path(args[0]).name} failed: {result.stderr.strip()}")


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def backup(dest: Path, *, using: str = "default") -> Path:
    """Write a backup of the database to `dest` (a file, or a directory to put a dated file in)
    and return the file's path. An existing file is never overwritten."""
    settings_dict = connections[using].settings_dict
    engine = _engine(settings_dict)
    dest = Path(dest)
    if dest.is_dir():
        suffix = ".sqlite3" if engine == "sqlite" else ".pgdump"
        dest = dest / f"livingwell-{_stamp()}{suffix}"
    if dest.exists():
        raise BackupError(f"{dest} already exists: a backup never overwrites another")
    if not dest.parent.is_dir():
        raise BackupError(f"{dest.parent} is not a directory")
    partial = dest.with_name(f".{dest.name}.partial")
    try:
        if engine == "sqlite":
            _backup_sqlite(settings_dict, partial)
        else:
            _run(
                [_tool("pg_dump"), "--format=custom", f"--file={partial}"],
                _postgres_env(settings_dict),
            )
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)
    return dest


def _backup_sqlite(settings_dict: dict, partial: Path) -> None:
    timeout = settings_dict.get("OPTIONS", {}).get("timeout", 20)
    source = sqlite3.connect(settings_dict["NAME"], timeout=timeout)
    target = sqlite3.connect(partial)
    try:
        source.backup(target)
        (answer,) = target.execute("PRAGMA quick_check").fetchone()
        if answer != "ok":
            raise BackupError(f"The copy failed SQLite's check: {answer}")
    finally:
        target.close()
        source.close()


def engine_of(path: Path) -> str:
    with open(path, "rb") as f:
        head = f.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(POSTGRES_MAGIC):
        return "postgres"
    raise BackupError(f"{path} is neither a SQLite database nor a pg_dump custom-format file")


@dataclass
class Restored:
    engine: str
    url: str
    where: str  # said in the report: a file, or a database's name
    drop: list[str] = field(default_factory=list)  # the command that removes it (PostgreSQL)
    drop_env: dict[str, str] = field(default_factory=dict)
    scratch_dir: Path | None = None

    def discard(self) -> None:
        if self.drop:
            subprocess.run(self.drop, env=self.drop_env, capture_output=True)
        if self.scratch_dir is not None:
            shutil.rmtree(self.scratch_dir, ignore_errors=True)


def restore(source: Path, *, into: str | None = None, using: str = "default") -> Restored:
    """Restore a backup into a new database and return where it went.

    `into`: a database URL (SQLite: a file that must not exist yet; PostgreSQL: a database that
    must not exist yet, created on that server). Without it, a scratch database: a temporary file
    for SQLite, `livingwell_restore_<time>` beside the site's own for PostgreSQL.
    """
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    engine = engine_of(source)
    if engine == "sqlite":
        return _restore_sqlite(source, into)
    if into:
        target = dj_database_url.parse(into)
        if _engine(target) != "postgres":
            raise BackupError("A pg_dump file restores into PostgreSQL only")
    else:
        live = connections[using].settings_dict
        if _engine(live) != "postgres":
            raise BackupError("A pg_dump file restores into PostgreSQL: give --into postgres://...")
        target = dict(live, NAME=f"livingwell_restore_{_stamp().lower()}")
    env = _postgres_env(target)
    _run([_tool("createdb"), target["NAME"]], env)
    restored = Restored(
        engine="postgres",
        url=_postgres_url(target),
        where=f"database {target['NAME']}",
        drop=[_tool("dropdb"), "--if-exists", target["NAME"]],
        drop_env=_postgres_env(target, "postgres"),
    )
    try:
        _run(
            [_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error"]
            + [f"--dbname={target['NAME']}", str(source)],
            env,
        )
    except BackupError:
        restored.discard()
        raise
    return restored


def _postgres_url(target: dict) -> str:
    auth = target.get("USER") or ""
    if target.get("PASSWORD"):
        auth += f":{target['PASSWORD']}"
    host = target.get("HOST") or ""
    port = f":{target['PORT']}" if target.get("PORT") else ""
    return f"postgres://{auth}{'@' if auth else ''}{host}{port}/{target['NAME']}"


def _restore_sqlite(source: Path, into: str | None) -> Restored:
    scratch_dir = None
    if into:
        target = dj_database_url.parse(into)
        if _engine(target) != "sqlite":
            raise BackupError("A SQLite backup restores into SQLite only")
        path = Path(target["NAME"])
    else:
        scratch_dir = Path(tempfile.mkdtemp(prefix="livingwell-restore-"))
        path = scratch_dir / "restored.sqlite3"
    if path.exists():
        raise BackupError(f"{path} already exists: a restore never overwrites a database")
    shutil.copyfile(source, path)
    return Restored(
        engine="sqlite", url=f"sqlite:///{path}", where=str(path), scratch_dir=scratch_dir
    )


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    said: str


@dataclass
class Report:
    checks: list[Check]
    counts: dict[str, int]  # table -> rows

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)


# What each check is, and the `livingwell` command that makes it against the restored copy.
CHECKS = [
    ("migrations", ["migrate", "--check", "--no-input"], "every migration applied"),
    ("audit trail", ["audit", "verify"], ""),
    ("board", ["rebuild_board", "--check"], ""),
]


def _livingwell(args: list[str], url: str) -> subprocess.CompletedProcess:
    """A `livingwell` command run in a process of its own against another database: the same
    code as this one (its package first on the path), only DATABASE_URL differs."""
    env = dict(os.environ)
    env["DATABASE_URL"] = url
    src = str(Path(livingwell.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in [src, env.get("PYTHONPATH", "")] if p)
    return subprocess.run(
        [sys.executable, "-m", "livingwell.cli", *args], env=env, capture_output=True, text=True
    )


def verify(restored: Restored) -> Report:
    checks = []
    for name, args, said_when_ok in CHECKS:
        result = _livingwell(args, restored.url)
        output = (result.stdout + result.stderr).strip()
        last_line = output.splitlines()[-1] if output else ""
        checks.append(Check(name, result.returncode == 0, said_when_ok or last_line))
    return Report(checks=checks, counts=row_counts(restored))


def row_counts(restored: Restored) -> dict[str, int]:
    tables = sorted({model._meta.db_table for model in apps.get_models()})
    if restored.engine == "sqlite":
        conn = sqlite3.connect(restored.where)
    else:
        import psycopg

        conn = psycopg.connect(restored.url)
    counts = {}
    try:
        cursor = conn.cursor()
        for table in tables:
            # Names from our own models, quoted: never from input.
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    finally:
        conn.close()
    return counts


def key_counts(counts: dict[str, int]) -> dict[str, int]:
    found = {}
    for label, words in KEY_TABLES.items():
        model = apps.get_model(label)
        found[words] = counts.get(model._meta.db_table, 0)
    return found
