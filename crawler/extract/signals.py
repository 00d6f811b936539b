"""Page-level signals that tell an article from a listing, a collection or a landing page.

Cheap counts over the parsed page: declared type (JSON-LD, og:type), dates and authors in
metadata, URL shape, repeated linked "cards" (teaser or product grids), linked headings,
prices, and the prose that sits outside cards. :mod:`crawler.extract.gate` weighs them.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlsplit

from lxml import etree

from crawler.extract.document import HtmlElement, text_of
from crawler.extract.fields import in_furniture
from crawler.extract.jsonld import ARTICLE_TYPES, types_of
from crawler.extract.page import Page

LISTING_TYPES = frozenset({
    "itemlist", "collectionpage", "product", "productgroup", "offercatalog", "searchresultspage", "productcollection",
})
_LISTING_PATH = re.compile(
    r"/(?:tags?|categor(?:y|ies)|topics?|collections?|sections?|archives?|authors?|search|c|b|l|chart|jobs|newest|"
    r"subjects?|catalogs?|product-category|shop|store|page/\d+|list|articleList\.html|catpage[^/]*|o)(?:/|$|\.|\?)",
    re.I,
)
_ARTICLE_PATH = re.compile(
    r"articleView|/article/|/news/\w+/\d{5,}|read\.n(?:hn|aver)|/\d{6,}|[?&](?:idxno|aid|no|idx|p|article_id|newsid)=\d|/\d{4}/\d{2}/|"
    r"/(?:blog|posts?|story|stories|p)/[^/]+",
    re.I,
)
_PRICE = re.compile(r"(?:[$€£¥₩]\s?\d[\d,.]*|\d[\d,.]*\s?(?:원|USD|EUR))")


@dataclass(frozen=True, slots=True)
class PageSignals:
    """What the gate weighs (see :func:`read_signals`)."""

    declared_article: bool
    og_type: str
    has_date: bool
    has_author: bool
    home: bool
    listing_path: bool
    article_path: bool
    listing_schema: bool
    cards: int
    card_chars: int
    prose_chars: int
    linked_headings: int
    headings: int
    prices: int
    body_card_chars: int = 0
    body_cards: int = 0

    @property
    def card_ratio(self) -> float:
        """Share of the page's content text that sits in repeated linked cards."""
        return self.card_chars / max(self.card_chars + self.prose_chars, 1)


_LINKS = etree.XPath("//a[@href]")
_FOUR_CHILDREN = etree.XPath("descendant-or-self::*[count(*) >= 4]")
_RICH = etree.XPath("//img | //h2 | //h3 | //h4 | //h5 | //h6")


def _strict_ancestors(elements: list[HtmlElement]) -> set[HtmlElement]:
    out: set[HtmlElement] = set()
    for el in elements:
        node = el.getparent()
        while node is not None and node not in out:
            out.add(node)
            node = node.getparent()
    return out


def _card_items(root: HtmlElement) -> list[HtmlElement]:
    """Top-level repeated siblings that each carry a link plus an image, heading or long anchor."""
    items: set[HtmlElement] = set()
    # Which elements hold a link / an image or heading, from the links and images up:
    # asking every child with find() walked each subtree once per ancestor.
    holds_link = _strict_ancestors(_LINKS(root))
    holds_rich = _strict_ancestors(_RICH(root))
    for parent in _FOUR_CHILDREN(root):  # a group needs four distinct links, so four children
        if parent.tag in ("script", "style", "head", "select"):
            continue
        groups: dict[tuple[str, str], list[tuple[HtmlElement, str]]] = defaultdict(list)
        for child in parent:
            if not isinstance(child.tag, str):
                continue
            if child.tag == "a":
                link = child
            elif child in holds_link:
                link = child.find(".//a[@href]")
            else:
                continue
            rich = child in holds_rich or child.tag in ("h2", "h3", "h4", "h5", "h6")
            if not rich and len(text_of(link)) < 25:
                continue
            groups[(child.tag, child.get("class") or "")].append((child, link.get("href") or ""))
        for group in groups.values():
            if len({href for _, href in group}) >= 4:
                items.update(child for child, _ in group)
    items = {item for item in items if not in_furniture(item)}
    return [item for item in items if not any(a in items for a in item.iterancestors())]


def _prose_chars(root: HtmlElement, cards: set[HtmlElement]) -> int:
    total = 0
    for p in root.iter("p"):
        text = text_of(p)
        if len(text) < 80 or in_furniture(p) or any(a in cards for a in p.iterancestors()):
            continue
        linked = sum(len(text_of(a)) for a in p.iter("a"))
        if linked <= 0.3 * len(text):
            total += len(text)
    return total


def read_page_facts(page: Page, *, has_date: bool, has_author: bool) -> PageSignals:
    """The signals read off metadata and the URL alone; the DOM counts are left at zero."""
    types = {t for node in page.jsonld.nodes for t in types_of(node)}
    declared = page.jsonld.article is not None and bool(types_of(page.jsonld.article) & ARTICLE_TYPES)
    og_type = (page.meta("og:type") or "").lower()
    parts = urlsplit(page.url)
    path = parts.path + ("?" + parts.query if parts.query else "")
    return PageSignals(
        declared_article=declared or og_type == "article",
        og_type=og_type,
        has_date=has_date,
        has_author=has_author,
        home=parts.path in ("", "/") and not _ARTICLE_PATH.search("/?" + parts.query),
        listing_path=bool(_LISTING_PATH.search(path)),
        article_path=bool(_ARTICLE_PATH.search(path)),
        listing_schema=bool(types & LISTING_TYPES) and not declared,
        cards=0, card_chars=0, prose_chars=0, linked_headings=0, headings=0, prices=0,
    )


_BODY_LINKS = etree.XPath("count(descendant-or-self::a[@href])")
_HEADINGS = etree.XPath("count(//h2 | //h3 | //h4)")


def dom_counts_at_most(page: Page, facts: PageSignals, body_el: HtmlElement | None, *, body_cards_only: bool) -> dict[str, int]:
    """Upper bounds of the DOM counts the gate penalises, from two C-level counts.

    Cards are disjoint subtrees that each hold a link, so a body holds no more cards than
    links; there are no more qualifying headings than ``h2``–``h4`` elements. Prices count
    only on pages that do not declare an article. A bound the gate cannot use is returned
    as a large number.
    """
    many = 1 << 30
    return {
        "cards": (int(_BODY_LINKS(body_el)) if body_el is not None else 0) if body_cards_only else many,
        "headings": int(_HEADINGS(page.root)),
        "prices": 0 if facts.declared_article else many,
    }


def read_signals(page: Page, facts: PageSignals, *, body_el: HtmlElement | None = None) -> PageSignals:
    """``facts`` (:func:`read_page_facts`) completed with the page's DOM counts.

    ``body_el`` is the element the body was read from; card text inside it is counted
    separately so that a body which is itself a grid of teasers is not mistaken for prose.
    """
    root = page.root
    cards = _card_items(root)
    headings = [h for h in root.iter("h2", "h3", "h4") if len(text_of(h)) > 10 and not in_furniture(h)]
    linked = sum(1 for h in headings if h.find(".//a") is not None or (h.getparent() is not None and h.getparent().tag == "a"))
    body = root.find("body")
    in_body = [c for c in cards if body_el is not None and body_el in set(c.iterancestors())]
    return dataclasses.replace(
        facts,
        cards=len(cards),
        card_chars=sum(len(text_of(c)) for c in cards),
        prose_chars=_prose_chars(root, set(cards)),
        linked_headings=linked,
        headings=len(headings),
        prices=len(_PRICE.findall(text_of(body))) if body is not None else 0,
        body_card_chars=sum(len(text_of(c)) for c in in_body),
        body_cards=len(in_body),
    )
