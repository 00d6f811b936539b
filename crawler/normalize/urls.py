"""Joining the hrefs a page prints onto its URL, where one bad href must not cost the page.

``urljoin``/``urlsplit`` raise ``ValueError`` on hrefs that occur on real pages
(``http://[broken/``, a port above 65535) and ``safe_url_string`` does too; each such link
is dropped here, alone, instead of taking its article or listing page with it.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from w3lib.url import safe_url_string

_LABEL = r"(?!xn--)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_CHAR = r"(?:[A-Za-z0-9\-._~!$&()*+,=:@]|%[0-9A-Fa-f]{2})"
# An absolute http(s) URL that urljoin and safe_url_string both return unchanged: a plain
# lower-case host (no IDNA, no port) and only characters no standard quotes. Most hrefs on
# a page are such URLs, and safe_url_string is the slowest step of resolving one.
_ALREADY_SAFE = re.compile(
    rf"https?://{_LABEL}(?:\.{_LABEL})*(?:/{_CHAR}*)*(?:\?(?:{_CHAR}|[/?])+)?(?:#(?:{_CHAR}|[/?])+)?"
)
_NOT_LINKS = ("#", "javascript:", "mailto:", "tel:", "data:")


def join_url(base: str, href: str) -> str | None:
    """``urljoin(base, href)``, or None when either cannot be parsed."""
    try:
        return urljoin(base, href)
    except ValueError:
        return None


def absolute_url(base: str, href: str | None) -> str | None:
    """Absolute, percent-encoded http(s) URL for ``href`` on a page at ``base``.

    None for empty hrefs, fragments, ``mailto:``/``javascript:``/``tel:``/``data:``, other
    schemes, and hrefs that cannot be parsed.
    """
    href = (href or "").strip()
    if not href or href.startswith(_NOT_LINKS):
        return None
    if _ALREADY_SAFE.fullmatch(href):
        return href
    try:
        url = urljoin(base, href)
        if urlsplit(url).scheme not in ("http", "https"):
            return None
        return safe_url_string(url)
    except ValueError:
        return None
