"""SQLite under a crawl and 20 concurrent ``newscrawl sql`` readers: no reader sees
"database is locked", the crawl loses no article because readers were there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from tests.crawling import REPO
from tests.fault_server import generated_site, write_site_config
from tests.http_server import FakeSiteServer

pytestmark = pytest.mark.e2e

BASE = "https://www.busynews.test"
ARTICLES = 40
READERS = 20
RUNS = 3
READ = "SELECT count(*) AS n, max(length(body)) AS longest, (SELECT count(*) FROM v_articles) AS listed FROM articles"


@dataclass
class Reads:
    counts: list[int] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    during_crawl: int = 0
    lock = threading.Lock()


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("NEWSCRAWL_DATABASE_URL", "NEWSCRAWL_CONFIG")}


def _reader(db: str, crawl: subprocess.Popen, reads: Reads, started: threading.Event) -> None:
    """Run ``newscrawl sql`` while the crawl runs: at least once, at most RUNS times."""
    started.wait()
    for attempt in range(RUNS):
        if attempt and crawl.poll() is not None:
            break
        running = crawl.poll() is None
        result = subprocess.run([sys.executable, "-m", "crawler", "sql", READ, "--db", db, "--json"],
                                capture_output=True, text=True, cwd=REPO, env=_env(), timeout=120, check=False)
        with reads.lock:
            if result.returncode != 0 or "locked" in result.stderr.lower():
                reads.failures.append(result.stderr[-500:])
                continue
            reads.counts.append(json.loads(result.stdout)[0]["n"])
            if running and crawl.poll() is None:
                reads.during_crawl += 1


def test_twenty_readers_during_a_crawl(tmp_path: Path) -> None:
    # Slow enough that twenty reader processes, starting on two cores, overlap the crawl.
    site = generated_site(BASE, ARTICLES, delay=0.8)
    db_path = tmp_path / "busy.db"
    db = f"sqlite:///{db_path}"
    reads = Reads()
    with FakeSiteServer(site) as server:
        config = write_site_config(tmp_path, "busynews", BASE, concurrency=2)
        crawl = subprocess.Popen(
            [sys.executable, "-m", "crawler", "crawl", "busynews", "--config", str(config), "--db", db,
             "--resolve", f"www.busynews.test={server.address}"],
            cwd=REPO, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        started = threading.Event()
        readers = [threading.Thread(target=_reader, args=(db, crawl, reads, started)) for _ in range(READERS)]
        for reader in readers:
            reader.start()
        try:
            _wait_for_first_article(db_path, crawl)
        finally:
            started.set()
        _, crawl_log = crawl.communicate(timeout=240)
        for reader in readers:
            reader.join(timeout=240)

    assert crawl.returncode == 0, crawl_log[-3000:]
    assert not reads.failures, reads.failures[:3]
    assert len(reads.counts) >= READERS
    # Readers really overlapped the writer: they saw the table part-filled.
    assert reads.during_crawl >= READERS, reads.during_crawl
    assert any(0 < n < ARTICLES for n in reads.counts), sorted(set(reads.counts))
    assert "locked" not in crawl_log.lower()

    engine = create_engine(db)
    try:
        with engine.connect() as conn:
            stored = conn.execute(text("SELECT count(*), count(DISTINCT url) FROM articles")).one()
            run = conn.execute(text("SELECT status, articles_new, errors FROM crawl_runs")).one()
    finally:
        engine.dispose()
    print(f"{len(reads.counts)} reads, {reads.during_crawl} during the crawl, counts seen: {sorted(set(reads.counts))}")
    assert tuple(stored) == (ARTICLES, ARTICLES)
    assert run.status == "finished" and run.articles_new == ARTICLES
    assert json.loads(run.errors) == {}


def _wait_for_first_article(db_path: Path, crawl: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and crawl.poll() is None:
        if db_path.exists():
            engine = create_engine(f"sqlite:///{db_path}")
            try:
                # The schema may not exist yet.
                with suppress(OperationalError), engine.connect() as conn:
                    if conn.execute(text("SELECT count(*) FROM articles")).scalar_one():
                        return
            finally:
                engine.dispose()
        time.sleep(0.05)
