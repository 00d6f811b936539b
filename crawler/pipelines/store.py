"""Store articles through the repository; the database decides new/updated/unchanged.

Writes are group-committed: while one batch is being written (in a thread, so the
reactor keeps serving downloads), the articles that arrive wait and go together in the
next batch, one transaction for all. An idle crawl writes each article at once; a busy one
pays one commit per batch instead of one per article, which on SQLite is most of the
cost of storing. An article's ``process_item`` returns only after its batch committed.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from storage.db import make_engine
from storage.repository import Repository

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from crawler.items import Article

logger = logging.getLogger(__name__)

#: Most articles in one transaction: bounds how long a batch holds the write lock.
MAX_BATCH = 50


class StorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.engine = make_engine(crawler.settings["NEWSCRAWL_DATABASE_URL"])
        self.repository = Repository(self.engine)
        self._pending: list[tuple[dict[str, Any], asyncio.Future[str]]] = []
        self._writer: asyncio.Task[None] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    async def process_item(self, item: Article) -> Article:
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._pending.append((item.to_dict(), future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.ensure_future(self._write_pending())
        outcome = await future
        self.stats.inc_value(f"newscrawl/articles/{outcome}")
        logger.debug("%s: %s", outcome, item.url)
        return item

    async def _write_pending(self) -> None:
        batch: list[tuple[dict[str, Any], asyncio.Future[str]]] = []
        try:
            while self._pending:
                batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
                self.stats.max_value("newscrawl/store/max_batch", len(batch))
                try:
                    outcomes = await asyncio.to_thread(self.repository.upsert_articles, [a for a, _ in batch])
                except Exception as exc:  # noqa: BLE001 - handed to the items' process_item
                    if len(batch) == 1:
                        _fail(batch[0][1], exc)
                    else:
                        await self._write_one_by_one(batch)
                    continue
                for (_, future), outcome in zip(batch, outcomes, strict=True):
                    _resolve(future, outcome)
        except BaseException as exc:
            # Cancelled (shutdown) or a bug: no item may wait for a write that will not come.
            for _, future in batch + self._pending:
                _fail(future, exc)
            self._pending = []
            raise

    async def _write_one_by_one(self, batch: list[tuple[dict[str, Any], asyncio.Future[str]]]) -> None:
        # One bad article must not cost the others: each gets its own outcome or error.
        for values, future in batch:
            try:
                outcome = await asyncio.to_thread(self.repository.upsert_article, values)
            except Exception as exc:  # noqa: BLE001 - handed to that item's process_item
                _fail(future, exc)
            else:
                _resolve(future, outcome)

    async def close_spider(self) -> None:
        if self._writer is not None:
            await asyncio.gather(self._writer, return_exceptions=True)
        self.engine.dispose()


def _resolve(future: asyncio.Future[str], outcome: str) -> None:
    if not future.done():
        future.set_result(outcome)


def _fail(future: asyncio.Future[str], exc: BaseException) -> None:
    if not future.done():
        future.set_exception(exc)
