"""JSON-LD: parse every ``<script type=application/ld+json>``, flatten ``@graph``, find the article.

Yoast SEO (WordPress) emits one ``@graph`` with ``Article`` → ``author: {"@id": …}`` →
``Person``; news sites emit a bare ``NewsArticle``. Malformed blocks (trailing commas,
raw newlines in strings, HTML comments) are common and are repaired or skipped, never fatal.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from crawler.extract.document import HtmlElement

ARTICLE_TYPES = frozenset({
    "article", "newsarticle", "blogposting", "reportagenews", "analysisnewsarticle", "opinionnewsarticle",
    "backgroundnewsarticle", "reviewnewsarticle", "techarticle", "scholarlyarticle", "socialmediaposting",
    "liveblogposting", "posting", "advertisercontentarticle", "satiricalarticle", "report",
})
_TRAILING_COMMA = re.compile(r",\s*([}\]])")


def _loads(text: str) -> Any:
    text = text.strip()
    text = re.sub(r"^\s*(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)", "", text)
    text = re.sub(r"(?:-->|//\s*\]\]>|\]\]>)\s*$", "", text).strip()
    for attempt in (text, _TRAILING_COMMA.sub(r"\1", text)):
        try:
            return json.loads(attempt, strict=False)
        except ValueError:
            continue
    return None


def _walk(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, list):
        for item in value:
            yield from _walk(item)
    elif isinstance(value, dict):
        yield value
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement", "hasPart"):
            if key in value:
                yield from _walk(value[key])


def types_of(node: dict[str, Any]) -> set[str]:
    """The node's ``@type`` values, lower-cased, without schema.org prefixes."""
    raw = node.get("@type", [])
    values = raw if isinstance(raw, list) else [raw]
    return {str(v).rsplit("/", 1)[-1].lower() for v in values}


class JsonLd:
    """All JSON-LD nodes of a page with ``@id`` references resolvable."""

    def __init__(self, root: HtmlElement) -> None:
        self.nodes: list[dict[str, Any]] = []
        for script in root.iter("script"):
            kind = (script.get("type") or "").lower()
            if "ld+json" not in kind:
                continue
            data = _loads(script.text or "")
            if data is not None:
                self.nodes.extend(_walk(data))
        self.by_id = {n["@id"]: n for n in self.nodes if isinstance(n.get("@id"), str) and len(n) > 1}
        self.article = self._find_article()

    def resolve(self, value: Any) -> Any:
        """Follow an ``{"@id": …}`` reference to the full node when the page has it."""
        if isinstance(value, dict) and set(value) <= {"@id", "@type"} and value.get("@id") in self.by_id:
            return self.by_id[value["@id"]]
        return value

    def _find_article(self) -> dict[str, Any] | None:
        articles = [n for n in self.nodes if types_of(n) & ARTICLE_TYPES]
        if not articles:
            pages = [n for n in self.nodes if "webpage" in types_of(n) and (n.get("headline") or n.get("datePublished"))]
            return pages[0] if pages else None
        articles.sort(key=lambda n: (not n.get("headline"), not n.get("datePublished")))
        return articles[0]

    def get(self, key: str) -> Any:
        """Value of ``key`` on the article node (None when absent)."""
        return self.article.get(key) if self.article else None

    def strings(self, key: str) -> list[str]:
        """``key`` on the article node as a list of strings (names of objects, items of lists)."""
        value = self.get(key)
        out: list[str] = []
        for item in value if isinstance(value, list) else [value]:
            item = self.resolve(item)
            if isinstance(item, str):
                out.append(item)
            elif isinstance(item, dict):
                for field in ("name", "url", "@id"):
                    if isinstance(item.get(field), str):
                        out.append(item[field])
                        break
        return [s for s in out if s and s.strip()]

    def authors(self) -> list[tuple[str, str | None, str | None, bool]]:
        """(name, email, job title, is_person) for each author of the article node."""
        value = self.get("author") or self.get("creator")
        out: list[tuple[str, str | None, str | None, bool]] = []
        for item in value if isinstance(value, list) else [value]:
            item = self.resolve(item)
            if isinstance(item, str):
                out.append((item, None, None, True))
            elif isinstance(item, dict) and isinstance(item.get("name"), str):
                email = item.get("email")
                if not isinstance(email, str):
                    same = item.get("sameAs")
                    links = same if isinstance(same, list) else [same]
                    email = next((s[7:] for s in links if isinstance(s, str) and s.startswith("mailto:")), None)
                is_person = not (types_of(item) & {"organization", "newsmediaorganization", "corporation", "organisation"})
                job = item.get("jobTitle") if isinstance(item.get("jobTitle"), str) else None
                out.append((item["name"], email.removeprefix("mailto:") if email else None, job, is_person))
        return out

    def names_of_type(self, *kinds: str) -> list[str]:
        """Names of all nodes whose type is one of ``kinds`` (e.g. the publisher's name)."""
        wanted = {k.lower() for k in kinds}
        return [n["name"] for n in self.nodes if types_of(n) & wanted and isinstance(n.get("name"), str)]
