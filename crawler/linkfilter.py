"""Which discovered URLs are this site's articles: on its domains, http(s), allowed by
its URL rules. Pure, so the rules are tested without a crawl."""

from __future__ import annotations

import re
from urllib.parse import urlsplit


class LinkFilter:
    def __init__(self, domains: tuple[str, ...], allow: tuple[str, ...] = (), deny: tuple[str, ...] = ()):
        self._domains = tuple(d.lower().lstrip(".") for d in domains)
        self._allow = [re.compile(p) for p in allow]
        self._deny = [re.compile(p) for p in deny]

    def on_site(self, url: str) -> bool:
        """http(s) and the host is one of the site's domains or a subdomain of one."""
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").lower()
        except ValueError:
            return False
        if parts.scheme not in ("http", "https") or not host:
            return False
        return any(host == d or host.endswith("." + d) for d in self._domains)

    def is_article(self, url: str) -> bool:
        if not self.on_site(url):
            return False
        if any(p.search(url) for p in self._deny):
            return False
        return not self._allow or any(p.search(url) for p in self._allow)
