"""RedirectGuardMiddleware: name what goes wrong with a redirect before Scrapy follows it.

Scrapy's RedirectMiddleware handles three bad cases quietly: a redirect loop (the
second request for the same URL is dropped by the duplicate filter, with no errback
and only a debug line), a chain longer than REDIRECT_MAX_TIMES (a bare
``IgnoreRequest``), and a ``Location`` with a non-http(s) scheme (the 3xx response
is passed on as is). This middleware sits just above it, sees the 3xx response first,
and raises a named exception instead, so the request's errback counts it
(``fetch_error/RedirectLoop``, ``fetch_error/TooManyRedirects``,
``fetch_error/SchemeRefused``) and the log says which URL.

Where an acceptable redirect leads is then checked by FetchGuardMiddleware, which
sees the new request like any other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from scrapy.exceptions import IgnoreRequest
from w3lib.url import canonicalize_url, safe_url_string

from crawler.downloadermiddlewares.fetch_policy import SCHEME, Refusal
from crawler.downloadermiddlewares.guard import refuse

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

REDIRECT_STATUSES = (301, 302, 303, 307, 308)


class RedirectLoop(IgnoreRequest):
    """The redirect leads back to a URL already in this request's redirect chain."""


class TooManyRedirects(IgnoreRequest):
    """The redirect chain is longer than REDIRECT_MAX_TIMES."""


class RedirectGuardMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.max_times = crawler.settings.getint("REDIRECT_MAX_TIMES")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectGuardMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status not in REDIRECT_STATUSES or not self._would_follow(request, response):
            return response
        location = response.headers.get("Location")
        if not location:
            return response
        target = _target(request.url, location)
        scheme = urlsplit(target).scheme
        if scheme not in ("http", "https"):
            raise refuse(self.crawler, request, Refusal(SCHEME, f"redirect to {target}"))
        chain = [*request.meta.get("redirect_urls", []), request.url]
        seen = {canonicalize_url(u) for u in chain}
        if canonicalize_url(target) in seen:
            raise RedirectLoop(f"redirect loop: {' → '.join([*chain, target])}")
        if len(chain) > self.max_times:
            raise TooManyRedirects(f"more than {self.max_times} redirects: {' → '.join([*chain, target])}")
        return response

    def _would_follow(self, request: Request, response: Response) -> bool:
        spider_codes = getattr(self.crawler.spider, "handle_httpstatus_list", ())
        return not (
            request.meta.get("dont_redirect")
            or request.meta.get("handle_httpstatus_all")
            or response.status in spider_codes
            or response.status in request.meta.get("handle_httpstatus_list", ())
        )


def _target(url: str, location: bytes) -> str:
    """Where ``Location`` points, resolved the way Scrapy's RedirectMiddleware does."""
    safe = safe_url_string(location)
    if location.startswith(b"//"):
        safe = urlsplit(url).scheme + "://" + safe.lstrip("/")
    return urljoin(url, safe)
