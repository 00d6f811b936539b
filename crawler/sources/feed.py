"""RSS 2.0, RSS 1.0 (RDF) and Atom feeds → article links."""

from __future__ import annotations

from crawler.normalize.urls import join_url

from crawler.sources import DiscoveredLink
from crawler.sources.dates import parse_feed_date
from crawler.sources.xml import child_text, local_name, parse_xml


def parse_feed(body: bytes, base_url: str) -> list[DiscoveredLink]:
    """Links of a feed's items, in feed order; an unparsable feed yields no links."""
    root = parse_xml(body)
    if root is None:
        return []
    links: list[DiscoveredLink] = []
    for element in root.iter():
        name = local_name(element)
        if name == "item":
            href = child_text(element, "link") or _guid_link(element)
            date = child_text(element, "pubdate") or child_text(element, "date")
        elif name == "entry":
            href = _atom_link(element)
            date = child_text(element, "published") or child_text(element, "updated")
        else:
            continue
        if href and (url := join_url(base_url, href.strip())):
            links.append(
                DiscoveredLink(
                    url=url,
                    updated=parse_feed_date(date),
                    title=child_text(element, "title"),
                )
            )
    return links


def _guid_link(item) -> str | None:
    for child in item:
        if local_name(child) == "guid" and child.get("isPermaLink", "true") != "false":
            text = (child.text or "").strip()
            if text.startswith(("http://", "https://")):
                return text
    return None


def _atom_link(entry) -> str | None:
    fallback = None
    for child in entry:
        if local_name(child) != "link":
            continue
        rel = child.get("rel", "alternate")
        if rel == "alternate" and child.get("href"):
            return child.get("href")
        fallback = fallback or child.get("href")
    return fallback
