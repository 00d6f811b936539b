"""Is this page an article? Section fronts, tag pages, collections, galleries and videos are not.

Two stages. Hard refusals first: no headline (``no-title``), almost no text
(``video-only`` when a player is embedded, ``gallery`` when it is mostly photos,
``no-body`` otherwise). Then a weighed score over :mod:`crawler.extract.signals`:
evidence of an article (declared type, a publication time and an author in metadata,
an article-shaped URL, a long body, a sentence-like headline) against evidence of a
listing (home page, archive-shaped URL, list/product schema, grids of linked cards,
mostly-linked headings, many prices, a short noun-phrase title). A negative score is a
``listing-page``. The weights were set on the WCXB development sample and hold for
Korean news sites, where articles always declare a date.
"""

from __future__ import annotations

import re

from crawler.extract.document import HtmlElement
from crawler.extract.errors import NotAnArticle
from crawler.extract.page import Page
from crawler.extract.signals import PageSignals, dom_counts_at_most, read_page_facts, read_signals

MIN_BODY_CHARS = 120
_PLAYER = re.compile(r"youtube|vimeo|tv\.naver|kakao|player|video|dailymotion", re.I)
# Body layers where the body sits where the site or its CMS puts articles: only card grids
# inside that body count against the page.
BODY_CARD_LAYERS = ("selector", "family", "script")
_SLUG = re.compile(r"/[^/?#]*[^\W\d_]+(?:-[^\W_]+){2,}/?(?:$|[?#])")


def article_score(
    signals: PageSignals, *, body_chars: int, title: str, date_layer: str | None, url: str, body_layer: str | None = None
) -> float:
    """Weighed evidence for "article" (positive) against "listing" (negative).

    A date found by htmldate's guessing is no evidence; one printed with a label (입력 …)
    is weaker than one in metadata.
    """
    score = 0.0
    score += 2 if signals.declared_article else 0
    score += {None: 0, "htmldate": 0, "text": 1}.get(date_layer, 2)
    score += 1 if signals.has_author else 0
    score += 1 if signals.article_path else 0
    score += 1 if body_layer in ("selector", "family") else 0
    score -= 3 if signals.home else 0
    if signals.listing_path and not _SLUG.search(url):
        score -= 2
    score -= 2 if signals.listing_schema else 0
    score -= 2 if signals.og_type.startswith(("product", "ebay")) else 0
    # The extracted body is prose even when the page sets it without <p> (Korean CMS bodies).
    prose = max(signals.prose_chars, body_chars - signals.body_card_chars)
    cards, card_chars = signals.cards, signals.card_chars
    if body_layer in BODY_CARD_LAYERS:
        # The body was found where the site or its CMS puts articles: teaser boxes elsewhere
        # on the page (most read, the outlet's other news) are furniture, not the content.
        cards, card_chars = signals.body_cards, signals.body_card_chars
    card_ratio = card_chars / max(card_chars + prose, 1)
    if cards >= 20 and card_ratio >= 0.7:
        # Twenty teasers outweighing the prose: a listing, whatever the page declares.
        score -= 6
    elif cards >= 6:
        score -= 2 if card_ratio >= 0.6 else (1 if card_ratio >= 0.35 else 0)
    if signals.headings >= 6 and signals.linked_headings / signals.headings >= 0.7:
        score -= 2
    if not signals.declared_article:
        score -= (2 if signals.prices >= 20 else 0) + (1 if signals.prices >= 50 else 0)
    score += 1 if body_chars >= 3000 else (-1 if body_chars < 800 else 0)
    words = len(title.split())
    score -= 1.5 if words <= 2 else (0.5 if words <= 3 else 0)
    return score


def _worst_dom_penalty(cards: int, headings: int, prices: int) -> float:
    """The most :func:`article_score` can subtract for DOM counts no larger than these."""
    return (6 if cards >= 6 else 0) + (2 if headings >= 6 else 0) + (3 if prices >= 50 else 2 if prices >= 20 else 0)


def check_article(
    page: Page,
    *,
    title: str | None,
    body: str,
    body_el: HtmlElement | None,
    date_layer: str | None,
    has_author: bool,
    image_count: int,
    body_layer: str | None = None,
) -> None:
    """Raise :class:`NotAnArticle` when the extracted page is not an article."""
    if not title:
        raise NotAnArticle("no-title")
    if len(body) < MIN_BODY_CHARS:
        root = page.root
        og_type = (page.meta("og:type") or "").lower()
        videos = len(root.findall(".//video")) + sum(1 for f in root.iter("iframe") if _PLAYER.search(f.get("src") or f.get("data-src") or ""))
        if og_type.startswith("video") or videos:
            raise NotAnArticle("video-only", f"{len(body)} chars of text")
        if image_count >= 3:
            raise NotAnArticle("gallery", f"{image_count} images, {len(body)} chars")
        raise NotAnArticle("no-body", f"{len(body)} chars of text")
    # Most articles are accepted on metadata and URL alone: when even the largest penalty the
    # DOM counts could bring leaves the score non-negative, the page-wide walks are skipped
    # (they are a third of a family page's extraction time). Same verdict either way.
    facts = read_page_facts(page, has_date=date_layer is not None, has_author=has_author)
    floor = article_score(facts, body_chars=len(body), title=title, date_layer=date_layer, url=page.url,
                          body_layer=body_layer)
    bounds = dom_counts_at_most(page, facts, body_el, body_cards_only=body_layer in BODY_CARD_LAYERS)
    if floor - _worst_dom_penalty(**bounds) >= 0:
        return
    signals = read_signals(page, facts, body_el=body_el)
    score = article_score(signals, body_chars=len(body), title=title, date_layer=date_layer, url=page.url,
                          body_layer=body_layer)
    if score < 0:
        raise NotAnArticle("listing-page", f"score {score:+.1f}: {signals}")
