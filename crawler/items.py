"""The article schema: one definition, documented field by field.

Everything the crawler stores, prints or exports is an :class:`Article`. The
``doc`` metadata of each field is the documentation (``newscrawl schema``
prints it), so there is no second copy to drift. Lists are never ``None``;
scalars are ``None`` when the page does not have them.

This module imports neither Scrapy nor SQLAlchemy: extractors build articles
from plain HTML, pipelines hand ``Article.to_dict()`` to storage.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


def _doc(text: str) -> dict[str, str]:
    return {"doc": text}


@dataclass(slots=True)
class Reporter:
    name: str = field(metadata=_doc("Person's name without the role word (류정민, not 류정민 기자)."))
    email: str | None = field(default=None, metadata=_doc("Email printed near the byline, lower-cased."))
    role: str | None = field(default=None, metadata=_doc("Role word as printed: 기자, 특파원, 논설위원, …"))


@dataclass(slots=True)
class Image:
    url: str = field(metadata=_doc("Absolute image URL."))
    caption: str | None = field(default=None, metadata=_doc("Caption text without the credit."))
    credit: str | None = field(default=None, metadata=_doc("Credit: 메타 from (이미지=메타), 연합뉴스 from (사진=연합뉴스)."))


@dataclass(slots=True)
class RelatedLink:
    url: str = field(metadata=_doc("Absolute URL of the related article."))
    title: str | None = field(default=None, metadata=_doc("Its headline as shown on the page."))
    summary: str | None = field(default=None, metadata=_doc("Its teaser text, when the page shows one."))


@dataclass(slots=True)
class Article:
    url: str = field(metadata=_doc("URL the page was fetched from (after redirects)."))
    site: str = field(metadata=_doc("Site id from config (the TOML file stem), e.g. tech42."))
    title: str | None = field(default=None, metadata=_doc("Headline, whitespace-normalised."))
    canonical_url: str | None = field(default=None, metadata=_doc("<link rel=canonical> / og:url when it points at this site, else None."))
    subtitle: str | None = field(default=None, metadata=_doc("Deck / sub-headline."))
    summary: str | None = field(default=None, metadata=_doc("Summary block ([AI요약], bullet summary, description)."))
    body: str | None = field(default=None, metadata=_doc("Clean article text, paragraphs separated by one blank line; no captions, bylines, copyright or share text."))
    reporters: list[Reporter] = field(default_factory=list, metadata=_doc("Bylines: list of {name, email, role}."))
    published_at: datetime | None = field(default=None, metadata=_doc("First publication, timezone-aware (naive page times are the site's zone, KST by default)."))
    published_raw: str | None = field(default=None, metadata=_doc("The string published_at was parsed from."))
    modified_at: datetime | None = field(default=None, metadata=_doc("Last modification, timezone-aware."))
    modified_raw: str | None = field(default=None, metadata=_doc("The string modified_at was parsed from."))
    section: str | None = field(default=None, metadata=_doc("Section / category name."))
    tags: list[str] = field(default_factory=list, metadata=_doc("Tags / keywords, de-duplicated, in page order."))
    images: list[Image] = field(default_factory=list, metadata=_doc("Images in the article: list of {url, caption, credit}."))
    related_links: list[RelatedLink] = field(default_factory=list, metadata=_doc("Related-article block: list of {url, title, summary}."))
    language: str | None = field(default=None, metadata=_doc("BCP-47 language of the page (ko, en)."))
    fetched_at: datetime | None = field(default=None, metadata=_doc("When the page was fetched, UTC."))
    extractor: str | None = field(default=None, metadata=_doc("Which extractor produced the article, e.g. wordpress+korean or generic."))
    provenance: dict[str, str] = field(default_factory=dict, metadata=_doc("Per field, the layer that produced it: jsonld, opengraph, meta, family, text, trafilatura."))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping: datetimes as ISO 8601 strings."""
        out = dataclasses.asdict(self)
        for key in ("published_at", "modified_at", "fetched_at"):
            value = out[key]
            out[key] = value.isoformat() if value is not None else None
        return out


def schema_table() -> list[tuple[str, str, str]]:
    """(field, type, documentation) rows for ``newscrawl schema``."""
    rows: list[tuple[str, str, str]] = []
    for cls, prefix in ((Article, ""), (Reporter, "reporters[]."), (Image, "images[]."), (RelatedLink, "related_links[].")):
        for f in dataclasses.fields(cls):
            rows.append((prefix + f.name, str(f.type), f.metadata.get("doc", "")))
    return rows
