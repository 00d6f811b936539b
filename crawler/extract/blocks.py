"""Walk an article body element into a flat list of text lines and images.

Korean CMS bodies are often one ``<div>`` of text separated by ``<br>``, WordPress
bodies are ``<p>`` and ``<figure>``; both become the same list: one :class:`Block` per
visual line, images with their caption text. Later layers decide what each line is
(body, caption, byline, boilerplate) from its text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from crawler.extract.document import HtmlElement, class_tokens, is_hidden, text_of
from crawler.normalize.text import clean_line

BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "header", "footer", "main", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol",
    "li", "dl", "dt", "dd", "blockquote", "pre", "table", "tr", "tbody", "thead", "tfoot", "caption",
    "figcaption", "hr", "center", "address", "details", "summary", "fieldset", "hgroup",
})
SKIP_TAGS = frozenset({
    "script", "style", "noscript", "template", "iframe", "form", "button", "input", "select", "textarea", "nav",
    "svg", "object", "embed", "canvas", "video", "audio", "map", "head", "link", "meta", "aside", "ins", "label",
})
# Class/id words (split on - and _) marking page furniture inside an article body.
NOISE_WORDS = frozenset({
    "share", "sharing", "sns", "social", "sharedaddy", "addtoany", "a2a", "comment", "comments", "reply",
    "advert", "advertisement", "ad", "ads", "adsense", "adsbygoogle", "banner", "sponsor", "sponsored", "promo",
    "subscribe", "subscription", "newsletter", "related", "relatedposts", "recommend", "recommended",
    "popular", "ranking", "widget", "sidebar", "breadcrumb", "breadcrumbs", "pagination", "pager", "toolbar",
    "yarpp", "outbrain", "taboola", "dable", "tags", "keyword", "keywords", "fontsize",
    "copyright", "sns_area", "util", "utility", "btn", "button",
})
NOISE_CLASSES = frozenset({
    "screen-reader-text", "sr-only", "visually-hidden", "blind", "hide", "hidden", "skip-link", "show-for-sr",
})
_SPLIT = re.compile(r"[-_]")
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_INLINE_COUNTED = frozenset({"a", "strong", "b"})
_IMG_ATTRS = ("data-src", "data-lazy-src", "data-original", "data-lazy", "data-url", "data-orig-file", "src")


@dataclass(slots=True)
class Block:
    """One line of body text, or one image with the caption text printed with it."""

    kind: str  # "text" | "heading" | "item" | "image"
    text: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)  # (href, anchor text)
    link_chars: int = 0
    image_url: str | None = None
    caption: str | None = None
    bold: bool = False

    @property
    def link_ratio(self) -> float:
        """Share of the text that sits inside links."""
        return self.link_chars / max(len(self.text), 1)


def is_noise(el: HtmlElement, tokens: list[str] | None = None) -> bool:
    """True for furniture inside a body: share bars, ads, comment boxes, hidden text.

    ``tokens``: the element's :func:`class_tokens`, when the caller has them already.
    """
    if is_hidden(el):
        return True
    tokens = class_tokens(el) if tokens is None else tokens
    if any(t in NOISE_CLASSES for t in tokens):
        return True
    return any(part in NOISE_WORDS for t in tokens for part in _SPLIT.split(t))


_AUTHOR_PARTS = ("box", "bio", "about", "card", "info", "profile", "wrap", "area", "desc")


def is_author_box(el: HtmlElement, tokens: list[str] | None = None) -> bool:
    """True for an author/reporter box (photo, bio, "other articles") inside a body."""
    for token in class_tokens(el) if tokens is None else tokens:
        if any(word in token for word in ("author", "writer", "reporter", "journalist", "byline", "editors")):
            if any(part in token for part in _AUTHOR_PARTS) or token in ("writer", "byline", "view-editors", "journalist"):
                return True
    return False


def _looks_like_code(el: HtmlElement) -> bool:
    # Program listings in tech posts are not article prose.
    text = el.text_content()
    symbols = sum(text.count(c) for c in "{}();=<>[]#$")
    lines = text.strip().count("\n") + len(el.findall(".//br"))
    return lines >= 2 and symbols >= max(6, len(text) // 40)


def image_src(img: HtmlElement) -> str | None:
    """The real image URL of an ``<img>`` (lazy-loading attributes first), or None for placeholders."""
    for attr in _IMG_ATTRS:
        value = (img.get(attr) or "").strip()
        if value and not value.startswith("data:") and not value.endswith(("blank.gif", "spacer.gif", "pixel.gif")):
            return value
    srcset = img.get("srcset") or img.get("data-srcset") or ""
    if srcset.strip():
        return srcset.split(",")[0].strip().split(" ")[0] or None
    return None


def _is_tiny(img: HtmlElement) -> bool:
    for attr in ("width", "height"):
        value = (img.get(attr) or "").strip().rstrip("px")
        if value.isdigit() and int(value) <= 40:
            return True
    return False


def _is_figure(el: HtmlElement, tag: str, tokens: list[str]) -> bool:
    if tag == "figure":
        return True
    if tag in ("div", "span", "table", "dl", "p") and any(
        any(word in t for word in ("caption", "photo", "img", "image", "figure", "thumb", "pic")) for t in tokens
    ):
        imgs = el.findall(".//img")
        return 0 < len(imgs) <= 4 and len(text_of(el)) < 400
    if tag == "table":
        imgs = el.findall(".//img")
        return 0 < len(imgs) <= 2 and len(text_of(el)) < 300
    return False


class BlockWalker:
    """Turns a body element into :class:`Block`s, skipping furniture and consumed nodes."""

    def __init__(self, skip: set[HtmlElement] | None = None, resolve=None) -> None:  # type: ignore[no-untyped-def]
        self.skip = skip or set()
        self.resolve = resolve or (lambda href: href)
        self.blocks: list[Block] = []
        self._buf: list[str] = []
        self._links: list[tuple[str, str]] = []
        self._link_chars = 0
        self._stack: list[str] = []
        self._bold_chars = 0
        self.author_boxes: list[HtmlElement] = []

    def walk(self, container: HtmlElement) -> list[Block]:
        """All blocks of ``container`` in reading order."""
        # iterwalk, not recursion: broken markup (unclosed <font>, <span>) nests bodies
        # deeper than Python's recursion limit; the parser builds up to 2,048 levels.
        walker = etree.iterwalk(container, events=("start", "end", "comment", "pi"))
        opened: list[int | None] = []  # per open element: None (skipped), else _enter's answer
        for event, el in walker:
            if event in ("comment", "pi"):  # no text of their own; their tails are text
                if el is not container and el.tail:
                    self._buf.append(el.tail)
                continue
            if event == "start":
                entered = None if el is container or not isinstance(el.tag, str) else self._enter(el)
                if el is container or entered is not None:
                    if el.text:
                        self._buf.append(el.text)
                else:
                    walker.skip_subtree()  # its "end" still comes, and with it the tail
                opened.append(entered)
                continue
            entered = opened.pop()
            if el is container:
                break
            if entered is not None:
                self._leave(el, entered)
            if el.tail:
                self._buf.append(el.tail)
        self._flush()
        return self.blocks

    def _kind(self) -> str:
        for tag in reversed(self._stack):
            if tag in HEADINGS:
                return "heading"
            if tag in ("li", "dt", "dd"):
                return "item"
            if tag in BLOCK_TAGS:
                return "text"
        return "text"

    def _flush(self) -> None:
        text = clean_line("".join(self._buf))
        if text:
            self.blocks.append(Block(self._kind(), text, self._links, min(self._link_chars, len(text)),
                                     bold=self._bold_chars >= len(text) * 0.8))
        self._buf, self._links, self._link_chars, self._bold_chars = [], [], 0, 0

    def _enter(self, el: HtmlElement) -> int | None:
        """Handle an element's start: None when its subtree is skipped (furniture, images,
        figures, line breaks — each handled here), else where its text starts in the
        buffer (links and bold text) or -1."""
        tag = el.tag.lower()
        if tag in SKIP_TAGS or el in self.skip:
            return None
        tokens = class_tokens(el)  # read once for the three tests below
        if is_author_box(el, tokens):
            # Kept aside: its lines may be the only byline (name, role, email) on the page.
            self.author_boxes.append(el)
            return None
        if is_noise(el, tokens):
            return None
        if tag == "pre" and _looks_like_code(el):
            return None
        if tag in ("br", "hr"):
            self._flush()
            return None
        if tag == "img":
            self._image(el, None)
            return None
        if _is_figure(el, tag, tokens) and el.find(".//img") is not None:
            self._figure(el)
            return None
        if tag in ("td", "th") and el.getprevious() is not None:
            # One line per table row, cells separated as in a plain-text table.
            self._buf.append(" | ")
        if tag in BLOCK_TAGS:
            self._flush()
        if tag == "li" and (parent := el.getparent()) is not None and parent.tag == "ol":
            number = sum(1 for sib in parent if isinstance(sib.tag, str) and sib.tag == "li" and sib is not el
                         and sib in set(el.itersiblings(preceding=True))) + 1
            self._buf.append(f"{number}. ")
        self._stack.append(tag)
        # Only links and bold text need their own text; reading it for every element
        # cost a clean_line per node.
        return sum(map(len, self._buf)) if tag in _INLINE_COUNTED else -1

    def _leave(self, el: HtmlElement, start: int) -> None:
        tag = el.tag.lower()
        if start >= 0:
            added = clean_line("".join(self._buf)[start:])
            if tag == "a" and added:
                href = self.resolve(el.get("href"))
                if href:
                    self._links.append((href, added))
                    self._link_chars += len(added)
            elif added:
                self._bold_chars += len(added)
        self._stack.pop()
        if tag in BLOCK_TAGS:
            self._flush()

    def _image(self, img: HtmlElement, caption: str | None) -> None:
        src = image_src(img)
        if not src or _is_tiny(img):
            return
        url = self.resolve(src)
        if not url:
            return
        self._flush()
        self.blocks.append(Block("image", image_url=url, caption=caption))

    def _figure(self, el: HtmlElement) -> None:
        self._flush()
        caption_nodes = [c for c in el.iter() if isinstance(c.tag, str) and (
            c.tag.lower() == "figcaption" or any("caption" in t or t in ("img_desc", "desc") for t in class_tokens(c))
        ) and c is not el]
        caption = text_of(caption_nodes[0]) if caption_nodes else text_of(el)
        imgs = [i for i in el.iter("img") if i not in self.skip]
        for index, img in enumerate(imgs):
            self._image(img, caption if index == len(imgs) - 1 else None)
