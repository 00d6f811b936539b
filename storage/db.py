"""Engines from a database URL: SQLite (default) or PostgreSQL.

SQLite is tuned for several crawl processes writing one file (WAL, a long busy
timeout, foreign keys on; a writable file engine checkpoints its WAL from a background
thread, ``storage.checkpoint``) and SQLAlchemy, not the ``sqlite3`` module, emits
``BEGIN`` so transactions mean what they say on Python 3.11 (see "Transactions
with SQLite and the sqlite3 driver" in the SQLAlchemy docs).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from sqlalchemy import create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from storage.checkpoint import WRITER_PRAGMA, WalCheckpointer

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Connection, Engine

DEFAULT_DATABASE_URL = "sqlite:///var/newscrawl.db"
"""Relative to the working directory; the ``var/`` directory is created on demand."""

DATABASE_URL_ENV = "NEWSCRAWL_DATABASE_URL"

#: Execution option that makes SQLite start the transaction with ``BEGIN IMMEDIATE``.
WRITE_TRANSACTION = "newscrawl_write"

_SQLITE_PRAGMAS = (
    "PRAGMA foreign_keys=ON",
    # Milliseconds a writer waits for another process's lock before "database is locked".
    "PRAGMA busy_timeout=30000",
    "PRAGMA synchronous=NORMAL",
)


def database_url(explicit: str | None) -> str:
    """Return the database URL to use: ``explicit``, else the environment, else the default.

    Args:
        explicit: A URL from the command line or config, or ``None``.

    Returns:
        ``explicit`` if given, else ``$NEWSCRAWL_DATABASE_URL`` if set and non-empty,
        else :data:`DEFAULT_DATABASE_URL`.
    """
    if explicit:
        return explicit
    return os.environ.get(DATABASE_URL_ENV) or DEFAULT_DATABASE_URL


def redact_url(url: str | URL) -> str:
    """Return ``url`` with its password replaced by ``***``, safe for logs and errors."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        # Not parseable as a URL: still hide anything that looks like user:password@.
        return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", str(url))


def make_engine(url: str | URL, *, readonly: bool = False) -> Engine:
    """Create an engine for ``url`` with the project's connection settings.

    Args:
        url: A SQLAlchemy URL, ``sqlite:///path`` or ``postgresql+psycopg://...``.
            For a SQLite file the parent directory is created (not when ``readonly``).
        readonly: Open the database so that every write fails in the driver: SQLite
            through a ``file:...?mode=ro`` URI, PostgreSQL with
            ``default_transaction_read_only=on``. Meant for ``newscrawl sql`` and
            other inspection tools, not as a security boundary.

    Returns:
        A new :class:`~sqlalchemy.engine.Engine`; the caller disposes it.
    """
    parsed = make_url(url)
    # Store Korean text as text in JSON columns, not as \\uXXXX escapes.
    options: dict[str, Any] = {"json_serializer": _json_dumps}
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        parsed = _sqlite_url(parsed, readonly=readonly)
        engine = create_engine(parsed, **options)
        checkpointer = None
        if not readonly and _is_plain_file(parsed):
            checkpointer = WalCheckpointer(str(Path(parsed.database).resolve()))
        _install_sqlite_hooks(engine, readonly=readonly, checkpointer=checkpointer)
        return engine
    if backend == "postgresql":
        options["pool_pre_ping"] = True
        if readonly:
            options["connect_args"] = {"options": "-c default_transaction_read_only=on"}
    return create_engine(parsed, **options)


def is_sqlite(engine: Engine | Connection) -> bool:
    """Return whether ``engine`` talks to SQLite."""
    return engine.dialect.name == "sqlite"


def _json_dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _sqlite_url(url: URL, *, readonly: bool) -> URL:
    if not _is_plain_file(url):
        return url
    path = Path(url.database or "")
    if not readonly:
        path.parent.mkdir(parents=True, exist_ok=True)
        return url
    # mode=ro makes SQLite itself refuse writes; the path is percent-encoded
    # because it becomes part of a URI.
    uri_path = quote(str(path.resolve()), safe="/")
    query = dict(url.query) | {"mode": "ro", "uri": "true"}
    return url.set(database=f"file:{uri_path}", query=query)


def _is_plain_file(url: URL) -> bool:
    """A SQLite path: not in memory, not a ``file:`` URI."""
    database = url.database or ""
    return not (database in ("", ":memory:") or database.startswith("file:") or "mode=memory" in str(url))


def _install_sqlite_hooks(engine: Engine, *, readonly: bool, checkpointer: WalCheckpointer | None) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" hook emit BEGIN; the driver's legacy mode would
        # skip it for SELECTs and DDL.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            if not readonly:
                # A read-only connection cannot switch the journal mode; the file
                # keeps whatever mode its last writer set (WAL is persistent).
                cursor.execute("PRAGMA journal_mode=WAL")
            for pragma in _SQLITE_PRAGMAS:
                cursor.execute(pragma)
            if checkpointer is not None:
                cursor.execute(WRITER_PRAGMA)
            if readonly:
                cursor.execute("PRAGMA query_only=ON")
        finally:
            cursor.close()

    if checkpointer is not None:
        event.listen(engine, "commit", lambda _conn: checkpointer.nudge())
        event.listen(engine, "engine_disposed", lambda _engine: checkpointer.close())

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A deferred transaction that reads and then writes cannot wait for the
        # write lock in WAL mode (SQLITE_BUSY_SNAPSHOT, no busy handler), so
        # writers take the lock up front.
        if conn.get_execution_options().get(WRITE_TRANSACTION):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")
