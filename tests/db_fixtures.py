"""Pytest plugin: real databases for storage tests, SQLite always, PostgreSQL on request.

Fixtures:

* ``db_url`` — an empty database, parametrised ``[sqlite]`` (a file in ``tmp_path``)
  and ``[postgres]`` (a fresh database on the server named by
  ``$NEWSCRAWL_TEST_POSTGRES_URL``; skipped when that is unset).
* ``migrated_db_url`` — ``db_url`` after ``alembic upgrade head``.

:func:`fresh_postgres_database` is the same PostgreSQL set-up as a plain context
manager, for tests that need a database outside these fixtures.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

POSTGRES_URL_ENV = "NEWSCRAWL_TEST_POSTGRES_URL"
_SKIP_POSTGRES = f"PostgreSQL tests need ${POSTGRES_URL_ENV} (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)"


@contextmanager
def fresh_postgres_database(server_url: str | None = None) -> Iterator[str]:
    """Create an empty, uniquely named PostgreSQL database and drop it afterwards.

    Args:
        server_url: Any URL on the server (its database name is ignored); defaults
            to ``$NEWSCRAWL_TEST_POSTGRES_URL``.

    Yields:
        The new database's URL, password included.

    Raises:
        RuntimeError: No URL given and the environment variable is unset.
    """
    server_url = server_url or os.environ.get(POSTGRES_URL_ENV)
    if not server_url:
        raise RuntimeError(_SKIP_POSTGRES)
    server = make_url(server_url)
    name = f"newscrawl_test_{uuid.uuid4().hex[:12]}"
    # CREATE/DROP DATABASE cannot run in a transaction, and must not run while
    # connected to the database itself: use the maintenance database.
    admin = create_engine(
        server.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool
    )
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            yield server.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                # Engines a test forgot to dispose (or a killed worker) would block DROP.
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        " WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": name},
                )
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
    finally:
        admin.dispose()


@pytest.fixture(
    params=[
        pytest.param("sqlite"),
        pytest.param("postgres", marks=pytest.mark.postgres),
    ]
)
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of an empty database: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("db") / "newscrawl.db"
        yield f"sqlite:///{path}"
        return
    if not os.environ.get(POSTGRES_URL_ENV):
        pytest.skip(_SKIP_POSTGRES)
    with fresh_postgres_database() as url:
        yield url


@pytest.fixture
def migrated_db_url(db_url: str) -> str:
    """``db_url`` migrated to the newest schema."""
    from storage import migrate

    migrate.upgrade(db_url)
    return db_url
