"""`newscrawl daemon` end to end: a real daemon process, real crawl children (Scrapy),
real signals, loopback fake sites, and the database checked with SQL.

The two test sites (tests/fake_sites/daemon_news, daemon_blog) are WordPress-shaped
and scheduled every second; a page can be made slow to keep a crawl in progress.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html
import pytest
from sqlalchemy import create_engine, select

from storage.models import CrawlRun
from tests.crawling import query
from tests.http_server import FAKE_SITES, FakeSite, FakeSiteServer

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[1]
SLOW_PAGE = "/robot-factory/"  # a daemon_news article


@dataclass
class SlowSite(FakeSite):
    """A fake site whose listed paths answer only after a delay (seconds)."""

    delays: dict[str, float] = field(default_factory=dict)

    def route(self, path: str) -> tuple[int, str, bytes]:
        delay = self.delays.get(path)
        if delay:
            time.sleep(delay)
        return super().route(path)


def base_url(site: str) -> str:
    for line in (FAKE_SITES / site / "site.toml").read_text(encoding="utf-8").splitlines():
        if line.startswith("base_url"):
            return line.split('"')[1]
    raise AssertionError(f"no base_url in {site}/site.toml")


@contextmanager
def serve(
    site: str, delays: dict[str, float] | None = None
) -> Iterator[tuple[SlowSite, FakeSiteServer, str]]:
    """Serve a test site; yields (site, server, the --resolve argument)."""
    fake = SlowSite.from_dir(site, base_url(site), delays=dict(delays or {}))
    with FakeSiteServer(fake) as server:
        host = base_url(site).split("://")[1]
        yield fake, server, f"{host}={server.address}"


def write_config(tmp_path: Path, sites: dict[str, str], scheduler: str) -> Path:
    """A deployment config with the given test sites; each site's TOML gets its
    schedule/crawl tables appended."""
    sites_dir = tmp_path / "sites"
    sites_dir.mkdir(exist_ok=True)
    for site, extra in sites.items():
        text_ = (FAKE_SITES / site / "site.toml").read_text(encoding="utf-8")
        (sites_dir / f"{site}.toml").write_text(text_ + "\n" + extra, encoding="utf-8")
    config = tmp_path / "newscrawl.toml"
    config.write_text(
        f'sites_dir = "sites"\nlog_level = "INFO"\n\n[scheduler]\n{scheduler}\n', encoding="utf-8"
    )
    return config


def every_second(time_limit: str = "60s") -> str:
    return f'[schedule]\nevery = "1s"\njitter = "0s"\n\n[crawl]\ndownload_delay = 0\ntime_limit = "{time_limit}"\n'


class Daemon:
    """`python -m crawler daemon …` as a child of the test, stderr to a file."""

    def __init__(self, tmp_path: Path, config: Path, db_url: str, resolve: list[str]) -> None:
        self.argv = [
            sys.executable,
            "-m",
            "crawler",
            "daemon",
            "--config",
            str(config),
            "--db",
            db_url,
        ]
        for spec in resolve:
            self.argv += ["--resolve", spec]
        self.log_path = tmp_path / f"daemon-{time.monotonic_ns()}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Daemon:
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSCRAWL_")}
        env["PYTHONUNBUFFERED"] = "1"
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                self.argv, cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log
            )
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def send(self, sig: int) -> None:
        assert self.proc is not None
        self.proc.send_signal(sig)

    def wait(self, timeout: float) -> int:
        assert self.proc is not None
        return self.proc.wait(timeout)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop_quietly(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def daemons() -> Iterator[Callable[..., Daemon]]:
    started: list[Daemon] = []

    def start(*args) -> Daemon:
        daemon = Daemon(*args).start()
        started.append(daemon)
        return daemon

    yield start
    for daemon in started:
        daemon.stop_quietly()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'newscrawl.db'}"




def wait_for(
    predicate: Callable[[], bool],
    timeout: float,
    daemon: Daemon,
    every: Callable[[], None] | None = None,
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if every:
            every()
        if predicate():
            return
        if daemon.proc is not None and daemon.proc.poll() is not None:
            raise AssertionError(f"daemon exited {daemon.proc.returncode}\n{daemon.log()[-6000:]}")
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s\n{daemon.log()[-6000:]}")


def runs_of(db_url: str, site: str | None = None) -> list[dict]:
    """crawl_runs rows, oldest first, with datetimes (through the model's column types)."""
    table = CrawlRun.__table__
    stmt = select(table).order_by(table.c.id)
    if site:
        stmt = stmt.where(table.c.site == site)
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(stmt)]
    except Exception as exc:  # the daemon has not created the schema yet
        if "crawl_runs" in str(exc):
            return []
        raise
    finally:
        engine.dispose()


def count(db_url: str, site: str, status: str) -> int:
    return sum(1 for r in runs_of(db_url, site) if r["status"] == status)


def assert_articles_complete_and_unique(
    db_url: str, site: FakeSite, site_id: str, *, all_pages: bool
) -> None:
    """Every stored article once, with its whole body; with ``all_pages``, every page."""
    rows = query(db_url, "SELECT url, title, body FROM articles WHERE site = :site", site=site_id)
    urls = [r["url"] for r in rows]
    assert len(urls) == len(set(urls)), f"an article stored twice: {sorted(urls)}"
    pages = {site.base_url + p.path: p for p in site.pages.values()}
    assert set(urls) <= set(pages)
    if all_pages:
        assert set(urls) == set(pages)
    for row in rows:
        page = pages[row["url"]]
        paragraphs = lxml.html.fromstring(page.html).xpath("//div[@class='entry-content']/p")
        assert row["title"] == page.title
        for paragraph in paragraphs:
            assert paragraph.text_content().strip() in row["body"], (
                f"half-written body of {row['url']}"
            )


def assert_never_overlapping(db_url: str, site: str) -> None:
    """From the table itself: each run of a site started after the previous one ended."""
    runs = runs_of(db_url, site)
    for earlier, later in zip(runs, runs[1:]):
        assert (
            earlier["finished_at"] is not None and later["started_at"] >= earlier["finished_at"]
        ), (earlier, later)


# --- 1 -------------------------------------------------------------------------------
@pytest.mark.timeout(120)
def test_two_sites_every_second_crawl_repeatedly_without_overlap(
    tmp_path: Path, db_url: str, daemons
) -> None:
    with ExitStack() as stack:
        news, _, news_resolve = stack.enter_context(serve("daemon_news"))
        blog, _, blog_resolve = stack.enter_context(serve("daemon_blog"))
        config = write_config(
            tmp_path,
            {"daemon_news": every_second(), "daemon_blog": every_second()},
            scheduler="max_concurrent_crawls = 2",
        )
        daemon = daemons(tmp_path, config, db_url, [news_resolve, blog_resolve])

        overlaps: list[list[dict]] = []

        def watch() -> None:
            running = [r for r in runs_of(db_url) if r["status"] == "running"]
            for site in ("daemon_news", "daemon_blog"):
                if len([r for r in running if r["site"] == site]) > 1:
                    overlaps.append(running)

        wait_for(
            lambda: min(count(db_url, s, "finished") for s in ("daemon_news", "daemon_blog")) >= 2,
            timeout=75,
            daemon=daemon,
            every=watch,
        )
        daemon.send(signal.SIGTERM)
        assert daemon.wait(30) == 0, daemon.log()[-4000:]

    assert not overlaps, overlaps
    runs = runs_of(db_url)
    assert not [r for r in runs if r["status"] == "running"]
    assert {r["trigger"] for r in runs} == {"schedule"}
    for site_id, fake in (("daemon_news", news), ("daemon_blog", blog)):
        assert_never_overlapping(db_url, site_id)
        assert_articles_complete_and_unique(db_url, fake, site_id, all_pages=True)
    log = daemon.log()
    assert "daemon_news: crawl started" in log and "daemon_blog: crawl started" in log


# --- 2 -------------------------------------------------------------------------------
@pytest.mark.timeout(90)
@pytest.mark.parametrize(
    ("delay", "grace", "error"),
    [
        pytest.param(4, 20, "daemon stopped", id="crawl-closes-in-time"),
        pytest.param(
            120, 3, "daemon stopped; SIGKILL after 3s grace", id="crawl-killed-after-grace"
        ),
    ],
)
def test_sigterm_during_a_crawl(
    tmp_path: Path, sqlite_url: str, daemons, delay: float, grace: int, error: str
) -> None:
    with serve("daemon_news", delays={SLOW_PAGE: delay}) as (news, server, resolve):
        config = write_config(
            tmp_path, {"daemon_news": every_second()}, scheduler=f'shutdown_grace = "{grace}s"'
        )
        daemon = daemons(tmp_path, config, sqlite_url, [resolve])
        wait_for(
            lambda: (
                SLOW_PAGE in server.paths() and count(sqlite_url, "daemon_news", "running") == 1
            ),
            timeout=40,
            daemon=daemon,
        )

        started = time.monotonic()
        daemon.send(signal.SIGTERM)
        code = daemon.wait(grace + 15)
        elapsed = time.monotonic() - started

    assert code == 0, daemon.log()[-4000:]
    assert elapsed < grace + 3, f"took {elapsed:.1f}s with a {grace}s grace"
    (run,) = runs_of(sqlite_url)
    assert (run["status"], run["finish_reason"], run["error"]) == ("killed", "shutdown", error)
    assert run["finished_at"] is not None
    assert_articles_complete_and_unique(sqlite_url, news, "daemon_news", all_pages=False)
    assert "SIGTERM received: stopping" in daemon.log()


# --- 3 -------------------------------------------------------------------------------
@pytest.mark.timeout(120)
def test_kill_9_of_daemon_and_crawl_then_restart(tmp_path: Path, sqlite_url: str, daemons) -> None:
    with serve("daemon_news", delays={SLOW_PAGE: 120}) as (news, server, resolve):
        config = write_config(
            tmp_path, {"daemon_news": every_second()}, scheduler='shutdown_grace = "5s"'
        )
        first = daemons(tmp_path, config, sqlite_url, [resolve])
        wait_for(
            lambda: (
                SLOW_PAGE in server.paths() and count(sqlite_url, "daemon_news", "running") == 1
            ),
            timeout=40,
            daemon=first,
        )
        (stuck,) = [r for r in runs_of(sqlite_url) if r["status"] == "running"]
        assert stuck["pid"] != first.pid

        first.send(signal.SIGKILL)
        first.wait(10)
        os.kill(stuck["pid"], signal.SIGKILL)
        deadline = time.monotonic() + 10
        while _alive(stuck["pid"]) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(stuck["pid"])
        assert runs_of(sqlite_url)[0]["status"] == "running"

        news.delays.clear()
        second = daemons(tmp_path, config, sqlite_url, [resolve])
        wait_for(
            lambda: count(sqlite_url, "daemon_news", "finished") >= 1, timeout=40, daemon=second
        )
        second.send(signal.SIGTERM)
        assert second.wait(30) == 0, second.log()[-4000:]

    runs = runs_of(sqlite_url)
    assert runs[0]["id"] == stuck["id"]
    assert (runs[0]["status"], runs[0]["finish_reason"]) == ("abandoned", "abandoned")
    assert any(r["status"] == "finished" for r in runs[1:])
    assert not [r for r in runs if r["status"] == "running"]
    assert_articles_complete_and_unique(sqlite_url, news, "daemon_news", all_pages=True)
    assert "marked 1 run(s) left running by dead processes as abandoned" in second.log()


def _alive(pid: int) -> bool:
    from scheduler.child import pid_alive

    return pid_alive(pid)


# --- 4 -------------------------------------------------------------------------------
@pytest.mark.timeout(120)
def test_a_crawl_over_its_time_limit_is_killed_and_others_keep_their_schedule(
    tmp_path: Path, sqlite_url: str, daemons
) -> None:
    with ExitStack() as stack:
        news, _, news_resolve = stack.enter_context(serve("daemon_news", delays={SLOW_PAGE: 120}))
        blog, _, blog_resolve = stack.enter_context(serve("daemon_blog"))
        config = write_config(
            tmp_path,
            {"daemon_news": every_second(time_limit="6s"), "daemon_blog": every_second()},
            scheduler='max_concurrent_crawls = 2\nshutdown_grace = "2s"',
        )
        daemon = daemons(tmp_path, config, sqlite_url, [news_resolve, blog_resolve])

        def killed_and_blog_went_on() -> bool:
            killed = [r for r in runs_of(sqlite_url, "daemon_news") if r["status"] == "killed"]
            if not killed:
                return False
            after = [
                r
                for r in runs_of(sqlite_url, "daemon_blog")
                if r["status"] == "finished" and r["started_at"] > killed[0]["finished_at"]
            ]
            return len(after) >= 1

        wait_for(killed_and_blog_went_on, timeout=60, daemon=daemon)
        daemon.send(signal.SIGTERM)
        assert daemon.wait(30) == 0, daemon.log()[-4000:]

    news_runs = runs_of(sqlite_url, "daemon_news")
    slow = news_runs[0]
    assert (slow["status"], slow["finish_reason"]) == ("killed", "time_limit")
    assert slow["error"].startswith("time limit 6s exceeded")
    took = (slow["finished_at"] - slow["started_at"]).total_seconds()
    assert took < 6 + 2 + 3, took
    blog_runs = runs_of(sqlite_url, "daemon_blog")
    during = [r for r in blog_runs if slow["started_at"] <= r["started_at"] <= slow["finished_at"]]
    assert during, "the other site was not crawled while the slow one ran"
    assert all(
        r["status"] == "finished" for r in blog_runs if r["finished_at"] and r["status"] != "killed"
    )
    assert not [r for r in runs_of(sqlite_url) if r["status"] == "running"]
    assert_articles_complete_and_unique(sqlite_url, blog, "daemon_blog", all_pages=True)
    assert_articles_complete_and_unique(sqlite_url, news, "daemon_news", all_pages=False)
    assert "daemon_news: time limit 6s exceeded" in daemon.log()
