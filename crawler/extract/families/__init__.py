"""CMS families: selectors shared by every site built on the same publishing system.

A family is data (CSS selectors per field) plus a fingerprint that recognises its
pages. The extractor tries a site's own selectors first, then its family's, then the
generic layer (JSON-LD, OpenGraph, meta, microdata, body density), so a family only
lists what the generic layer cannot see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crawler.extract.page import Page


@dataclass(frozen=True, slots=True)
class Family:
    """Selectors for one CMS family; every tuple is tried in order, first match wins."""

    name: str
    detect: Callable[[Page], bool] = field(default=lambda page: False)
    title: tuple[str, ...] = ()
    subtitle: tuple[str, ...] = ()
    summary: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    byline: tuple[str, ...] = ()
    published: tuple[str, ...] = ()
    modified: tuple[str, ...] = ()
    section: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    publisher: tuple[str, ...] = ()  # elements naming the outlet (text, alt or title): never a reporter


# Deck / sub-headline class conventions shared across CMSs (sub-tit, subtitle, subheading …),
# tried after a family's own subtitle selectors.
DECK_SELECTORS = (
    "[class*=subtitle]", "[class*=sub-tit]", "[class*=sub_tit]", "[class*=subtit]", "[class*=sub-title]",
    "[class*=sub_title]", "[class*=subheading]", "[class*=subhead]",
)


def registry() -> dict[str, Family]:
    """All known families by name (imported lazily: families import page helpers)."""
    from crawler.extract.families.generic import GENERIC
    from crawler.extract.families.naver import NAVER
    from crawler.extract.families.ndsoft import NDSOFT
    from crawler.extract.families.wordpress import WORDPRESS

    return {f.name: f for f in (NAVER, NDSOFT, WORDPRESS, GENERIC)}


def resolve(name: str, page: Page) -> Family:
    """The family to use for ``page``: the configured one, or for ``generic`` a detected one.

    A site configured as ``generic`` still gets family selectors when its pages carry
    a family's fingerprint; a site configured with a family keeps it even when the
    fingerprint is missing (a theme may hide it).
    """
    families = registry()
    if name != "generic" and name in families:
        return families[name]
    for family in families.values():
        if family.name != "generic" and family.detect(page):
            return family
    return families["generic"]
