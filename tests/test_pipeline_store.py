"""StorePipeline: articles arriving together are written together (one transaction a
batch), each item still gets its own outcome, and one bad article fails alone."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector
from sqlalchemy import create_engine, text

from crawler.items import Article
from crawler.pipelines.store import StorePipeline
from storage import migrate


def make_pipeline(db_url: str) -> StorePipeline:
    settings = Settings({"NEWSCRAWL_DATABASE_URL": db_url})
    crawler = SimpleNamespace(settings=settings, stats=None)
    crawler.stats = MemoryStatsCollector(crawler)
    return StorePipeline(crawler)


def item(n: int, **overrides) -> Article:
    fields = {
        "url": f"https://tech42.example/news/{n}/", "site": "tech42", "title": f"기사 {n}",
        "body": f"본문 {n}.", "published_at": datetime(2024, 5, 1, tzinfo=UTC),
        "fetched_at": datetime(2024, 5, 2, tzinfo=UTC),
    }
    fields.update(overrides)
    return Article(**fields)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    migrate.upgrade(url)
    return url


def stored(db_url: str) -> list[str]:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return [r[0] for r in conn.execute(text("SELECT url FROM articles ORDER BY url"))]
    finally:
        engine.dispose()


def test_items_arriving_together_are_written_in_batches(db_url: str) -> None:
    pipeline = make_pipeline(db_url)

    async def run() -> list[Article]:
        results = await asyncio.gather(*(pipeline.process_item(item(n)) for n in range(30)))
        await pipeline.close_spider()
        return results

    results = asyncio.run(run())
    assert [r.url for r in results] == [item(n).url for n in range(30)]
    assert len(stored(db_url)) == 30
    stats = pipeline.stats.get_stats()
    assert stats["newscrawl/articles/new"] == 30
    assert stats["newscrawl/store/max_batch"] > 1


def test_a_bad_article_fails_alone(db_url: str) -> None:
    pipeline = make_pipeline(db_url)
    naive = datetime(2024, 5, 1)  # no time zone: the repository refuses it

    async def run() -> list[object]:
        results = await asyncio.gather(
            *(pipeline.process_item(item(n, published_at=naive if n == 3 else item(n).published_at)) for n in range(6)),
            return_exceptions=True,
        )
        await pipeline.close_spider()
        return results

    results = asyncio.run(run())
    assert isinstance(results[3], ValueError)
    assert all(isinstance(r, Article) for i, r in enumerate(results) if i != 3)
    assert len(stored(db_url)) == 5
    assert pipeline.stats.get_value("newscrawl/articles/new") == 5


def test_the_same_article_twice_is_new_then_unchanged(db_url: str) -> None:
    pipeline = make_pipeline(db_url)

    async def run() -> None:
        await asyncio.gather(pipeline.process_item(item(1)), pipeline.process_item(item(1)))
        await pipeline.process_item(item(1))
        await pipeline.close_spider()

    asyncio.run(run())
    assert stored(db_url) == [item(1).url]
    assert pipeline.stats.get_value("newscrawl/articles/new") == 1
    assert pipeline.stats.get_value("newscrawl/articles/unchanged") == 2
