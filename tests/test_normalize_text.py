"""clean_line's memo: same answers, and no parsed page kept alive by it."""

from __future__ import annotations

import gc
import random
import weakref

import lxml.html

from crawler.normalize.text import _clean_line, clean_line


def test_memoised_clean_line_answers_as_the_plain_one():
    rng = random.Random(3)
    alphabet = "ab 가\u1100\u1161\u200b\u00a0\t\n\u3000\u2028x"
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        assert clean_line(text) == clean_line(text) == _clean_line(text)
    long = "가 " * 400
    assert clean_line(long) == _clean_line(long)


def test_lxml_smart_strings_do_not_keep_their_page_alive():
    root = lxml.html.fromstring("<div><p>관련 기사</p></div>")
    texts = root.xpath("//text()")  # smart strings: each holds its parent element
    assert clean_line(texts[0]) == "관련 기사"
    ref = weakref.ref(texts[0].getparent())  # the element the string holds on to
    del root, texts
    gc.collect()
    assert ref() is None
