"""Incremental crawling: what a crawl of an unchanged or slightly changed site costs.

Over the generated loopback site (``bench/sitegen.py``, N articles, default 5,000):

1. a first crawl of everything into a fresh SQLite file;
2. a second crawl with nothing changed;
3. a third crawl after the site publishes 20 new articles.

Each is ``newscrawl crawl`` as a child process with the bench site config of
``bench/e2e.py`` (no delay, AutoThrottle off: the site is ours). Reported per run:
requests the server saw (by kind), 304 answers, articles fetched and stored, wall time.
Goals (issue 5): run 2 ≤ 2 % of run 1's requests and ≤ 5 % of its wall time; run 3
fetches the 20 new articles and not much more.

    .venv/bin/python -m bench.incremental               # N = 5,000, writes bench/README.md
    .venv/bin/python -m bench.incremental --articles 300 --no-write
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
from pathlib import Path

from bench.e2e import SITE_ID, run_child, write_bench_config
from bench.report import emit, markdown_table
from bench.siteserver import SiteServerProcess


def crawl(config: Path, db: Path, server: SiteServerProcess, timeout: float):
    cmd = [sys.executable, "-m", "crawler", "crawl", SITE_ID, "--config", str(config),
           "--db", f"sqlite:///{db}", "--resolve", server.resolve]
    server.stats(reset=True)
    child = run_child(cmd, timeout=timeout)
    stats = server.stats(reset=True)
    if child.returncode != 0:
        raise SystemExit(f"crawl failed ({child.returncode}):\n{child.stderr[-3000:]}")
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        run = conn.execute(
            "SELECT articles_new, articles_updated, articles_unchanged FROM crawl_runs ORDER BY id DESC LIMIT 1"
        ).fetchone()
    return child, stats, stored, run


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.incremental", description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--new", type=int, default=20, help="articles published before the third crawl")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument("--no-write", action="store_true", help="print only; do not update bench/README.md")
    args = parser.parse_args(argv)

    rows = []
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-incremental-") as tmp, SiteServerProcess(args.articles) as server:
        tmp_path = Path(tmp)
        config = write_bench_config(tmp_path, server.base_url, concurrency=args.concurrency, log_level="WARNING")
        db = tmp_path / "bench.sqlite"
        for label, before in (("1 first crawl", None), ("2 nothing changed", None), (f"3 after {args.new} new", args.new)):
            if before:
                server.add(before)
            child, stats, stored, run = crawl(config, db, server, args.timeout)
            # The server's own total: a list of kinds here missed the static pages ("page").
            requests = stats["total"]
            results.append((requests, child.wall, stats["requests"].get("article", 0)))
            rows.append([
                label, requests, stats["requests"].get("article", 0),
                sum(stats.get("not_modified", {}).values()),
                " ".join(f"{k}={v}" for k, v in sorted(stats["requests"].items()) if v),
                run[0], stored, f"{child.wall:.1f} s",
            ])
    (req1, wall1, _), (req2, wall2, _), (req3, _, art3) = results
    ratios = [
        ["run 2 requests / run 1", f"{100 * req2 / req1:.2f} %", "≤ 2 %", "met" if req2 <= 0.02 * req1 else "MISSED"],
        ["run 2 wall time / run 1", f"{100 * wall2 / wall1:.2f} %", "≤ 5 %", "met" if wall2 <= 0.05 * wall1 else "MISSED"],
        ["run 3 article fetches", art3, f"{args.new} new", "met" if args.new <= art3 <= args.new + 5 else "check"],
        ["run 3 requests", req3, "not much more", ""],
    ]
    command = "python -m bench.incremental" + ("" if args.articles == 5000 else f" --articles {args.articles}")
    emit(
        "incremental", f"N={args.articles}", "Incremental crawling (issue 5)", command,
        [
            markdown_table(["run", "requests", "article fetches", "304s", "by kind", "articles new", "articles stored", "wall"], rows),
            markdown_table(["ratio", "value", "goal", ""], ratios),
        ],
        notes=["Wall time is the whole `newscrawl crawl` process, including Python and Scrapy start-up (~1–2 s), "
               "which bounds how small run 2 can get in relative terms."],
        write=not args.no_write,
    )


if __name__ == "__main__":
    main()
