"""Table-driven tests for crawler.normalize.people (Korean bylines)."""

from __future__ import annotations

import pytest

from crawler.normalize.people import (
    Byline,
    is_byline_line,
    is_email_line,
    is_person_name,
    parse_byline,
    split_tail_byline,
    strip_dateline,
)

B = Byline


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("홍길동 기자", [B("홍길동", None, "기자")]),
        ("홍길동기자", [B("홍길동", None, "기자")]),
        ("홍길동 기자 hong@x.co.kr", [B("홍길동", "hong@x.co.kr", "기자")]),
        ("홍길동 기자(hong@x.co.kr)", [B("홍길동", "hong@x.co.kr", "기자")]),
        ("홍길동 기자 = Hong@X.co.kr", [B("홍길동", "hong@x.co.kr", "기자")]),
        ("[서울=뉴시스] 홍길동 기자 =", [B("홍길동", None, "기자")]),
        ("(서울=연합뉴스) 홍길동 기자 =", [B("홍길동", None, "기자")]),
        ("글 홍길동 / 사진 김철수", [B("홍길동")]),
        ("글 김태윤 기자 / 사진 박상훈", [B("김태윤", None, "기자")]),
        ("홍길동·김철수 기자", [B("홍길동", None, "기자"), B("김철수", None, "기자")]),
        ("홍길동/김철수 기자", [B("홍길동", None, "기자"), B("김철수", None, "기자")]),
        ("홍길동, 김철수 기자", [B("홍길동", None, "기자"), B("김철수", None, "기자")]),
        ("홍길동 기자, 김철수 기자", [B("홍길동", None, "기자"), B("김철수", None, "기자")]),
        ("홍길동 기자 / 김철수 기자", [B("홍길동", None, "기자"), B("김철수", None, "기자")]),
        ("홍길동·김철수 기자 hong@x.co.kr kim@x.co.kr", [B("홍길동", "hong@x.co.kr", "기자"), B("김철수", "kim@x.co.kr", "기자")]),
        ("이하린 기자 harin@t.kr 정민석 기자 ms@t.kr", [B("이하린", "harin@t.kr", "기자"), B("정민석", "ms@t.kr", "기자")]),
        ("홍길동 특파원", [B("홍길동", None, "특파원")]),
        ("워싱턴=홍길동 특파원", [B("홍길동", None, "특파원")]),
        ("정연우 실리콘밸리 특파원", [B("정연우", None, "특파원")]),
        ("홍길동 인턴기자", [B("홍길동", None, "인턴기자")]),
        ("홍길동 객원기자", [B("홍길동", None, "객원기자")]),
        ("홍길동 논설위원", [B("홍길동", None, "논설위원")]),
        ("홍길동 칼럼니스트", [B("홍길동", None, "칼럼니스트")]),
        ("스포츠조선=선수민 기자", [B("선수민", None, "기자")]),
        ("순천, 광양 구현모 기자 ninek@hankookilbo.com", [B("구현모", "ninek@hankookilbo.com", "기자")]),
        ("박준석 기자 외 1명", [B("박준석", None, "기자")]),
        ("By 배윤경,이상현", [B("배윤경"), B("이상현")]),
        ("남궁민수 기자", [B("남궁민수", None, "기자")]),
        # never an organisation, a photo credit or a sentence
        ("한국일보", []),
        ("디지털타임스 | 네이버", []),
        ("뉴스타파 webmaster@newstapa.org", []),
        ("홍길동 사진기자", []),
        ("사진 김철수", []),
        ("류정민 기자의 다른 기사보기", []),
        ("연합뉴스 기자", []),
        ("", []),
    ],
)
def test_parse_byline(text, expected):
    assert parse_byline(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("신현주", [B("신현주")]),
        ("신현주 기자", [B("신현주", None, "기자")]),
        ("John Smith and Jane Doe", [B("John Smith"), B("Jane Doe")]),
        ("한국일보", []),
        ("Reuters Staff", []),
    ],
)
def test_parse_structured_author_field(text, expected):
    assert parse_byline(text, structured=True) == expected


@pytest.mark.parametrize(
    ("name", "ok"),
    [("류정민", True), ("남궁민수", True), ("알리 모가라비", True), ("John Smith", True), ("뉴스타파", False),
     ("머니투데이", False), ("연합뉴스", False), ("테크42", False), ("서울", False), ("편집국", False), ("AP News", False)],
)
def test_is_person_name(name, ok):
    assert is_person_name(name) is ok


@pytest.mark.parametrize(
    ("line", "ok"),
    [
        ("류정민 기자", True),
        ("znryu@daum.net", True),
        ("홍길동·김철수 기자 hong@x.co.kr", True),
        ("박소연기자 soyeon.park@tech42.co.kr", True),
        ("글 김태윤 기자 / 사진 박상훈", True),
        ("[서울=뉴시스] 홍길동 기자", True),
        ("홍길동 기자는 이날 현장에서 시민들을 만나 이야기를 들었다.", False),
        ("기자의 다른 기사보기", False),
        ("저커버그는 최근 직원들에게 보낸 서한에서 밝혔다.", False),
    ],
)
def test_is_byline_line(line, ok):
    assert is_byline_line(line) is ok


@pytest.mark.parametrize(
    ("text", "rest", "people"),
    [
        ("[서울=뉴시스] 홍길동 기자 = 정부는 16일", "정부는 16일", [B("홍길동", None, "기자")]),
        ("(서울=연합뉴스) 홍길동·김철수 기자 = 정부는", "정부는", [B("홍길동", None, "기자"), B("김철수", None, "기자")]),
        ("(연천=연합뉴스) 경기도 연천군은", "경기도 연천군은", []),
        ("홍길동 기자 = 정부는", "정부는", [B("홍길동", None, "기자")]),
        ("정부는 16일 발표했다.", "정부는 16일 발표했다.", []),
    ],
)
def test_strip_dateline(text, rest, people):
    assert strip_dateline(text) == (rest, people)


@pytest.mark.parametrize(
    ("text", "rest", "people"),
    [
        ('적폐일 뿐"이라고 주장했다. 김미경기자 the13ook@dt.co.kr', '적폐일 뿐"이라고 주장했다.', [B("김미경", "the13ook@dt.co.kr", "기자")]),
        ("병살타로 처리했다.부산=선수민 기자 sunsoo@sportschosun.com", "병살타로 처리했다.", [B("선수민", "sunsoo@sportschosun.com", "기자")]),
        ("결과를 기다리고 있다. [류영상 기자 ifyouare@mkinternet.com]", "결과를 기다리고 있다.", [B("류영상", "ifyouare@mkinternet.com", "기자")]),
        ("그는 홍길동 기자에게 말했다.", "그는 홍길동 기자에게 말했다.", []),
        ("류정민 기자", "류정민 기자", []),  # a whole-line byline is is_byline_line's job
    ],
)
def test_split_tail_byline(text, rest, people):
    assert split_tail_byline(text) == (rest, people)


@pytest.mark.parametrize(
    ("text", "rest", "people"),
    [
        ("[부산=스포츠조선 선수민 기자] 롯데 자이언츠 베테랑", "롯데 자이언츠 베테랑", [B("선수민", None, "기자")]),
        ("[스포티비뉴스=유현태 기자] 지아니 인판티노", "지아니 인판티노", [B("유현태", None, "기자")]),
        ("[세종=AI포커스] 최유진·한도윤 기자 = 과학기술정보통신부가", "과학기술정보통신부가",
         [B("최유진", None, "기자"), B("한도윤", None, "기자")]),
    ],
)
def test_strip_dateline_bracket_forms(text, rest, people):
    assert strip_dateline(text) == (rest, people)


@pytest.mark.parametrize(
    ("line", "ok"),
    [("choi@x.kr han@x.kr", True), ("(hong@newsis.com)", True), ("hong@newsis.com 제보", False), ("메일 없음", False)],
)
def test_is_email_line(line, ok):
    assert is_email_line(line) is ok


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kirstin boatto", [B("kirstin boatto")]),
        ("Hlín Eyjólfsdóttir", [B("Hlín Eyjólfsdóttir")]),
        ("Tracy Parker, Dietitian", [B("Tracy Parker")]),
        ("Susan", [B("Susan")]),
        ("김은별 미국 통신원 (sisa@sisajournal.com)", [B("김은별", "sisa@sisajournal.com", "통신원")]),
        ("기자명 박지윤 기자", [B("박지윤", None, "기자")]),
    ],
)
def test_structured_author_fields(text, expected):
    assert parse_byline(text, structured=True) == expected
