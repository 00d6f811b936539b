"""The related-heading pre-filter: it may only drop elements that can never be a heading."""

from __future__ import annotations

import random

from crawler.extract.document import parse_html
from crawler.extract.related import _HEADING_TAGS, _heading_candidates, is_related_heading

_TAGS = ("div", "p", "span", "h3", "strong", "li", "ul", "a", "script", "noscript", "section", "em")
_TEXTS = (
    "", " ", "관련기사", "관련 기사", "관\u200b련기사", "\u1100\u116a\u11ab련 뉴스", "Related Posts", "READ MORE",
    "관련", "see also", "본문 " * 12 + "관련기사", "\u00a0" * 30 + "관련기사" + "\u00a0" * 30, "가나다",
    "함께 보면 좋은 기사", "You may also like", "x" * 50,
)


def _random_document(rng: random.Random) -> str:
    def node(depth: int) -> str:
        if depth > 4 or rng.random() < 0.3:
            return rng.choice(_TEXTS)
        tag = rng.choice(_TAGS)
        inner = "".join(node(depth + 1) for _ in range(rng.randint(0, 3)))
        return f"<{tag}>{rng.choice(_TEXTS)}{inner}</{tag}>{rng.choice(_TEXTS)}"

    return f"<html><body>{''.join(node(0) for _ in range(6))}</body></html>"


def test_candidates_hold_every_heading_in_document_order():
    rng = random.Random(11)
    headings_seen = 0
    for _ in range(400):
        root = parse_html(_random_document(rng))
        order = {el: i for i, el in enumerate(root.iter())}
        candidates = list(_heading_candidates(root))
        assert [order[el] for el in candidates] == sorted(order[el] for el in candidates)
        headings = [el for el in root.iter(*_HEADING_TAGS) if is_related_heading(el)]
        headings_seen += len(headings)
        assert set(headings) <= set(candidates)
    assert headings_seen > 100  # the documents do hold headings, decomposed and invisible-split ones too


def test_a_long_text_node_rules_its_element_out():
    root = parse_html("<html><body><div>" + "본문 " * 20 + "관련기사</div><h3>관련기사</h3></body></html>")
    tags = [el.tag for el in _heading_candidates(root)]
    assert "h3" in tags and "div" not in tags
