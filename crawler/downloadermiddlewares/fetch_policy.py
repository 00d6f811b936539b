"""Which URLs a crawl of one site may connect to. Pure: no Scrapy, no I/O.

A crawl fetches http(s) URLs on the site's own domains, and only at public
addresses. Exceptions, because the site's own address may legitimately be private:
a host mapped by ``--resolve`` (the mirror *is* the site's address), and any
address the site's own configured host resolves to (an intranet site).

The order of the checks matters: a host that is not the site's is refused before
anything resolves it, so a hostile link never even causes a DNS query.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from urllib.parse import urlsplit

SCHEME = "scheme"
OFFSITE = "offsite"
PRIVATE_ADDRESS = "private-address"
BAD_URL = "bad-url"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_ip(host: str) -> IPAddress | None:
    """The address if ``host`` is a literal IPv4/IPv6 address (brackets allowed), else None."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def is_public(address: IPAddress) -> bool:
    """False for loopback, private, link-local (incl. 169.254.169.254), multicast,
    reserved, unspecified and shared (100.64/10) addresses, also inside IPv4-mapped
    or 6to4 IPv6 addresses."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is not None:
            return is_public(embedded)
    return address.is_global and not address.is_multicast


@dataclass(frozen=True)
class Refusal:
    """Why a URL may not be fetched: a stable ``reason`` slug and a human ``detail``."""

    reason: str
    detail: str


@dataclass(frozen=True)
class FetchPolicy:
    """The fetch rules of one crawl.

    Args:
        domains: The site's domains; a host is on-site if it equals one or is a
            subdomain of one. Empty: nothing is on-site.
        mapped_hosts: Hosts ``--resolve`` sends to a mirror; never resolved here.
        own_addresses: Addresses the site's own configured host resolves to; these
            are allowed even when private.
    """

    domains: tuple[str, ...]
    mapped_hosts: frozenset[str] = frozenset()
    own_addresses: frozenset[IPAddress] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        object.__setattr__(self, "domains", tuple(d.lower().strip(".") for d in self.domains if d))
        object.__setattr__(self, "mapped_hosts", frozenset(h.lower() for h in self.mapped_hosts))

    def on_site(self, host: str) -> bool:
        """``host`` is one of the site's domains or a subdomain of one."""
        host = host.lower().rstrip(".")
        return any(host == d or host.endswith("." + d) for d in self.domains)

    def check_url(self, url: str) -> Refusal | None:
        """Everything decidable without DNS: scheme, host, literal addresses."""
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").lower()
            parts.port  # noqa: B018 - raises ValueError on a malformed port
        except ValueError as exc:
            return Refusal(BAD_URL, f"unparseable URL: {exc}")
        if parts.scheme not in ("http", "https"):
            return Refusal(SCHEME, f"scheme {parts.scheme or '(none)'}: is not http(s)")
        if not host:
            return Refusal(BAD_URL, "no host")
        literal = parse_ip(host)
        if not self.on_site(host):
            if literal is not None and not is_public(literal):
                return Refusal(PRIVATE_ADDRESS, f"{host} is a non-public address and not the site's")
            return Refusal(OFFSITE, f"{host} is not one of the site's domains ({', '.join(self.domains) or 'none'})")
        if host in self.mapped_hosts:
            return None
        if literal is not None:
            return self.check_address(host, literal)
        return None

    def needs_resolution(self, url: str) -> str | None:
        """The host to resolve before fetching ``url``, or None (mapped, literal, refused)."""
        if self.check_url(url) is not None:
            return None
        host = (urlsplit(url).hostname or "").lower()
        if host in self.mapped_hosts or parse_ip(host) is not None:
            return None
        return host

    def check_address(self, host: str, address: IPAddress) -> Refusal | None:
        """May an on-site ``host`` be fetched at ``address``?"""
        if is_public(address) or address in self.own_addresses:
            return None
        return Refusal(PRIVATE_ADDRESS, f"{host} resolves to non-public address {address}")
