"""crawler.extract.decode_html: the bytes decide, labels only break ties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.extract import decode_html

KOREAN = "메타버스 그게 뭐죠? 대세는 AI"


def page(meta_charset: str, text: str) -> str:
    return f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={meta_charset}"></head><body><p>{text}</p></body></html>'


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (page("euc-kr", KOREAN).encode("utf-8"), None),  # meta lies: bytes are UTF-8
        (page("euc-kr", KOREAN).encode("utf-8"), "text/html; charset=euc-kr"),  # header lies too
        (page("euc-kr", KOREAN).encode("cp949"), None),  # real EUC-KR
        (page("utf-8", KOREAN).encode("cp949"), None),  # label says UTF-8, bytes are CP949
        (page("ks_c_5601-1987", KOREAN).encode("cp949"), "text/html"),
        (page("x-windows-949", "똠방각하 펲").encode("cp949"), None),  # CP949-only syllables
        ("\ufeff".encode() + page("euc-kr", KOREAN).encode("utf-8"), None),
    ],
)
def test_decodes_korean(body, content_type):
    text = decode_html(body, content_type)
    assert (KOREAN in text) or ("똠방각하 펲" in text)


def test_declared_latin1_used_when_bytes_are_not_utf8():
    body = page("iso-8859-1", "café").encode("latin-1")
    assert "café" in decode_html(body)


def test_str_passes_through():
    assert decode_html(KOREAN) == KOREAN  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2048), st.one_of(st.none(), st.text(max_size=40)))
def test_never_raises(body, content_type):
    assert isinstance(decode_html(body, content_type), str)
