"""Incremental and polite crawling over real HTTP (issue 5): conditional GETs, robots.txt,
Retry-After, the circuit breaker, re-checks that catch corrections, resumable backfill."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy.exc import OperationalError

from tests.crawling import REPO, newscrawl, query, write_config
from tests.http_server import FakeSite, FakeSiteServer, synthetic_article

pytestmark = pytest.mark.e2e

BASE = "https://www.tech42.co.kr"
PARAGRAPHS = ["인공지능 반도체 시장이 빠르게 커지고 있다. " * 6, "업계는 내년 투자를 늘릴 계획이다. " * 6]




def crawl_args(config: Path, db_url: str, server: FakeSiteServer, *extra: str) -> list[str]:
    return ["crawl", "tech42", "--config", str(config), "--db", db_url,
            "--resolve", f"www.tech42.co.kr={server.address}", *extra]


@pytest.fixture
def site_and_server():
    site = FakeSite.from_dir("tech42", BASE)
    with FakeSiteServer(site) as server:
        yield site, server


def test_unchanged_site_costs_conditional_gets_only(tmp_path: Path, site_and_server) -> None:
    site, server = site_and_server
    config, db = write_config(tmp_path), f"sqlite:///{tmp_path}/db.sqlite"
    newscrawl(*crawl_args(config, db, server), check=True)
    first = len(server.log)
    newscrawl(*crawl_args(config, db, server), check=True)
    second = server.log[first:]
    assert {e.path for e in second} == {"/robots.txt", "/feed", "/wp-sitemap.xml", "/"}, [e.path for e in second]
    assert all("If-None-Match" in e.headers for e in second if e.path != "/robots.txt")
    (run,) = query(db, "SELECT stats FROM crawl_runs ORDER BY id DESC LIMIT 1")
    stats = json.loads(run["stats"])
    assert stats["newscrawl/not_modified/feed"] == 1 and stats["newscrawl/not_modified/sitemap"] == 1
    assert stats["newscrawl/not_modified/listing"] == 1
    frontier = query(db, "SELECT kind, http_status FROM frontier WHERE kind != 'article' AND url LIKE '%/feed'")
    assert frontier == [{"kind": "feed", "http_status": 304}]


def test_robots_txt_disallow_is_obeyed(tmp_path: Path, site_and_server) -> None:
    site, server = site_and_server
    banned = next(iter(site.pages))
    site.robots = f"User-agent: *\nDisallow: {quote(banned)}\n"
    config, db = write_config(tmp_path), f"sqlite:///{tmp_path}/db.sqlite"
    newscrawl(*crawl_args(config, db, server), check=True)
    assert banned not in server.paths()
    urls = [r["url"] for r in query(db, "SELECT url FROM articles")]
    assert len(urls) == len(site.pages) - 1 and BASE + quote(banned) not in urls
    (run,) = query(db, "SELECT stats FROM crawl_runs")
    assert json.loads(run["stats"])["robotstxt/forbidden"] >= 1


def test_retry_after_is_waited_for(tmp_path: Path, site_and_server) -> None:
    site, server = site_and_server
    path = next(iter(site.pages))
    calls: list[float] = []

    def busy_then_ok(entry):
        calls.append(time.monotonic())
        if len(calls) == 1:
            return 503, {"Retry-After": "2", "Content-Type": "text/html"}, b"<html>busy</html>"
        return 200, {"Content-Type": "text/html; charset=UTF-8"}, site.pages[path].html.encode()

    site.responders[path] = busy_then_ok
    config, db = write_config(tmp_path), f"sqlite:///{tmp_path}/db.sqlite"
    newscrawl(*crawl_args(config, db, server), check=True)
    assert len(calls) == 2
    assert calls[1] - calls[0] >= 2.0, calls
    assert query(db, "SELECT count(*) AS n FROM articles WHERE url = :u", u=BASE + quote(path))[0]["n"] == 1


def test_consecutive_403s_stop_the_crawl_and_say_why(tmp_path: Path, site_and_server) -> None:
    site, server = site_and_server
    forbidden = lambda entry: (403, {"Content-Type": "text/html"}, b"<html>forbidden</html>")  # noqa: E731
    for path in [*site.pages, "/", "/wp-sitemap.xml"]:
        site.responders[path] = forbidden
    config, db = write_config(tmp_path), f"sqlite:///{tmp_path}/db.sqlite"
    result = newscrawl(*crawl_args(config, db, server))
    assert result.returncode == 2
    (run,) = query(db, "SELECT status, finish_reason, error FROM crawl_runs")
    assert run["status"] == "failed" and run["finish_reason"] == "circuit_breaker"
    assert run["error"].startswith("5 consecutive HTTP 403 responses")
    assert sum(1 for e in server.log if e.path in site.pages) <= 6


@pytest.mark.parametrize("changed", [True, False], ids=["changed", "unchanged"])
def test_recheck_of_a_recent_article(tmp_path: Path, site_and_server, changed: bool) -> None:
    site, server = site_and_server
    published = (datetime.now(UTC) - timedelta(hours=2)).replace(microsecond=0)
    page = site.add(synthetic_article(BASE, "방금-나온-기사", "방금 나온 기사", published.isoformat(), PARAGRAPHS))
    config = write_config(tmp_path, site_overrides={"tech42": ""})
    config.parent.joinpath("sites", "tech42.toml").write_text(
        config.parent.joinpath("sites", "tech42.toml").read_text(encoding="utf-8").replace(
            'time_limit = "30m"', 'time_limit = "30m"\nrecheck_after = ["1h", "24h"]'), encoding="utf-8")
    db = f"sqlite:///{tmp_path}/db.sqlite"
    newscrawl(*crawl_args(config, db, server), check=True)
    # As if the first fetch had happened 30 minutes after publication.
    query(db, "UPDATE articles SET fetched_at = :t WHERE url LIKE '%' || :slug || '%'",
          t=(published + timedelta(minutes=30)).isoformat(sep=" "), slug=quote("방금-나온-기사"))
    if changed:
        site.replace(page.path, "업계는 내년 투자를", "업계는 내후년 투자를")
    before = len(server.log)
    newscrawl(*crawl_args(config, db, server), check=True)
    refetched = [e.path for e in server.log[before:] if e.path in site.pages]
    assert refetched == [page.path]
    revisions = query(db, "SELECT count(*) AS n FROM article_revisions")[0]["n"]
    run = query(db, "SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1")[0]
    if changed:
        assert revisions == 1 and run["articles_updated"] == 1
    else:
        assert revisions == 0 and run["articles_unchanged"] == 1
    # Fetched after the +1h mark now: not due again until +24h.
    before = len(server.log)
    newscrawl(*crawl_args(config, db, server), check=True)
    assert not [e.path for e in server.log[before:] if e.path in site.pages]


def dated_site(n: int) -> FakeSite:
    site = FakeSite(base_url=BASE, per_listing_page=5)
    start = datetime(2024, 6, 30, 9, 0, tzinfo=UTC)
    for i in range(n):
        published = (start - timedelta(days=i)).isoformat()
        site.add(synthetic_article(BASE, f"기사-{i:03d}", f"기사 {i}번", published, [f"{i}번 기사 본문입니다. " * 20]))
    return site


def _stored_so_far(db: str, path: Path) -> int:
    # The crawl creates the file before its migrations create the tables: polling in
    # between sees a database without `articles` (it failed CI once that way).
    if not path.exists():
        return 0
    try:
        return query(db, "SELECT count(*) AS n FROM articles")[0]["n"]
    except OperationalError:
        return 0


def test_backfill_interrupted_then_resumed(tmp_path: Path) -> None:
    site = dated_site(60)
    slow = {}

    def slow_page(path):
        def respond(entry):
            time.sleep(0.15)
            return 200, {"Content-Type": "text/html; charset=UTF-8"}, site.pages[path].html.encode()
        return respond

    for path in site.pages:
        slow[path] = slow_page(path)
    site.responders.update(slow)
    with FakeSiteServer(site) as server:
        config = write_config(tmp_path)
        sites_file = config.parent / "sites" / "tech42.toml"
        # The listing is the only way back in time here: no sitemap shortcuts.
        text_ = sites_file.read_text(encoding="utf-8")
        text_ = text_.replace('[[sources]]\nkind = "sitemap"\nurl = "https://www.tech42.co.kr/wp-sitemap.xml"\n', "")
        sites_file.write_text(text_, encoding="utf-8")
        db = f"sqlite:///{tmp_path}/db.sqlite"
        args = [sys.executable, "-m", "crawler", "backfill", "tech42", "--since", "2024-05-10",
                "--config", str(config), "--db", db, "--resolve", f"www.tech42.co.kr={server.address}"]
        env = {k: v for k, v in os.environ.items() if k != "NEWSCRAWL_DATABASE_URL"}
        proc = subprocess.Popen(args, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            time.sleep(0.3)
            stored = _stored_so_far(db, tmp_path / "db.sqlite")
            if stored >= 12:
                break
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
        assert proc.returncode in (0, 2), out[-3000:]
        stored_after_first = {r["url"] for r in query(db, "SELECT url FROM articles")}
        assert 12 <= len(stored_after_first) < 52, out[-2000:]
        (state,) = query(db, "SELECT status, next_url, pages_fetched FROM backfills")
        assert state["status"] == "interrupted" and state["next_url"]
        first_requests = len(server.log)

        second = subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
        assert second.returncode == 0, second.stderr[-3000:]
        assert "resuming backfill" in second.stderr
        assert "backfill tech42:" in second.stderr  # the progress line

        refetched = {BASE + quote(e.path) for e in server.log[first_requests:] if e.path in site.pages}
        assert not refetched & stored_after_first
        rows = query(db, "SELECT url, count(*) AS n FROM articles GROUP BY url")
        assert all(r["n"] == 1 for r in rows)
        wanted = {BASE + quote(p.path) for p in site.pages.values() if p.published >= "2024-05-10"}
        assert wanted <= {r["url"] for r in rows}
        assert query(db, "SELECT status FROM backfills")[0]["status"] == "finished"
