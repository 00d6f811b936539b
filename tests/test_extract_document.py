"""The DOM text helpers every layer reads through."""

from __future__ import annotations

import lxml.html
import pytest

from crawler.extract.document import parse_html, text_of_multiline, text_of_one_line


@pytest.mark.parametrize(("html", "expected"), [
    ("<div>a<!-- note -->b<?pi x?>c</div>", "abc"),  # comments and PIs vanish, their tails stay
    ("<div>a<script>var x;</script>b<style>p{}</style>c</div>", "abc"),
    ("<div>one<p>two</p>three<br>four</div>", "one\ntwo\nthree\nfour"),
    ("<div><span>가  나</span>\u200b다\u00a0라</div>", "가 나다 라"),
    ("<div>\u1100\u1161<p> </p></div>", "\uac00"),  # conjoining jamo composed (NFC)
    ("<div>x\u2028y</div>", "x\u2028y"),  # line separators are kept inside a line, as clean_line does
])
def test_text_of_multiline(html, expected):
    assert text_of_multiline(lxml.html.fragment_fromstring(html)) == expected


def test_text_of_multiline_of_a_comment_is_empty():
    comment = lxml.html.fragment_fromstring("<div>a<!-- c -->b</div>")[0]
    assert text_of_multiline(comment) == ""


def test_text_of_multiline_does_not_read_the_tail_of_its_own_element():
    root = parse_html("<html><body><p>inside</p>after</body></html>")
    assert text_of_multiline(root.find(".//p")) == "inside"


_TAGS = ("div", "p", "span", "a", "br", "li", "ul", "script", "style", "h2", "td", "b", "template", "figure", "em")
_TEXTS = ("", " ", "가나", "a  b", "\u1100\u1161", "\u200bx", "\n", "\u00a0y", "기자 kim@x.kr", "\u2028", "\x1c", " \u2029 ")


def _random_document(rng) -> str:
    def node(depth: int) -> str:
        if depth > 4 or rng.random() < 0.3:
            return rng.choice(_TEXTS)
        tag = rng.choice(_TAGS)
        inner = "".join(node(depth + 1) for _ in range(rng.randint(0, 4) if rng.random() < 0.8 else rng.randint(8, 12)))
        return f"<{tag}>{rng.choice(_TEXTS)}{inner}</{tag}>{rng.choice(_TEXTS)}"

    return f"<html><body>{''.join(node(0) for _ in range(5))}</body></html>"


def test_whole_page_text_by_stylesheet_equals_the_walk():
    # The whole page goes through libxslt, any other element through iterwalk: one answer.
    import random

    from crawler.extract.document import _walked_text, _walked_text_of, text_of

    rng = random.Random(7)
    for _ in range(500):
        root = parse_html(_random_document(rng))
        assert text_of_multiline(root) == _walked_text(root)
        assert text_of_one_line(root) == text_of_multiline(root).replace("\n", " ")
        for el in root.iter("div", "li"):
            assert text_of_multiline(el) == _walked_text(el)
            assert text_of_one_line(el) == text_of_multiline(el).replace("\n", " ")
        for el in root.iter():  # text_of: the stylesheet for elements with many children, else the walk
            assert text_of(el) == _walked_text_of(el)


def test_whole_page_text_stops_at_the_first_html_element():
    # Markup after </html> lands in a second <html> beside the first; the page is the
    # first one, for the stylesheet as for the walk.
    from crawler.extract.document import _walked_text

    root = parse_html("<html><body><p>one</p></body></html><footer>two</footer>")
    assert root.getnext() is not None
    assert text_of_multiline(root) == "one" == _walked_text(root)


@pytest.mark.parametrize("selector", [
    ".a", "div.a", "p.a.b", ".b[data-x]", "span.c", "*.a", "DIV.a", ".a-b", "time.a[datetime]", "p.A",
])
def test_class_selectors_read_off_the_index_match_the_xpath(selector):
    # Class values with tabs, newlines, no-break and other odd spaces: CSS splits on XML
    # whitespace only, and the index path must agree with the XPath one.
    from crawler.extract.document import _compound, compile_css, select

    rng = __import__("random").Random(selector)
    spaces = (" ", "\t", "\n", "\u00a0", "\x0b", "\u3000", "  ")
    words = ("a", "b", "c", "a-b", "ab", "A", "")
    items = []
    for i in range(300):
        value = rng.choice(spaces).join(rng.choice(words) for _ in range(rng.randint(1, 3)))
        tag = rng.choice(("div", "p", "span", "time"))
        extra = ' data-x="1"' if rng.random() < 0.3 else ""
        extra += ' datetime=""' if rng.random() < 0.3 else ""
        items.append(f'<{tag} class="{value}"{extra}>{i}</{tag}>')
    root = parse_html("<html><body><div>" + "".join(items) + "</div></body></html>")
    assert _compound(selector) is not None
    expected = [el for el in compile_css(selector)(root) if isinstance(el.tag, str)]
    assert select(root, selector) == expected
    assert expected or selector in ("p.A", "DIV.a")  # most selectors do match something here


def test_text_helpers_read_the_deepest_page_the_parser_builds():
    # libxml2 stops nesting at 2,048 levels (huge_tree); the stylesheets recurse per level.
    from crawler.extract.document import _walked_text, _walked_text_of, text_of

    root = parse_html("<html><body>" + "<div>x" * 5000 + "kim@x.kr" + "</div>" * 5000 + "</body></html>")
    body = root.find("body")
    assert text_of_multiline(root) == _walked_text(root)
    assert len(body) < 8 and text_of(body[0]) == _walked_text_of(body[0])
    wide = parse_html("<html><body><div>" + "<p>a</p>" * 10 + "<div>x" * 3000 + "y" + "</div>" * 3000
                      + "</div></body></html>").find("body")[0]
    assert len(wide) >= 8 and text_of(wide) == _walked_text_of(wide)
