"""The framework's ceiling: a Scrapy spider that fetches the site's articles and does
nothing with them.

It walks the sitemap index and its child sitemaps one after another, as ``SiteSpider``
does (a regex over ``<loc>``, the cheapest discovery there is), and requests every
article URL once, through the same Scrapy settings
as ``newscrawl crawl`` (``crawler.settings``, the same ``--resolve`` download handler,
robots.txt, concurrency and AutoThrottle from the bench site config) but with Scrapy's
default downloader middlewares only, no item pipelines and no extensions. Its callback
drops the response. Prints Scrapy's stats as one JSON line at the end.

    .venv/bin/python -m bench.fetchonly --sitemap https://www.benchnews.test/sitemap_index.xml \\
        --resolve www.benchnews.test=127.0.0.1:8080 --concurrency 16
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.crawler import AsyncCrawlerProcess
from scrapy.http import Response
from scrapy.settings import Settings

_LOC = re.compile(rb"<loc>\s*([^<\s]+)\s*</loc>")


class FetchOnlySpider(scrapy.Spider):
    name = "fetchonly"

    def __init__(self, sitemap: str, skip: str = r"/(category|tag|author|page)/", chain: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sitemap = sitemap
        self.skip = re.compile(skip)
        self.chain = chain
        self._children: list[str] = []

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield scrapy.Request(self.sitemap, callback=self.parse_sitemap, priority=10)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        locs = [m.group(1).decode() for m in _LOC.finditer(response.body)]
        if b"<sitemapindex" in response.body[:500]:
            if self.chain:
                # One child sitemap at a time, the next once this one's articles are queued
                # behind it: the queue holds one sitemap's requests, not the whole site's.
                self._children = locs
                yield from self._next_child()
            else:
                for url in locs:
                    yield scrapy.Request(url, callback=self.parse_sitemap, priority=10)
            return
        for url in locs:
            if not self.skip.search(url):
                yield scrapy.Request(url, callback=self.parse_article, priority=40)
        if self.chain:
            yield from self._next_child()

    def _next_child(self) -> Iterator[scrapy.Request]:
        if self._children:
            yield scrapy.Request(self._children.pop(0), callback=self.parse_sitemap, priority=10)

    def parse_article(self, response: Response) -> None:
        self.crawler.stats.inc_value("fetchonly/articles")


def fetch_settings(resolve: dict[str, str], concurrency: int, *, autothrottle: bool, log_level: str) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.setdict(
        {
            "DOWNLOADER_MIDDLEWARES": {},
            "ITEM_PIPELINES": {},
            "EXTENSIONS": {},
            "DOWNLOAD_DELAY": 0,
            # As crawler.runtime sets it for newscrawl crawl: the same framework either side.
            "CONCURRENT_ITEMS": 1,
            "AUTOTHROTTLE_ENABLED": autothrottle,
            "CONCURRENT_REQUESTS": concurrency,
            "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
            "NEWSCRAWL_RESOLVE": resolve,
            "LOG_LEVEL": log_level,
        },
        priority="spider",
    )
    return settings


def main(argv: list[str] | None = None) -> None:
    from crawler.resolve import parse_resolve

    parser = argparse.ArgumentParser(prog="python -m bench.fetchonly", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sitemap", required=True, help="the site's sitemap index URL")
    parser.add_argument("--resolve", action="append", default=[], metavar="HOST=ADDR:PORT")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--autothrottle", action="store_true")
    parser.add_argument("--log-level", default="INFO")
    parser.add_argument("--all-sitemaps-at-once", action="store_true",
                        help="request every child sitemap at once (default: one after another, as SiteSpider does)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=JSON",
                        help="override a Scrapy setting, e.g. --set CONCURRENT_ITEMS=100 (for experiments)")
    args = parser.parse_args(argv)
    settings = fetch_settings(parse_resolve(args.resolve), args.concurrency, autothrottle=args.autothrottle,
                              log_level=args.log_level)
    for assignment in args.set:
        name, _, value = assignment.partition("=")
        settings.set(name, json.loads(value), priority="cmdline")
    process = AsyncCrawlerProcess(settings)
    crawler = process.create_crawler(FetchOnlySpider)
    process.crawl(crawler, sitemap=args.sitemap, chain=not args.all_sitemaps_at_once)
    process.start()
    stats = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in crawler.stats.get_stats().items()}
    print(json.dumps(stats, default=str), flush=True)


if __name__ == "__main__":
    main()
