"""What the extractor knows about a site before it sees a page."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

SELECTOR_FIELDS = (
    "title", "subtitle", "summary", "body", "byline", "published", "modified", "section", "tags", "related",
)


@dataclass(frozen=True, slots=True)
class ExtractProfile:
    """Per-site extraction settings, built from the site's config file.

    Attributes:
        site: site id (the config file stem), copied into ``Article.site``.
        family: CMS family: ``generic``, ``wordpress``, ``ndsoft`` (``articleView.html?idxno=``
            news CMS) or ``naver``; ``generic`` also detects the others by fingerprint.
        timezone: IANA zone for page times printed without an offset.
        language: BCP-47 language to report when the page does not declare one.
        domains: host names that belong to the site (``canonical_url`` and related
            links are accepted only on these; empty means the page's own host).
        selectors: optional CSS selector per field (see ``SELECTOR_FIELDS``), tried
            before the family's and generic rules.
        remove: CSS selectors of nodes dropped from the body before reading it.
    """

    site: str
    family: str = "generic"
    timezone: str = "Asia/Seoul"
    language: str | None = None
    domains: tuple[str, ...] = ()
    selectors: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    remove: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = set(self.selectors) - set(SELECTOR_FIELDS)
        if unknown:
            raise ValueError(f"unknown selector field(s): {', '.join(sorted(unknown))}")
