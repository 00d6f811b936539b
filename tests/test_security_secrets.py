"""A database password never shows: not in the crawl's log (even at DEBUG), not in
``crawl_runs`` or any other table, not in error messages, not in a child crawl's
command line (where ``ps`` would show it to every user of the machine)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from tests.crawling import REPO, newscrawl
from tests.db_fixtures import POSTGRES_URL_ENV, fresh_postgres_database
from tests.fault_server import generated_site, site_toml
from tests.http_server import FakeSiteServer

BASE = "https://www.secretnews.test"


@pytest.mark.parametrize("command", [
    ("crawl", "faulty"), ("sql", "SELECT 1"), ("db", "upgrade"), ("db", "current"), ("articles",),
])
def test_connection_errors_do_not_show_the_password(tmp_path: Path, command: tuple[str, ...]) -> None:
    password = "pw-" + secrets.token_hex(8)
    config = _config(tmp_path, ["faulty"])
    url = f"postgresql+psycopg://newscrawl:{password}@127.0.0.1:1/newscrawl"  # port 1: refused
    result = newscrawl(*command, "--db", url, *(("--config", str(config)) if command[0] != "db" else ()))
    assert result.returncode != 0
    assert password not in result.stdout + result.stderr


@pytest.fixture
def password_url():
    """A fresh PostgreSQL database owned by a new role that has a password."""
    server = os.environ.get(POSTGRES_URL_ENV)
    if not server:
        pytest.skip(f"needs ${POSTGRES_URL_ENV}")
    role = "newscrawl_secret_" + secrets.token_hex(4)
    password = "Pw-" + secrets.token_hex(12) + "-S3cr3t"
    admin = create_engine(make_url(server).set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
    try:
        with fresh_postgres_database() as url:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'ALTER DATABASE "{make_url(url).database}" OWNER TO {role}')
            yield make_url(url).set(username=role, password=password).render_as_string(hide_password=False), password
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP ROLE IF EXISTS {role}")
        admin.dispose()


def _config(tmp_path: Path, site_ids: list[str]) -> Path:
    sites = tmp_path / "sites"
    sites.mkdir(exist_ok=True)
    for site_id in site_ids:
        (sites / f"{site_id}.toml").write_text(site_toml(site_id, BASE), encoding="utf-8")
    config = tmp_path / "newscrawl.toml"
    config.write_text('sites_dir = "sites"\nlog_level = "DEBUG"\n', encoding="utf-8")
    return config


def _all_rows_as_text(url: str) -> str:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tables = conn.execute(text(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            )).scalars().all()
            dump = []
            for table in tables:
                dump += [str(tuple(row)) for row in conn.execute(text(f'SELECT * FROM "{table}"'))]
            return "\n".join(dump)
    finally:
        engine.dispose()


@pytest.mark.e2e
@pytest.mark.postgres
def test_a_crawl_never_shows_the_database_password(tmp_path: Path, password_url) -> None:
    url, password = password_url
    site = generated_site(BASE, 4)
    with FakeSiteServer(site) as server:
        config = _config(tmp_path, ["secretnews"])
        result = newscrawl("crawl", "secretnews", "--config", str(config), "--db", url, "--log-level", "DEBUG",
                           "--resolve", f"www.secretnews.test={server.address}")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Spider closed" in result.stderr and "DEBUG" in result.stderr
    assert password not in result.stdout + result.stderr
    dump = _all_rows_as_text(url)
    assert "secretnews" in dump and "생성 기사" in dump  # the dump does contain the crawl
    assert password not in dump


@pytest.mark.e2e
def test_child_crawls_do_not_get_the_url_on_their_command_line(tmp_path: Path) -> None:
    """``crawl --all`` starts one child per site; the database URL travels in the
    environment, so no process's argv ever holds it."""
    site = generated_site(BASE, 4, delay=0.3)
    marker = "marker-" + secrets.token_hex(6)
    # A SQLite path carrying a marker stands in for a URL with a password: the question
    # is only whether the URL reaches a command line.
    db_dir = tmp_path / marker
    url = f"sqlite:///{db_dir}/db.sqlite"
    seen: list[str] = []
    with FakeSiteServer(site) as server:
        config = _config(tmp_path, ["secretnews", "secretnews2"])
        env = {k: v for k, v in os.environ.items() if k not in ("NEWSCRAWL_DATABASE_URL", "NEWSCRAWL_CONFIG")}
        parent = subprocess.Popen(
            [sys.executable, "-m", "crawler", "crawl", "--all", "--config", str(config),
             "--resolve", f"www.secretnews.test={server.address}"],
            cwd=REPO, env={**env, "NEWSCRAWL_DATABASE_URL": url},
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        stop = threading.Event()
        watcher = threading.Thread(target=_watch_cmdlines, args=(parent.pid, stop, seen), daemon=True)
        watcher.start()
        output, _ = parent.communicate(timeout=120)
        stop.set()
        watcher.join()
    assert parent.returncode == 0, output[-3000:]
    assert "secretnews: exit 0" in output and "secretnews2: exit 0" in output
    assert any("crawl" in cmd and "secretnews" in cmd for cmd in seen), seen  # children were observed
    assert not [cmd for cmd in seen if marker in cmd]


def _watch_cmdlines(root: int, stop: threading.Event, seen: list[str]) -> None:
    while not stop.is_set():
        for pid in _descendants(root):
            try:
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if cmd not in seen:
                seen.append(cmd)
        time.sleep(0.05)


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found
