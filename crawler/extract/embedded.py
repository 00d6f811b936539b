"""Article HTML embedded in scripts, for pages rendered in the browser.

Single-page-app news sites (Next.js RSC payloads ``self.__next_f.push``,
``__NEXT_DATA__``, Nuxt state) ship the server HTML without the article and carry
the body as an HTML string inside a script. When the DOM has no body text, the
longest such string that reads as paragraphs is parsed as the body instead.
"""

from __future__ import annotations

import json
import re

import lxml.html

from crawler.extract.document import HtmlElement, text_of

_STRING = re.compile(r'"((?:[^"\\]|\\.){300,})"', re.S)
_HTMLISH = re.compile(r"<(?:p|br|div)[\s>/]", re.I)
_PLACEHOLDER = re.compile(r"\$\$[A-Z_]+\$\$")


def _decoded_strings(text: str, depth: int = 0) -> list[str]:
    out: list[str] = []
    for m in _STRING.finditer(text):
        try:
            value = json.loads(f'"{m.group(1)}"')
        except ValueError:
            continue
        # Serialised state (JSON with HTML somewhere inside) is searched, not parsed as a body.
        if _HTMLISH.search(value) and value.count('":') < 10:
            out.append(value)
        if depth < 1 and '\\"' in m.group(1):
            out.extend(_decoded_strings(value, depth + 1))
    return out


def embedded_body(root: HtmlElement, min_chars: int = 200) -> HtmlElement | None:
    """The richest HTML fragment found in script strings, parsed; None when there is none."""
    best: tuple[int, HtmlElement] | None = None
    for script in root.iter("script"):
        kind = (script.get("type") or "").lower()
        if "ld+json" in kind or not script.text or len(script.text) < 300:
            continue
        for html in _decoded_strings(script.text):
            try:
                fragment = lxml.html.fragment_fromstring(_PLACEHOLDER.sub("", html), create_parent="div")
            except (lxml.etree.ParserError, ValueError):
                continue
            paragraphs = [p for p in fragment.iter("p") if len(text_of(p)) > 30]
            length = sum(len(text_of(p)) for p in paragraphs) or len(text_of(fragment))
            if length >= min_chars and (paragraphs or fragment.find(".//br") is not None):
                if best is None or length > best[0]:
                    best = (length, fragment)
    return best[1] if best else None
