"""Safe XML parsing for feeds and sitemaps: no entity expansion, no network, tolerant."""

from __future__ import annotations

import gzip
import io

from lxml import etree

_PARSER = etree.XMLParser(
    recover=True, resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True
)
# Sitemaps may be served gzipped without a Content-Encoding header (sitemap.xml.gz).
_GZIP_MAGIC = b"\x1f\x8b"
_MAX_GUNZIPPED = 50 * 1024 * 1024  # the sitemap protocol's own limit


def parse_xml(body: bytes) -> etree._Element | None:
    """The document element, or None when the bytes are not XML at all."""
    if body[:2] == _GZIP_MAGIC:
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(body)) as fh:
                body = fh.read(_MAX_GUNZIPPED)
        except (OSError, EOFError):
            return None
    body = body.lstrip()
    if not body:
        return None
    try:
        root = etree.fromstring(body, parser=_PARSER)
    except etree.XMLSyntaxError:
        return None
    return root


def local_name(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()


def child_text(element: etree._Element, name: str) -> str | None:
    for child in element:
        if local_name(child) == name:
            text = (child.text or "").strip()
            return text or None
    return None
