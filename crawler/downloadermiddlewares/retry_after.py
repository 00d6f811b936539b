"""Honour ``Retry-After`` on 429 and 503: wait as long as the server asks, then retry.

Scrapy's RetryMiddleware retries those statuses at once, which is exactly what an
overloaded server asked us not to do. This middleware sees the response first, waits
the requested time (pausing the host's download slot too, so other requests to the
host wait as well) and retries, up to RETRY_TIMES. A wait longer than the site's
``retry_after_max`` is not honoured by hammering: the URL is given up for this crawl.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

STATUSES = (429, 503)


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After value (delta-seconds or an HTTP date), None if unusable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.max_wait = crawler.settings.getfloat("NEWSCRAWL_RETRY_AFTER_MAX", 600.0)
        self.max_retries = crawler.settings.getint("RETRY_TIMES", 2)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        return cls(crawler)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if response.status not in STATUSES:
            return response
        header = response.headers.get("Retry-After")
        wait = retry_after_seconds(header.decode("latin-1") if header else None)
        if wait is None:
            return response
        stats = self.crawler.stats
        tries = request.meta.get("retry_after_times", 0)
        if wait > self.max_wait or tries >= self.max_retries:
            stats.inc_value("newscrawl/retry_after/given_up")
            logger.warning("giving up on %s: %s asked to wait %.0f s (try %d)", request.url, response.status, wait, tries + 1)
            return response
        stats.inc_value("newscrawl/retry_after/waited")
        logger.info("%s answered %s with Retry-After %.0f s: waiting", request.url, response.status, wait)
        self._pause_slot(request, wait)
        await asyncio.sleep(wait)
        retry = request.replace(dont_filter=True)
        retry.meta["retry_after_times"] = tries + 1
        retry.priority = request.priority + 1
        return retry

    def _pause_slot(self, request: Request, wait: float) -> None:
        downloader = self.crawler.engine.downloader
        slot = downloader.slots.get(downloader.get_slot_key(request))
        if slot is not None and slot.download_delay():
            # The downloader waits until lastseen + delay before the next request.
            slot.lastseen = time.monotonic() + wait - slot.download_delay()
