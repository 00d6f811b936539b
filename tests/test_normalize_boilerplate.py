"""Table-driven tests for crawler.normalize.boilerplate, summary and text."""

from __future__ import annotations

import pytest

from crawler.normalize.boilerplate import classify_line, is_share_line, strip_broadcast_marker
from crawler.normalize.summary import split_summary_marker
from crawler.normalize.text import clean_line, clean_multiline, join_paragraphs, squash


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("저작권자 © Tech42 - Tech Journalism by AI 테크42 무단전재 및 재배포 금지", "copyright"),
        ("ⓒ 테크42. 무단 전재, 복사, 배포를 금합니다.", "copyright"),
        ("Copyright © 테크42. 무단 전재·복사·배포 금지", "copyright"),
        ("<저작권자(c) 연합뉴스, 무단 전재-재배포 금지>", "copyright"),
        ("무단전재 및 재배포 금지", "copyright"),
        ("© 2024 Example Media. All rights reserved.", "copyright"),
        ("기자의 다른 기사보기", "more-articles"),
        ("류정민 기자의 다른 기사 더보기", "more-articles"),
        ("▶ 테크42 뉴스레터 구독하기", "more-articles"),
        ("▶ 네이버 메인에서 채널 구독하기", "more-articles"),
        ("☞ 관련기사 바로가기", "link-list"),
        ("※ 이 기사는 외신 보도를 바탕으로 작성됐습니다.", "note"),
        ("[기사제보] 카카오톡 : 'tech42' 검색", "tip-off"),
        ("공유하기", "share"),
        ("페이스북 트위터 카카오톡 URL 복사", "share"),
        ("이것을 공유하세요:", "share"),
        ("AD", "ad"),
        ("", "empty"),
        # article text stays
        ("▶ 첫째, 데이터를 모은다.", None),
        ("The copyright lawsuit was filed by authors who claim their works were used without permission.", None),
        ("메타는 새로운 AI 모델을 공개했다.", None),
    ],
)
def test_classify_line(line, reason):
    assert classify_line(line) == reason


def test_link_list_needs_a_link_or_link_words():
    assert classify_line("▶ 테슬라 주가 69% 상승", has_link=True) == "link-list"
    assert classify_line("▶ 테슬라 주가 69% 상승") is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("【앵커】 오늘 소식입니다.", "오늘 소식입니다."),
        ("◀ 앵커 ▶ 안녕하십니까.", "안녕하십니까."),
        ("[앵커] 정부가 발표했습니다.", "정부가 발표했습니다."),
        ("[기자] 현장에 나와 있습니다.", "현장에 나와 있습니다."),
        ("<앵커 멘트> 다음 소식입니다.", "다음 소식입니다."),
        ("◀ 앵커 ▶", ""),
        ("앵커는 말했다.", "앵커는 말했다."),
    ],
)
def test_strip_broadcast_marker(line, expected):
    assert strip_broadcast_marker(line) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[AI요약] 메타가 AI에 투자한다.", (True, "메타가 AI에 투자한다.")),
        ("[AI 요약]", (True, "")),
        ("AI요약 메타가 AI에 투자한다.", (True, "메타가 AI에 투자한다.")),
        ("[3줄 요약]", (True, "")),
        ("요약: 세 가지", (True, "세 가지")),
        ("요약하면 이렇다", (False, "요약하면 이렇다")),
        ("본문 문장", (False, "본문 문장")),
    ],
)
def test_split_summary_marker(text, expected):
    assert split_summary_marker(text) == expected


def test_text_helpers():
    assert clean_line("  a\u00a0 b\u200b\n c ") == "a b c"
    assert clean_multiline("a \n\n  b\u3000c \n") == "a\nb c"
    assert join_paragraphs(["첫째  문단", " ", "둘째"]) == "첫째 문단\n\n둘째"
    assert squash(" 관련 기사 ") == "관련기사"
    assert is_share_line("Facebook Twitter Email")


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("입력 2020.08.27 20:27", "date"),
        ("기사입력 2020.09.19. 오후 8:28 최종수정 2020.09.19. 오후 9:01", "date"),
        ("October 9, 2025", "date"),
        ("Reading Time: 3 minutes", "reading-time"),
        ("5 min read", "reading-time"),
        ("Posted in Blockchain, Smart Contract, Technologies", "post-meta"),
        ("See also Web3.js vs Ethers.js", "post-meta"),
        ("디지털타임스 채널 구독 / 뉴스스탠드 구독", "more-articles"),
        ("2020년 8월 27일 경기에서 그는 홈런을 쳤다.", None),
    ],
)
def test_classify_line_more_forms(line, reason):
    assert classify_line(line) == reason


def test_share_line_shortcut_answers_as_the_full_test():
    # The length bound skips the squashed-label test on long lines; the answer must not change.
    import random
    import re as re_

    from crawler.normalize.boilerplate import _SHARE_WORDS, is_share_line
    from crawler.normalize.text import clean_line

    def reference(line: str) -> bool:
        line = clean_line(line).lower().rstrip(":：")
        if re_.sub(r"\s+", "", line) in _SHARE_WORDS:
            return True
        words = [w.rstrip(":：") for w in re_.split(r"[\s|·/,]+", line) if w]
        return bool(words) and all(w in _SHARE_WORDS for w in words)

    rng = random.Random(9)
    pieces = sorted(_SHARE_WORDS) + ["기사", "본문", "ab", "공 유", "이것을 공유하세요:"]
    seps = (" ", "  ", "|", " · ", "/", ",", "\t", "", "\u00a0", ":")
    for _ in range(20000):
        line = "".join(rng.choice(pieces) + rng.choice(seps) for _ in range(rng.randint(1, 6)))
        assert is_share_line(line) == reference(line), line
