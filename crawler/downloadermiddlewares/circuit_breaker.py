"""Stop a site's crawl after repeated 403/429: the site is refusing us.

Continuing would only add load and look like abuse. The reason goes into the stats
(``newscrawl/stop_reason``), which the run recorder stores in ``crawl_runs.error``,
and the crawl closes with finish reason ``circuit_breaker``.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

REFUSALS = (403, 429)
FINISH_REASON = "circuit_breaker"


class CircuitBreakerMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.threshold = crawler.settings.getint("NEWSCRAWL_CIRCUIT_BREAKER", 5)
        self.consecutive = 0
        self.tripped = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CircuitBreakerMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status not in REFUSALS:
            if response.status < 400 and not request.url.endswith("/robots.txt"):
                self.consecutive = 0
            return response
        self.consecutive += 1
        if self.threshold and self.consecutive >= self.threshold and not self.tripped:
            self.tripped = True
            reason = f"{self.consecutive} consecutive HTTP {response.status} responses (last: {request.url})"
            logger.error("stopping the crawl: %s", reason)
            self.crawler.stats.set_value("newscrawl/stop_reason", reason)
            asyncio.ensure_future(self.crawler.engine.close_spider_async(reason=FINISH_REASON))
        return response
