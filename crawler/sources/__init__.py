"""Discovery: pure parsers that turn a feed, sitemap or listing page into links.

They take bytes and a base URL and return :class:`DiscoveredLink` values; the spider
decides which links to follow. No Scrapy here, so they are tested on plain files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class DiscoveredLink:
    url: str
    #: publication/modification hint from the source (feed pubDate, sitemap lastmod)
    updated: datetime | None = None
    title: str | None = None
