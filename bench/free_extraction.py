"""``python -m crawler …`` with extraction replaced by a stub that costs nothing: the
ceiling of the crawl around the extractor.

Everything else is the real crawl — Scrapy, our middlewares, sources, frontier,
pipelines, SQLite — but each article page becomes a small fixed article (the URL as
title, a ~1 KB body) without being read. ``bench.e2e`` runs it beside the real crawl, so
goal 2a's gap splits into what extraction costs and what the rest of the crawl costs.

    .venv/bin/python -m bench.free_extraction crawl SITE --config … --db … --resolve …
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import crawler.spiders.site as site_spider
from crawler.items import Article


def free_extraction(body: bytes | str, url: str, *, profile: Any = None, headers: Any = None,
                    fetched_at: datetime | None = None) -> Article:
    now = fetched_at or datetime.now(UTC)
    return Article(url=url, site=profile.site if profile else "unknown", title=url, body=f"{url} " + "본문 " * 300,
                   published_at=now, fetched_at=now, extractor="stub")


if __name__ == "__main__":
    site_spider.extract_article = free_extraction  # the name the spider calls
    from crawler.cli import main

    main()
