"""Parsing a decoded page once with lxml, and the small DOM helpers every layer uses."""

from __future__ import annotations

import re
from functools import lru_cache

import lxml.html
from lxml import etree
from lxml.cssselect import CSSSelector
import cssselect
from cssselect import SelectorError

from crawler.extract.errors import ExtractionError, NotAnArticle
from crawler.normalize.text import clean_joined, clean_line, clean_lines

HtmlElement = lxml.html.HtmlElement
_LOOKUP = etree.ElementDefaultClassLookup(
    element=HtmlElement, comment=lxml.html.HtmlComment, pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity,
)

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
# Not text: never read for titles, bodies or bylines.
INVISIBLE_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head", "title", "meta", "link", "iframe", "object", "embed", "canvas", "video", "audio", "map", "select", "option", "textarea", "button", "input"})


def parse_html(text: str) -> HtmlElement:
    """Parse decoded HTML into an lxml document (comments and processing instructions dropped).

    Raises:
        NotAnArticle: ``empty-page`` when there is no markup to read.
    """
    text = _XML_DECL.sub("", text or "", count=1).replace("\x00", "")
    if not text.strip():
        raise NotAnArticle("empty-page")
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True)
    # lxml.html's own lookup calls back into Python for every element proxy (to hand out
    # form-element subclasses nobody here uses); a C-level default lookup skips that.
    parser.set_element_class_lookup(_LOOKUP)
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8", "replace"), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise NotAnArticle("empty-page", str(exc)) from exc
    if root is None:
        raise NotAnArticle("empty-page")
    return root


@lru_cache(maxsize=512)
def compile_css(selector: str) -> CSSSelector:
    """Compiled CSS selector (cached); a malformed selector is an :class:`ExtractionError`."""
    try:
        return CSSSelector(selector, translator="html")
    except (SelectorError, SyntaxError, etree.XPathError) as exc:
        raise ExtractionError(f"invalid CSS selector {selector!r}: {exc}") from exc


def select(root: HtmlElement, selector: str) -> list[HtmlElement]:
    """Elements under ``root`` matching the CSS ``selector``, in document order."""
    needs = _needs(selector)
    if needs is not None and not _document_may_match(root, needs):
        return []
    compound = _compound(selector)
    if compound is not None and root.getparent() is None and root.getnext() is None:
        return _select_compound(root, *compound)
    return [el for el in compile_css(selector)(root) if isinstance(el.tag, str)]


@lru_cache(maxsize=512)
def _compound(selector: str) -> tuple[str | None, tuple[str, ...], tuple[str, ...]] | None:
    """(tag or None, classes, attributes that must be present) when ``selector`` is just
    those (``.entry-content``, ``time.entry-date.published[datetime]``); else None."""
    try:
        parsed = cssselect.parse(selector)
    except SelectorError:
        return None
    if len(parsed) != 1 or parsed[0].pseudo_element is not None:
        return None
    node, classes, attrs = parsed[0].parsed_tree, [], []
    while True:
        if isinstance(node, cssselect.parser.Class):
            classes.append(node.class_name)
        elif isinstance(node, cssselect.parser.Attrib) and node.operator == "exists" and node.namespace is None:
            attrs.append(node.attrib.lower())
        elif isinstance(node, cssselect.parser.Element) and node.namespace is None:
            tag = node.element.lower() if node.element not in (None, "*") else None
            return (tag, tuple(reversed(classes)), tuple(attrs)) if classes else None
        else:
            return None
        node = node.selector


_XML_SPACE = re.compile(r"[ \t\r\n]+")
_ODD_ASCII_SPACE = re.compile(r"[\x0b\x0c\x1c-\x1f]")


def _has_class(value: str, name: str) -> bool:
    # CSS classes split on XML whitespace only (normalize-space in the XPath form);
    # str.split also splits on other spaces, so it answers only for plain values.
    if value.isascii() and not _ODD_ASCII_SPACE.search(value):
        return name in value.split()
    return name in _XML_SPACE.split(value)


def _select_compound(root: HtmlElement, tag: str | None, classes: tuple[str, ...],
                     attrs: tuple[str, ...]) -> list[HtmlElement]:
    # The page's class attributes are read once (_index); a class selector then costs a
    # substring scan of them instead of an XPath walk over every element (~20x).
    _, elements, values, _, _ = _index(root)
    first = classes[0]
    return [
        el for el, value in zip(elements, values)
        if first in value and (tag is None or el.tag == tag)
        and all(_has_class(value, name) for name in classes) and all(el.get(a) is not None for a in attrs)
    ]


# Most selectors a family tries (every theme's sub-title class, every share plugin) are
# absent from a given page, and each one is an XPath walk over the whole document. A
# selector that is a plain conjunction needs its class/id strings to occur somewhere in
# the document; one scan of the document's class and id attributes answers that for all.
_CLASS_PART = re.compile(r"contains\(@class, '([^']+)'\)")
_ID_PART = re.compile(r"@id = '([^']+)'|contains\(@id, '([^']+)'\)")
_WITH_CLASS = etree.XPath("//*[@class]")
_IDS = etree.XPath("//@id", smart_strings=False)
# The last document's (root, elements with a class, their class values, those joined, its
# ids joined): one page is extracted at a time, and every selector of that page asks.
_Index = tuple[HtmlElement | None, list[HtmlElement], list[str], str, str]
_last_index: _Index = (None, [], [], "", "")


def _index(root: HtmlElement) -> _Index:
    global _last_index
    doc = root.getroottree().getroot()
    if _last_index[0] is not doc:
        elements = _WITH_CLASS(doc)
        values = [el.get("class") for el in elements]
        _last_index = (doc, elements, values, "\x00".join(values), "\x00".join(_IDS(doc)))
    return _last_index


@lru_cache(maxsize=512)
def _needs(selector: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(class substrings, id substrings) every match requires; None when that cannot be read off."""
    path = compile_css(selector).path
    if " | " in path or "not(" in path or " or " in path:
        return None
    classes = tuple(_CLASS_PART.findall(path))
    ids = tuple(a or b for a, b in _ID_PART.findall(path))
    return (classes, ids) if classes or ids else None


def _document_may_match(root: HtmlElement, needs: tuple[tuple[str, ...], tuple[str, ...]]) -> bool:
    _, _, _, classes, ids = _index(root)
    return all(c in classes for c in needs[0]) and all(i in ids for i in needs[1])


def select_first(root: HtmlElement, selectors: tuple[str, ...] | list[str]) -> list[HtmlElement]:
    """Matches of the first selector in ``selectors`` that matches anything."""
    for selector in selectors:
        if found := select(root, selector):
            return found
    return []


def text_of(el: HtmlElement, *, skip_tags: frozenset[str] = INVISIBLE_TAGS, sep: str = " ") -> str:
    """Visible text of ``el`` (script/style and similar skipped), whitespace collapsed."""
    if len(el) >= 8 and skip_tags is INVISIBLE_TAGS and sep == " " and isinstance(el.tag, str):
        # A body or a block of them: libxslt walks it in C (2-5x faster from ~15
        # descendants on); below that its fixed cost is more than the Python walk.
        return clean_line(str(_TEXT_OF(el)))
    return _walked_text_of(el, skip_tags=skip_tags, sep=sep)


def _walked_text_of(el: HtmlElement, *, skip_tags: frozenset[str] = INVISIBLE_TAGS, sep: str = " ") -> str:
    # iterwalk, not recursion: the parser nests up to 2,048 levels, past Python's limit.
    if not isinstance(el.tag, str):
        return ""
    parts: list[str] = []
    append = parts.append
    walker = etree.iterwalk(el, events=("start", "end", "comment", "pi"))
    for event, node in walker:
        if event in ("comment", "pi"):  # no text of their own; their tails are text
            if node is not el and node.tail:
                append(node.tail)
            continue
        tag = node.tag.lower()
        if event == "start":
            if tag in skip_tags:
                walker.skip_subtree()  # its "end" still comes, and with it the tail
            elif node.text:
                append(node.text)
            continue
        if node is el:
            break
        if tag in _SEPARATED_TAGS and tag not in skip_tags:
            append(sep)
        if node.tail:
            append(node.tail)
    return clean_line("".join(parts))


def short_text(el: HtmlElement, limit: int) -> str | None:
    """Visible text of ``el`` when it has at most ``limit`` characters, else None (cheap on big nodes)."""
    total = 0
    parts: list[str] = []
    stack: list[tuple[HtmlElement, bool]] = [(el, False)]
    while stack:
        node, tail_only = stack.pop()
        piece = node.tail if tail_only else node.text
        if piece:
            total += len(piece.strip())
            if total > limit:
                return None
            parts.append(piece)
        if tail_only:
            continue
        # Children in reverse so that text comes out in document order; a child's tail
        # follows the child's own text.
        for child in reversed(list(node)):
            if child.tail:
                stack.append((child, True))
            if isinstance(child.tag, str) and child.tag.lower() not in INVISIBLE_TAGS:
                stack.append((child, False))
    return clean_line(" ".join(parts)) if parts else ""


def lines_of(el: HtmlElement) -> list[str]:
    """Visible text of ``el`` split at block elements and ``<br>``, empty lines dropped."""
    raw = text_of_multiline(el)
    return [line for line in raw.split("\n") if line]


def text_of_multiline(el: HtmlElement) -> str:
    """Visible text with a newline at every block boundary and ``<br>``."""
    return "\n".join(clean_lines(_raw_text(el)))


def text_of_one_line(el: HtmlElement) -> str:
    """``text_of_multiline(el)`` with its line breaks as spaces (searches across lines)."""
    return clean_joined(_raw_text(el))


def _raw_text(el: HtmlElement) -> str:
    if not isinstance(el.tag, str):
        return ""
    if el.getparent() is None:
        # The whole page (reporter emails are searched in it): libxslt walks it in C, twice
        # as fast as iterwalk; on a small element its fixed cost is the larger one.
        return str(_PAGE_TEXT(el))
    return _walked_raw_text(el)


def _walked_text(el: HtmlElement) -> str:
    return "\n".join(clean_lines(_walked_raw_text(el)))


def _walked_raw_text(el: HtmlElement) -> str:
    parts: list[str] = []
    append = parts.append
    # iterwalk rather than a recursive Python walk: the whole page's text is read this way
    # (reporter emails), and a Python call per element was most of its cost.
    walker = etree.iterwalk(el, events=("start", "end", "comment", "pi"))
    for event, node in walker:
        tag = node.tag
        if event in ("comment", "pi"):  # no start/end for these, but their tails are text
            if node.tail and node is not el:
                append(node.tail)
            continue
        if event == "start":
            if tag.lower() in INVISIBLE_TAGS:
                walker.skip_subtree()  # its "end" still comes, and with it the tail
                continue
            if tag.lower() in _LINE_TAGS:
                append("\n")
            if node.text:
                append(node.text)
            continue
        if tag.lower() in _LINE_TAGS:
            append("\n")
        if node.tail and node is not el:
            append(node.tail)
    return "".join(parts)


_LINE_TAGS = frozenset({
    "br", "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th", "dd", "dt", "dl",
    "section", "article", "header", "footer", "aside", "figure", "figcaption", "blockquote", "table", "main", "nav",
})
_SEPARATED_TAGS = ("br", "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "dd", "dt")
# text_of as a stylesheet: the element itself gets no separator, its invisible
# descendants print nothing, and each separated descendant prints a space after itself.
_TEXT_OF = etree.XSLT(etree.XML(f"""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:output method="text" encoding="UTF-8"/>
<xsl:template match="/"><xsl:apply-templates select="*[1]" mode="top"/></xsl:template>
<xsl:template match="*" mode="top"><xsl:apply-templates/></xsl:template>
<xsl:template match="{'|'.join(sorted(INVISIBLE_TAGS))}" mode="top"/>
<xsl:template match="{'|'.join(sorted(INVISIBLE_TAGS))}"/>
<xsl:template match="{'|'.join(_SEPARATED_TAGS)}"><xsl:apply-templates/><xsl:text> </xsl:text></xsl:template>
</xsl:stylesheet>"""))
# text_of_multiline as a stylesheet: invisible subtrees print nothing, line tags print a
# newline before and after their content, text prints itself (tails are text nodes
# here). "/" selects the first element only: a stray second <html> after the first is
# not part of ``el`` for the iterwalk either.
_PAGE_TEXT = etree.XSLT(etree.XML(f"""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:output method="text" encoding="UTF-8"/>
<xsl:template match="/"><xsl:apply-templates select="*[1]"/></xsl:template>
<xsl:template match="{'|'.join(sorted(INVISIBLE_TAGS))}"/>
<xsl:template match="{'|'.join(sorted(_LINE_TAGS))}"><xsl:text>&#10;</xsl:text><xsl:apply-templates/><xsl:text>&#10;</xsl:text></xsl:template>
</xsl:stylesheet>"""))


def class_tokens(el: HtmlElement) -> list[str]:
    """The element's class and id values, lower-cased."""
    values = f"{el.get('class') or ''} {el.get('id') or ''}".lower().split()
    return values


def is_hidden(el: HtmlElement) -> bool:
    """True for elements the browser does not show (hidden attribute, display:none, aria-hidden)."""
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    style = (el.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def text_lengths(root: HtmlElement) -> tuple[dict[HtmlElement, int], dict[HtmlElement, int]]:
    """(visible text length, text length inside links) for every element, in one pass.

    Lengths count stripped text pieces; they rank containers, so approximate is enough.
    Iterative, because real pages (and hostile ones) nest deeper than Python recursion.
    """
    total: dict[HtmlElement, int] = {}
    linked: dict[HtmlElement, int] = {}
    stack: list[tuple[HtmlElement, bool, bool]] = [(root, False, False)]
    while stack:
        el, in_link, done = stack.pop()
        if not isinstance(el.tag, str) or el.tag.lower() in INVISIBLE_TAGS:
            total[el], linked[el] = 0, 0
            continue
        link = in_link or el.tag.lower() == "a"
        if not done:
            stack.append((el, in_link, True))
            stack.extend((child, link, False) for child in el)
            continue
        length = len((el.text or "").strip())
        inside = length if link else 0
        for child in el:
            tail = len((child.tail or "").strip())
            length += total.get(child, 0) + tail
            inside += linked.get(child, 0) + (tail if link else 0)
        total[el], linked[el] = length, inside
    return total, linked
