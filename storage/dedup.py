"""Dedup keys: which URLs name the same article, which texts are the same content.

Pure functions with no project imports, so the crawler (to skip known links) and
the repository (to classify an article) compute exactly the same keys.
"""

from __future__ import annotations

import functools
import hashlib
import unicodedata
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

#: Query parameters that only say where a click came from, never which page.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
    }
)
TRACKING_PREFIXES = ("utm_",)

_HOST_PREFIXES = ("www.", "m.")
_DEFAULT_PORTS = {"http": 80, "https": 443}


# A crawl asks for the key of one URL several times (discovery, frontier, storage), and
# canonicalize_url takes ~90 µs on a long percent-encoded Korean permalink. 4,096 recent
# URLs cover a crawl's queue (one child sitemap's articles) for ~2 MB.
@functools.lru_cache(maxsize=4096)
def url_key(url: str) -> str:
    """Return the key under which an article URL is stored (``articles.url_key``).

    Two URLs get the same key when they differ only in ways that never change the
    page a news site serves: scheme (http/https), case of scheme and host, a
    ``www.`` or ``m.`` host prefix, a default port, the fragment, tracking
    parameters (``utm_*``, ``fbclid``, ...), the order of query parameters, or the
    spelling of the path (raw UTF-8 versus percent-encoding, case of ``%xx``).

    The key has no scheme (``example.com/2024/05/slug/?id=1``) so that it is never
    mistaken for a fetchable URL.

    Args:
        url: An absolute http(s) URL.

    Returns:
        The key; deterministic and idempotent (``url_key`` of a key-like URL with a
        scheme added gives the same key).

    Raises:
        ValueError: ``url`` is not an absolute http(s) URL.
    """
    parts = urlsplit(canonicalize_url(url.strip()))
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"not an absolute http(s) URL: {url!r}")
    host = _strip_host_prefixes(parts.hostname.lower().rstrip("."))
    port = parts.port
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    query = _drop_tracking(parts.query)
    path = parts.path or "/"
    return urlunsplit(("", netloc, path, query, "")).removeprefix("//")


def content_hash(title: str | None, body: str | None) -> str:
    """Return the sha256 hex digest identifying an article's content.

    Title and body are NFC-normalised and their whitespace collapsed first, so
    re-extraction differences in line breaks, non-breaking spaces or decomposed
    Hangul do not count as a change.

    Args:
        title: Headline, or ``None``.
        body: Article text, or ``None``.

    Returns:
        64 lower-case hex characters.
    """
    text = _normalise_text(title) + "\n" + _normalise_text(body)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _normalise_text(text: str | None) -> str:
    if not text:
        return ""
    # str.split() splits on exactly the characters \s matches in str patterns (NBSP and
    # the ideographic space U+3000 that Korean CMS editors insert included), so this is
    # re.sub(r"\s+", " ", text).strip() at a third of the cost; hashes must not change.
    return " ".join(unicodedata.normalize("NFC", text).split())


def _strip_host_prefixes(host: str) -> str:
    changed = True
    while changed:
        changed = False
        for prefix in _HOST_PREFIXES:
            rest = host.removeprefix(prefix)
            # Keep "m.kr"-like hosts whole: the prefix is only noise before a domain.
            if rest != host and "." in rest:
                host, changed = rest, True
    return host


def _drop_tracking(query: str) -> str:
    if not query:
        return ""
    # Filter the already sorted, percent-encoded pairs without decoding their values:
    # Korean sites still send EUC-KR query values, which a UTF-8 round trip would
    # mangle into U+FFFD and so merge distinct articles.
    return "&".join(pair for pair in query.split("&") if not _is_tracking(pair))


def _is_tracking(pair: str) -> bool:
    name = unquote_plus(pair.partition("=")[0]).lower()
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)
