"""A backfill: walk a site's listing pages back in time to a date, resumably.

Listing pages go newest first and rarely print dates, so a page's age is learnt from
its articles: stored ones from the database, new ones when they are extracted. Only
when every article of a page is accounted for does the walk decide — go one page
deeper, or stop because even the page's newest article predates ``since`` — and
save the next page as the cursor, so an interrupted backfill resumes there and does
not fetch again what it already stored.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from crawler.frontier import safe_key
from storage.frontier import BackfillState, save_backfill

if TYPE_CHECKING:
    from collections.abc import Iterable

    import scrapy

    from crawler.sources import DiscoveredLink
    from crawler.spiders.site import SiteSpider

logger = logging.getLogger(__name__)

_PROGRESS_EVERY = 5.0  # seconds
_UNBOUNDED_PAGES = 10**9


@dataclass
class _Page:
    url: str
    next_url: str | None
    waiting: set[str] = field(default_factory=set)
    dates: list[datetime] = field(default_factory=list)


class BackfillWalk:
    def __init__(self, state: BackfillState, since: datetime, until: datetime | None) -> None:
        self.state = state
        self.since = since
        self.until = until
        self.pages_fetched = state.pages_fetched
        self.articles_stored = state.articles_stored
        self.cursor = state.next_url
        self.exhausted = state.resumed and state.pages_fetched > 0 and state.next_url is None
        self.spider: SiteSpider | None = None
        self._pages: list[_Page] = []
        self._started = time.monotonic()
        self._last_progress = 0.0
        self._newest: datetime | None = None
        self._oldest: datetime | None = None

    def attach(self, spider: SiteSpider) -> None:
        self.spider = spider
        if self.state.resumed:
            logger.info("resuming backfill %d of %s at %s (%d pages, %d articles so far)",
                        self.state.id, spider.site.id, self.cursor or "the start", self.pages_fetched,
                        self.articles_stored)

    # --- what to walk ----------------------------------------------------------------
    def resume_url(self, source_url: str) -> str | None:
        if self.exhausted:
            return None
        return self.cursor or source_url

    def in_range(self, moment: datetime | None) -> bool:
        if moment is None:
            return True
        return moment >= self.since and (self.until is None or moment <= self.until)

    def wants_sitemap(self, child: DiscoveredLink) -> bool:
        # A sitemap's lastmod is its newest entry's: older than since, all of it is.
        return child.updated is None or child.updated >= self.since

    # --- listing pages ---------------------------------------------------------------
    def listing_page(self, url: str, articles: list[DiscoveredLink], next_url: str | None) -> Iterable[scrapy.Request]:
        self.pages_fetched += 1
        page = _Page(url, next_url)
        frontier = self.spider.frontier
        for link in articles:
            key = safe_key(link.url)
            if key is None:
                continue
            if frontier.is_stored(link.url):
                published = frontier.published(link.url)
                if published is not None:
                    page.dates.append(published)
            elif frontier.should_fetch_article(link.url):
                page.waiting.add(key)
        self._pages.append(page)
        yield from self._advance()

    def article_done(self, url: str, published: datetime | None, *, stored: bool) -> Iterable[scrapy.Request]:
        if stored:
            self.articles_stored += 1
        if published is not None:
            self._newest = max(self._newest or published, published)
            self._oldest = min(self._oldest or published, published)
        key = safe_key(url)
        for page in self._pages:
            if key in page.waiting:
                page.waiting.discard(key)
                if published is not None:
                    page.dates.append(published)
        yield from self._advance()
        self._progress()

    def _advance(self) -> Iterable[scrapy.Request]:
        while self._pages and not self._pages[0].waiting:
            page = self._pages.pop(0)
            newest = max(page.dates) if page.dates else None
            if newest is not None and newest < self.since:
                logger.info("backfill reached %s on %s: older than %s, stopping the walk",
                            newest.date(), page.url, self.since.date())
                self._save(next_url=None)
                self.exhausted = True
                self._pages.clear()
                return
            if page.next_url is None:
                self._save(next_url=None)
                self.exhausted = True
                return
            self._save(next_url=page.next_url)
            yield self.spider._source_request("listing", page.next_url, page=2, max_pages=_UNBOUNDED_PAGES)

    def _save(self, next_url: str | None, status: str | None = None) -> None:
        self.cursor = next_url
        # Articles of the pages walked so far are stored before the cursor moves past them.
        self.spider.frontier.flush()
        save_backfill(self.spider.frontier.engine, self.state.id, next_url=next_url,
                      pages_fetched=self.pages_fetched, articles_stored=self.articles_stored, status=status)

    # --- progress --------------------------------------------------------------------
    def progress_line(self) -> str:
        elapsed = max(time.monotonic() - self._started, 1e-6)
        rate = (self.articles_stored - self.state.articles_stored) / elapsed
        line = f"backfill {self.spider.site.id}: {self.pages_fetched} pages, {self.articles_stored} articles, {rate:.1f} articles/s"
        if self._oldest is not None:
            line += f", reached {self._oldest:%Y-%m-%d}"
            covered = (self._newest - self._oldest).total_seconds() if self._newest else 0
            remaining = (self._oldest - self.since).total_seconds()
            if covered > 0 and remaining > 0:
                eta = remaining / (covered / elapsed)
                line += f", ETA {_duration(eta)}"
            elif remaining <= 0:
                line += ", ETA done"
        return line

    def _progress(self) -> None:
        now = time.monotonic()
        if now - self._last_progress >= _PROGRESS_EVERY:
            self._last_progress = now
            logger.info("%s", self.progress_line())

    def close(self, reason: str) -> None:
        if self.spider is None or self.spider.frontier is None:
            return
        finished = reason == "finished" and (self.exhausted or not self._pages)
        status = "finished" if finished else "interrupted"
        self._save(next_url=self.cursor if not finished else None, status=status)
        logger.info("%s (%s)", self.progress_line(), status)


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    if seconds >= 60:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds}s"
