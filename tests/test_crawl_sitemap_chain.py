"""Child sitemaps are requested one after another, each once the previous one's articles
are queued, so a crawl's queue (and memory) holds one sitemap's URLs, not the site's; a
child that fails does not stop the ones after it. Real crawls over loopback."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bench.e2e import write_bench_config
from bench.siteserver import SiteServerProcess
from tests.crawling import newscrawl, write_config
from tests.http_server import FakeSite, FakeSiteServer

pytestmark = pytest.mark.e2e


def stored(db: Path) -> int:
    engine = create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM articles")).scalar_one()
    finally:
        engine.dispose()


def test_next_child_sitemap_waits_for_the_previous_ones_articles(tmp_path: Path) -> None:
    with SiteServerProcess(120, sitemap_size=40) as server:
        config = write_bench_config(tmp_path, server.base_url, concurrency=4, listing_pages=1, log_level="WARNING")
        db = tmp_path / "chain.db"
        newscrawl("crawl", "benchnews", "--config", str(config), "--db", f"sqlite:///{db}",
                  "--resolve", server.resolve, check=True)
        log = server.request_log()
    articles = [path for kind, path in log if kind == "article"]
    assert len(articles) == len(set(articles)) == 120
    assert stored(db) == 120
    children = [i for i, (_, path) in enumerate(log) if path.startswith("/post-sitemap")]
    assert len(children) == 3
    # Newest child first; the feed and front page already gave ~20 of its articles.
    gaps = [sum(1 for kind, _ in log[a:b] if kind == "article") for a, b in pairwise(children)]
    assert gaps[0] >= 40 - 20 - 4
    assert gaps[1] >= 40 - 4


def test_a_failing_child_sitemap_does_not_stop_the_next(tmp_path: Path) -> None:
    base = "https://www.tech42.co.kr"
    site = FakeSite.from_dir("tech42", base)
    xml = "application/xml; charset=UTF-8"
    index = (
        '<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{base}/broken-sitemap.xml</loc><lastmod>2026-11-01T00:00:00+00:00</lastmod></sitemap>"
        f"<sitemap><loc>{base}/wp-sitemap-posts-post-1.xml</loc><lastmod>2026-01-01T00:00:00+00:00</lastmod></sitemap>"
        "</sitemapindex>"
    )
    site.extra_routes.update({
        "/wp-sitemap.xml": (200, xml, index.encode()),
        "/broken-sitemap.xml": (500, "text/plain", b"boom"),
        # Feed and front page list nothing: every article must come through the second child.
        "/feed": (200, "application/rss+xml", b'<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>'),
        "/": (200, "text/html; charset=UTF-8", b"<html><body>empty</body></html>"),
    })
    with FakeSiteServer(site) as server:
        config = write_config(tmp_path)
        db = tmp_path / "broken.db"
        newscrawl("crawl", "tech42", "--config", str(config), "--db", f"sqlite:///{db}",
                  "--resolve", f"www.tech42.co.kr={server.address}", check=False)
        paths = server.paths()
    assert "/broken-sitemap.xml" in paths
    assert paths.index("/wp-sitemap-posts-post-1.xml") > paths.index("/broken-sitemap.xml")
    assert stored(db) == len(site.pages)
