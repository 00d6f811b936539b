"""Ten ``kill -9`` of a crawl at random moments, each followed by a normal crawl: the
database ends up equal to an undisturbed crawl's — same article rows, no duplicates,
no half-written rows.

The moments are random but land where they matter: some during start-up (imports,
migrations, the run row), most after a random number of article fetches, while pages
are being extracted and stored. The site publishes two new articles before each round
and the killed crawls re-fetch everything (``--refresh``), so kills hit inserts of new
rows as well as updates of stored ones.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from storage.dedup import content_hash
from tests.crawling import REPO, newscrawl
from tests.fault_server import generated_site, write_site_config
from tests.http_server import FakeSiteServer

pytestmark = pytest.mark.e2e

BASE = "https://www.killnews.test"
INITIAL = 20
KILLS = 10
NEW_PER_ROUND = 2


def articles(db: str) -> list[tuple]:
    """The article rows; none while the crawl has not yet created the schema."""
    if not Path(db.removeprefix("sqlite:///")).exists():
        return []
    engine = create_engine(db)
    try:
        if "articles" not in inspect(engine).get_table_names():
            return []
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(
                "SELECT url, content_hash, title, body, duplicate_of_id FROM articles ORDER BY url"))]
    finally:
        engine.dispose()


def check_consistent(db: str, note: str) -> list[tuple]:
    rows = articles(db)
    urls = [r[0] for r in rows]
    assert len(urls) == len(set(urls)), f"duplicate rows ({note})"
    for url, digest, title, body, _ in rows:
        # A row is whole: its hash is the hash of the title and body it holds.
        assert title and body and digest == content_hash(title, body), f"half-written row {url} ({note})"
    return rows


def article_fetches(server: FakeSiteServer, since: int) -> int:
    return sum(1 for path in server.paths()[since:] if path.startswith("/기사-"))


def kill_at_random_moment(child: subprocess.Popen, server: FakeSiteServer, rng: random.Random,
                          articles_on_site: int) -> str:
    """SIGKILL ``child`` during start-up or after a random number of article fetches."""
    since = len(server.paths())
    if rng.random() < 0.3:
        delay = rng.uniform(0.05, 2.5)
        time.sleep(delay)
        moment = f"{delay:.2f} s after start"
    else:
        target = rng.randint(1, articles_on_site)
        deadline = time.monotonic() + 60
        while child.poll() is None and article_fetches(server, since) < target and time.monotonic() < deadline:
            time.sleep(0.005)
        moment = f"after {article_fetches(server, since)} article fetches (aimed at {target})"
    if child.poll() is None:
        os.kill(child.pid, signal.SIGKILL)
    else:
        moment += ", but it had already exited"
    child.wait()
    return moment


def test_kill_9_at_random_moments_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    site = generated_site(BASE, INITIAL + KILLS * NEW_PER_ROUND, delay=0.02)
    unpublished = dict(list(site.pages.items())[INITIAL:])
    for path in unpublished:
        del site.pages[path]
    env = {k: v for k, v in os.environ.items() if k not in ("NEWSCRAWL_DATABASE_URL", "NEWSCRAWL_CONFIG")}
    disturbed = f"sqlite:///{tmp_path}/disturbed.db"
    moments = []
    with FakeSiteServer(site) as server:
        config = write_site_config(tmp_path, "killnews", BASE, concurrency=4)
        args = ["crawl", "killnews", "--config", str(config), "--resolve", f"www.killnews.test={server.address}"]
        for n in range(KILLS):
            for path in list(unpublished)[:NEW_PER_ROUND]:
                site.pages[path] = unpublished.pop(path)
            child = subprocess.Popen([sys.executable, "-m", "crawler", *args, "--refresh", "--db", disturbed],
                                     cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            moment = kill_at_random_moment(child, server, rng, len(site.pages))
            moments.append(moment)
            note = f"kill {n + 1} {moment}; seed {seed}"
            check_consistent(disturbed, note)
            result = newscrawl(*args, "--db", disturbed)
            assert result.returncode == 0, f"{note}\n{result.stderr[-3000:]}"
            rows = check_consistent(disturbed, note)
            assert len(rows) == len(site.pages), note

        reference = f"sqlite:///{tmp_path}/reference.db"
        newscrawl(*args, "--db", reference, check=True)

    print(f"seed {seed}; kills: " + "; ".join(moments))
    expected = check_consistent(reference, "undisturbed")
    assert len(expected) == INITIAL + KILLS * NEW_PER_ROUND
    assert check_consistent(disturbed, f"final; seed {seed}") == expected
    engine = create_engine(disturbed)
    try:
        with engine.connect() as conn:
            statuses = [r[0] for r in conn.execute(text("SELECT status FROM crawl_runs ORDER BY id"))]
    finally:
        engine.dispose()
    # Every normal crawl finished; a killed one left its row "running" (or never got one).
    assert statuses.count("finished") >= KILLS
    assert set(statuses) <= {"finished", "running"}
