"""Related-article blocks: a ``관련 기사`` heading (or a related-posts plugin box) with links.

Each related article becomes ``{url, title, summary}``: the link target, its headline
and the teaser printed with it. The nodes of the block are returned too, so the body
walker skips them and none of the block's text reaches the body.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from lxml import etree

from crawler.extract.document import HtmlElement, class_tokens, select, short_text, text_of
from crawler.extract.page import Page
from crawler.items import RelatedLink
from crawler.normalize.dates import is_date_only_text
from crawler.normalize.text import INVISIBLE_CHARS, clean_line, squash

_HEADING = re.compile(
    r"^(?:관련\s*기사|관련\s*뉴스|관련\s*글|관련\s*콘텐츠|연관\s*기사|관련\s*기사\s*(?:더\s*)?보기|"
    r"함께\s*(?:보면|읽으면|볼만한|읽을만한)\s*(?:좋은)?\s*(?:기사|뉴스|글)|이\s*기사와\s*(?:관련된|함께\s*본)\s*기사|"
    r"related\s*(?:posts?|articles?|stories|news|content|reading)?|you\s*may\s*also\s*like|read\s*more|see\s*also|관련)$",
    re.I,
)
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "p", "strong", "b", "span", "div", "dt", "em", "header", "li", "a"})
_TITLE_PREFIX = re.compile(r"^\s*(?:[▶☞►▷➤·•-]\s*)?(?:[\[【(<]\s*관련\s*기사\s*[\]】)>]|관련\s*기사\s*[:：]?)?\s*")
_CONTEXT = re.compile(r"^[\"“'‘].{1,20}[\"”'’]\s*에서$|^in\s+[\"“].+[\"”]$", re.I)
_RELATED_CLASS = re.compile(r"related|relation|yarpp|relatedposts|crp_related|관련")


@dataclass(slots=True)
class RelatedBlock:
    """Related links found on a page and the nodes that held them."""

    links: list[RelatedLink]
    nodes: list[HtmlElement]


def _norm_heading(text: str) -> str:
    return re.sub(r"^[\s\[【<(▶☞■●◆#]+|[\s\]】>):：]+$", "", clean_line(text))


def is_related_heading(el: HtmlElement) -> bool:
    """True for a short element whose text is a related-articles heading (``관련 기사``)."""
    text = short_text(el, 40)
    if not text or len(text) > 30:
        return False
    norm = _norm_heading(text)
    if not _HEADING.match(norm):
        return False
    if norm == "관련" or norm.lower() in ("read more", "see also"):
        # Too short to trust alone: only as a real heading or inside a related box.
        return el.tag in ("h2", "h3", "h4", "h5", "h6") or any(_RELATED_CLASS.search(t) for t in _ancestor_tokens(el, 3))
    return True


def _has_heading_word(text: str) -> bool:
    """Every _HEADING alternative contains one of these words inside a single text node
    (short_text joins text nodes with a space). Plain ``in`` tests: a case-insensitive
    regex alternation took milliseconds a page; ſ is the one character re.I folds onto
    these Latin letters that str.lower does not."""
    if "관련" in text or "연관" in text or "함께" in text or "기사" in text:
        return True
    low = text.lower()
    return "related" in low or "you" in low or "read" in low or "see" in low or "ſ" in low


_TEXTS = etree.XPath("descendant::text()")


def _unsettled(text: str) -> bool:
    """True when clean_line would change more than whitespace (NFC composition or an
    invisible character removed), which could join a heading word the raw text splits."""
    return not unicodedata.is_normalized("NFC", text) or any(c in text for c in INVISIBLE_CHARS)


def _heading_candidates(root: HtmlElement) -> dict[HtmlElement, None]:
    """Elements that can be a related heading, in document order (a cheap pre-filter).

    A heading's text (``short_text(el, 40)``) is at most 40 stripped characters and holds
    a heading word inside one text node; so only elements holding a short text node with
    a heading word — or one clean_line would alter — can be one. Each such node adds its
    element and the ancestors not yet in, top down: since no element both starts before
    an earlier node and contains a later one, the result stays in document order.
    """
    out: dict[HtmlElement, None] = {}
    short = [t for t in _TEXTS(root) if len(t) <= 40 or len(t.strip()) <= 40]
    # One check for all (NUL, which parsing removed from the page, composes with nothing).
    settled = not _unsettled("\x00".join(short))
    for text in short:
        if not _has_heading_word(text) and (settled or not _unsettled(text)):
            continue
        node = text.getparent()
        if node is not None and text.is_tail:
            node = node.getparent()
        chain = []
        while node is not None and node not in out:
            chain.append(node)
            node = node.getparent()
        for el in reversed(chain):
            out[el] = None
    return out


def _ancestor_tokens(el: HtmlElement, depth: int) -> list[str]:
    tokens: list[str] = []
    node = el
    for _ in range(depth):
        if node is None:
            break
        tokens.extend(class_tokens(node))
        node = node.getparent()
    return tokens


def _links_in(page: Page, nodes: list[HtmlElement]) -> list[HtmlElement]:
    out = []
    for node in nodes:
        for a in ([node] if node.tag == "a" else []) + list(node.iter("a")):
            url = page.absolute(a.get("href"))
            if url and page.same_site(url) and url.split("#")[0] != page.url.split("#")[0]:
                out.append(a)
    return out


def _region_after(heading: HtmlElement) -> list[HtmlElement]:
    """Siblings following the heading (climbing up to two levels) until the next heading."""
    node = heading
    for _ in range(3):
        region: list[HtmlElement] = []
        for sib in node.itersiblings():
            if not isinstance(sib.tag, str):
                continue
            if sib.tag in ("h1", "h2", "h3", "h4", "h5", "h6") or is_related_heading(sib) or _has_long_text(sib):
                break
            region.append(sib)
        if any(el.tag == "a" or el.find(".//a") is not None for el in region):
            return region
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html", "main", "article"):
            return []
        node = parent
    return []


def _has_long_text(el: HtmlElement) -> bool:
    # Body paragraphs after a heading mean the related block (if any) has ended; a list
    # of teasers also has long text, but one link per teaser.
    text = text_of(el)
    linked = sum(len(text_of(a)) for a in el.iter("a"))
    hrefs = {a.get("href") for a in el.iter("a")}
    return len(text) - linked > 400 and len(text) - linked > 250 * len(hrefs)


def _item_container(a: HtmlElement, others: set[str], region_roots: list[HtmlElement], page: Page) -> HtmlElement:
    node = a
    while True:
        parent = node.getparent()
        if parent is None or node in region_roots:
            return node
        urls = {page.absolute(x.get("href")) for x in parent.iter("a")} - {None}
        if urls & others:
            return node
        node = parent


def _pieces(el: HtmlElement) -> list[str]:
    return [p for p in (clean_line(x) for x in _text_pieces(el)) if p]


def _text_pieces(el: HtmlElement) -> list[str]:
    from crawler.extract.document import text_of_multiline

    return text_of_multiline(el).split("\n")


def _build_links(page: Page, anchors: list[HtmlElement], region_roots: list[HtmlElement]) -> list[RelatedLink]:
    order: list[str] = []
    by_url: dict[str, list[HtmlElement]] = {}
    for a in anchors:
        url = page.absolute(a.get("href"))
        if url is None:
            continue
        if url not in by_url:
            order.append(url)
            by_url[url] = []
        by_url[url].append(a)
    links: list[RelatedLink] = []
    for url in order:
        group = by_url[url]
        texts = [text_of(a) for a in group] + [clean_line(a.get("title") or "") for a in group]
        title = max(texts, key=len) if any(texts) else ""
        title = _TITLE_PREFIX.sub("", title).strip() or None
        container = _item_container(group[0], set(order) - {url}, region_roots, page)
        summary_parts = []
        for piece in _pieces(container):
            if title and (squash(piece) in squash(title) or squash(title) in squash(piece) and len(piece) < len(title) + 12):
                continue
            if is_date_only_text(piece) or _CONTEXT.match(piece) or len(piece) < 15:
                continue
            summary_parts.append(piece)
        links.append(RelatedLink(url=url, title=title, summary=" ".join(summary_parts) or None))
    return [link for link in links if link.title]


def find_related(page: Page, extra_selectors: tuple[str, ...] = (), body: HtmlElement | None = None) -> RelatedBlock:
    """Find related-article blocks anywhere on the page.

    Args:
        page: the parsed page.
        extra_selectors: CSS of related containers (site config, then family).
        body: the article body element; a candidate region containing it is refused.
    """
    links: list[RelatedLink] = []
    nodes: list[HtmlElement] = []
    seen_urls: set[str] = set()
    body_ancestors = set(body.iterancestors()) if body is not None else set()

    def accept(region: list[HtmlElement], heading: HtmlElement | None) -> None:
        if body is not None and any(r is body or r in body_ancestors for r in region):
            return
        anchors = _links_in(page, region)
        if not anchors or len({a.get("href") for a in anchors}) > 30:
            return
        found = [l for l in _build_links(page, anchors, region) if l.url not in seen_urls]
        if not found:
            return
        seen_urls.update(l.url for l in found)
        links.extend(found)
        nodes.extend(region)
        if heading is not None:
            nodes.append(heading)

    for selector in extra_selectors:
        for container in select(page.root, selector):
            if container not in nodes and not any(n in nodes for n in container.iterancestors()):
                accept([container], None)

    claimed = {d for n in nodes for d in n.iter()}
    for el in _heading_candidates(page.root):
        if el.tag not in _HEADING_TAGS or el in claimed:
            continue
        if not is_related_heading(el):
            continue
        # Use the outermost element that carries the same heading text (<p><strong>관련기사</strong></p>).
        heading = el
        parent = heading.getparent()
        while parent is not None and parent.tag in _HEADING_TAGS and squash(text_of(parent)) == squash(text_of(heading)):
            heading, parent = parent, parent.getparent()
        region = _region_after(heading)
        if region:
            accept(region, heading)
            claimed = {d for n in nodes for d in n.iter()}
    return RelatedBlock(links, nodes)
