"""SiteSpider: one generic spider for every configured site.

It walks the site's sources (feed, sitemap, listing pages with pagination), keeps the
links its URL rules call articles, and hands each article response to the extractor.
Everything site-specific comes from the site's config; nothing here knows a site.

Crawls are incremental: sources are fetched with conditional GETs, stored articles
are not fetched again (except the re-checks their publication time makes due),
listing pages are walked newest first until a page holds nothing new, and sitemaps
whose lastmod predates our last fetch are skipped.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from config.schema import parse_duration
from crawler.extract import extract_article
from crawler.extract.charset import decode_html
from crawler.extract.errors import ExtractionError, NotAnArticle
from crawler.frontier import CrawlFrontier, safe_key
from crawler.linkfilter import LinkFilter
from crawler.siteprofile import extract_profile
from crawler.sources import DiscoveredLink
from crawler.sources.feed import parse_feed
from crawler.sources.listing import parse_listing
from crawler.sources.sitemap import parse_sitemap
from storage.db import make_engine

if TYPE_CHECKING:
    from config.schema import SiteConfig
    from crawler.backfill import BackfillWalk

logger = logging.getLogger(__name__)

# Feeds list the newest articles, so they go first; sitemaps can be huge, so last.
_PRIORITY = {"feed": 30, "listing": 20, "sitemap": 10}
_ARTICLE_PRIORITY = 40
_NOT_MODIFIED = 304


class SiteSpider(scrapy.Spider):
    name = "site"

    def __init__(self, site: SiteConfig, max_articles: int = 0, backfill: BackfillWalk | None = None,
                 refresh: bool = False, **kwargs: Any) -> None:
        super().__init__(name=site.id, **kwargs)
        self.site = site
        self.allowed_domains = list(site.domains)
        self.links = LinkFilter(site.domains, site.urls.allow, site.urls.deny)
        self.profile = extract_profile(site)
        self.max_articles = max_articles or site.crawl.max_articles
        self.backfill = backfill
        #: re-fetch everything discovered, stored or not (after an extractor change)
        self.refresh = refresh
        self.frontier: CrawlFrontier | None = None
        #: hash() of the URL key of every article scheduled in this crawl: 8-byte ints
        #: instead of ~200-character keys keep this set (one entry per article) small; a
        #: collision (~1e-8 odds at a million articles) only defers one to the next crawl
        self._scheduled: set[int] = set()
        self._new_scheduled = 0
        #: child sitemaps still to request, one at a time (see _next_sitemap)
        self._sitemaps_waiting: list[str] = []
        self._sitemaps_seen: set[str] = set()

    async def start(self) -> AsyncIterator[scrapy.Request]:
        engine = make_engine(self.settings["NEWSCRAWL_DATABASE_URL"])
        self.frontier = CrawlFrontier(
            engine,
            self.site.id,
            recheck_after=[timedelta(seconds=parse_duration(v)) for v in self.site.crawl.recheck_after],
            max_failures=self.site.crawl.max_failures,
        )
        if self.backfill is not None:
            self.backfill.attach(self)
        for source in self.site.sources:
            url = source.url
            if source.kind == "listing" and self.backfill is not None:
                url = self.backfill.resume_url(source.url)
                if url is None:
                    continue
            yield self._source_request(source.kind, url, page=1, max_pages=source.max_pages)
        for url in self.frontier.rechecks:
            self._scheduled.add(hash(safe_key(url)))
            self._count("articles/recheck")
            yield self._article_request(url, "recheck", dont_filter=True)

    def _source_request(self, kind: str, url: str, *, page: int = 1, max_pages: int = 1) -> scrapy.Request:
        callback = {"feed": self.parse_feed, "sitemap": self.parse_sitemap, "listing": self.parse_listing}[kind]
        # A backfill walks pages deeper than any incremental crawl keeps validators for.
        conditional = not self.refresh and (self.backfill is None or kind != "listing")
        headers = self.frontier.conditional_headers(url) if (self.frontier and conditional) else {}
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.on_error,
            priority=_PRIORITY[kind] - page,
            headers=headers,
            meta={"source": kind, "page": page, "max_pages": max_pages,
                  "handle_httpstatus_list": [_NOT_MODIFIED]},
        )

    # --- sources -------------------------------------------------------------------
    def _unchanged(self, response: Response, kind: str) -> bool:
        """Record the fetch; True when the server said 304 (nothing to parse)."""
        self.frontier.fetched(response.url, kind, response.status, _headers(response))
        if response.status == _NOT_MODIFIED:
            self._count(f"not_modified/{kind}")
            return True
        return False

    def parse_feed(self, response: Response) -> Iterable[scrapy.Request]:
        if self._unchanged(response, "feed"):
            return
        links = parse_feed(response.body, response.url)
        self._count("links/feed", len(links))
        yield from self._article_requests(links, "feed")

    def parse_sitemap(self, response: Response) -> Iterable[scrapy.Request]:
        if self._unchanged(response, "sitemap"):
            yield from self._next_sitemap()
            return
        self._sitemaps_seen.add(response.url)
        content = parse_sitemap(response.body, response.url)
        for child in content.sitemaps:
            if not self.links.on_site(child.url):
                continue
            if self.backfill is not None and not self.backfill.wants_sitemap(child):
                continue
            if self.backfill is None and self.frontier.fetched_since(child.url, child.updated):
                self._count("sitemaps/unchanged_by_lastmod")
                continue
            self._sitemaps_waiting.append(child.url)
        urls = content.urls
        if self.backfill is not None:
            urls = [link for link in urls if self.backfill.in_range(link.updated)]
        self._count("links/sitemap", len(urls))
        yield from self._article_requests(urls, "sitemap")
        yield from self._next_sitemap()

    def _next_sitemap(self) -> Iterable[scrapy.Request]:
        # Child sitemaps are requested one after another, each after the previous one's
        # articles are queued (articles outrank sitemaps): the queue then holds one
        # sitemap's URLs, not the whole site's, and memory stays flat as the site grows.
        # Every sitemap response or error asks for the next, so none may be dropped
        # silently: hence our own de-duplication and dont_filter.
        while self._sitemaps_waiting:
            url = self._sitemaps_waiting.pop(0)
            if url not in self._sitemaps_seen:
                self._sitemaps_seen.add(url)
                yield self._source_request("sitemap", url).replace(dont_filter=True)
                return

    def parse_listing(self, response: Response) -> Iterable[scrapy.Request]:
        if self._unchanged(response, "listing"):
            return
        if not isinstance(response, TextResponse):
            self._count("listing/not_html")
            return
        # Listing pages lie about their charset as often as articles do: follow the bytes.
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        content = parse_listing(decode_html(response.body, content_type), response.url)
        articles = [link for link in content.links if self.links.is_article(link.url)]
        page, max_pages = response.meta["page"], response.meta["max_pages"]
        next_page = content.next_page if content.next_page and self.links.on_site(content.next_page) else None
        yield from self._article_requests(articles, "listing")
        if self.backfill is not None:
            yield from self.backfill.listing_page(response.url, articles, next_page)
            return
        if not next_page or page >= max_pages:
            return
        if not self.refresh and articles and all(self.frontier.is_stored(link.url) for link in articles):
            # Pages go newest first: a page of known articles means the rest are known too.
            self._count("listing/stopped_at_known_page")
            return
        yield self._source_request("listing", next_page, page=page + 1, max_pages=max_pages)

    def _article_requests(self, links: Iterable[DiscoveredLink], source: str) -> Iterable[scrapy.Request]:
        fresh = []
        for link in links:
            if not self.links.is_article(link.url):
                continue
            key = safe_key(link.url)
            if key is None or hash(key) in self._scheduled:
                continue
            self._scheduled.add(hash(key))
            if not self.refresh and not self.frontier.should_fetch_article(link.url):
                self._count("links/skipped_known" if self.frontier.is_stored(link.url) else "links/skipped_failing")
                continue
            if self.max_articles and self._new_scheduled >= self.max_articles:
                self._count("links/over_max_articles")
                continue
            self._new_scheduled += 1
            fresh.append(link.url)
            yield self._article_request(link.url, source)
        self.frontier.discovered(fresh, "article")

    def _article_request(self, url: str, source: str, *, dont_filter: bool = False) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_article, errback=self.on_error,
                              priority=_ARTICLE_PRIORITY, dont_filter=dont_filter,
                              meta={"source": source, "kind": "article"})

    # --- articles ------------------------------------------------------------------
    def parse_article(self, response: Response) -> Iterable[Any]:
        article = self._extract(response)
        published = article.published_at if article is not None else None
        self.frontier.fetched(response.url, "article", response.status, _headers(response), published)
        if article is not None:
            yield article
        if self.backfill is not None:
            requested = response.meta.get("redirect_urls", [response.url])[0]
            yield from self.backfill.article_done(requested, published, stored=article is not None)

    def _extract(self, response: Response):
        if not isinstance(response, TextResponse):
            self._count("not_article/not-html")
            logger.info("not an article (not-html): %s", response.url)
            return None
        try:
            return extract_article(
                response.body,
                response.url,
                profile=self.profile,
                headers={"Content-Type": response.headers.get("Content-Type", b"").decode("latin-1")},
                fetched_at=datetime.now(UTC),
            )
        except NotAnArticle as exc:
            self._count(f"not_article/{exc.reason}")
            logger.info("not an article (%s): %s", exc.reason, response.url)
        except ExtractionError as exc:
            self._count(f"extract_error/{type(exc).__name__}")
            logger.warning("extraction failed for %s: %s", response.url, exc)
        return None

    def on_error(self, failure: Failure) -> Iterable[scrapy.Request]:
        name = failure.type.__name__ if failure.type else "Unknown"
        self._count(f"fetch_error/{name}")
        request = getattr(failure, "request", None)
        response = getattr(failure.value, "response", None)
        url = request.url if request else "?"
        logger.warning("fetch failed (%s) %s: %s", name, url, failure.getErrorMessage())
        if request is None or self.frontier is None:
            return
        kind = request.meta.get("kind") or request.meta.get("source", "article")
        self.frontier.failed(request.url, kind, f"{name}: {failure.getErrorMessage()}",
                             status=response.status if response is not None else None)
        if kind == "sitemap":
            yield from self._next_sitemap()
        if self.backfill is not None and kind == "article":
            yield from self.backfill.article_done(request.url, None, stored=False)

    def closed(self, reason: str) -> None:
        if self.backfill is not None:
            self.backfill.close(reason)
        if self.frontier is not None:
            self.frontier.flush()
            self.frontier.engine.dispose()

    def _count(self, key: str, n: int = 1) -> None:
        self.crawler.stats.inc_value(f"newscrawl/{key}", n)


def _headers(response: Response) -> dict[str, str]:
    return {
        name: value.decode("latin-1")
        for name in ("ETag", "Last-Modified")
        if (value := response.headers.get(name)) is not None
    }
