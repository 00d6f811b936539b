from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import delete, insert, select, text
from sqlalchemy.exc import DBAPIError

from storage.db import (
    DEFAULT_DATABASE_URL,
    database_url,
    is_sqlite,
    make_engine,
    redact_url,
)
from storage.models import CrawlRun
from storage.repository import Repository

KST = timezone(timedelta(hours=9))


def test_database_url_prefers_explicit_then_env_then_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSCRAWL_DATABASE_URL", raising=False)
    assert database_url(None) == DEFAULT_DATABASE_URL == "sqlite:///var/newscrawl.db"
    monkeypatch.setenv("NEWSCRAWL_DATABASE_URL", "sqlite:///from-env.db")
    assert database_url(None) == "sqlite:///from-env.db"
    assert database_url("sqlite:///explicit.db") == "sqlite:///explicit.db"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql+psycopg://crawler:s3cr%40t@db:5432/news", "postgresql+psycopg://crawler:***@db:5432/news"),
        ("postgresql+psycopg://postgres@127.0.0.1/test", "postgresql+psycopg://postgres@127.0.0.1/test"),
        ("sqlite:///var/newscrawl.db", "sqlite:///var/newscrawl.db"),
        ("not a url://user:pw@host", "not a url://user:***@host"),
    ],
)
def test_redact_url_hides_passwords(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_sqlite_engine_creates_parent_dir_and_sets_pragmas(tmp_path: Path) -> None:
    db = tmp_path / "nested" / "dir" / "x.db"
    engine = make_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            pragmas = {
                name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
            }
        assert db.parent.is_dir()
        assert is_sqlite(engine)
        # synchronous: 1 == NORMAL
        assert pragmas == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 30000, "synchronous": 1}
    finally:
        engine.dispose()


def test_default_relative_sqlite_url_is_relative_to_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    engine = make_engine(DEFAULT_DATABASE_URL)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    finally:
        engine.dispose()
    assert (tmp_path / "var" / "newscrawl.db").is_file()


def test_readonly_engine_refuses_writes(migrated_db_url: str) -> None:
    writer = make_engine(migrated_db_url)
    run_id = Repository(writer).start_run("tech42", "cli")
    writer.dispose()

    reader = make_engine(migrated_db_url, readonly=True)
    try:
        with reader.connect() as conn:
            assert conn.execute(select(CrawlRun.site).where(CrawlRun.id == run_id)).scalar_one() == "tech42"
        for statement in (
            insert(CrawlRun).values(
                site="x", trigger="cli", started_at=datetime.now(timezone.utc),
                items_dropped={}, errors={}, stats={},
            ),
            delete(CrawlRun),
        ):
            with pytest.raises(DBAPIError, match="(?i)read.?only"), reader.begin() as conn:
                conn.execute(statement)
        with pytest.raises(DBAPIError, match="(?i)read.?only"), reader.begin() as conn:
            conn.execute(text("CREATE TABLE sneaky (id INTEGER)"))
    finally:
        reader.dispose()

    check = make_engine(migrated_db_url)
    try:
        with check.connect() as conn:
            assert conn.execute(select(CrawlRun.id)).scalars().all() == [run_id]
    finally:
        check.dispose()


def test_readonly_sqlite_path_with_uri_characters(tmp_path: Path) -> None:
    db = tmp_path / "we?ird #dir%" / "x.db"
    writer = make_engine(f"sqlite:///{db}")
    with writer.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (v TEXT)")
        conn.exec_driver_sql("INSERT INTO t VALUES ('ok')")
    writer.dispose()
    reader = make_engine(f"sqlite:///{db}", readonly=True)
    try:
        with reader.connect() as conn:
            assert conn.exec_driver_sql("SELECT v FROM t").scalar() == "ok"
        with pytest.raises(DBAPIError, match="readonly"), reader.begin() as conn:
            conn.exec_driver_sql("INSERT INTO t VALUES ('no')")
    finally:
        reader.dispose()


def test_timestamps_round_trip_as_aware_utc(migrated_db_url: str) -> None:
    engine = make_engine(migrated_db_url)
    started = datetime(2024, 5, 1, 9, 30, 0, tzinfo=KST)
    try:
        with engine.begin() as conn:
            conn.execute(
                insert(CrawlRun).values(
                    site="tech42", trigger="cli", started_at=started,
                    items_dropped={}, errors={}, stats={},
                )
            )
        with engine.connect() as conn:
            value = conn.execute(select(CrawlRun.started_at)).scalar_one()
            raw = conn.execute(text("SELECT started_at FROM crawl_runs")).scalar_one()
        assert value == started
        assert value.tzinfo == timezone.utc
        assert value.isoformat() == "2024-05-01T00:30:00+00:00"
        if is_sqlite(engine):
            assert raw == "2024-05-01 00:30:00+00:00"
    finally:
        engine.dispose()


def test_naive_datetimes_are_refused(migrated_db_url: str) -> None:
    engine = make_engine(migrated_db_url)
    try:
        with pytest.raises(Exception, match="no time zone"), engine.begin() as conn:
            conn.execute(
                insert(CrawlRun).values(
                    site="tech42", trigger="cli", started_at=datetime(2024, 5, 1, 9, 30),
                    items_dropped={}, errors={}, stats={},
                )
            )
    finally:
        engine.dispose()


def test_sqlite_timestamp_text_sorts_and_compares_in_plain_sql(tmp_path: Path) -> None:
    from storage import migrate

    url = f"sqlite:///{tmp_path / 'x.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    base = datetime(2024, 5, 1, 0, 0, 0, tzinfo=timezone.utc)
    times = [
        base + timedelta(microseconds=500),
        base,
        base + timedelta(seconds=1),
        base - timedelta(microseconds=1),
        datetime(2024, 5, 1, 8, 59, 58, 250000, tzinfo=KST),
    ]
    try:
        with engine.begin() as conn:
            for i, started in enumerate(times):
                conn.execute(
                    insert(CrawlRun).values(
                        site=f"s{i}", trigger="cli", started_at=started,
                        items_dropped={}, errors={}, stats={},
                    )
                )
        with engine.connect() as conn:
            by_text = conn.exec_driver_sql("SELECT site FROM crawl_runs ORDER BY started_at").scalars().all()
            newer = conn.exec_driver_sql(
                "SELECT count(*) FROM crawl_runs WHERE started_at >= '2024-05-01 00:00:00'"
            ).scalar()
            recent = conn.exec_driver_sql(
                "SELECT count(*) FROM crawl_runs WHERE started_at >= datetime('now', '-1 day')"
            ).scalar()
        expected = [f"s{i}" for i, _ in sorted(enumerate(times), key=lambda pair: pair[1])]
        assert by_text == expected
        assert newer == 3
        assert recent == 0
    finally:
        engine.dispose()
