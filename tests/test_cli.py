"""The command line as people use it: child processes, real databases."""

from __future__ import annotations

import socket
from pathlib import Path

import click
import pytest
from sqlalchemy import create_engine, text

from crawler.cli import main
from tests.crawling import newscrawl, write_config


def commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in group.commands.items():
        found.append((prefix + name, command))
        if isinstance(command, click.Group):
            found.extend(commands(command, prefix + name + " "))
    return found


@pytest.mark.parametrize(("name", "command"), commands(main), ids=lambda v: v if isinstance(v, str) else "")
def test_every_command_has_help_with_an_example(name: str, command: click.Command) -> None:
    assert command.help and "Example" in command.help, f"newscrawl {name}: help needs an example"


def test_help_runs() -> None:
    result = newscrawl("crawl", "--help", check=True)
    assert "--resolve" in result.stdout and "Example" in result.stdout


def seed_database(db_url: str) -> None:
    newscrawl("db", "upgrade", "--db", db_url, check=True)
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO articles (site, url, url_key, title, body, content_hash, revision, reporters, tags, images, related_links, provenance, first_seen_at, last_seen_at, fetched_at, updated_at) "
                 "VALUES ('tech42', 'https://www.tech42.co.kr/a/', 'tech42.co.kr/a/', '제목', '본문', 'h', 1, '[]', '[]', '[]', '[]', '{}', :t, :t, :t, :t)"),
            {"t": "2024-01-01 00:00:00+00:00"},
        )
    engine.dispose()


def article_count(db_url: str) -> int:
    engine = create_engine(db_url)
    with engine.connect() as conn:
        n = conn.execute(text("SELECT count(*) FROM articles")).scalar_one()
    engine.dispose()
    return n


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM articles",
        "UPDATE articles SET title = 'x'",
        "DROP TABLE articles",
        "INSERT INTO sites (id, name, base_url, family, enabled) VALUES ('x', 'x', 'x', 'x', true)",
        "SELECT 1; DELETE FROM articles",
    ],
)
def test_sql_is_read_only(db_url: str, statement: str) -> None:
    seed_database(db_url)
    result = newscrawl("sql", statement, "--db", db_url)
    assert result.returncode == 1
    assert "Error:" in result.stderr and "Traceback" not in result.stderr
    assert article_count(db_url) == 1


def test_sql_delete_message(db_url: str) -> None:
    seed_database(db_url)
    result = newscrawl("sql", "DELETE FROM articles", "--db", db_url)
    assert "read-only" in result.stderr and "nothing was changed" in result.stderr
    assert article_count(db_url) == 1


def test_sql_select_as_json_and_table(db_url: str) -> None:
    seed_database(db_url)
    as_json = newscrawl("sql", "SELECT title, url FROM articles", "--db", db_url, "--json", check=True)
    assert '"title": "제목"' in as_json.stdout
    table = newscrawl("articles", "--db", db_url, check=True)
    assert "제목" in table.stdout and "(1 row)" in table.stdout


def test_sql_on_missing_sqlite_file_is_a_clear_error(tmp_path: Path) -> None:
    result = newscrawl("sql", "SELECT 1", "--db", f"sqlite:///{tmp_path}/none.db")
    assert result.returncode == 1 and "no database at" in result.stderr
    assert not (tmp_path / "none.db").exists()


def test_bad_config_is_one_line_and_exit_1(tmp_path: Path) -> None:
    config = write_config(tmp_path, site_overrides={"tech42": "\n[bogus]\nx = 1\n"})
    result = newscrawl("crawl", "tech42", "--config", str(config), "--db", f"sqlite:///{tmp_path}/db.sqlite")
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert "tech42.toml: bogus: unknown key" in result.stderr


def test_unknown_site_and_bad_resolve(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    db = f"sqlite:///{tmp_path}/db.sqlite"
    result = newscrawl("crawl", "nosuch", "--config", str(config), "--db", db)
    assert result.returncode == 1 and "unknown site 'nosuch'" in result.stderr
    result = newscrawl("crawl", "tech42", "--config", str(config), "--db", db, "--resolve", "nonsense")
    assert result.returncode == 2 and "HOST=ADDR:PORT" in result.stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.e2e
def test_dead_server_fails_the_run_and_says_why(tmp_path: Path) -> None:
    config = write_config(tmp_path, site_overrides={"tech42": ""})
    db = f"sqlite:///{tmp_path}/db.sqlite"
    result = newscrawl("crawl", "tech42", "--config", str(config), "--db", db,
                       "--resolve", f"www.tech42.co.kr=127.0.0.1:{free_port()}")
    assert result.returncode == 0 or result.returncode == 2
    engine = create_engine(db)
    with engine.connect() as conn:
        run = conn.execute(text("SELECT status, errors FROM crawl_runs")).one()
    engine.dispose()
    assert run.status == "failed"
    assert "ConnectionRefusedError" in run.errors


def test_extract_a_file(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html lang=ko><head><title>삼성전자, 2나노 공정 양산 앞당긴다 - 사이트</title>"
        "<meta property='og:type' content='article'><meta property='og:title' content='삼성전자, 2나노 공정 양산 앞당긴다'>"
        "<meta property='article:published_time' content='2024-03-16T10:00:00+09:00'></head>"
        "<body><article><h1>삼성전자, 2나노 공정 양산 앞당긴다</h1><p>" + "삼성전자가 2나노 공정의 양산 시점을 앞당긴다고 밝혔다. " * 12
        + "</p><p>홍길동 기자 hong@example.com</p></article></body></html>",
        encoding="utf-8",
    )
    result = newscrawl("extract", str(page), "--url", "https://example.com/news/articleView.html?idxno=1234", check=True)
    assert '"title": "삼성전자, 2나노 공정 양산 앞당긴다"' in result.stdout
    assert '"published_at": "2024-03-16T' in result.stdout
    missing = newscrawl("extract", str(tmp_path / "none.html"))
    assert missing.returncode == 1 and "no such file" in missing.stderr


@pytest.mark.parametrize(
    "url",
    ["postgresql+psycopg://newscrawl:s3cret@127.0.0.1:{port}/nc", "sqlite:////proc/newscrawl-cannot-live-here.db"],
    ids=["postgres-down", "sqlite-unwritable"],
)
def test_unusable_database_is_one_line_without_password(tmp_path: Path, url: str) -> None:
    config = write_config(tmp_path)
    result = newscrawl("crawl", "tech42", "--config", str(config), "--db", url.format(port=free_port()))
    assert result.returncode == 1
    assert result.stderr.startswith("Error: cannot use the database:")
    assert "Traceback" not in result.stderr and "s3cret" not in result.stderr + result.stdout
