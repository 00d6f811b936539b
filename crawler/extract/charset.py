"""Bytes → text for HTML pages whose declared charset may lie.

Korean pages often declare ``euc-kr`` in a meta tag while their bytes are UTF-8 (the
page was re-encoded, the template was not), and live sites still serve real EUC-KR.
The bytes decide: valid UTF-8 wins; otherwise the declared charset; otherwise CP949
(the superset of EUC-KR that browsers use) or UTF-8 with replacement characters.
"""

from __future__ import annotations

import codecs
import re

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-:.]+)", re.I)
_KOREAN_ALIASES = {"euc-kr", "euc_kr", "euckr", "ks_c_5601-1987", "ks_c_5601", "ksc5601", "x-windows-949", "windows-949", "cp949", "uhc", "ms949"}


def _normalise(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _KOREAN_ALIASES:
        return "cp949"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def declared_charset(body: bytes, content_type: str | None = None) -> str | None:
    """The charset named by the Content-Type header, else by a ``<meta>`` in the first 4 KB."""
    if content_type and (m := _HEADER_CHARSET.search(content_type)):
        if found := _normalise(m.group(1)):
            return found
    if m := _META_CHARSET.search(body[:4096]):
        return _normalise(m.group(1).decode("ascii", "ignore"))
    return None


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Decode an HTML response body to text, following the bytes rather than the labels.

    Order: a BOM; strict UTF-8; the declared charset (header, then meta; EUC-KR is read
    as CP949); strict CP949; finally UTF-8 or CP949 with replacement characters,
    whichever replaces less. Never raises.
    """
    if not isinstance(body, bytes | bytearray | memoryview):
        return str(body)
    body = bytes(body)
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if body.startswith(bom):
            return body[len(bom):].decode(encoding, "replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = declared_charset(body, content_type)
    for encoding in dict.fromkeys(e for e in (declared, "cp949") if e and e != "utf-8"):
        try:
            return body.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    candidates = [body.decode(e, "replace") for e in ("utf-8", "cp949")]
    return min(candidates, key=lambda text: text.count("\ufffd"))
