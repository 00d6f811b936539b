"""CrawlRunRecorder: one ``crawl_runs`` row per crawl, scheduled or manual.

The row is inserted as ``running`` when the spider opens and completed when it closes,
with counts and Scrapy's whole stats dict. A crawl killed with SIGKILL leaves it
``running``; the daemon marks such rows ``abandoned`` when it finds their process gone.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any

from scrapy import signals

from storage.db import make_engine
from storage.repository import Repository

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

_FINISHED_REASONS = {"finished", "closespider_timeout", "closespider_itemcount", "closespider_pagecount"}


def run_status(finish_reason: str | None, stats: dict[str, Any]) -> str:
    """finished / killed / failed from Scrapy's finish reason and what was fetched."""
    if finish_reason == "shutdown":
        return "killed"
    if finish_reason not in _FINISHED_REASONS:
        return "failed"
    if not stats.get("response_received_count") and _sum(stats, "newscrawl/fetch_error/"):
        return "failed"
    return "finished"


def _sum(stats: dict[str, Any], prefix: str) -> int:
    return sum(v for k, v in stats.items() if k.startswith(prefix) and isinstance(v, int))


def _by_suffix(stats: dict[str, Any], *prefixes: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for key, value in stats.items():
        for prefix in prefixes:
            if key.startswith(prefix) and isinstance(value, int):
                name = key[len(prefix):]
                out[name] = out.get(name, 0) + value
    return out


def run_counts(stats: dict[str, Any]) -> dict[str, Any]:
    """The crawl_runs columns derived from Scrapy stats."""
    return {
        "counts": {
            "pages_fetched": stats.get("response_received_count", 0),
            "articles_new": stats.get("newscrawl/articles/new", 0),
            "articles_updated": stats.get("newscrawl/articles/updated", 0),
            "articles_unchanged": stats.get("newscrawl/articles/unchanged", 0),
            "articles_duplicate": stats.get("newscrawl/articles/duplicate", 0),
        },
        "items_dropped": _by_suffix(stats, "item_dropped_reasons_count/", "newscrawl/not_article/"),
        "errors": _by_suffix(
            stats, "newscrawl/fetch_error/", "newscrawl/extract_error/", "spider_exceptions/"
        ),
    }


class CrawlRunRecorder:
    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.site = settings["NEWSCRAWL_SITE_ID"]
        self.trigger = settings.get("NEWSCRAWL_TRIGGER", "cli")
        self.engine = make_engine(settings["NEWSCRAWL_DATABASE_URL"])
        self.repository = Repository(self.engine)
        self.run_id: int | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlRunRecorder:
        return cls(crawler)

    def spider_opened(self) -> None:
        self.run_id = self.repository.start_run(self.site, self.trigger, pid=os.getpid())
        self.crawler.stats.set_value("newscrawl/run_id", self.run_id)
        logger.info("crawl run %s started for %s", self.run_id, self.site)

    def spider_closed(self, reason: str) -> None:
        if self.run_id is None:
            return
        stats = dict(self.crawler.stats.get_stats())
        derived = run_counts(stats)
        status = run_status(reason, stats)
        self.repository.finish_run(
            self.run_id,
            status=status,
            finish_reason=reason,
            counts=derived["counts"],
            items_dropped=derived["items_dropped"],
            errors=derived["errors"],
            stats=stats,
            error=stats.get("newscrawl/stop_reason"),
        )
        logger.info("crawl run %s %s (%s): %s", self.run_id, status, reason, derived["counts"])
        self.engine.dispose()
