"""Body-line decisions of clean_blocks that depend on what came before."""

from __future__ import annotations

from crawler.extract.blocks import Block
from crawler.extract.korean import clean_blocks

HEADLINE = "엔비디아, 한국에 AI 칩 26만 장 공급"


def _link_line(anchor: str) -> Block:
    text = f"▶ {anchor}"
    return Block("text", text, [("https://news.test/other/", anchor)], len(text))


def test_a_link_list_line_does_not_change_what_counts_as_the_headline():
    # The link-list branch once reused the name of the headline for each link's title, so
    # after it a repeat of the headline stayed in the body and a line equal to the link's
    # title was dropped instead.
    other = "삼성전자, HBM4 양산 돌입"
    blocks = [
        Block("text", "첫 문단은 기사의 시작이다. 엔비디아가 칩 공급 계획을 밝혔다."),
        _link_line(other),
        Block("text", HEADLINE),
        Block("text", other),
        Block("text", "마지막 문단도 본문이다."),
    ]
    out = clean_blocks(blocks, same_site=lambda url: True, title=HEADLINE)
    assert HEADLINE not in out.paragraphs
    assert other in out.paragraphs
    assert [link.title for link in out.related] == [other]
    assert out.dropped["title"] == 1
