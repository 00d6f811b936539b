"""Migration 0003's index on ``articles.url``: ``Repository.get_article`` of a URL that is
not stored searches it instead of reading the whole table (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest
from sqlalchemy import event, inspect, insert, text
from sqlalchemy.engine import Engine

from storage import migrate
from storage.db import make_engine
from storage.dedup import url_key
from storage.models import Article
from storage.repository import Repository

INDEX = "ix_articles_url"
# Enough rows that PostgreSQL's planner, with statistics, prices a sequential scan above
# the index; on a near-empty table a scan is the cheaper plan and the test would say nothing.
ROWS = 2000
UNKNOWN = "https://tech42.example/news/not-stored/"


def _articles(count: int) -> list[dict[str, Any]]:
    now = datetime(2024, 5, 1, tzinfo=timezone.utc)
    rows = []
    for n in range(count):
        # Every other article fetched through a shortlink: keyed by its canonical URL, so
        # only the fallback by fetched URL (and the partial index) can find it by that.
        canonical = f"https://tech42.example/news/{n}/"
        url = f"https://tech42.example/?p={n}" if n % 2 else canonical
        rows.append({
            "site": "tech42", "url": url, "url_key": url_key(canonical), "canonical_url": canonical,
            "title": f"기사 {n}", "body": f"본문 {n}.", "reporters": [], "tags": [], "images": [],
            "related_links": [], "provenance": {}, "content_hash": f"{n:064x}",
            "first_seen_at": now, "last_seen_at": now, "fetched_at": now, "updated_at": now,
        })
    return rows


@pytest.fixture
def engine(migrated_db_url: str) -> Iterator[Engine]:
    engine = make_engine(migrated_db_url)
    with engine.begin() as conn:
        conn.execute(insert(Article), _articles(ROWS))
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            # ANALYZE cannot run in a transaction block.
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE articles")
        else:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
    yield engine
    engine.dispose()


def url_indexes(engine: Engine) -> list[dict[str, Any]]:
    inspector: Any = inspect(engine)
    return [ix for ix in inspector.get_indexes("articles") if ix["column_names"] == ["url"]]


def fallback_statement(engine: Engine, url: str) -> tuple[str, Any]:
    """The SQL and parameters ``get_article(url)`` sends for its ``WHERE url = …`` lookup,
    as the driver got them, so the plan examined is that of the repository's own query."""
    sent: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert Repository(engine).get_article(url) is None
    finally:
        event.remove(engine, "before_cursor_execute", record)
    by_url = [(sql, params) for sql, params in sent if "articles.url =" in sql]
    assert len(by_url) == 1, sent
    return by_url[0]


def plan(engine: Engine, url: str) -> str:
    statement, parameters = fallback_statement(engine, url)
    explain = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(explain + statement, parameters).all()
    # SQLite: (id, parent, notused, detail); PostgreSQL: one plan line per row.
    return "\n".join(str(row[-1]) for row in rows)


def uses_url_index(engine: Engine, plan_text: str) -> bool:
    if engine.dialect.name == "sqlite":
        # e.g. "SEARCH articles USING INDEX ix_articles_url (url=?)" (or COVERING INDEX)
        return f"INDEX {INDEX} (url=?)" in plan_text and "SCAN articles" not in plan_text
    # e.g. "Index Scan using ix_articles_url on articles" (or a bitmap scan on it)
    return f"{INDEX} on articles" in plan_text and "Seq Scan" not in plan_text


def test_migrated_database_has_the_url_index(engine: Engine) -> None:
    assert [(ix["name"], bool(ix["unique"])) for ix in url_indexes(engine)] == [(INDEX, False)]
    assert INDEX in {ix.name for ix in Article.__table__.indexes}


def test_lookup_of_a_url_not_stored_searches_the_index(engine: Engine) -> None:
    plan_text = plan(engine, UNKNOWN)
    assert uses_url_index(engine, plan_text), plan_text


def test_downgrade_to_0002_drops_the_index_and_upgrade_restores_it(engine: Engine) -> None:
    url = engine.url.render_as_string(hide_password=False)
    migrate.downgrade(url, "0002")
    # Fresh connections after each migration: Python's sqlite3 keeps prepared statements
    # per connection, and a prepared EXPLAIN is not re-prepared on a schema change (it opens
    # no transaction, so SQLite never checks the schema cookie): it would show the old plan.
    engine.dispose()
    assert migrate.current(url) == "0002"
    assert url_indexes(engine) == []
    # The check above is only meaningful if the plan really changes without the index.
    assert not uses_url_index(engine, plan(engine, UNKNOWN))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM articles")).scalar_one() == ROWS

    migrate.upgrade(url)
    engine.dispose()
    assert migrate.current(url) == migrate.head() == "0003"
    assert [ix["name"] for ix in url_indexes(engine)] == [INDEX]
    assert migrate.schema_diff(url) == []
    assert uses_url_index(engine, plan(engine, UNKNOWN))


def test_an_article_is_found_by_the_shortlink_it_was_fetched_from(engine: Engine) -> None:
    repo = Repository(engine)
    found = repo.get_article("https://tech42.example/?p=7")
    assert found is not None and found["canonical_url"] == "https://tech42.example/news/7/"
    assert repo.get_article("https://tech42.example/news/8/")["url"] == "https://tech42.example/news/8/"
    assert repo.get_article("https://tech42.example/?p=8") is None  # article 8 was not fetched that way


def test_only_rows_fetched_at_another_url_are_indexed(engine: Engine) -> None:
    where = {ix["name"]: ix.get("dialect_options", {}) for ix in url_indexes(engine)}[INDEX]
    assert "canonical_url" in str(where.get("sqlite_where", where.get("postgresql_where"))), where
