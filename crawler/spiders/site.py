"""SiteSpider: one generic spider for every configured site.

It walks the site's sources (feed, sitemap, listing pages with pagination), keeps the
links its URL rules call articles, and hands each article response to the extractor.
Everything site-specific comes from the site's config; nothing here knows a site.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler.extract import extract_article
from crawler.extract.errors import ExtractionError, NotAnArticle
from crawler.extract.profile import ExtractProfile
from crawler.linkfilter import LinkFilter
from crawler.sources import DiscoveredLink
from crawler.sources.feed import parse_feed
from crawler.sources.listing import parse_listing
from crawler.sources.sitemap import parse_sitemap
from storage.dedup import url_key

if TYPE_CHECKING:
    from config.schema import SiteConfig

logger = logging.getLogger(__name__)

# Feeds list the newest articles, so they go first; sitemaps can be huge, so last.
_PRIORITY = {"feed": 30, "listing": 20, "sitemap": 10}
_ARTICLE_PRIORITY = 40


class SiteSpider(scrapy.Spider):
    name = "site"

    def __init__(self, site: SiteConfig, max_articles: int = 0, **kwargs: Any) -> None:
        super().__init__(name=site.id, **kwargs)
        self.site = site
        self.allowed_domains = list(site.domains)
        self.links = LinkFilter(site.domains, site.urls.allow, site.urls.deny)
        self.profile = ExtractProfile(
            site=site.id,
            family=site.extract.family,
            timezone=site.timezone,
            language=site.language,
            domains=tuple(site.domains),
            selectors=dict(site.extract.selectors),
            remove=tuple(site.extract.remove),
        )
        self.max_articles = max_articles or site.crawl.max_articles
        self._scheduled: set[str] = set()

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for source in self.site.sources:
            callback = {"feed": self.parse_feed, "sitemap": self.parse_sitemap, "listing": self.parse_listing}[source.kind]
            yield scrapy.Request(
                source.url,
                callback=callback,
                errback=self.on_error,
                priority=_PRIORITY[source.kind],
                meta={"source": source.kind, "page": 1, "max_pages": source.max_pages},
            )

    # --- sources -------------------------------------------------------------------
    def parse_feed(self, response: Response) -> Iterable[scrapy.Request]:
        links = parse_feed(response.body, response.url)
        self._count("feed_links", len(links))
        yield from self._article_requests(links, "feed")

    def parse_sitemap(self, response: Response) -> Iterable[scrapy.Request]:
        content = parse_sitemap(response.body, response.url)
        for child in content.sitemaps:
            if self.links.on_site(child.url):
                yield response.request.replace(url=child.url, priority=_PRIORITY["sitemap"])
        self._count("sitemap_links", len(content.urls))
        yield from self._article_requests(content.urls, "sitemap")

    def parse_listing(self, response: Response) -> Iterable[scrapy.Request]:
        if not isinstance(response, TextResponse):
            self._count("listing_not_html")
            return
        content = parse_listing(response.body, response.url)
        yield from self._article_requests(content.links, "listing")
        page, max_pages = response.meta["page"], response.meta["max_pages"]
        if content.next_page and page < max_pages and self.links.on_site(content.next_page):
            yield scrapy.Request(
                content.next_page,
                callback=self.parse_listing,
                errback=self.on_error,
                priority=_PRIORITY["listing"] - page,
                meta={"source": "listing", "page": page + 1, "max_pages": max_pages},
            )

    def _article_requests(self, links: Iterable[DiscoveredLink], source: str) -> Iterable[scrapy.Request]:
        for link in links:
            if not self.links.is_article(link.url):
                continue
            key = url_key(link.url)
            if key in self._scheduled:
                continue
            if self.max_articles and len(self._scheduled) >= self.max_articles:
                self._count("links/over_max_articles")
                continue
            self._scheduled.add(key)
            yield scrapy.Request(
                link.url,
                callback=self.parse_article,
                errback=self.on_error,
                priority=_ARTICLE_PRIORITY,
                meta={"source": source},
            )

    # --- articles ------------------------------------------------------------------
    def parse_article(self, response: Response) -> Iterable[Any]:
        if not isinstance(response, TextResponse):
            self._count("not_article/not-html")
            return
        try:
            article = extract_article(
                response.body,
                response.url,
                profile=self.profile,
                headers={"Content-Type": response.headers.get("Content-Type", b"").decode("latin-1")},
                fetched_at=datetime.now(UTC),
            )
        except NotAnArticle as exc:
            self._count(f"not_article/{exc.reason}")
            logger.info("not an article (%s): %s", exc.reason, response.url)
            return
        except ExtractionError as exc:
            self._count(f"extract_error/{type(exc).__name__}")
            logger.warning("extraction failed for %s: %s", response.url, exc)
            return
        yield article

    def on_error(self, failure: Failure) -> None:
        name = failure.type.__name__ if failure.type else "Unknown"
        self._count(f"fetch_error/{name}")
        request = getattr(failure, "request", None)
        logger.warning("fetch failed (%s) %s: %s", name, request.url if request else "?", failure.getErrorMessage())

    def _count(self, key: str, n: int = 1) -> None:
        self.crawler.stats.inc_value(f"newscrawl/{key}", n)
