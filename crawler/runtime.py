"""Run one crawl of one site in this process: config → Scrapy settings → SiteSpider.

Twisted's reactor cannot be restarted (scrapy#2941), so a process runs exactly one
crawl; ``newscrawl crawl --all`` and the daemon start one child process per site.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.crawler import AsyncCrawlerProcess
from scrapy.settings import Settings

from config.schema import parse_duration
from crawler.spiders.site import SiteSpider

if TYPE_CHECKING:
    from config.schema import AppConfig, SiteConfig
    from crawler.backfill import BackfillWalk

EXIT_OK = 0
EXIT_USAGE = 1
EXIT_CRAWL_FAILED = 2


def crawl_settings(
    app: AppConfig,
    site: SiteConfig,
    *,
    database_url: str,
    resolve: dict[str, str] | None = None,
    trigger: str = "cli",
    log_level: str | None = None,
) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    politeness = site.crawl
    settings.setdict(
        {
            "USER_AGENT": app.user_agent,
            "ROBOTSTXT_OBEY": politeness.robots_txt_obey,
            "DOWNLOAD_DELAY": politeness.download_delay,
            "AUTOTHROTTLE_START_DELAY": max(politeness.download_delay, 0.01),
            "CONCURRENT_REQUESTS_PER_DOMAIN": politeness.concurrent_requests_per_domain,
            "CONCURRENT_REQUESTS": politeness.concurrent_requests,
            "AUTOTHROTTLE_ENABLED": politeness.autothrottle,
            # Scrapy starts CONCURRENT_ITEMS worker tasks for every response's callback
            # output, even an empty one (scrapy#5182); at the default 100 that was a
            # third of a fetch-only crawl's CPU. An article response yields one item.
            "CONCURRENT_ITEMS": 1,
            "DOWNLOAD_TIMEOUT": politeness.download_timeout,
            "LOG_LEVEL": log_level or app.log_level,
            "NEWSCRAWL_SITE_ID": site.id,
            "NEWSCRAWL_DATABASE_URL": database_url,
            "NEWSCRAWL_TRIGGER": trigger,
            "NEWSCRAWL_RESOLVE": dict(resolve or {}),
            "NEWSCRAWL_CIRCUIT_BREAKER": politeness.circuit_breaker,
            "NEWSCRAWL_RETRY_AFTER_MAX": parse_duration(politeness.retry_after_max),
        },
        priority="spider",
    )
    return settings


def run_crawl(settings: Settings, site: SiteConfig, *, max_articles: int = 0,
              backfill: BackfillWalk | None = None, refresh: bool = False) -> tuple[int, str | None]:
    """Crawl until done; (exit code, Scrapy finish reason)."""
    process = AsyncCrawlerProcess(settings)
    crawler = process.create_crawler(SiteSpider)
    crawler.signals.connect(_freeze_heap, signal=signals.spider_opened)
    process.crawl(crawler, site=site, max_articles=max_articles, backfill=backfill,
                  refresh=refresh)
    process.start()
    reason = crawler.stats.get_value("finish_reason") if crawler.stats else None
    ok = reason in ("finished", "closespider_itemcount", "closespider_timeout")
    return (EXIT_OK if ok else EXIT_CRAWL_FAILED), reason


def _freeze_heap() -> None:
    # Extraction allocates enough to run the cyclic GC a few times per article, and each
    # full collection walked every object Scrapy, lxml and our modules had created at
    # start-up (~10 % of a crawl's CPU). Frozen, they are no longer traversed.
    gc.collect()
    gc.freeze()
