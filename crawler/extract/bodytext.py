"""The article body: find it, walk it, clean it — with two fallbacks.

1. The site's ``body`` selector, then the family's selectors (``.entry-content``,
   ``#article-view-content-div``, ``#dic_area`` …), then ``itemprop=articleBody``: the
   element is walked into blocks and cleaned with the Korean text conventions.
2. Pages rendered in the browser carry the body as HTML inside a script
   (:mod:`crawler.extract.embedded`).
3. Otherwise (no selector matched) trafilatura extracts the text — it is better than a
   single density-picked container on unknown layouts — and the same Korean clean-up
   runs over its lines; images and captions still come from our walk of the densest
   container, which trafilatura drops.
"""

from __future__ import annotations

import warnings
from copy import deepcopy
from dataclasses import dataclass

from crawler.extract.blocks import Block, BlockWalker
from crawler.extract.bodyfinder import find_body
from crawler.extract.document import HtmlElement, lines_of, select
from crawler.extract.embedded import embedded_body
from crawler.extract.families import Family
from crawler.extract.korean import CleanBody, clean_blocks
from crawler.extract.page import Page
from crawler.normalize.people import Byline, find_emails, is_byline_line, parse_byline
from crawler.normalize.text import clean_line, join_paragraphs

MIN_BODY_CHARS = 200


@dataclass(slots=True)
class Body:
    """The cleaned body, the element it came from (None for trafilatura) and the layer."""

    cleaned: CleanBody
    element: HtmlElement | None
    layer: str

    @property
    def text(self) -> str:
        """Paragraphs joined with blank lines."""
        return join_paragraphs(self.cleaned.paragraphs)


def _walk(page: Page, family: Family, element: HtmlElement, consumed: set[HtmlElement], title: str | None) -> CleanBody:
    skip = set(consumed)
    for selector in (*page.profile.remove, *family.remove):
        skip.update(select(element, selector))
    walker = BlockWalker(skip, page.absolute)
    cleaned = clean_blocks(walker.walk(element), same_site=page.same_site, title=title)
    for box in walker.author_boxes:
        for line in lines_of(box):
            if is_byline_line(line) and (people := parse_byline(line)):
                cleaned.bylines.extend(p for p in people if all(b.name != p.name for b in cleaned.bylines))
            elif (emails := find_emails(line)) and cleaned.bylines and cleaned.bylines[-1].email is None:
                last = cleaned.bylines[-1]
                cleaned.bylines[-1] = Byline(last.name, emails[0], last.role)
    return cleaned


def _pruned_copy(page: Page, family: Family, consumed: set[HtmlElement]) -> HtmlElement:
    """A copy of the page without consumed nodes (related blocks) and configured removals."""
    tree = page.root.getroottree()
    drop = set(consumed)
    for selector in (*page.profile.remove, *family.remove):
        drop.update(select(page.root, selector))
    paths = [tree.getpath(node) for node in drop]
    copy = deepcopy(page.root)
    # Resolve every path before dropping anything: positional paths (div[3]) shift once a
    # sibling is gone, which made the result depend on the set's iteration order.
    nodes = [node for path in paths for node in copy.getroottree().xpath(path)]
    for node in nodes:
        if node.getparent() is not None:
            node.drop_tree()
    return copy


def _trafilatura(page: Page, family: Family, consumed: set[HtmlElement], title: str | None) -> CleanBody | None:
    try:
        import trafilatura
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            text = trafilatura.extract(_pruned_copy(page, family, consumed), url=page.url, include_comments=False,
                                       include_tables=True)
        except Exception:  # noqa: BLE001 - a fallback must never take the extraction down
            return None
    if not text:
        return None
    blocks = [Block("text", clean_line(line.lstrip("-• "))) for line in text.split("\n") if clean_line(line)]
    return clean_blocks(blocks, same_site=page.same_site, title=title)


def extract_body(
    page: Page,
    family: Family,
    consumed: set[HtmlElement],
    title: str | None = None,
    found: tuple[HtmlElement | None, str] | None = None,
) -> Body:
    """Find and clean the body of ``page`` (``consumed`` nodes, e.g. related blocks, are skipped).

    ``found`` is :func:`find_body`'s answer for this page when the caller already has it.
    """
    own = tuple(s for s in (page.profile.selectors.get("body"),) if s)
    element, how = found if found is not None else find_body(page.root, own + family.body)
    layer = "selector" if own and how == f"selector:{own[0]}" else ("family" if how.startswith("selector") else how)
    body = Body(_walk(page, family, element, consumed, title) if element is not None else CleanBody(), element, layer)
    if layer not in ("density", "page") and len(body.text) >= MIN_BODY_CHARS:
        return body
    candidates = [body]
    if len(body.text) < MIN_BODY_CHARS and (fragment := embedded_body(page.root)) is not None:
        candidates.append(Body(_walk(page, family, fragment, set(), title), fragment, "script"))
    extracted = _trafilatura(page, family, consumed, title)
    if extracted is not None:
        extracted.images = extracted.images or body.cleaned.images
        extracted.bylines = extracted.bylines or body.cleaned.bylines
        extracted.related = extracted.related or body.cleaned.related
        found = Body(extracted, element, "trafilatura")
        if layer in ("density", "page") and len(found.text) >= min(MIN_BODY_CHARS, len(body.text) + 1):
            return found
        candidates.append(found)
    return max(candidates, key=lambda b: len(b.text))
