from typing import Any

from sqlalchemy import inspect, text

from storage import migrate
from storage.db import make_engine
from storage.models import Base

VIEWS = {"v_articles", "v_recent_runs", "v_source_health", "v_duplicates", "v_frontier"}


def schema(url: str) -> tuple[set[str], set[str]]:
    engine = make_engine(url)
    try:
        inspector: Any = inspect(engine)
        return set(inspector.get_table_names()), set(inspector.get_view_names())
    finally:
        engine.dispose()


def test_upgrade_creates_tables_and_views_at_head(db_url: str) -> None:
    assert migrate.current(db_url) is None
    assert not migrate.is_at_head(db_url)
    migrate.upgrade(db_url)
    assert migrate.current(db_url) == migrate.head() == "0003"
    assert migrate.is_at_head(db_url)
    tables, views = schema(db_url)
    assert tables == set(Base.metadata.tables) | {"alembic_version"}
    assert views == VIEWS


def test_models_and_migrations_agree(migrated_db_url: str) -> None:
    assert migrate.schema_diff(migrated_db_url) == []


def test_schema_diff_notices_drift(migrated_db_url: str) -> None:
    # The agreement test above is only meaningful if a real difference shows up.
    engine = make_engine(migrated_db_url)
    with engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_articles_content_hash"))
    engine.dispose()
    diff = migrate.schema_diff(migrated_db_url)
    assert [entry[0] for entry in diff] == ["add_index"]
    assert diff[0][1].name == "ix_articles_content_hash"


def test_downgrade_then_upgrade_round_trip(migrated_db_url: str) -> None:
    migrate.downgrade(migrated_db_url, "base")
    assert migrate.current(migrated_db_url) is None
    assert schema(migrated_db_url) == ({"alembic_version"}, set())

    migrate.upgrade(migrated_db_url)
    assert migrate.is_at_head(migrated_db_url)
    assert schema(migrated_db_url)[1] == VIEWS
    assert migrate.schema_diff(migrated_db_url) == []
    engine = make_engine(migrated_db_url)
    try:
        with engine.connect() as conn:
            for view in sorted(VIEWS):
                assert conn.execute(text(f"SELECT * FROM {view}")).all() == []
    finally:
        engine.dispose()


def test_upgrade_is_idempotent(migrated_db_url: str) -> None:
    migrate.upgrade(migrated_db_url)
    assert migrate.current(migrated_db_url) == migrate.head()


def test_migrations_ship_inside_the_package() -> None:
    assert (migrate.MIGRATIONS_DIR / "env.py").is_file()
    assert (migrate.MIGRATIONS_DIR / "versions" / "0001_initial.py").is_file()
    assert migrate.alembic_config().get_main_option("script_location") == str(migrate.MIGRATIONS_DIR)
