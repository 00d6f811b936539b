"""Storage at scale: dedupe-insert rate into an empty database and into one holding
1,000,000 articles, and the latency of the two reads people run all the time.

For each backend (SQLite file in a temp dir; PostgreSQL on 127.0.0.1:5432 in a scratch
database created and dropped here):

1. migrate an empty database (``storage.migrate.upgrade``);
2. ``Repository.upsert_article`` of ``--inserts`` new articles (the crawler's path: url_key
   lookup, duplicate-content lookup, insert), then the same articles again (unchanged);
3. load ``--rows`` articles directly (``executemany`` on SQLite, ``COPY`` on PostgreSQL;
   20 sites, ten years of publication dates, the columns the repository writes), ANALYZE;
4. step 2 again with other new articles;
5. latency: "latest 50 of a site" (the query of ``newscrawl articles --site S --limit 50``)
   and ``Repository.get_article(url)`` for stored URLs (hit) and unknown ones (miss).

    .venv/bin/python -m bench.storage                     # both backends, 1,000,000 rows
    .venv/bin/python -m bench.storage --rows 20000 --backends sqlite --no-write
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Self

from bench.report import emit, markdown_table

POSTGRES_SERVER = os.environ.get("NEWSCRAWL_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
SITES = [f"site{n:02d}" for n in range(20)]
LATEST_50 = (
    "SELECT id, site, published_at, title, reporters, url FROM v_articles WHERE site = :site"
    " ORDER BY published_at DESC, id DESC LIMIT :limit"
)
_WORDS = ("인공지능", "반도체", "스타트업", "투자", "클라우드", "플랫폼", "서비스", "시장", "성장", "발표", "공개", "전략",
          "데이터", "보안", "모빌리티", "전기차", "배터리", "로봇", "게임", "콘텐츠", "규제", "정부", "글로벌", "협력")
_COLUMNS = (
    "site", "url", "url_key", "canonical_url", "title", "subtitle", "summary", "body", "reporters", "published_at",
    "published_raw", "modified_at", "modified_raw", "section", "tags", "images", "related_links", "language",
    "extractor", "provenance", "content_hash", "revision", "first_seen_at", "last_seen_at", "fetched_at", "updated_at",
)
_EPOCH = datetime(2016, 11, 30, tzinfo=UTC)


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choices(_WORDS, k=words)) + "."


def article_url(site: str, number: int) -> str:
    return f"https://www.{site}.test/news/{number}/"


def new_article(site: str, number: int, rng: random.Random) -> dict[str, Any]:
    """A crawler-shaped article dict (``Article.to_dict()`` layout), ~5 KB of body."""
    published = _EPOCH + timedelta(seconds=rng.randrange(10 * 365 * 86400))
    url = article_url(site, number)
    return {
        "url": url, "site": site, "canonical_url": url, "title": f"{_text(rng, 8)} #{number}",
        "subtitle": None, "summary": _text(rng, 30),
        "body": "\n\n".join(_text(rng, 60) for _ in range(12)) + f" ({number})",
        "reporters": [{"name": "홍길동", "email": "hong@example.com", "role": "기자"}],
        "published_at": published.isoformat(), "published_raw": published.isoformat(),
        "modified_at": None, "modified_raw": None, "section": "IT", "tags": ["AI", "반도체"],
        "images": [{"url": f"https://www.{site}.test/img/{number}.jpg", "caption": "행사 모습", "credit": "연합뉴스"}],
        "related_links": [], "language": "ko", "extractor": "wordpress", "provenance": {"body": "family"},
        "fetched_at": datetime.now(UTC).isoformat(),
    }


def bulk_rows(count: int, body_chars: int, seed: int = 7) -> Iterator[tuple[Any, ...]]:
    """``count`` stored-article rows, values as the repository would have written them (SQLite text form)."""
    from storage.dedup import content_hash, url_key

    rng = random.Random(seed)
    now = datetime.now(UTC).isoformat(sep=" ")
    words = max(1, body_chars // 4)
    reporters = json.dumps([{"name": "홍길동", "email": "hong@example.com", "role": "기자"}], ensure_ascii=False)
    provenance = json.dumps({"body": "family"})
    for number in range(count):
        site = SITES[number % len(SITES)]
        url = article_url(site, number)
        key = url.removeprefix("https://www.")
        if number < 3:  # the fast key above must be the repository's key
            assert key == url_key(url), (key, url_key(url))
        published = (_EPOCH + timedelta(seconds=rng.randrange(10 * 365 * 86400))).isoformat(sep=" ")
        title = f"{_text(rng, 8)} #{number}"
        body = _text(rng, words) + f" ({number})"
        yield (site, url, key, url, title, None, None, body, reporters, published, published, None, None, "IT",
               '["AI"]', "[]", "[]", "ko", "wordpress", provenance, content_hash(title, body), 1, now, now, now, now)


# --- backends ------------------------------------------------------------------------
class Backend:
    name = ""

    def __init__(self) -> None:
        self.url = ""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def bulk_load(self, rows: Iterator[tuple[Any, ...]]) -> None:
        raise NotImplementedError

    def size_mb(self) -> float:
        raise NotImplementedError


class SQLiteBackend(Backend):
    name = "SQLite"

    def __enter__(self) -> Self:
        self._dir = tempfile.TemporaryDirectory(prefix="bench-storage-")
        self.path = Path(self._dir.name) / "articles.db"
        self.url = f"sqlite:///{self.path}"
        return self

    def __exit__(self, *exc: object) -> None:
        self._dir.cleanup()

    def bulk_load(self, rows: Iterator[tuple[Any, ...]]) -> None:
        import sqlite3

        conn = sqlite3.connect(self.path, isolation_level=None)
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-262144")  # 256 MB while loading only
        sql = f"INSERT INTO articles ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(row)
            if len(batch) == 20000:
                conn.execute("BEGIN")
                conn.executemany(sql, batch)
                conn.execute("COMMIT")
                batch.clear()
        if batch:
            conn.execute("BEGIN")
            conn.executemany(sql, batch)
            conn.execute("COMMIT")
        conn.execute("ANALYZE")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()

    def size_mb(self) -> float:
        return sum(p.stat().st_size for p in self.path.parent.iterdir()) / 1e6


class PostgresBackend(Backend):
    name = "PostgreSQL"

    def __enter__(self) -> Self:
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url
        from sqlalchemy.pool import NullPool

        server = make_url(POSTGRES_SERVER)
        self.dbname = f"newscrawl_bench_{uuid.uuid4().hex[:10]}"
        self._admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool)
        with self._admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{self.dbname}"')
        self.url = server.set(database=self.dbname).render_as_string(hide_password=False)
        return self

    def __exit__(self, *exc: object) -> None:
        from sqlalchemy import text

        with self._admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n AND pid <> pg_backend_pid()"),
                         {"n": self.dbname})
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.dbname}"')
        self._admin.dispose()

    def _connect(self) -> Any:
        import psycopg
        from sqlalchemy.engine import make_url

        u = make_url(self.url)
        return psycopg.connect(host=u.host, port=u.port or 5432, user=u.username, password=u.password, dbname=u.database)

    def bulk_load(self, rows: Iterator[tuple[Any, ...]]) -> None:
        with self._connect() as conn:
            with conn.cursor() as cur, cur.copy(f"COPY articles ({', '.join(_COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            conn.commit()
            conn.autocommit = True
            conn.execute("VACUUM ANALYZE articles")

    def size_mb(self) -> float:
        with self._connect() as conn:
            return conn.execute("SELECT pg_database_size(current_database())").fetchone()[0] / 1e6


# --- measurements --------------------------------------------------------------------
BATCH = 50
"""Articles per transaction in the batched measurement (the crawl's StorePipeline.MAX_BATCH)."""


def upsert_rate(url: str, first_number: int, count: int, chunks: int = 5) -> dict[str, dict[str, float]]:
    """Articles/s through the repository: ``count`` new articles one transaction each
    (``upsert_article``), the same again (unchanged), then ``count`` other new articles
    in transactions of :data:`BATCH` (``upsert_articles``, the crawl's path) and those again.

    Two figures each: ``wall``, the best of ``chunks`` consecutive slices by wall time (the
    machine is shared; the best slice is the one least slowed by other processes), and
    ``cpu``, articles per CPU-second of this process plus, on PostgreSQL, its server
    backend (read from /proc), which other processes' load hardly moves."""
    from sqlalchemy import text

    from bench.report import cpu_seconds
    from storage.db import make_engine
    from storage.repository import Repository

    rng = random.Random(first_number)
    single = [new_article(SITES[i % len(SITES)], first_number + i, rng) for i in range(count)]
    batched = [new_article(SITES[i % len(SITES)], first_number + count + i, rng) for i in range(count)]
    size = max(BATCH, count // chunks // BATCH * BATCH)
    engine = make_engine(url)
    rates: dict[str, dict[str, float]] = {}
    try:
        repo = Repository(engine)
        repo.upsert_article(new_article(SITES[0], first_number + 2 * count + 1, rng))  # connect, warm caches
        backend_pid = None
        if engine.dialect.name == "postgresql":
            # The pool hands this one connection back for every sequential upsert.
            with engine.connect() as conn:
                backend_pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()

        def cpu() -> float:
            return time.process_time() + (cpu_seconds(backend_pid) if backend_pid else 0.0)

        def measure(run: Callable[[list[dict[str, Any]]], list[str]], articles: list[dict[str, Any]], expected: str) -> dict[str, float]:
            top, cpu_start = 0.0, cpu()
            for i in range(0, len(articles), size):
                part = articles[i : i + size]
                start = time.perf_counter()
                outcomes = run(part)
                top = max(top, len(part) / (time.perf_counter() - start))
                assert outcomes.count(expected) == len(part), {o: outcomes.count(o) for o in set(outcomes)}
            return {"wall": top, "cpu": len(articles) / max(cpu() - cpu_start, 1e-9)}

        def one_by_one(part: list[dict[str, Any]]) -> list[str]:
            return [repo.upsert_article(a) for a in part]

        def in_batches(part: list[dict[str, Any]]) -> list[str]:
            return [o for i in range(0, len(part), BATCH) for o in repo.upsert_articles(part[i : i + BATCH])]

        rates["new"] = measure(one_by_one, single, "new")
        rates["unchanged"] = measure(one_by_one, single, "unchanged")
        rates["new, batched"] = measure(in_batches, batched, "new")
        rates["unchanged, batched"] = measure(in_batches, batched, "unchanged")
    finally:
        engine.dispose()
    return rates


def latencies(url: str, stored: int, samples: int) -> dict[str, dict[str, float]]:
    """Milliseconds (median, p95, max) of latest-50 and get_article hit/miss."""
    from sqlalchemy import text

    from storage.db import make_engine
    from storage.repository import Repository

    rng = random.Random(11)
    engine = make_engine(url)
    out: dict[str, dict[str, float]] = {}
    try:
        repo = Repository(engine)
        with engine.connect() as conn:
            def latest() -> None:
                rows = conn.execute(text(LATEST_50), {"site": rng.choice(SITES), "limit": 50}).all()
                assert 0 < len(rows) <= 50

            out["latest 50 of a site"] = _timed(latest, samples)
        stored_urls = [article_url(SITES[n % len(SITES)], n) for n in (rng.randrange(stored) for _ in range(samples + 1))]
        it = iter(stored_urls)

        def hit() -> None:
            assert repo.get_article(next(it)) is not None

        out["get_article(url), stored"] = _timed(hit, samples)
        # A URL of a loaded site that was never stored: the url_key lookup misses and
        # get_article falls back to WHERE url = … (an index search since migration 0003).
        misses = iter(article_url(rng.choice(SITES), 10**9 + n) for n in range(samples + 1))

        def miss() -> None:
            assert repo.get_article(next(misses)) is None

        out["get_article(url), not stored"] = _timed(miss, samples)
    finally:
        engine.dispose()
    return out


def _timed(operation: Callable[[], None], samples: int) -> dict[str, float]:
    operation()  # warm
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        operation()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"median": statistics.median(times), "p95": times[int(0.95 * (len(times) - 1))], "max": times[-1]}


def query_plan(url: str) -> list[str]:
    """The plans of latest-50 and of get_article's two lookups, to show which index they use."""
    from sqlalchemy import text

    from storage.db import make_engine
    from storage.models import FETCHED_ELSEWHERE

    engine = make_engine(url)
    plans = []
    try:
        with engine.connect() as conn:
            sqlite = engine.dialect.name == "sqlite"
            explain = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
            for label, sql, params in (
                ("latest 50", LATEST_50, {"site": SITES[3], "limit": 50}),
                ("by url_key", "SELECT id FROM articles WHERE url_key = :k", {"k": "site03.test/news/3/"}),
                # get_article's fallback, with the partial index's condition it states
                ("by url", f"SELECT * FROM articles WHERE url = :u AND {FETCHED_ELSEWHERE} ORDER BY id LIMIT 1",
                 {"u": "https://x.test/"}),
            ):
                rows = conn.execute(text(explain + sql), params).all()
                steps = [str(r[-1]) for r in rows]
                plans.append(f"{label}: " + "; ".join(s.strip() for s in steps[:4]))
    finally:
        engine.dispose()
    return plans


def run_backend(backend: Backend, rows: int, inserts: int, samples: int, body_chars: int) -> dict[str, Any]:
    from storage import migrate

    with backend:
        migrate.upgrade(backend.url)
        result: dict[str, Any] = {"backend": backend.name}
        result["empty"] = upsert_rate(backend.url, 10**8, inserts)
        start = time.perf_counter()
        backend.bulk_load(bulk_rows(rows, body_chars))
        result["load_s"] = time.perf_counter() - start
        result["size_mb"] = backend.size_mb()
        result["full"] = upsert_rate(backend.url, 2 * 10**8, inserts)
        result["latency"] = latencies(backend.url, rows, samples)
        result["plans"] = query_plan(backend.url)
    return result


def tables(results: list[dict[str, Any]], rows: int) -> tuple[list[str], list[str]]:
    rate_rows, lat_rows, goal_rows, notes = [], [], [], []
    for r in results:
        empty, full = r["empty"], r["full"]
        for label in ("new", "unchanged", "new, batched", "unchanged, batched"):
            if label not in empty:
                continue
            e, f = empty[label], full[label]
            wall_share, cpu_share = f["wall"] / e["wall"], f["cpu"] / e["cpu"]
            rate_rows.append([r["backend"], label, f"{e['wall']:.0f}", f"{f['wall']:.0f}", f"{100 * wall_share:.0f} %",
                              f"{e['cpu']:.0f}", f"{f['cpu']:.0f}", f"{100 * cpu_share:.0f} %"])
            if label.startswith("new"):
                path = "crawl's batched path" if "batched" in label else "one transaction per article"
                goal_rows.append([f"{r['backend']}: new-article upserts at {rows:,} vs empty ({path})",
                                  f"{100 * wall_share:.0f} % (wall), {100 * cpu_share:.0f} % (CPU)", "≥ 80 %",
                                  "met" if min(wall_share, cpu_share) >= 0.8 else "missed"])
        for label, lat in r["latency"].items():
            lat_rows.append([r["backend"], label, f"{lat['median']:.2f}", f"{lat['p95']:.2f}", f"{lat['max']:.2f}"])
            if r["backend"] == "SQLite":
                goal_rows.append([f"SQLite: {label} at {rows:,}", f"{lat['p95']:.2f} ms p95", "< 20 ms",
                                  "met" if lat["p95"] < 20 else "missed"])
        notes.append(f"{r['backend']}: bulk load of {rows:,} rows {r['load_s']:.0f} s, database {r['size_mb']:,.0f} MB. Plans — "
                     + " | ".join(r["plans"]))
    goals = markdown_table(["goal", "result", "target", ""], goal_rows)
    rates = markdown_table(["backend", "upsert", "/s empty (wall)", f"/s at {rows:,} (wall)", "ratio",
                            "/CPU-s empty", f"/CPU-s at {rows:,}", "ratio"], rate_rows)
    lat = markdown_table(["backend", f"query at {rows:,} articles", "median ms", "p95 ms", "max ms"], lat_rows)
    return [goals, rates, lat], notes


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.storage", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="articles loaded directly (default 1,000,000)")
    parser.add_argument("--inserts", type=int, default=2000, help="articles upserted per measurement (default 2000)")
    parser.add_argument("--samples", type=int, default=200, help="timed queries per latency figure (default 200)")
    parser.add_argument("--body-chars", type=int, default=300, help="body length of the loaded rows (default 300)")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--label", default="latest")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    chosen = {"sqlite": SQLiteBackend, "postgres": PostgresBackend}
    results = []
    for name in args.backends.split(","):
        print(f"{name}: running …", flush=True)
        results.append(run_backend(chosen[name](), args.rows, args.inserts, args.samples, args.body_chars))
    tabs, notes = tables(results, args.rows)
    notes.insert(0, (
        f"Upserts: {args.inserts:,} new ~5 KB articles through `Repository.upsert_article` (one transaction each), "
        f"the same again (unchanged); then {args.inserts:,} others through `Repository.upsert_articles` in transactions "
        f"of {BATCH} (what the crawl's StorePipeline does under load), and again. Loaded rows: 20 sites, ~" + str(args.body_chars)
        + "-character bodies, every column the repository writes. Latest 50 = the `newscrawl articles` query on "
        "`v_articles`; get_article = `Repository.get_article(url)`."
    ))
    command = ".venv/bin/python -m bench.storage" + ("" if args.rows == 1_000_000 else f" --rows {args.rows}") + (
        "" if args.backends == "sqlite,postgres" else f" --backends {args.backends}") + (
        "" if args.label == "latest" else f" --label {args.label}")
    emit("storage", args.label, "Storage: dedupe-insert rate and query latency", command, tabs, notes, write=not args.no_write)


if __name__ == "__main__":
    main()
