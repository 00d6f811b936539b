"""Values from config, the command line and crawled pages reach SQL only as bound
parameters: hostile text is stored verbatim and never executed."""

from __future__ import annotations

import ast
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from storage.db import make_engine
from storage.repository import Repository
from tests.crawling import REPO, newscrawl
from tests.fault_server import article_html, korean_paragraphs, site_toml
from tests.http_server import FakeSite, FakeSiteServer

INJECTION = "Robert'); DROP TABLE articles; --"
HOSTILE_TITLE = f"따옴표 \"시험\" 기사 '; DROP TABLE articles; -- {INJECTION} \\ %s %(x)s :title ? $1"
HOSTILE_NAME = "Evil News'); DELETE FROM sites; --"
BASE = "https://www.sqlnews.test"
TABLES = {"articles", "article_revisions", "crawl_runs", "sites"}

# Building SQL text by formatting is refused everywhere but in migrations, whose DDL
# is assembled from constants in the migration file itself.
_SQL_CALLS = {"text", "exec_driver_sql", "execute", "executemany", "executescript"}
_EXEMPT = ("storage/migrations/",)


def _constant(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return not any(isinstance(v, ast.FormattedValue) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _constant(node.left) and _constant(node.right)
    return False


def _formatted(node: ast.AST) -> bool:
    """An f-string, ``%``, ``+`` or ``.format`` that puts a non-constant into SQL text."""
    if isinstance(node, ast.JoinedStr | ast.BinOp):
        return not _constant(node)
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"


def test_no_sql_is_built_by_formatting_values() -> None:
    offenders = []
    for package in ("crawler", "storage", "scheduler", "config"):
        for path in sorted((REPO / package).rglob("*.py")):
            relative = path.relative_to(REPO).as_posix()
            if relative.startswith(_EXEMPT):
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (isinstance(node, ast.Call) and node.args):
                    continue
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if name in _SQL_CALLS and _formatted(node.args[0]):
                    offenders.append(f"{relative}:{node.lineno}")
    assert not offenders, f"SQL built by string formatting: {offenders}"


def _hostile_article(url: str) -> dict:
    now = datetime(2024, 11, 12, tzinfo=UTC)
    return {
        "url": url, "site": "sqlnews", "canonical_url": url, "title": HOSTILE_TITLE,
        "subtitle": "'; UPDATE articles SET title = 'pwned'; --", "summary": None,
        "body": f"본문 {INJECTION}\n\n두 번째 문단 \"인용\" 'x' OR '1'='1",
        "published_at": now, "published_raw": "2024-11-12", "modified_at": None, "modified_raw": None,
        "section": "'; --", "language": "ko", "extractor": "test",
        "reporters": [{"name": INJECTION, "email": "a'b@example.com", "role": "기자"}],
        "tags": [INJECTION], "images": [], "related_links": [{"url": url, "title": HOSTILE_TITLE}],
        "fetched_at": now, "provenance": {"title": INJECTION},
    }


def test_repository_stores_hostile_values_verbatim(migrated_db_url: str) -> None:
    engine = make_engine(migrated_db_url)
    try:
        repository = Repository(engine)
        repository.sync_sites([{"id": "sqlnews", "name": HOSTILE_NAME, "base_url": BASE + "/'--",
                                "family": "generic", "enabled": True}])
        url = BASE + "/it's-'%3B-drop/"
        assert repository.upsert_article(_hostile_article(url)) == "new"
        assert repository.upsert_article(_hostile_article(url)) == "unchanged"
        stored = repository.get_article(url)
        run = repository.start_run("sqlnews", "cli")
        repository.finish_run(run, status="finished", finish_reason=INJECTION, counts={},
                              items_dropped={INJECTION: 1}, errors={INJECTION: 1}, stats={INJECTION: INJECTION})
    finally:
        engine.dispose()
    assert stored["title"] == HOSTILE_TITLE
    assert stored["subtitle"] == "'; UPDATE articles SET title = 'pwned'; --"
    assert INJECTION in stored["body"]
    _assert_intact(migrated_db_url)
    with create_engine(migrated_db_url).connect() as conn:
        assert conn.execute(text("SELECT name FROM sites")).scalar_one() == HOSTILE_NAME
        row = conn.execute(text("SELECT finish_reason, errors FROM crawl_runs")).one()
        assert row.finish_reason == INJECTION
        errors = json.loads(row.errors) if isinstance(row.errors, str) else row.errors
        assert errors == {INJECTION: 1}


def _assert_intact(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        assert TABLES <= set(inspect(engine).get_table_names())
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM articles")).scalar_one() >= 1
            assert conn.execute(text("SELECT count(*) FROM articles WHERE title = 'pwned'")).scalar_one() == 0
    finally:
        engine.dispose()


@pytest.mark.e2e
def test_hostile_page_config_and_cli_values_are_bound(tmp_path: Path, db_url: str) -> None:
    site = FakeSite(base_url=BASE)
    site.add(article_html(BASE, "sql-injection-test", HOSTILE_TITLE, korean_paragraphs(7)))
    site.add(article_html(BASE, "plain-article", "평범한 기사 제목입니다", korean_paragraphs(8)))
    sites = tmp_path / "sites"
    sites.mkdir()
    toml = site_toml("sqlnews", BASE).replace('name = "sqlnews"', "name = " + json.dumps(HOSTILE_NAME))
    (sites / "sqlnews.toml").write_text(toml, encoding="utf-8")
    config = tmp_path / "newscrawl.toml"
    config.write_text('sites_dir = "sites"\n', encoding="utf-8")
    with FakeSiteServer(site) as server:
        newscrawl("crawl", "sqlnews", "--config", str(config), "--db", db_url,
                  "--resolve", f"www.sqlnews.test={server.address}", check=True)
    _assert_intact(db_url)
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            titles = set(conn.execute(text("SELECT title FROM articles")).scalars())
            name = conn.execute(text("SELECT name FROM sites WHERE id = 'sqlnews'")).scalar_one()
    finally:
        engine.dispose()
    assert HOSTILE_TITLE in titles and len(titles) == 2
    assert name == HOSTILE_NAME

    # CLI values are bound too: an injected --site matches nothing and breaks nothing.
    injected = newscrawl("articles", "--db", db_url, "--site", "sqlnews' OR '1'='1", "--json", check=True)
    assert json.loads(injected.stdout) == []
    listed = newscrawl("articles", "--db", db_url, "--site", "sqlnews", "--json", check=True)
    assert HOSTILE_TITLE in {a["title"] for a in json.loads(listed.stdout)}
    _assert_intact(db_url)
