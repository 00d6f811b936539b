"""Reporter bylines: ``류정민 기자``, ``홍길동기자 hong@x.co.kr``, ``[서울=뉴시스] 홍길동 기자 =``.

A byline yields people, each with the name as printed without the role word, the role
(기자, 특파원, …) and an email printed next to it. Organisations (한국일보, 연합뉴스,
"디지털타임스 | 네이버"), places in datelines (순천, 워싱턴=…) and photo credits
(``사진 김철수``) are never reporters: a wrong reporter is worse than a missing one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from crawler.normalize.text import clean_line

# Longest first, so 인턴기자 wins over 기자.
ROLES = (
    "객원칼럼니스트", "칼럼니스트", "논설위원실장", "논설실장", "논설위원", "편집위원", "전문위원", "선임기자",
    "전문기자", "객원기자", "인턴기자", "수습기자", "대기자", "특파원", "통신원", "기자",
)
# Photographers and video staff are credits, not reporters.
CREDIT_ROLES = ("사진기자", "영상기자", "촬영기자", "사진작가")
CREDIT_LABELS = ("사진", "영상", "촬영", "그래픽", "디자인", "일러스트", "편집", "영상편집", "자료", "출처")
_ROLE_RE = "|".join(ROLES)
_CREDIT_ROLE_RE = "|".join(CREDIT_ROLES)
EMAIL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")

# Words that end organisation names; a byline token ending in one is not a person.
ORG_SUFFIXES = (
    "일보", "신문", "뉴스", "통신", "방송", "미디어", "닷컴", "경제", "타임스", "타임즈", "데일리", "투데이",
    "저널", "매거진", "네이버", "취재팀", "기획팀", "편집국", "편집부", "보도국", "위원회", "연구소", "재단",
    "그룹", "센터", "공동취재단", "취재단", "사진부", "디지털뉴스부", "뉴스룸", "팀", "부", "국", "실", "원",
)
ORG_NAMES = {
    "연합뉴스", "뉴시스", "뉴스1", "머니투데이", "매일경제", "한국경제", "한국일보", "조선일보", "동아일보",
    "중앙일보", "한겨레", "경향신문", "디지털타임스", "전자신문", "지디넷", "블로터", "테크42", "네이버",
    "네이버뉴스", "다음", "카카오", "편집자", "관리자", "운영자", "기자", "특파원", "글", "사진", "정리", "취재",
    "기자명", "작성자", "입력", "수정", "승인", "등록", "기사입력", "최종수정", "구독", "기자구독", "다른기사",
}
# Dateline places that precede names in bylines (순천, 광양 구현모 기자; 워싱턴=홍길동 특파원).
PLACES = {
    "서울", "부산", "대구", "인천", "광주", "대전", "울산", "세종", "수원", "성남", "고양", "용인", "창원",
    "청주", "천안", "전주", "포항", "경주", "안동", "춘천", "원주", "강릉", "제주", "서귀포", "순천", "광양",
    "여수", "목포", "군산", "익산", "김해", "양산", "진주", "거제", "통영", "구미", "평택", "안산", "화성",
    "의정부", "파주", "김포", "세종시", "무안", "홍성", "내포", "경기", "강원", "충북", "충남", "전북", "전남",
    "경북", "경남", "국회", "청와대", "용산", "워싱턴", "뉴욕", "도쿄", "베이징", "상하이", "홍콩", "파리",
    "런던", "베를린", "브뤼셀", "모스크바", "제네바", "하노이", "방콕", "싱가포르", "자카르타", "두바이",
    "카이로", "시드니", "토론토", "실리콘밸리", "샌프란시스코", "로스앤젤레스", "라스베이거스", "타이베이",
    "오사카", "뉴델리", "이스탄불", "예루살렘", "유엔", "평양", "판문점", "개성", "영종도", "여의도",
    "미국", "중국", "일본", "영국", "프랑스", "독일", "러시아", "캐나다", "호주", "인도", "베트남", "대만", "유럽", "북미",
    "잠실", "사직", "고척", "문학", "상암", "목동", "광화문", "세종로", "과천", "대전청사",
}
# Korean names start with a surname; organisation names (뉴스타파, 머니투데이) do not.
SURNAMES_2 = {"남궁", "황보", "제갈", "선우", "서문", "독고", "사공", "동방", "망절", "어금", "강전", "소봉", "장곡"}
SURNAMES_1 = set(
    "김이박최정강조윤장임한오서신권황안송류유전홍고문양손배백허남심노하곽성차주우구민진지엄채원천방공현함변염"
    "여추도소석선설마길연위표명기반라나왕금옥육인맹제모탁국어은편용예경봉사부가복태목형계피두감음빈동온호범좌"
    "팽승간상시갈견곡단당대뢰로매묵묘미빙삼순아애야엽영옹요운익저종준즙증창초총춘탄판평포풍필학해혁화환후흥근궁"
    "녹뇌담돈비섭수자잠점하"
)
_WORD = r"[^\W\d_](?:[^\W\d_]|['’\-.])*"
_CAPITALISED = re.compile(r"(?:^|\s)[A-ZÀ-ÞĀ-Ž]")
# Credentials and job words printed after a name ("Tracy Parker, Dietitian"): never a name.
_TITLE_WORDS = re.compile(
    r"^(?:MD|DVM|PhD|Ph\.D\.|RN|MBA|CEO|CTO|CFO|Founder|Co-?founder|Editor|Editors|Staff|Team|Expert|Contributor|"
    r"Writer|Reviewer|Author|Admin|Administrator|Guest|Dietitian|Doctor|Dr|Mr|Mrs|Ms|Jr|Sr|Esq)\.?$",
    re.I,
)
_LATIN_NOT_PERSON = re.compile(
    r"\b(News|Times|Staff|Desk|Team|Editor(?:ial)?|Reuters|Press|Media|Inc|Ltd|Corp|Group|Agency|Online|"
    r"Daily|Journal|Magazine|Post|Herald|Tribune|Wire|Service|Bureau|Network|Contributors?)\b"
)


@dataclass(frozen=True, slots=True)
class Byline:
    """One person read from a byline."""

    name: str
    email: str | None = None
    role: str | None = None


def is_person_name(name: str, *, structured: bool = False) -> bool:
    """True for a plausible person name: 2–5 Hangul syllables or 2–5 capitalised Latin words.

    ``structured`` (the string comes from an author field) also accepts a single word and
    lower-case Latin names ("kirstin boatto"), never Hangul organisations.
    """
    name = clean_line(name)
    if not name or name in ORG_NAMES or name in PLACES:
        return False
    if re.fullmatch(r"[가-힣]{2,5}", name):
        if len(name) >= 3 and name.endswith(ORG_SUFFIXES):
            return False
        if name.endswith(("일보", "뉴스", "신문", "방송", "통신")):
            return False
        return name[0] in SURNAMES_1 or name[:2] in SURNAMES_2
    if re.fullmatch(r"[가-힣]{1,5}(?: [가-힣]{1,6}){1,2}", name):
        # Transliterated foreign names (알리 모가라비) only; never org phrases.
        return not any(part in ORG_NAMES or part.endswith(ORG_SUFFIXES[:14]) for part in name.split())
    if re.search(r"[가-힣\d@/|]", name) or len(name) > 60 or _TITLE_WORDS.match(name):
        return False
    words = name.split()
    if _LATIN_NOT_PERSON.search(name) or not all(re.fullmatch(_WORD, w) for w in words):
        return False
    if structured:
        return 1 <= len(words) <= 5
    return 2 <= len(words) <= 5 and all(_CAPITALISED.match(" " + w) for w in words)


def find_emails(text: str) -> list[str]:
    """Email addresses in ``text``, lower-cased, in order, de-duplicated."""
    out: list[str] = []
    for m in EMAIL.finditer(text):
        email = m.group(0).strip(".").lower()
        if email not in out:
            out.append(email)
    return out


_DATELINE = re.compile(r"[\[(【<〈]\s*[^\[\]()【】<>〈〉]{1,30}=\s*[^\[\]()【】<>〈〉]{0,30}[\])】>〉]")
_OTHERS = re.compile(r"\s*외\s*\d+\s*(?:명|인)")
_SEPARATORS = re.compile(r"\s*(?:[/|·ㆍ･•,;、]|\band\b|\s및\s|\s그리고\s)\s*")
_NAME_ROLE = re.compile(rf"(?<![가-힣A-Za-z])([가-힣]{{2,5}}?)\s?({_ROLE_RE})(?![가-힣])")
_CREDIT_NAME = re.compile(rf"(?<![가-힣])[가-힣]{{2,5}}?\s?(?:{_CREDIT_ROLE_RE})(?![가-힣])")
_LEADING_LABEL = re.compile(r"^(?:글|기사|취재|취재·정리|정리|작성|by|written by|저자|필자)\s*[:=]?\s*", re.I)


def _segment_people(segment: str) -> list[tuple[int, str, str]]:
    """(offset, name, role) for each person in a segment: '광양 구현모 기자' → [(3, '구현모', '기자')]."""
    found = []
    for m in _NAME_ROLE.finditer(segment):
        name, role = m.group(1), m.group(2)
        if is_person_name(name):
            found.append((m.start(1), name, role))
            continue
        # "정연우 실리콘밸리 특파원": the token before a place is the name.
        before = segment[: m.start()].split()
        if name in PLACES and before and is_person_name(before[-1]):
            found.append((segment.rfind(before[-1], 0, m.start()), before[-1], role))
    return found


def parse_byline(text: str, *, structured: bool = False) -> list[Byline]:
    """Read reporters from a byline string.

    Args:
        text: the byline as printed (``홍길동·김철수 기자``, ``순천, 광양 구현모 기자
            ninek@…``, ``글 홍길동 / 사진 김철수``, ``[서울=뉴시스] 홍길동 기자 =``).
        structured: the string comes from a field that holds only author names
            (JSON-LD author, ``<meta name=author>``), so bare names without a role
            word are accepted.

    Returns:
        Reporters in printed order; empty when no person is found.
    """
    text = clean_line(text)
    if not text:
        return []
    emails = [(m.start(), m.group(0).strip(".").lower()) for m in EMAIL.finditer(text)]
    work = EMAIL.sub(lambda m: " " * len(m.group(0)), text)
    work = _DATELINE.sub(lambda m: " " * len(m.group(0)), work)
    work = _OTHERS.sub(lambda m: " " * len(m.group(0)), work)
    work = re.sub(r"[()\[\]<>{}【】〈〉\"“”]|(?<!\w)['‘’]|['‘’](?!\w)", " ", work)
    work = re.sub(r"(?i)\b(?:updated|reviewed|edited|fact[- ]checked|medically reviewed|illustrat\w*|photos?)\s+by\b.*?(?=[,;/|]|$)", " ", work)

    people: list[tuple[int, Byline]] = []
    pending: list[tuple[int, str]] = []  # bare names waiting for the role of a later segment
    pos = 0
    segments = [seg for seg in _SEPARATORS.split(work) if seg.strip(" =:-")]
    for segment in _SEPARATORS.split(work):
        start = work.find(segment, pos) if segment else pos
        pos = start + len(segment)
        seg = segment.strip(" =:-")
        if "=" in seg:
            # "워싱턴=홍길동 특파원", "스포츠조선=선수민 기자": the part before '=' is a place/outlet.
            after = seg.rsplit("=", 1)[1].strip()
            seg = after or seg.split("=", 1)[0].strip()
        labelled = bool(_LEADING_LABEL.match(seg))
        seg = _LEADING_LABEL.sub("", seg).strip()
        if not seg:
            continue
        first = seg.split()[0]
        if first in CREDIT_LABELS or first.rstrip(":=") in CREDIT_LABELS or _CREDIT_NAME.search(seg):
            continue
        seg_start = start + max(segment.find(seg), 0)
        found = _segment_people(seg)
        if found:
            for p_start, p_name in pending:
                people.append((p_start, Byline(p_name, None, found[0][2])))
            pending.clear()
            people.extend((seg_start + off, Byline(name, None, role)) for off, name, role in found)
            continue
        bare = re.sub(r"\s+", " ", seg).strip()
        if bare.lower().startswith("by "):
            bare, labelled = bare[3:].strip(), True
        single = structured and len(segments) == 1
        if is_person_name(bare, structured=single or (structured and " " in bare)):
            if labelled:
                people.append((seg_start, Byline(bare)))
            else:
                pending.append((seg_start, bare))
    if structured or re.match(r"^\s*(?:by|글)\b", text, re.I):
        people.extend((s, Byline(n)) for s, n in pending)
    people.sort(key=lambda item: item[0])
    return _attach_emails(_unique(people), emails)


def _unique(people: list[tuple[int, Byline]]) -> list[tuple[int, Byline]]:
    seen: set[str] = set()
    out = []
    for start, person in people:
        if person.name not in seen:
            seen.add(person.name)
            out.append((start, person))
    return out


def _attach_emails(people: list[tuple[int, Byline]], emails: list[tuple[int, str]]) -> list[Byline]:
    if not people:
        return []
    if len(people) == 1:
        name = people[0][1]
        return [Byline(name.name, emails[0][1] if emails else None, name.role)]
    result = [p for _, p in people]
    if len(emails) == len(people):
        return [Byline(p.name, e, p.role) for p, (_, e) in zip(result, emails, strict=True)]
    # Otherwise an email belongs to the nearest person printed before it.
    assigned: dict[int, str] = {}
    for e_pos, email in emails:
        before = [i for i, (s, _) in enumerate(people) if s < e_pos]
        if before and before[-1] not in assigned:
            assigned[before[-1]] = email
    return [Byline(p.name, assigned.get(i), p.role) for i, p in enumerate(result)]


# Pure and asked for the same lines again (the trafilatura fallback re-reads the walk's lines).
@lru_cache(maxsize=4096)
def is_byline_line(text: str) -> bool:
    """True when a whole body line is a byline (names, roles, emails, datelines only).

    Used to take ``류정민 기자``, ``znryu@daum.net`` and ``홍길동·김철수 기자
    hong@x.co.kr`` out of body text, but not a sentence that mentions a reporter.
    """
    text = clean_line(text)
    if not text or len(text) > 120:
        return False
    if is_email_line(text):
        return True
    people = parse_byline(text)
    if not people:
        return False
    rest = EMAIL.sub(" ", text)
    rest = _DATELINE.sub(" ", rest)
    rest = _OTHERS.sub(" ", rest)
    for person in people:
        rest = rest.replace(person.name, " ")
    rest = re.sub(rf"{_ROLE_RE}|{_CREDIT_ROLE_RE}", " ", rest)
    rest = re.sub(r"[\s()\[\]<>【】=:/|·ㆍ,;.\-–—]+", " ", rest)
    leftovers = [w for w in rest.split() if w not in PLACES and w not in CREDIT_LABELS
                 and w not in ("글", "및", "외", "by", "By", "정리", "취재", "기사", "e-mail", "email", "이메일", "메일")
                 and not (re.fullmatch(r"[가-힣]{2,5}", w) and is_person_name(w))]
    return len("".join(leftovers)) <= 6


def is_email_line(text: str) -> bool:
    """True for a line made only of email addresses (``choi@x.kr han@x.kr``, ``(hong@x.kr)``)."""
    rest = EMAIL.sub(" ", clean_line(text))
    return rest != clean_line(text) and not re.sub(r"[\s()<>\[\],;/·=]+", "", rest)


def strip_dateline(text: str) -> tuple[str, list[Byline]]:
    """Remove a leading wire dateline and byline from a first paragraph.

    ``[서울=뉴시스] 홍길동 기자 = 정부는 …`` → (``정부는 …``, [홍길동]);
    ``(서울=연합뉴스) 홍길동 기자 = …`` likewise; ``[부산=스포츠조선 선수민 기자] …`` has the
    byline inside the bracket; ``(연천=연합뉴스) …`` only the dateline. Text without one is
    returned unchanged.
    """
    inside = re.match(rf"^\s*[\[(【]\s*[^\[\]()【】=]{{1,20}}=\s*([^\[\]()【】]{{2,40}}?(?:{_ROLE_RE}))\s*[\])】]\s*", text)
    if inside and (people := parse_byline(inside.group(1))):
        return text[inside.end():].strip(), people
    m = re.match(
        rf"^\s*(?:[\[(【]\s*[^\[\]()【】]{{1,30}}=\s*[^\[\]()【】]{{0,30}}[\])】]\s*)"
        rf"((?:[가-힣]{{2,5}}(?:\s*[·ㆍ,]\s*[가-힣]{{2,5}})*\s?(?:{_ROLE_RE})\s*)*)"
        rf"(?:[=]\s*|(?=\S))",
        text,
    )
    if not m:
        m = re.match(rf"^\s*((?:[가-힣]{{2,5}}\s?(?:{_ROLE_RE})\s*)+)=\s*", text)
        if not m:
            return text, []
    people = parse_byline(m.group(m.lastindex or 0)) if m.lastindex else []
    return text[m.end():].strip(), people


_TAIL_BYLINE = re.compile(
    rf"(?:(?<=[.!?。\"”’)\]])|\s)\s*[\[(<]?\s*(?:[가-힣]{{1,10}}\s?=\s?)?((?:[가-힣]{{2,5}}\s?(?:{_ROLE_RE})\s*[·,/]?\s*)+)"
    rf"\s*[\[(<]?\s*({EMAIL.pattern})?\s*[\])>]?\s*$"
)


def split_tail_byline(text: str) -> tuple[str, list[Byline]]:
    """Split a byline glued to the end of a paragraph: ``…주장했다. 김미경기자 kim@dt.co.kr``.

    Returns the paragraph without it and the reporters; the text unchanged and [] when
    the paragraph does not end with one.
    """
    # Every paragraph of every body comes here and few end in a byline; the regex tries a
    # match at each space, a plain scan for the role words (which every match holds) does not.
    if not any(role in text for role in ROLES):
        return text, []
    m = _TAIL_BYLINE.search(text)
    if not m or m.start() == 0:
        return text, []
    people = parse_byline(m.group(0))
    if not people:
        return text, []
    return text[: m.start()].rstrip(), people
