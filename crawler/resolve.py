"""``--resolve HOST=ADDR:PORT``: crawl a site from a mirror, like curl's option.

Every request for HOST (http or https) goes to ``http://ADDR:PORT`` with the original
``Host`` header, and the response keeps the real URL, so links, dedup keys and stored
URLs stay the site's own. This lives in the download handler rather than a middleware
so robots.txt, redirects, retries and the per-host slots all see the real URL.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

_SPEC = re.compile(r"^(?P<host>[A-Za-z0-9.\-]+)=(?P<addr>\[[0-9a-fA-F:]+\]|[A-Za-z0-9.\-]+):(?P<port>\d{1,5})$")


def parse_resolve(specs: list[str] | tuple[str, ...]) -> dict[str, str]:
    """``["www.x.com=127.0.0.1:8080"]`` → ``{"www.x.com": "127.0.0.1:8080"}``."""
    mapping: dict[str, str] = {}
    for spec in specs:
        match = _SPEC.match(spec.strip())
        if not match or not 0 < int(match["port"]) < 65536:
            raise ValueError(f"--resolve {spec!r}: expected HOST=ADDR:PORT, e.g. www.tech42.co.kr=127.0.0.1:8080")
        mapping[match["host"].lower()] = f"{match['addr']}:{match['port']}"
    return mapping


class ResolvingDownloadHandler:
    lazy = False

    def __init__(self, crawler: Crawler) -> None:
        self._inner = HTTP11DownloadHandler(crawler)
        self._map: dict[str, str] = dict(crawler.settings.getdict("NEWSCRAWL_RESOLVE"))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ResolvingDownloadHandler:
        return cls(crawler)

    async def download_request(self, request: Request) -> Response:
        parts = urlsplit(request.url)
        target = self._map.get((parts.hostname or "").lower())
        if target is None:
            return await self._inner.download_request(request)
        mirrored = request.replace(url=urlunsplit(("http", target, parts.path or "/", parts.query, "")))
        mirrored.headers["Host"] = parts.netloc
        response = await self._inner.download_request(mirrored)
        return response.replace(url=request.url, request=request)

    async def close(self) -> None:
        await self._inner.close()
