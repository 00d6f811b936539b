"""Whitespace and Unicode clean-up shared by every field."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Zero-width characters and BOMs survive copy-paste in CMS editors and break equality.
# A regex rather than str.translate: translate looks every character up in a dict,
# which made it the costliest step of extraction on non-ASCII pages.
INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE = re.compile(f"[{INVISIBLE_CHARS}]")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2002-\u200a\u202f\u205f\u3000]+")
# Whitespace to str.split but not to _SPACES: kept as is inside a line.
_NOT_SPACES = re.compile("[\x1c-\x1f\x85\u1680\u2000\u2001\u2028\u2029]")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def clean_line(text: str) -> str:
    """NFC-normalise, drop invisible characters and collapse all whitespace to one space."""
    # Every body line is asked for by a dozen line tests (caption, byline, copyright, date,
    # share …), each cleaning it again: a hit costs a hash the string already carries.
    # Plain str only: lxml's "smart" strings point at their document, which a cache entry
    # would keep alive.
    if type(text) is str and len(text) <= 600:
        return _clean_line_cached(text)
    return _clean_line(text)


def _settled(text: str) -> str:
    """``text`` NFC-normalised without invisible characters (ASCII already is both)."""
    return text if text.isascii() else _INVISIBLE.sub("", unicodedata.normalize("NFC", text))


def _clean_line(text: str) -> str:
    text = _settled(text)
    if _NOT_SPACES.search(text):
        return _SPACES.sub(" ", text.replace("\n", " ")).strip()
    # Without those characters, str.split's whitespace is exactly _SPACES plus \n, and
    # split/join is several times faster than the regex on the page's many fragments.
    return " ".join(text.split())


_clean_line_cached = lru_cache(maxsize=2048)(_clean_line)


def clean_lines(text: str) -> list[str]:
    """``clean_line`` of every line of ``text``, empty results dropped.

    Normalises the whole text once instead of line by line: NFC never composes across
    a line break, so the result is the same.
    """
    return _lines_of_settled(_settled(text))


def _lines_of_settled(text: str) -> list[str]:
    if _NOT_SPACES.search(text):
        lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    else:
        lines = (" ".join(line.split()) for line in text.split("\n"))
    return [line for line in lines if line]


def clean_joined(text: str) -> str:
    """``clean_lines(text)`` joined with one space, in one pass when no odd space is in it."""
    text = _settled(text)
    if _NOT_SPACES.search(text):
        # str.strip would also drop a line of only \u2028, which the one-pass form keeps.
        return " ".join(_lines_of_settled(text))
    return " ".join(text.split())


def clean_multiline(text: str) -> str:
    """Like :func:`clean_line` per line, keeping line breaks and dropping empty lines."""
    return "\n".join(clean_lines(text))


def join_paragraphs(paragraphs: list[str]) -> str:
    """Body text convention: paragraphs separated by exactly one blank line."""
    return "\n\n".join(p for p in (clean_line(p) for p in paragraphs) if p)


def squash(text: str) -> str:
    """Text with all whitespace removed, for comparisons that ignore layout."""
    # str.split's whitespace is re's \s for str patterns (both ask Py_UNICODE_ISSPACE);
    # split/join skips the regex engine on a hot path.
    return "".join(clean_line(text).split())
