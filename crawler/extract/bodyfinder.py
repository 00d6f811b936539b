"""Locate the element holding the article body.

Order: the site's selector, the family's selectors, ``itemprop=articleBody``, then a
text-density score (readability's idea): every paragraph-like run of text adds to its
container and half to the grandparent, penalised by link density; the best-scoring
container that is not page furniture wins.
"""

from __future__ import annotations

import re
from collections import defaultdict

from crawler.extract.blocks import is_noise
from crawler.extract.document import HtmlElement, select, text_lengths, text_of
from crawler.normalize.text import clean_line

_CANDIDATE_TAGS = frozenset({"div", "article", "section", "main", "td", "span", "font", "body", "p"})
_FURNITURE_TAGS = frozenset({"nav", "aside", "footer", "header", "form", "menu"})
_FURNITURE_WORDS = re.compile(
    r"(?:^|[-_ ])(?:comment|comments|sidebar|footer|header|menu|nav|gnb|lnb|snb|related|popular|ranking|"
    r"widget|banner|ad|ads|share|sns|recommend|most|hot|best|list)(?:$|[-_ ])"
)

# Counts what re.findall(r"다\.|\.\s") counted (each match holds exactly one full stop),
# but starts at the full stop, so the regex engine can skip ahead instead of trying
# both alternatives at every character.
_SENTENCE_END = re.compile(r"\.(?:(?<=다\.)|(?=\s))")

_INLINE_TAGS = frozenset({"br", "a", "b", "strong", "em", "i", "span", "font", "u", "sup", "sub", "mark", "small", "q", "cite"})


def _own_text(el: HtmlElement) -> str:
    """Text directly inside ``el`` (its own text and inline children), not nested blocks."""
    parts = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and child.tag.lower() in _INLINE_TAGS:
            parts.append(text_of(child))
        parts.append(child.tail or "")
    return clean_line(" ".join(parts))


def _is_furniture(el: HtmlElement) -> bool:
    node: HtmlElement | None = el
    for _ in range(6):
        if node is None:
            return False
        if isinstance(node.tag, str) and node.tag.lower() in _FURNITURE_TAGS:
            return True
        tokens = f"{node.get('class') or ''} {node.get('id') or ''}".lower()
        if _FURNITURE_WORDS.search(tokens) or is_noise(node):
            return True
        node = node.getparent()
    return False


def _link_density(el: HtmlElement, text_len: int) -> float:
    linked = sum(len(text_of(a)) for a in el.iter("a"))
    return linked / max(text_len, 1)


def score_containers(root: HtmlElement) -> list[tuple[float, HtmlElement]]:
    """(score, element) for containers of paragraph text, best first."""
    scores: dict[HtmlElement, float] = defaultdict(float)
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        if tag in ("script", "style", "noscript", "template"):
            continue
        text = text_of(el) if tag == "p" else _own_text(el)
        if len(text) < 25:
            continue
        density = _link_density(el, len(text)) if tag == "p" else 0.0
        if density > 0.5:
            continue
        weight = 1 + min(len(text) / 100, 3) + text.count(",") * 0.1 + len(_SENTENCE_END.findall(text)) * 0.3
        weight *= 1 - density
        holder = el.getparent() if tag == "p" else el
        if holder is None:
            continue
        scores[holder] += weight
        grand = holder.getparent()
        if grand is not None:
            scores[grand] += weight / 2
    ranked = []
    total, linked = text_lengths(root)
    for el, score in scores.items():
        if el.tag not in _CANDIDATE_TAGS or _is_furniture(el):
            continue
        density = linked.get(el, 0) / max(total.get(el, 0), 1)
        ranked.append((score * (1 - min(density, 0.9)), el))
    ranked.sort(key=lambda item: item[0], reverse=True)
    return ranked


def find_body(root: HtmlElement, selectors: tuple[str, ...]) -> tuple[HtmlElement | None, str]:
    """The body element and how it was found (``selector:<css>``, ``itemprop``, ``density``)."""
    for selector in selectors:
        lengths = {el: len(text_of(el)) for el in select(root, selector)}
        matches = [el for el, n in lengths.items() if n >= 40]
        if matches:
            # Sidebars reuse content classes; the one with the most text is the article.
            best = max(matches, key=lambda el: lengths[el])
            return best, f"selector:{selector}"
    ranked = score_containers(root)
    if ranked:
        return ranked[0][1], "density"
    body = root.find("body")
    return body, "page"
