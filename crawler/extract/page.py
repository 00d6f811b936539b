"""One parsed page and what every extraction layer reads from it: metas, JSON-LD, URLs."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from urllib.parse import urlsplit

from lxml import etree

from crawler.extract.document import HtmlElement, text_of
from crawler.extract.jsonld import JsonLd
from crawler.extract.profile import ExtractProfile
from crawler.normalize.text import clean_line
from crawler.normalize.urls import absolute_url, join_url


# In C: a Python walk over every element costs more than the rest of the lookup.
_WITH_ITEMPROP = etree.XPath("descendant-or-self::*[@itemprop]")
# Read in C: a Python loop over every data-* attribute (lazy-image URLs, tracking ids)
# cost as much as the rest of date extraction.
_SHORT_DATA_ATTRS = etree.XPath("descendant-or-self::*/@*[starts-with(name(), 'data-') and string-length(.) <= 40]")


def host_of(url: str) -> str:
    """Lower-cased host of ``url`` without ``www.``/``m.`` prefixes."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:  # http://[broken/ — no host to compare
        return ""
    for prefix in ("www.", "m.", "mobile."):
        if host.startswith(prefix):
            host = host[len(prefix):]
    return host


class Page:
    """A parsed page plus the site profile and the fetch time used to judge dates."""

    def __init__(self, root: HtmlElement, url: str, profile: ExtractProfile, now: datetime) -> None:
        self.root = root
        self.url = url
        self.profile = profile
        self.now = now
        base = root.find(".//base[@href]")
        self.base_url = (join_url(url, base.get("href")) or url) if base is not None else url
        self.metas = self._read_metas()
        self.jsonld = JsonLd(root)
        self.hosts = {host_of(url)} | {host_of("//" + d) for d in profile.domains if d}
        self.hosts.discard("")
        # Related blocks and bodies resolve the same hrefs many times; safe_url_string is slow.
        self._absolute: dict[str, str | None] = {}
        self._itemprops: list[HtmlElement] | None = None
        self._data_attrs: list[tuple[str, str]] | None = None
        self._same_site: dict[str, bool] = {}

    def _read_metas(self) -> dict[str, list[str]]:
        metas: dict[str, list[str]] = defaultdict(list)
        for meta in self.root.iter("meta"):
            content = meta.get("content")
            if content is None or not content.strip():
                continue
            for attr in ("property", "name", "itemprop", "http-equiv"):
                key = meta.get(attr)
                if key:
                    metas[key.strip().lower()].append(clean_line(content))
        return dict(metas)

    def meta(self, *keys: str) -> str | None:
        """First non-empty content among meta tags named ``keys`` (property/name/itemprop)."""
        for key in keys:
            for value in self.metas.get(key.lower(), ()):
                if value:
                    return value
        return None

    def meta_all(self, *keys: str) -> list[str]:
        """All contents of meta tags named ``keys``, in order."""
        return [v for key in keys for v in self.metas.get(key.lower(), ()) if v]

    def absolute(self, href: str | None) -> str | None:
        """Absolute, percent-encoded URL for ``href`` (None for fragments, mailto:, javascript:)."""
        if not href:
            return None
        try:
            return self._absolute[href]
        except KeyError:
            url = self._absolute[href] = absolute_url(self.base_url, href)
            return url

    def same_site(self, url: str) -> bool:
        """True when ``url`` is on this site (the page's host or a profile domain)."""
        try:
            return self._same_site[url]
        except KeyError:  # asked for every link of every related block and body line
            host = host_of(url)
            same = self._same_site[url] = bool(host) and any(host == h or host.endswith("." + h) for h in self.hosts)
            return same

    def itemprop(self, name: str) -> list[HtmlElement]:
        """Microdata elements with ``itemprop=name``."""
        if self._itemprops is None:  # asked once per date kind and field; the tree never changes
            self._itemprops = _WITH_ITEMPROP(self.root)
        return [el for el in self._itemprops if name in (el.get("itemprop") or "").split()]

    def short_data_attributes(self) -> list[tuple[str, str]]:
        """(name, value) of every ``data-*`` attribute of at most 40 characters, in document
        order: where pages keep dates for scripts (both date kinds ask)."""
        if self._data_attrs is None:
            self._data_attrs = [(found.attrname, str(found)) for found in _SHORT_DATA_ATTRS(self.root)]
        return self._data_attrs

    def itemprop_value(self, el: HtmlElement) -> str:
        """A microdata element's value: content/datetime attribute, else its text."""
        for attr in ("content", "datetime", "value"):
            if el.get(attr):
                return clean_line(el.get(attr))
        return text_of(el)

    def site_names(self) -> set[str]:
        """Names this site goes by (og:site_name, JSON-LD publisher/WebSite), for filtering."""
        names = set(self.meta_all("og:site_name", "application-name", "twitter:site"))
        names |= set(self.jsonld.names_of_type("organization", "newsmediaorganization", "website"))
        names.add(self.profile.site)
        return {clean_line(n) for n in names if n}
