"""Store articles through the repository; the database decides new/updated/unchanged."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from storage.db import make_engine
from storage.repository import Repository

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from crawler.items import Article

logger = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.engine = make_engine(crawler.settings["NEWSCRAWL_DATABASE_URL"])
        self.repository = Repository(self.engine)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    async def process_item(self, item: Article) -> Article:
        # A thread keeps the reactor serving downloads while the database waits on a lock.
        outcome = await asyncio.to_thread(self.repository.upsert_article, item.to_dict())
        self.stats.inc_value(f"newscrawl/articles/{outcome}")
        logger.debug("%s: %s", outcome, item.url)
        return item

    async def close_spider(self) -> None:
        self.engine.dispose()
