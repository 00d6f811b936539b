"""Table-driven tests for crawler.normalize.captions."""

from __future__ import annotations

import pytest

from crawler.normalize.captions import has_credit, is_caption_line, split_credit


@pytest.mark.parametrize(
    ("text", "caption", "credit"),
    [
        ("마크 저커버그 메타 CEO는 향후 AI 기술 개발에 투자를 확대할 것이라고 밝혔다. (이미지=메타)",
         "마크 저커버그 메타 CEO는 향후 AI 기술 개발에 투자를 확대할 것이라고 밝혔다.", "메타"),
        ("시민들이 걷고 있다. (사진=연합뉴스)", "시민들이 걷고 있다.", "연합뉴스"),
        ("문창훈 파워테스크 대표 [사진=테크42]", "문창훈 파워테스크 대표", "테크42"),
        ("[사진=연합뉴스] 시민들이 걷고 있다", "시민들이 걷고 있다", "연합뉴스"),
        ("사진=연합뉴스 시민들이 걷고 있다", "시민들이 걷고 있다", "연합뉴스"),
        ("기념 촬영을 하고 있다. 마크앤컴퍼니 제공", "기념 촬영을 하고 있다.", "마크앤컴퍼니"),
        ("회사 전경 (LG전자 제공)", "회사 전경", "LG전자"),
        ("구글의 6세대 TPU ‘트릴리움’ (사진=구글 제공)", "구글의 6세대 TPU ‘트릴리움’", "구글"),
        ("회사 전경 /삼성전자 제공", "회사 전경", "삼성전자"),
        ("삼성전자 제공", None, "삼성전자"),
        ("캡션 / 사진=홍길동 기자", "캡션", "홍길동 기자"),
        ("(사진 제공=네이버) 네이버 사옥", "네이버 사옥", "네이버"),
        ("서울 시내 ⓒ뉴스1", "서울 시내", "뉴스1"),
        ("A man walks. (Photo: Reuters)", "A man walks.", "Reuters"),
        ("설명만 있는 캡션", "설명만 있는 캡션", None),
        ("메타는 서비스를 사용자에게 제공", "메타는 서비스를 사용자에게 제공", None),
        ("", None, None),
    ],
)
def test_split_credit(text, caption, credit):
    assert split_credit(text) == (caption, credit)


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("(이미지=메타)", True),
        ("시민들이 걷고 있다. (사진=연합뉴스)", True),
        ("기념 촬영을 하고 있다. 마크앤컴퍼니 제공", True),
        ("회사는 고객에게 서비스를 제공한다.", False),
        ("메타는 서비스를 사용자에게 제공", False),
        ("평범한 본문 문장이다.", False),
    ],
)
def test_has_credit(text, ok):
    assert has_credit(text) is ok


def test_long_paragraph_is_not_a_caption_line():
    assert not is_caption_line("본문 " * 200 + "(사진=연합뉴스)")


@pytest.mark.parametrize(
    ("text", "caption", "credit"),
    [
        ("이재명 후보가 연설하고 있다. 연합뉴스", "이재명 후보가 연설하고 있다.", "연합뉴스"),
        ("큰절을 올리고 있다. 고영권 기자", "큰절을 올리고 있다.", "고영권 기자"),
        ("시위대 모습. AP 연합뉴스", "시위대 모습.", "AP 연합뉴스"),
        ("점검하고 있다. 인천=연합뉴스", "점검하고 있다.", "인천=연합뉴스"),
        ("이재명 경기도지사. <연합뉴스>", "이재명 경기도지사.", "연합뉴스"),
        ("▲샘 알트먼 CEO가 발표하고 있다. (사진=오픈AI)", "샘 알트먼 CEO가 발표하고 있다.", "오픈AI"),
        ("[서울=뉴시스] 청사 전경. 2019.06.12. (사진=과기정통부 제공) photo@newsis.com", "청사 전경. 2019.06.12.", "과기정통부"),
    ],
)
def test_split_credit_agency_and_wire_forms(text, caption, credit):
    assert split_credit(text) == (caption, credit)


def test_bare_agency_tail_counts_only_next_to_an_image():
    line = "이재명 후보가 연설하고 있다. 연합뉴스"
    assert not has_credit(line)
    assert has_credit(line, near_image=True)


def test_credit_pre_checks_answer_as_every_pattern_would():
    # _credit_at_end runs each end-anchored pattern only on lines holding what its matches
    # hold; on random caption-like lines it must agree with running them all.
    import random

    from crawler.normalize import captions as c
    from crawler.normalize.text import clean_line

    patterns = (c._BRACKETED_END, c._PROVIDED_BRACKET, c._BRACKET_AGENCY_END, c._SLASH_END, c._EN_CREDIT,
                c._COPYRIGHT_END)
    pieces = ("사진", "이미지", "=", ":", "：", "/", "|", "(", ")", "[", "]", "【", "】", "〔", "〕", "<", ">", "〈", "〉",
              "제공", "연합뉴스", "Photo", "credit", "by", "ⓒ", "©", ".", " ", "  ", "메타", "기자", "AP", "\u3000")
    rng = random.Random(4)
    for _ in range(30000):
        text = clean_line("".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))))
        if text:
            assert c._credit_at_end(text) == any(p.search(text) for p in patterns), text
