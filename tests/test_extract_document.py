"""The DOM text helpers every layer reads through."""

from __future__ import annotations

import lxml.html
import pytest

from crawler.extract.document import parse_html, text_of_multiline


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
