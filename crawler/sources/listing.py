"""Listing pages (home, section fronts, archives) → candidate links and the next page."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.html

from crawler.normalize.urls import join_url
from crawler.sources import DiscoveredLink

# Pagination words across CMSs: WordPress "Older posts"/"다음 페이지", Korean CMS "다음".
_NEXT_TEXT = re.compile(r"^\s*(다음|다음\s*페이지|이전\s*글|older|next|more|›|»|>)\s*(»|›|>)?\s*$", re.I)


@dataclass(slots=True)
class ListingContent:
    links: list[DiscoveredLink] = field(default_factory=list)
    next_page: str | None = None


def parse_listing(body: bytes | str, base_url: str) -> ListingContent:
    """Every ``<a href>`` of the page (absolute, in page order, de-duplicated) and the
    URL of the next (older) page if the page says which one it is."""
    content = ListingContent()
    if not body or not body.strip():
        return content
    try:
        doc = lxml.html.document_fromstring(body)
    except (lxml.etree.ParserError, ValueError):
        return content
    seen: set[str] = set()
    for anchor in doc.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        url = join_url(base_url, href)
        if url is None:  # one unparsable href costs only itself
            continue
        url = url.split("#", 1)[0]
        if url in seen:
            continue
        seen.add(url)
        title = " ".join(anchor.text_content().split()) or None
        content.links.append(DiscoveredLink(url=url, title=title))
    content.next_page = _next_page(doc, base_url)
    return content


def _next_page(doc, base_url: str) -> str | None:
    for element in doc.iter("link", "a"):
        if "next" in (element.get("rel") or "").lower().split() and element.get("href"):
            if url := join_url(base_url, element.get("href")):
                return url
    for anchor in doc.iter("a"):
        classes = (anchor.get("class") or "").lower().split()
        if ("next" in classes or "next-page" in classes) and anchor.get("href"):
            if url := join_url(base_url, anchor.get("href")):
                return url
    for anchor in doc.iter("a"):
        if anchor.get("href") and _NEXT_TEXT.match(anchor.text_content() or ""):
            if url := join_url(base_url, anchor.get("href")):
                return url
    return None
