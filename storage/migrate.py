"""Schema migrations: Alembic driven from code, no ``alembic.ini``.

The scripts live in ``storage/migrations``; the database URL is handed to
``env.py`` through the Alembic :class:`~alembic.config.Config` object, so the CLI,
the daemon's start-up check and the tests all migrate the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from storage.db import make_engine
from storage.models import Base

MIGRATIONS_DIR = Path(__file__).resolve().with_name("migrations")

#: Key of :attr:`alembic.config.Config.attributes` that carries the database URL.
URL_ATTRIBUTE = "newscrawl_database_url"


def alembic_config(url: str | None = None) -> Config:
    """Return an Alembic config for our scripts, optionally bound to ``url``.

    The URL travels in ``config.attributes`` rather than the ``sqlalchemy.url``
    option, whose ConfigParser interpolation would choke on ``%`` in passwords.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        config.attributes[URL_ATTRIBUTE] = url
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the database at ``url`` up to ``revision`` (default: the newest)."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    """Migrate the database at ``url`` down to ``revision`` (``"base"``: empty)."""
    command.downgrade(alembic_config(url), revision)


def head() -> str:
    """Return the newest revision id of the migration scripts."""
    revision = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if revision is None:  # pragma: no cover - the package ships 0001
        raise RuntimeError(f"no migrations in {MIGRATIONS_DIR}")
    return revision


def current(url: str) -> str | None:
    """Return the database's revision, or ``None`` for a database never migrated."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def is_at_head(url: str) -> bool:
    """Return whether the database at ``url`` is migrated to :func:`head`."""
    return current(url) == head()


def schema_diff(url: str) -> list[Any]:
    """Return Alembic's differences between the models and the database (empty: in sync).

    This is what ``alembic check`` reports; views are not compared.
    """
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()
