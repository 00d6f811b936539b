"""Sitemaps and sitemap indexes (incl. Google News sitemaps) → links."""

from __future__ import annotations

from dataclasses import dataclass, field
from crawler.normalize.urls import join_url

from crawler.sources import DiscoveredLink
from crawler.sources.dates import parse_feed_date
from crawler.sources.xml import child_text, local_name, parse_xml


@dataclass(slots=True)
class SitemapContent:
    #: child sitemaps of an index, newest first when lastmod says so
    sitemaps: list[DiscoveredLink] = field(default_factory=list)
    #: page URLs of a urlset
    urls: list[DiscoveredLink] = field(default_factory=list)


def parse_sitemap(body: bytes, base_url: str) -> SitemapContent:
    root = parse_xml(body)
    content = SitemapContent()
    if root is None:
        return content
    kind = local_name(root)
    for element in root:
        name = local_name(element)
        if name not in ("sitemap", "url"):
            continue
        loc = child_text(element, "loc")
        if not loc or (url := join_url(base_url, loc)) is None:
            continue
        updated = parse_feed_date(child_text(element, "lastmod") or _news_date(element))
        link = DiscoveredLink(url=url, updated=updated, title=_news_title(element))
        if kind == "sitemapindex" or name == "sitemap":
            content.sitemaps.append(link)
        else:
            content.urls.append(link)
    content.sitemaps.sort(key=lambda link: link.updated.timestamp() if link.updated else 0, reverse=True)
    return content


def _news(element):
    for child in element:
        if local_name(child) == "news":
            return child
    return None


def _news_date(element) -> str | None:
    news = _news(element)
    return child_text(news, "publication_date") if news is not None else None


def _news_title(element) -> str | None:
    news = _news(element)
    return child_text(news, "title") if news is not None else None
