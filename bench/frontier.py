"""Crawl start-up at scale: time and memory of the frontier a crawl of a site loads.

For each N (default 20,000 and 1,000,000) a migrated SQLite file gets N stored articles of
one site (``bench.storage``'s row generator; one in ten fetched from a ``?p=N`` shortlink
whose key differs from its canonical URL's, so the frontier keeps both keys) and the
frontier rows such a crawl leaves behind: one ``article`` row per article (200), one per
child sitemap and listing page, and a few failing article URLs. A child process then builds
``CrawlFrontier(engine, site)`` as ``SiteSpider.start`` does and reports:

* build time (wall) and the child's RSS growth (current and peak) over building it;
* Python allocations of building it (tracemalloc: retained and peak), in total and per
  stored article, and of ``known_articles`` (stored articles' keys and dates) alone;
* the cost of one ``should_fetch_article`` (half the URLs stored);
* for comparison, what a database-side check would cost per discovered page instead:
  ``SELECT url_key, published_at FROM articles WHERE site = ? AND url_key IN (...)`` for a
  listing page's 20 links and a child sitemap's 1,000, median of 30.

    .venv/bin/python -m bench.frontier                         # N = 20,000 and 1,000,000
    .venv/bin/python -m bench.frontier --sizes 2000 --no-write
    .venv/bin/python -m bench.frontier --db-dir /tmp/frontier-dbs --label before   # keep the files
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bench.report import REPO, emit, markdown_table
from bench.storage import _COLUMNS, bulk_rows

SITE = "site00"
_ALIAS_EVERY = 10
_FAILING_EVERY = 1000
_URLS_PER_SITEMAP = 1000
_LISTING_PAGES = 50
_RECHECK_AFTER = (timedelta(hours=1), timedelta(hours=24))  # config's default
_SLUG_WORDS = ("인공지능", "반도체", "스타트업", "투자", "클라우드", "플랫폼", "서비스", "시장", "데이터", "보안", "로봇", "게임")
_FRONTIER_COLUMNS = ("site", "url", "url_key", "kind", "first_seen_at", "last_fetched_at", "http_status", "etag",
                     "last_modified", "failures", "next_check_at", "last_error")


def shortlink(number: int) -> str:
    return f"https://www.{SITE}.test/?p={number}"


def permalink(number: int) -> str:
    """A WordPress-style Korean permalink (percent-encoded, ~200 characters) as sites print them."""
    words = "-".join(_SLUG_WORDS[number // len(_SLUG_WORDS) ** i % len(_SLUG_WORDS)] for i in range(6))
    return f"https://www.{SITE}.test/{quote(words, safe='-')}-{number}/"


def _site_rows(count: int):
    """``bench.storage.bulk_rows`` moved onto one site's permalinks; every tenth fetched from its shortlink."""
    from storage.dedup import url_key

    assert _COLUMNS[:4] == ("site", "url", "url_key", "canonical_url"), _COLUMNS
    for number, row in enumerate(bulk_rows(count, body_chars=40)):
        canonical = permalink(number)
        url = shortlink(number) if number % _ALIAS_EVERY == 0 else canonical
        key = canonical.removeprefix("https://www.")
        if number < 3:  # the fast keys must be the repository's
            assert key == url_key(canonical) and shortlink(number).removeprefix("https://www.") == url_key(shortlink(number))
        yield (SITE, url, key, canonical, *row[4:])


def _frontier_rows(count: int):
    """Failing article URLs and the site's sources (article rows are copied from ``articles``)."""
    now = datetime.now(UTC).isoformat(sep=" ")
    for number in range(count // _FAILING_EVERY):
        url = f"https://www.{SITE}.test/broken/{number}/"
        yield (SITE, url, url.removeprefix("https://www."), "article", now, now, 500, None, None, 2, now, "HTTP 500")
    sources = [(f"https://www.{SITE}.test/post-sitemap{n}.xml", "sitemap") for n in range(count // _URLS_PER_SITEMAP + 1)]
    sources += [(f"https://www.{SITE}.test/page/{n}/", "listing") for n in range(2, _LISTING_PAGES)]
    sources += [(f"https://www.{SITE}.test/feed/", "feed"), (f"https://www.{SITE}.test/sitemap_index.xml", "sitemap")]
    for url, kind in sources:
        yield (SITE, url, url.removeprefix("https://www."), kind, now, now, 200, f'"{len(url)}"',
               "Mon, 30 Nov 2026 00:00:00 GMT", 0, None, None)


def _insert(conn: sqlite3.Connection, table: str, columns: tuple[str, ...], rows) -> None:
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == 20000:
            conn.executemany(sql, batch)
            batch.clear()
    conn.executemany(sql, batch)


def make_database(path: Path, count: int) -> None:
    """A migrated SQLite file holding ``count`` stored articles of :data:`SITE` and their frontier rows."""
    from storage import migrate

    if path.exists():
        with sqlite3.connect(path) as conn:
            if conn.execute("SELECT count(*) FROM articles WHERE site = ?", (SITE,)).fetchone()[0] == count:
                return
        path.unlink()
    migrate.upgrade(f"sqlite:///{path}")
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("BEGIN")
    _insert(conn, "articles", _COLUMNS, _site_rows(count))
    # What the crawl that stored them recorded: each article's fetched URL, 200 (keys as above).
    conn.execute(
        f"INSERT INTO frontier ({', '.join(_FRONTIER_COLUMNS)}) SELECT site, url, substr(url, length('https://www.') + 1),"
        " 'article', first_seen_at, fetched_at, 200, NULL, 'Mon, 30 Nov 2026 00:00:00 GMT', 0, NULL, NULL FROM articles"
    )
    _insert(conn, "frontier", _FRONTIER_COLUMNS, _frontier_rows(count))
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


# --- the child: one database, measured in a fresh process ------------------------------
def measure(db_url: str, count: int) -> dict[str, Any]:
    """Build the frontier of :data:`SITE` and measure it (runs in a fresh process)."""
    import gc
    import tracemalloc

    from sqlalchemy import bindparam, select

    from bench.report import rss_kb, rss_peak_kb
    from crawler.frontier import CrawlFrontier
    from storage.db import make_engine
    from storage.frontier import known_articles
    from storage.models import Article

    engine = make_engine(db_url)
    with engine.connect() as conn:  # the pool's connection and the dialect's first-use set-up
        conn.exec_driver_sql("SELECT 1")
    out: dict[str, Any] = {}

    gc.collect()
    rss_before = rss_kb()
    start = time.perf_counter()
    frontier = CrawlFrontier(engine, SITE, recheck_after=_RECHECK_AFTER)
    out["build_s"] = time.perf_counter() - start
    out["rss_growth_mb"] = (rss_kb() - rss_before) / 1024
    out["rss_peak_growth_mb"] = (rss_peak_kb() - rss_before) / 1024

    rng = random.Random(5)
    urls = [permalink(rng.randrange(count)) if i % 2 else permalink(count + i) for i in range(20000)]
    from storage.dedup import url_key

    for url in urls:  # the crawl meets a link's key again soon after computing it: url_key is memoised
        url_key(url)
    start = time.perf_counter()
    decisions = [frontier.should_fetch_article(url) for url in urls[-4000:]]
    out["lookup_us"] = (time.perf_counter() - start) / len(decisions) * 1e6
    assert sum(decisions) == 2000, sum(decisions)

    del frontier
    gc.collect()
    tracemalloc.start()
    frontier = CrawlFrontier(engine, SITE, recheck_after=_RECHECK_AFTER)
    out["traced_mb"], out["traced_peak_mb"] = (v / 1e6 for v in tracemalloc.get_traced_memory())
    del frontier
    gc.collect()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    known = known_articles(engine, SITE)
    out["known_mb"] = (tracemalloc.get_traced_memory()[0] - base) / 1e6
    tracemalloc.stop()
    del known

    table = Article.__table__
    query = select(table.c.url_key, table.c.published_at).where(
        table.c.site == SITE, table.c.url_key.in_(bindparam("keys", expanding=True)))
    with engine.connect() as conn:
        for links in (20, 1000):
            times = []
            for _ in range(30):
                keys = [permalink(rng.randrange(count)).removeprefix("https://www.") for _ in range(links)]
                start = time.perf_counter()
                conn.execute(query, {"keys": keys}).all()
                times.append((time.perf_counter() - start) * 1000)
            out[f"in_{links}_ms"] = statistics.median(times)
    engine.dispose()
    return out


def run_child(db_path: Path, count: int, code: Path) -> dict[str, Any]:
    """:func:`measure` in a fresh process that imports the crawler and storage code of checkout ``code``."""
    child = subprocess.run(
        # run by path, not -m: the older checkout may not have this file; -c keeps bench/ off sys.path
        [sys.executable, "-c", "import runpy, sys; sys.argv.pop(0); runpy.run_path(sys.argv[0], run_name='__main__')", __file__,
         "--child", f"sqlite:///{db_path}", "--sizes", str(count)],
        capture_output=True, text=True, check=False, cwd=code, env={**os.environ, "PYTHONPATH": str(code)},
    )
    if child.returncode != 0:
        raise SystemExit(f"measurement failed ({child.returncode}):\n{child.stderr[-3000:]}")
    return json.loads(child.stdout.strip().splitlines()[-1])


def _name(code: Path) -> str:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=code, capture_output=True, text=True,
                            check=False).stdout.strip()
    return f"{commit} (this checkout)" if code == REPO else code.name


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.frontier", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="20000,1000000", help="stored articles of the site (default 20000,1000000)")
    parser.add_argument("--db-dir", type=Path, help="keep the generated databases here and reuse them")
    parser.add_argument("--code", type=Path, action="append", default=[],
                        help="also measure the crawler and storage code in DIR (e.g. `git archive REV crawler storage config bench`"
                             " unpacked into a directory named after REV); repeatable")
    parser.add_argument("--label", default="latest")
    parser.add_argument("--no-write", action="store_true", help="print only; do not update bench/README.md")
    parser.add_argument("--child", metavar="DB_URL", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.child:
        print(json.dumps(measure(args.child, sizes[0])))
        return

    rows, db_rows, sizes_mb = [], [], []
    with tempfile.TemporaryDirectory(prefix="bench-frontier-") as tmp:
        directory = args.db_dir or Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        for count in sizes:
            path = directory / f"frontier-{count}.sqlite"
            start = time.perf_counter()
            make_database(path, count)
            print(f"N = {count:,}: database ready in {time.perf_counter() - start:.0f} s", flush=True)
            sizes_mb.append(f"{count:,}: {path.stat().st_size / 1e6:,.0f} MB")
            for code in [*args.code, REPO]:
                r = run_child(path, count, code)
                rows.append([
                    f"{count:,}", _name(code), f"{r['build_s']:.2f} s", f"{r['rss_growth_mb']:.1f} MB",
                    f"{r['rss_peak_growth_mb']:.1f} MB", f"{r['traced_mb']:.1f} MB", f"{r['traced_mb'] * 1e6 / count:.0f}",
                    f"{r['traced_peak_mb']:.1f} MB", f"{r['known_mb'] * 1e6 / count:.0f}", f"{r['lookup_us']:.2f}",
                ])
            db_rows.append([f"{count:,}", f"{r['in_20_ms']:.2f} ms", f"{r['in_1000_ms']:.2f} ms"])
    table = markdown_table(
        ["stored articles", "code", "build", "RSS growth", "peak RSS growth", "Python retained", "B / article",
         "Python peak", "of which known, B / article", "should_fetch_article µs"], rows)
    db_table = markdown_table(["stored articles", "IN check, 20 keys (listing page)", "IN check, 1,000 keys (child sitemap)"],
                              db_rows)
    notes = [(
        f"One site; 1 in {_ALIAS_EVERY} articles fetched from a shortlink (two keys each); one frontier row per article, "
        f"1 in {_FAILING_EVERY:,} more failing, a sitemap per {_URLS_PER_SITEMAP:,} articles and {_LISTING_PAGES} listing pages. "
        "Build = `CrawlFrontier(engine, site, recheck_after=(1h, 24h))` in a fresh child process, database file in the "
        "page cache. RSS growth is VmRSS after − before, peak VmHWM − VmRSS before; Python = tracemalloc of a second build. "
        "The IN check is the database-side alternative, not what the crawl runs. SQLite file sizes: "
        + ", ".join(sizes_mb) + "."
    )]
    command = ".venv/bin/python -m bench.frontier" + ("" if args.sizes == "20000,1000000" else f" --sizes {args.sizes}") + (
        "" if args.label == "latest" else f" --label {args.label}") + "".join(f" --code {c}" for c in args.code)
    emit("frontier", args.label, "Crawl frontier at start-up", command, [table, db_table], notes, write=not args.no_write)


if __name__ == "__main__":
    main()
