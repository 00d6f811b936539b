"""What a crawl loads of a site's frontier, held as key hashes: the same answers as the
dicts of full keys it replaces, on SQLite and PostgreSQL.

Articles and frontier rows are written through the repository and ``record_urls`` and
read back through ``known_articles``, ``load_frontier`` and ``CrawlFrontier``.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import select

from crawler.frontier import CrawlFrontier
from storage.db import make_engine
from storage.dedup import url_key
from storage.frontier import KeyHashes, frontier_state, known_articles, load_frontier, record_urls
from storage.models import Article
from storage.repository import Repository

KST = timezone(timedelta(hours=9))
SITE = "tech42"
BASE = "https://tech42.example"


def stored(number: int, *, url: str | None = None, canonical: str | None = "same", site: str = SITE,
           published: str | None = "2024-05-01T09:30:00.123456+09:00") -> dict[str, Any]:
    """An article as the crawler hands it to the repository: fetched from ``url``, canonical
    ``canonical`` ("same": the fetched URL)."""
    page = f"{BASE}/news/{number}/" if site == SITE else f"https://other.example/news/{number}/"
    fetched_from = url or page
    return {
        "url": fetched_from, "site": site, "canonical_url": page if canonical == "same" else canonical,
        "title": f"기사 {number}", "body": f"{number}번 기사 본문.\n\n둘째 문단.", "published_at": published,
        "fetched_at": "2024-05-01T01:00:00+00:00", "reporters": [], "tags": [], "images": [], "related_links": [],
        "provenance": {},
    }


@pytest.fixture
def engine(migrated_db_url: str) -> Iterator[Any]:
    engine = make_engine(migrated_db_url)
    yield engine
    engine.dispose()


def old_known(engine: Any, site: str) -> dict[str, datetime | None]:
    """The dict the crawl held before: every stored article under its key and under its fetched URL's."""
    table = Article.__table__
    known: dict[str, datetime | None] = {}
    with engine.connect() as conn:
        for row in conn.execute(select(table.c.url_key, table.c.url, table.c.canonical_url, table.c.published_at)
                                .where(table.c.site == site).order_by(table.c.id)):
            known[row.url_key] = row.published_at
            if row.canonical_url and row.url != row.canonical_url:
                known[url_key(row.url)] = row.published_at
    return known


def test_known_articles_answer_as_the_dict_of_keys_did(engine: Any) -> None:
    Repository(engine).upsert_articles([
        stored(1),
        stored(2, published=None),
        stored(3, url=f"{BASE}/?p=3"),  # fetched from a shortlink: known under both keys
        stored(4, url="http://www.tech42.example/news/4/?utm_source=feed"),  # same key as its canonical URL
        stored(5, canonical=None, url=f"{BASE}/news/5/?page=1"),
        stored(6, canonical=""),
        stored(7, published="1999-12-31T23:59:59.999999+00:00"),
        stored(8, site="other"),
    ])
    expected = old_known(engine, SITE)
    known = known_articles(engine, SITE)

    assert len(known) == len(expected) == 8
    for key, published in expected.items():
        assert key in known
        assert known.get(key) == published
        assert published is None or known.get(key).tzinfo is UTC
    assert url_key(f"{BASE}/?p=3") in known and url_key(f"{BASE}/news/3/") in known
    assert known.get(url_key(f"{BASE}/news/1/")) == datetime(2024, 5, 1, 0, 30, 0, 123456, tzinfo=UTC)
    for absent in (url_key("https://other.example/news/8/"), url_key(f"{BASE}/news/9/"), url_key(f"{BASE}/?p=4"), ""):
        assert absent not in known
        assert known.get(absent) is None


def test_keys_added_during_a_crawl(engine: Any) -> None:
    Repository(engine).upsert_articles([stored(1)])
    known = known_articles(engine, SITE)
    old = url_key(f"{BASE}/news/1/")
    new = url_key(f"{BASE}/news/2/")
    published = datetime(2024, 6, 1, 9, 0, tzinfo=KST)

    known.add(new, published)
    known.add(new, datetime(2030, 1, 1, tzinfo=UTC))  # the first publication time stays, as setdefault did
    known.add(old, datetime(2030, 1, 1, tzinfo=UTC))  # a stored article keeps its stored time
    known.add(url_key(f"{BASE}/news/3/"), None)

    assert new in known and known.get(new) is published
    assert known.get(old) == datetime(2024, 5, 1, 0, 30, 0, 123456, tzinfo=UTC)
    assert url_key(f"{BASE}/news/3/") in known and known.get(url_key(f"{BASE}/news/3/")) is None
    assert len(known) == 3


def test_a_site_with_nothing_stored(engine: Any) -> None:
    Repository(engine).upsert_articles([stored(1, site="other")])
    known = known_articles(engine, SITE)
    assert len(known) == 0
    assert url_key(f"{BASE}/news/1/") not in known and known.get(url_key(f"{BASE}/news/1/")) is None
    known.add(url_key(f"{BASE}/news/1/"), None)
    assert url_key(f"{BASE}/news/1/") in known and len(known) == 1
    states, keys = load_frontier(engine, SITE)
    assert states == {} and len(keys) == 0


def test_key_hashes_keep_the_last_time_of_a_repeated_key() -> None:
    keys = [f"example.com/{n}/" for n in range(1000)] + ["example.com/7/"]
    times = array("q", range(len(keys)))
    table = KeyHashes(array("q", map(hash, keys)), times)
    assert len(table) == 1000
    assert table.time("example.com/7/") == datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=1000)
    assert table.time("example.com/8/") == datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=8)
    assert "example.com/1000/" not in table and table.time("example.com/1000/") is None
    bare = KeyHashes(array("q", map(hash, keys)))
    assert "example.com/999/" in bare and bare.time("example.com/999/") is None
    assert len(KeyHashes(array("q"))) == 0 and "x" not in KeyHashes(array("q"))


def fetched(url: str, kind: str, **result: Any) -> dict[str, Any]:
    return {"url": url, "kind": kind, "fetched_at": datetime(2024, 5, 2, tzinfo=UTC), "http_status": 200, **result}


def test_frontier_rows_full_for_sources_and_failures_keys_for_the_rest(engine: Any) -> None:
    record_urls(engine, SITE, [
        fetched(f"{BASE}/feed", "feed", etag='"f1"', last_modified="Thu, 02 May 2024 00:00:00 GMT"),
        fetched(f"{BASE}/sitemap-1.xml", "sitemap"),
        fetched(f"{BASE}/news/1/", "article", etag='"a1"'),
        fetched(f"{BASE}/news/2/", "article", failed=True, http_status=500, error="HTTP 500",
                next_check_at=datetime(2024, 5, 2, 1, tzinfo=UTC)),
        {"url": f"{BASE}/news/3/", "kind": "article"},  # discovered, never fetched
        fetched(f"{BASE}/page/2/", "article", etag='"p2"'),  # an article row at a listing page's URL
    ])
    record_urls(engine, "other", [fetched("https://other.example/news/1/", "article")])
    states, keys = load_frontier(engine, SITE)

    assert set(states) == {url_key(f"{BASE}/feed"), url_key(f"{BASE}/sitemap-1.xml"), url_key(f"{BASE}/news/2/")}
    assert states[url_key(f"{BASE}/feed")].etag == '"f1"'
    assert states[url_key(f"{BASE}/news/2/")].failures == 1
    assert len(keys) == 3
    for url in (f"{BASE}/news/1/", f"{BASE}/news/3/", f"{BASE}/page/2/"):
        assert url_key(url) in keys
    assert url_key("https://other.example/news/1/") not in keys
    full = frontier_state(engine, SITE, url_key(f"{BASE}/news/1/"))
    assert full is not None and (full.kind, full.etag, full.http_status, full.failures) == ("article", '"a1"', 200, 0)
    assert frontier_state(engine, SITE, url_key("https://other.example/news/1/")) is None


def test_crawl_frontier_decisions(engine: Any) -> None:
    Repository(engine).upsert_articles([stored(1), stored(3, url=f"{BASE}/?p=3", published=None)])
    record_urls(engine, SITE, [
        fetched(f"{BASE}/news/1/", "article"),
        fetched(f"{BASE}/?p=3", "article"),
        fetched(f"{BASE}/news/2/", "article", failed=True, http_status=500, error="HTTP 500",
                next_check_at=datetime(2099, 1, 1, tzinfo=UTC)),
        fetched(f"{BASE}/news/4/", "article"),  # fetched, not an article: fetched again
        fetched(f"{BASE}/page/2/", "article", etag='"p2"'),
        fetched(f"{BASE}/sitemap-1.xml", "sitemap", etag='"s1"'),
    ])
    frontier = CrawlFrontier(engine, SITE, now=datetime(2024, 6, 1, tzinfo=UTC))

    assert frontier.is_stored(f"{BASE}/news/1/") and frontier.is_stored(f"{BASE}/?p=3")
    assert frontier.is_stored("http://tech42.example/news/3/?utm_medium=rss")
    assert frontier.published(f"{BASE}/news/1/") == datetime(2024, 5, 1, 0, 30, 0, 123456, tzinfo=UTC)
    assert frontier.published(f"{BASE}/?p=3") is None and frontier.published("not a url") is None
    assert [frontier.should_fetch_article(f"{BASE}/news/{n}/") for n in (1, 2, 3, 4, 5)] == [
        False, False, False, True, True]
    # a source URL held as an article row: its validators are read from the database
    assert frontier.conditional_headers(f"{BASE}/page/2/") == {"If-None-Match": '"p2"'}
    assert frontier.conditional_headers(f"{BASE}/sitemap-1.xml") == {"If-None-Match": '"s1"'}
    assert frontier.conditional_headers(f"{BASE}/page/3/") == {}
    assert frontier.fetched_since(f"{BASE}/page/2/", datetime(2024, 5, 1, tzinfo=UTC))
    assert not frontier.fetched_since(f"{BASE}/page/3/", datetime(2024, 5, 1, tzinfo=UTC))

    frontier.discovered([f"{BASE}/news/4/", f"{BASE}/news/5/", f"{BASE}/news/2/"], "article")
    assert [row["url"] for row in frontier._pending] == [f"{BASE}/news/5/"]
    published = datetime(2024, 6, 1, 9, tzinfo=KST)
    frontier.fetched(f"{BASE}/news/5/", "article", 200, {}, published)
    frontier.fetched(f"{BASE}/news/6/", "article", 404, {}, published)
    assert frontier.is_stored(f"{BASE}/news/5/") and frontier.published(f"{BASE}/news/5/") is published
    assert not frontier.should_fetch_article(f"{BASE}/news/5/") and not frontier.is_stored(f"{BASE}/news/6/")
    frontier.flush()
