"""Whitespace and Unicode clean-up shared by every field."""

from __future__ import annotations

import re
import unicodedata

# Zero-width characters and BOMs survive copy-paste in CMS editors and break equality.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2002-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def clean_line(text: str) -> str:
    """NFC-normalise, drop invisible characters and collapse all whitespace to one space."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    return _SPACES.sub(" ", text.replace("\n", " ")).strip()


def clean_multiline(text: str) -> str:
    """Like :func:`clean_line` per line, keeping line breaks and dropping empty lines."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def join_paragraphs(paragraphs: list[str]) -> str:
    """Body text convention: paragraphs separated by exactly one blank line."""
    return "\n\n".join(p for p in (clean_line(p) for p in paragraphs) if p)


def squash(text: str) -> str:
    """Text with all whitespace removed, for comparisons that ignore layout."""
    return re.sub(r"\s+", "", clean_line(text))
