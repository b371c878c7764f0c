"""Statements compiled once and run together: for the reads every busy page makes.

Building and compiling a queryset costs far more than running the small indexed queries behind
the board, a record or the signed-in user's roles, and those queries have the same shape from
one request to the next. ``compiled`` compiles a queryset once per process for the inputs it
depends on (its key) and keeps the SQL; ``run`` runs several such statements, in one round trip
on PostgreSQL (a pipeline), as server-side prepared statements where the site allows them
(settings.py, LIVINGWELL_DB_PREPARE); ``values`` reads their rows as ``values()`` would.

The key must hold every value that can appear in the statement, so a reused statement is exactly
the one the queryset would compile. Users: hub/queries.py (the board), hub/record_queries.py
(the record) and access/standing.py (roles and site settings).
"""

from __future__ import annotations

import re
import threading
import uuid
from collections import OrderedDict
from datetime import UTC, datetime

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.utils.dateparse import parse_datetime

_STATEMENTS: OrderedDict = OrderedDict()
_STATEMENTS_MAX = 512
_STATEMENTS_LOCK = threading.Lock()
MISSING = object()


def compiled(key: tuple, build, *, alias: str, keep=MISSING):
    """(sql, params, compiler) for ``build()``'s queryset, compiled once for ``key`` on the
    database ``alias``; None if it can match nothing. Kept per thread (a compiler belongs to its
    thread's database connection). ``keep``: write the constant parameters into the text, all
    but those equal to ``keep`` (see written_in); only where statements are prepared."""
    key = (alias, threading.get_ident(), keep is not MISSING, *key)
    with _STATEMENTS_LOCK:
        found = _STATEMENTS.get(key, MISSING)
        if found is not MISSING:
            _STATEMENTS.move_to_end(key)
            return found
    found = compile_queryset(build())
    if keep is not MISSING and found is not None and prepares(alias):
        found = written_in(*found, alias=alias, keep=keep)
    with _STATEMENTS_LOCK:
        _STATEMENTS[key] = found
        while len(_STATEMENTS) > _STATEMENTS_MAX:
            _STATEMENTS.popitem(last=False)
    return found


_PARAMETER_MARK = re.compile(r"%[%s]")  # a DB-API "%s" parameter, or "%%" (a literal %)


def written_in(sql: str, params: tuple, compiler, *, alias: str, keep):
    """The statement with its constant parameters written into its text as literals (quoted as
    Django's own cursor quotes every parameter); parameters equal to ``keep`` (a datetime
    stand-in swapped for the real moment at each run) stay parameters.

    A prepared statement is planned once for any value of its parameters (a generic plan). The
    board's states, flags and dates are constants of the compiled statement (its key holds
    them), and the planner needs them: with ``state = $1`` it cannot tell how few rows are
    open and read the introductions in date order instead of the open ones (100 ms, not 1)."""
    ops = connections[alias].ops
    moving = ops.adapt_datetimefield_value(keep) if keep is not None else MISSING
    values = iter(params)
    kept = []

    def literal(match):
        if match.group() == "%%":
            return "%%"
        value = next(values)
        if type(value) is type(moving) and value == moving:
            kept.append(value)
            return "%s"
        # A "%" inside a literal (a tier typed into the address) would be a parameter mark.
        return ops.compose_sql("%s", [value]).replace("%", "%%")

    text = _PARAMETER_MARK.sub(literal, sql)
    if next(values, MISSING) is not MISSING:
        raise ValueError("the statement has more parameters than parameter marks")
    return text, tuple(kept), compiler


def prepares(alias: str) -> bool:
    """Whether compiled statements run as prepared statements (see prepared_cursor)."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return False
    connection.ensure_connection()
    return connection.connection.prepare_threshold is not None


def compile_queryset(qs):
    """(sql, params, compiler) of a queryset, or None when it can match nothing."""
    compiler = qs.query.get_compiler(using=qs.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return None
    return sql, tuple(params), compiler


def prepared_cursor(alias: str):
    """A cursor for compiled statements.

    On PostgreSQL they run as server-side prepared statements: the server plans each one once
    per connection (connections persist, CONN_MAX_AGE) instead of on every load, which was
    about a third of the board's time in the database. Django's own cursor binds parameters on
    the client and cannot prepare. The cursor is wrapped as Django wraps its own, so errors,
    query logging and execute wrappers are the same."""
    connection = connections[alias]
    if not prepares(alias):  # SQLite, or turned off (settings.py)
        return connection.cursor()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        raw = _PreparingCursor(connection.connection)
        if _PreparingCursor.timezone_differs(connection):
            from django.db.backends.postgresql.psycopg_any import register_tzloader

            register_tzloader(connection.timezone, raw)
    if connection.queries_logged:
        return connection.make_debug_cursor(raw)
    return connection.make_cursor(raw)


try:
    import psycopg
except ImportError:  # SQLite only
    _PreparingCursor = None
else:

    class _PreparingCursor(psycopg.Cursor):
        """Binds parameters on the server, prepares every statement it runs and reads its
        results in binary (loaded in C: Django's text loader for times with a time zone parses
        them in Python, a third of the time spent reading the board's rows)."""

        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=True)

        @staticmethod
        def timezone_differs(connection) -> bool:
            """As Django's own cursors: the time zone loader only where the connection's
            differs."""
            from psycopg.pq import Format

            oid = connection.connection.adapters.types["timestamptz"].oid
            loader = connection.connection.adapters.get_loader(oid, Format.TEXT)
            return connection.timezone != loader.timezone


def run(statements: list, *, alias: str) -> list:
    """The rows of each (sql, params, ...) statement (None for None). On PostgreSQL they go in
    one round trip (a pipeline): the statements of a batch do not depend on one another."""
    pipelined = prepares(alias) and sum(s is not None for s in statements) > 1
    if not pipelined:
        results = []
        for statement in statements:
            if statement is None:
                results.append(None)
                continue
            with prepared_cursor(alias) as cursor:
                cursor.execute(statement[0], statement[1])
                results.append(cursor.fetchall())
        return results
    connection = connections[alias]
    cursors = []
    logged = len(connection.queries_log) if connection.queries_logged else None
    try:
        with connection.wrap_database_errors, connection.connection.pipeline():
            for statement in statements:
                cursor = None
                if statement is not None:
                    cursor = prepared_cursor(alias)
                    cursor.execute(statement[0], statement[1])
                cursors.append(cursor)
            return [None if cursor is None else cursor.fetchall() for cursor in cursors]
    finally:
        for cursor in cursors:
            if cursor is not None:
                cursor.close()
        if logged is not None:
            _log_text(connection, logged, [s for s in statements if s is not None])


def _log_text(connection, logged: int, sent: list) -> None:
    """Put the text of pipelined statements into Django's query log (DEBUG, tests): Django logs
    each as it is queued, before psycopg has the text to give, so it logs none."""
    entries = list(connection.queries_log)[logged:]
    if len(entries) != len(sent):  # the log is bounded, and may have dropped some
        return
    for entry, statement in zip(entries, sent, strict=True):
        if entry.get("sql") is None:
            entry["sql"] = connection.ops.compose_sql(statement[0], statement[1])


def values(statement, rows, *, text_keys: frozenset = frozenset()) -> list[dict]:
    """A compiled values() statement's rows as dicts, converted as values() would; columns
    named in ``text_keys`` are left as the database gives them."""
    if statement is None:
        return []
    compiler = statement[2]
    names = getattr(compiler, "lw_names", None)
    if names is None:  # worked out once per compiled statement (they are not cheap)
        query = compiler.query
        names = [*query.extra_select, *query.values_select, *query.annotation_select]
        fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
        compiler.lw_converters = {
            position: (_quicker(convs, compiler), expression)
            for position, (convs, expression) in compiler.get_converters(fields).items()
            if names[position] not in text_keys
        }
        compiler.lw_names = names
    if compiler.lw_converters:
        rows = compiler.apply_converters(rows, compiler.lw_converters)
    return [dict(zip(names, row, strict=True)) for row in rows]


def _quicker(convs: list, compiler) -> list:
    """The converters, with SQLite's for times swapped for one that gives the same values
    without reading the settings twice for each value (times were most of the conversion of the
    board's rows)."""
    connection = connections[compiler.using]
    if connection.vendor != "sqlite" or not settings.USE_TZ:
        return convs
    slow = connection.ops.convert_datetimefield_value
    return [_sqlite_datetime if conv == slow else conv for conv in convs]


def _sqlite_datetime(value, expression, connection):
    """As SQLite's DatabaseOperations.convert_datetimefield_value with USE_TZ on: the stored
    text parsed, a time without a zone put in the connection's."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = parse_datetime(value)
    if value.utcoffset() is None:
        value = value.replace(tzinfo=connection.timezone)
    return value


# --- statements compiled with stand-ins, and model instances from their rows -------------------
#
# A statement whose values change on every request (the user, the record asked for, the moment)
# is compiled once with stand-in values, which are swapped for the real ones at each run.

STAND_IN_ID = uuid.UUID("00000000-0000-4000-8000-000000000000")
STAND_IN_USER = uuid.UUID("00000000-0000-4000-8000-000000000001")
STAND_IN_NOW = datetime(1901, 1, 1, tzinfo=UTC)
STAND_IN_TEXT = "livingwell-stand-in-0000"  # a session key, say


def _adapted(value, connection):
    """A parameter as the backend's cursor is given it (as the ORM would adapt it)."""
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, uuid.UUID):
        return value if connection.features.has_native_uuid_field else value.hex
    return value


def swapped(statement, swaps: dict) -> tuple:
    """(sql, params) of a compiled statement with each stand-in in ``swaps`` replaced by its
    real value. Every stand-in must appear: a statement without one was compiled wrongly."""
    connection = connections[statement[2].using]
    table = {_adapted(k, connection): _adapted(v, connection) for k, v in swaps.items()}
    seen = set()
    params = []
    for param in statement[1]:
        if param in table:
            seen.add(param)
            params.append(table[param])
        else:
            params.append(param)
    if len(seen) != len(table):
        raise AssertionError("a stand-in is missing from the compiled statement")
    return statement[0], tuple(params)


def field_names(model, prefix: str = "") -> list[tuple[str, str]]:
    """(values() name, attribute name) of each stored field of ``model``."""
    return [(prefix + f.attname, f.attname) for f in model._meta.concrete_fields]


def value_names(model, related: tuple = ()) -> list[str]:
    """The values() names that ``instances`` needs: ``model``'s stored fields and those of each
    related object named in ``related`` (foreign keys of ``model``)."""
    names = [n for n, _a in field_names(model)]
    for name in related:
        other = model._meta.get_field(name).related_model
        names += [n for n, _a in field_names(other, f"{name}__")]
    return names


def instances(model, rows: list[dict], *, alias: str, related: tuple = (), extra: tuple = ()):
    """Model instances, as the ORM loads them, from ``values(*value_names(model, related),
    *extra)`` rows: each related object attached (None where the key is empty) and each name in
    ``extra`` set as an attribute, as an annotation would be."""
    own = [a for _n, a in field_names(model)]
    joined = []
    for name in related:
        field = model._meta.get_field(name)
        columns = field_names(field.related_model, f"{name}__")
        joined.append((name, field.attname, field.related_model, columns))
    found = []
    for row in rows:
        obj = model.from_db(alias, own, [row[a] for a in own])
        for name, attname, other, columns in joined:
            if getattr(obj, attname) is None:
                setattr(obj, name, None)
            else:
                values = [row[n] for n, _a in columns]
                setattr(obj, name, other.from_db(alias, [a for _n, a in columns], values))
        for name in extra:
            setattr(obj, name, row[name])
        found.append(obj)
    return found
