"""Alembic environment: run by :mod:`storage.migrate`, never by an ``alembic.ini``.

The database URL comes from ``config.attributes`` (see
:func:`storage.migrate.alembic_config`), falling back to the ``sqlalchemy.url``
option and then to :func:`storage.db.database_url` so the plain ``alembic``
command works with ``-x``-less setups too.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from storage.db import WRITE_TRANSACTION, database_url, make_engine
from storage.migrate import URL_ATTRIBUTE
from storage.models import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    return (
        config.attributes.get(URL_ATTRIBUTE)
        or config.get_main_option("sqlalchemy.url")
        or database_url(None)
    )


def run_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    engine = make_engine(_url())
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                # Batch migrations copy and drop tables, which foreign keys would
                # block or cascade; the pragma only works outside a transaction,
                # hence the driver connection. Integrity is checked afterwards.
                conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
                conn.execution_options(**{WRITE_TRANSACTION: True})
            context.configure(
                connection=conn,
                target_metadata=target_metadata,
                render_as_batch=True,
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
                if conn.dialect.name == "sqlite":
                    problems = conn.execute(text("PRAGMA foreign_key_check")).all()
                    if problems:
                        raise RuntimeError(f"migration broke foreign keys: {problems[:5]}")
            # Something may have auto-begun the transaction before begin_transaction(),
            # in which case Alembic leaves committing to us.
            if conn.in_transaction():
                conn.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
