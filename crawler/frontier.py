"""What this crawl already knows, and what it learns: the crawl-side frontier.

Loaded once when the crawl opens (a few queries), consulted for every discovered
link, and written back in batches. No Scrapy here: the spider passes in URLs,
statuses and headers. What grows with the site (stored articles, fetched article
URLs) is held as hashes of the keys, a few dozen bytes each (storage.frontier).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from storage.dedup import url_key
from storage.frontier import (
    FrontierState,
    KnownArticles,
    due_rechecks,
    frontier_state,
    known_articles,
    load_frontier,
    record_urls,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from sqlalchemy.engine import Engine

logger = logging.getLogger(__name__)

_FLUSH_EVERY = 200
# A failing article is retried at growing intervals until max_failures.
_RETRY_BACKOFF = timedelta(hours=1)


def safe_key(url: str) -> str | None:
    try:
        return url_key(url)
    except ValueError:
        return None


class CrawlFrontier:
    def __init__(self, engine: Engine, site: str, *, recheck_after: Iterable[timedelta] = (),
                 max_failures: int = 5, now: datetime | None = None) -> None:
        self.engine = engine
        self.site = site
        self.max_failures = max_failures
        self.now = now or datetime.now(UTC)
        #: sources and failing articles in full; of the other fetched articles only the keys
        self.state, self._article_keys = load_frontier(engine, site)
        self.known: KnownArticles = known_articles(engine, site)
        self.rechecks: list[str] = due_rechecks(engine, site, recheck_after, self.now)
        self._pending: list[dict[str, Any]] = []
        urls = len(self.state) + len(self._article_keys)
        logger.info("frontier for %s: %d urls, %d stored articles, %d re-checks due",
                    site, urls, len(self.known), len(self.rechecks))

    # --- decisions -------------------------------------------------------------------
    def conditional_headers(self, url: str) -> dict[str, str]:
        """If-None-Match / If-Modified-Since from the last successful fetch of ``url``."""
        state = self._state(url)
        if state is None or state.http_status not in (200, 304):
            return {}
        headers = {}
        if state.etag:
            headers["If-None-Match"] = state.etag
        if state.last_modified:
            headers["If-Modified-Since"] = state.last_modified
        return headers

    def is_stored(self, url: str) -> bool:
        key = safe_key(url)
        return key is not None and key in self.known

    def published(self, url: str) -> datetime | None:
        key = safe_key(url)
        return self.known.get(key) if key is not None else None

    def should_fetch_article(self, url: str) -> bool:
        """New to us, and not an URL that keeps failing or is waiting out a backoff."""
        key = safe_key(url)
        if key is None or key in self.known:
            return False
        state = self.state.get(key)
        if state is None or not state.failures:
            return True
        if state.failures >= self.max_failures:
            return False
        return state.next_check_at is None or state.next_check_at <= self.now

    def fetched_since(self, url: str, moment: datetime | None) -> bool:
        """Whether ``url`` was fetched at or after ``moment`` (a sitemap's lastmod)."""
        state = self._state(url)
        return bool(state and state.last_fetched_at and moment and state.last_fetched_at >= moment)

    def _state(self, url: str) -> FrontierState | None:
        """The frontier row of ``url`` (a source), in full even when it was loaded as a bare key.

        Only a source URL that the frontier also holds as an article costs the query."""
        key = safe_key(url)
        if key is None:
            return None
        state = self.state.get(key)
        if state is None and key in self._article_keys:
            state = frontier_state(self.engine, self.site, key)
        return state

    # --- records ---------------------------------------------------------------------
    def discovered(self, urls: Iterable[str], kind: str) -> None:
        for url in urls:
            key = safe_key(url)
            if key is not None and key not in self.state and key not in self._article_keys:
                self._add({"url": url, "kind": kind})

    def fetched(self, url: str, kind: str, status: int, headers: Mapping[str, str] | None = None,
                published: datetime | None = None) -> None:
        headers = headers or {}
        self._add({
            "url": url, "kind": kind, "fetched_at": datetime.now(UTC), "http_status": status,
            "etag": headers.get("ETag"), "last_modified": headers.get("Last-Modified"),
            "failed": False, "next_check_at": None,
        })
        if kind == "article" and status == 200:
            key = safe_key(url)
            if key is not None:
                self.known.add(key, published)

    def failed(self, url: str, kind: str, error: str, status: int | None = None) -> None:
        state = self.state.get(safe_key(url) or "")
        failures = (state.failures if state else 0) + 1
        self._add({
            "url": url, "kind": kind, "fetched_at": datetime.now(UTC), "http_status": status,
            "failed": True, "error": error[:500],
            "next_check_at": datetime.now(UTC) + _RETRY_BACKOFF * failures,
        })

    def _add(self, row: dict[str, Any]) -> None:
        self._pending.append(row)
        if len(self._pending) >= _FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        rows, self._pending = self._pending, []
        record_urls(self.engine, self.site, rows)
