"""FetchGuardMiddleware: nothing leaves the crawler that the site's rules do not allow.

It runs first among the downloader middlewares, for every request that reaches the
downloader — the spider's, robots.txt fetches, retries, and the new requests the
redirect and meta-refresh middlewares create — and refuses, before any connection:

* a scheme other than http(s) (``file://``, ``ftp://``, …);
* a host that is not one of the site's domains (checked before any DNS lookup, so a
  hostile link never even causes a query);
* a literal private, loopback, link-local or reserved address, or an on-site host
  name that resolves to one — unless ``--resolve`` maps that host to a mirror, or the
  site's own configured host resolves to that address.

Unlike Scrapy's OffsiteMiddleware it ignores ``dont_filter`` and ``allow_offsite``.
Each refusal raises a :class:`RefusedRequest` subclass, is counted in the stats as
``newscrawl/refused/<reason>`` and logged with the URL. It is also counted once as
``newscrawl/fetch_error/<Class>`` (the run's ``errors``): by the request's errback
when refused at download time, by this guard when refused at scheduling time.

Host names are resolved with the reactor's resolver, the same cached resolver the
download handler then connects with, so the address checked is the address used.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future

from crawler.downloadermiddlewares.fetch_policy import (
    BAD_URL,
    OFFSITE,
    PRIVATE_ADDRESS,
    SCHEME,
    FetchPolicy,
    IPAddress,
    Refusal,
    parse_ip,
)

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

STATS_PREFIX = "newscrawl/refused/"


class RefusedRequest(IgnoreRequest):
    """The fetch guard refused a request; ``reason`` is a stable slug."""

    reason = "refused"

    def __init__(self, url: str, detail: str) -> None:
        self.url = url
        self.detail = detail
        super().__init__(f"refused ({self.reason}) {url}: {detail}")


class SchemeRefused(RefusedRequest):
    """Not http(s): ``file://``, ``ftp://``, ``data:``, …"""

    reason = SCHEME


class OffsiteRefused(RefusedRequest):
    """The host is not one of the site's domains."""

    reason = OFFSITE


class PrivateAddressRefused(RefusedRequest):
    """A private, loopback, link-local or reserved address that is not the site's own."""

    reason = PRIVATE_ADDRESS


class BadUrlRefused(RefusedRequest):
    """A URL without a host or with an unparseable port."""

    reason = BAD_URL


_EXCEPTIONS: dict[str, type[RefusedRequest]] = {
    cls.reason: cls for cls in (SchemeRefused, OffsiteRefused, PrivateAddressRefused, BadUrlRefused)
}


def refuse(crawler: Crawler, request: Request, refusal: Refusal) -> RefusedRequest:
    """Count and log ``refusal`` of ``request``; return the exception to raise."""
    crawler.stats.inc_value(STATS_PREFIX + refusal.reason)
    detail = refusal.detail
    if via := request.meta.get("redirect_urls"):
        detail += f" (redirected from {via[-1]})"
    logger.warning("refused (%s) %s: %s", refusal.reason, request.url, detail)
    return _EXCEPTIONS[refusal.reason](request.url, detail)


class FetchGuardMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.mapped = frozenset(crawler.settings.getdict("NEWSCRAWL_RESOLVE"))
        self._static: FetchPolicy | None = None
        self._resolved: FetchPolicy | None = None
        # Requests are checked when scheduled too: Scrapy's OffsiteMiddleware drops
        # off-site requests (redirect targets included) at that point, silently and
        # without an errback, and this guard must see them first to count them.
        crawler.signals.connect(self.request_scheduled, signal=signals.request_scheduled)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FetchGuardMiddleware:
        return cls(crawler)

    def request_scheduled(self, request: Request) -> None:
        """Refuse what needs no DNS before the request is queued; the errback never
        runs for a request dropped here, so the error is counted here."""
        refusal = self.static_policy().check_url(request.url)
        if refusal is not None:
            exc = refuse(self.crawler, request, refusal)
            self.crawler.stats.inc_value(f"newscrawl/fetch_error/{type(exc).__name__}")
            raise exc

    async def process_request(self, request: Request) -> None:
        policy = await self.policy()
        refusal = policy.check_url(request.url)
        host = None if refusal else policy.needs_resolution(request.url)
        if host is not None:
            address = await self._resolve(host)
            if address is not None:
                refusal = policy.check_address(host, address)
        if refusal is not None:
            raise refuse(self.crawler, request, refusal)

    def static_policy(self) -> FetchPolicy:
        """The rules that need no DNS: the spider's domains, --resolve, a literal own address."""
        if self._static is None:
            spider = self.crawler.spider
            domains = tuple(getattr(spider, "allowed_domains", None) or ())
            own = parse_ip(self._base_host())
            self._static = FetchPolicy(domains, self.mapped, frozenset([own] if own else []))
        return self._static

    async def policy(self) -> FetchPolicy:
        """:meth:`static_policy` plus the address the site's own host name resolves to."""
        if self._resolved is None:
            static = self.static_policy()
            base = self._base_host()
            own = set(static.own_addresses)
            if base and base not in static.mapped_hosts and static.on_site(base) and not own:
                address = await self._resolve(base)
                if address is not None:
                    own.add(address)
            self._resolved = FetchPolicy(static.domains, static.mapped_hosts, frozenset(own))
        return self._resolved

    def _base_host(self) -> str:
        site = getattr(self.crawler.spider, "site", None)
        return (urlsplit(getattr(site, "base_url", "") or "").hostname or "").lower()

    async def _resolve(self, host: str) -> IPAddress | None:
        """The address the downloader will connect to, or None if the name does not resolve
        (the download then fails on its own, and is counted there)."""
        from twisted.internet import reactor

        try:
            answer = await maybe_deferred_to_future(reactor.resolve(host))
        except Exception as exc:  # noqa: BLE001 - any resolver failure means "unknown"
            logger.debug("could not resolve %s: %s", host, exc)
            return None
        return parse_ip(str(answer))
