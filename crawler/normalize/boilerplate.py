"""Lines that must leave the article body: copyright, share labels, link lists, notes.

``classify_line`` names why a line is boilerplate (``copyright``, ``more-articles``,
``link-list``, ``note``, ``share``, ``ad``, ``tip-off``, ``reading-time``, ``date``) or returns None for text
that stays. Broadcast scripts mark speakers (``【앵커】``, ``◀ 앵커 ▶``); those markers
are removed from the line and the speech is kept.
"""

from __future__ import annotations

import re
from functools import lru_cache

from crawler.normalize.dates import is_date_line
from crawler.normalize.text import clean_line

_COPYRIGHT = re.compile(
    r"저작권자\s*[©ⓒ(c]|저작권\s*[©ⓒ]|무단\s*[·,]?\s*전재|재\s*배포\s*(?:금지|를?\s*금)|무단\s*복제|"
    r"배포를?\s*금(?:지|합니다)|All\s+rights\s+reserved|AI\s*학습\s*(?:및\s*)?활용\s*금지|AI\s*학습\s*이용\s*금지",
    re.I,
)
_COPYRIGHT_START = re.compile(r"^\s*(?:[©ⓒ]|\(c\)|copyright\b)", re.I)
_MORE = re.compile(
    r"기자의?\s*다른\s*기사\s*(?:보기|더보기)?|다른\s*기사\s*보기|기사\s*더\s*보기|^\s*\S{2,5}\s*기자\s*구독|"
    r"기자\s*페이지|구독하기$|구독\s*신청|기자\s*프로필|^\s*이전\s*기사|^\s*다음\s*기사|^\s*목록\s*보기$|"
    r"(?:채널|뉴스스탠드|언론사|네이버에서)\s*\S*\s*구독|구독\s*(?:하세요|바로가기)"
)
_LINK_MARK = re.compile(r"^\s*[▶☞►▷➤→⇒■◆▲]\s*")
_LINK_WORDS = re.compile(r"바로\s*가기|구독|클릭|제보|다운로드|이벤트|관련\s*기사|네이버|카카오|채널\s*추가|앱\s*설치|무료|신청")
_NOTE = re.compile(r"^\s*※")
_POST_META = re.compile(
    r"^\s*(?:posted\s+in|filed\s+under|categories\s*:|tags?\s*:|see\s+also\b|related\s*:|read\s+more\b|"
    r"share\s+this|follow\s+us|태그\s*[:：#]|관련\s*태그|#\S+(?:\s+#\S+)+$)",
    re.I,
)
_READING_TIME = re.compile(
    r"^\s*(?:reading\s*time\s*:?\s*\d+\s*min(?:ute)?s?|\d+\s*min(?:ute)?s?\s*read|읽는\s*데\s*\d+\s*분|예상\s*읽기\s*시간.*)\s*$",
    re.I,
)
_TIP_OFF = re.compile(r"^\s*[\[<【(]?\s*(?:기사\s*)?제보\s*(?:및\s*문의|하기)?\s*[\]>】)]?\s*[:：]?|^\s*▷\s*(?:카카오톡|전화|이메일|메일|뉴스\s*홈페이지)")
_AD = re.compile(r"^\s*(?:AD|광고|Advertisement|ADVERTISEMENT|\(광고\)|\[광고\]|Sponsored|스폰서)\s*$")
_SHARE_WORDS = {
    "공유", "공유하기", "기사공유하기", "기사공유", "sns공유", "sns기사보내기", "기사보내기", "페이스북", "트위터", "엑스",
    "카카오톡", "카카오스토리", "카카오", "네이버블로그", "네이버밴드", "밴드", "블로그", "라인", "텔레그램", "링크복사",
    "url복사", "주소복사", "url", "복사", "스크랩", "인쇄", "프린트", "글자크기", "글씨크기", "본문글자크기", "가", "가가",
    "크게", "작게", "댓글", "좋아요", "추천", "북마크", "저장", "기사저장", "이메일", "메일", "닫기", "공유닫기",
    "facebook", "twitter", "x", "linkedin", "email", "print", "share", "tweet", "copylink", "copyurl", "kakaotalk",
    "pinterest", "reddit", "whatsapp", "telegram", "이것을공유하세요", "이것을공유하세요:", "공유:", "share:",
    "글자", "크기", "확대", "축소", "듣기", "기사듣기", "번역", "폰트",
}
_BROADCAST = re.compile(
    r"^\s*(?:【\s*(?:앵커|기자|리포트|인터뷰|녹취|현장음)\s*】|◀\s*(?:앵커|리포트|인터뷰|기자)\s*▶|"
    r"\[\s*(?:앵커|기자|리포트|앵커\s*멘트|인터뷰|녹취|현장음|기자\s*멘트)\s*\]|<\s*(?:앵커|앵커\s*멘트|리포트|기자)\s*>|"
    r"\(\s*(?:앵커|기자)\s*\))\s*[:：]?\s*"
)


def strip_broadcast_marker(line: str) -> str:
    """Remove a speaker marker (``【앵커】``, ``◀ 앵커 ▶``, ``[기자]``) from a line's start."""
    return _BROADCAST.sub("", line, count=1).strip()


_LONGEST_SHARE_WORD = max(map(len, _SHARE_WORDS))
_WHITESPACE = re.compile(r"\s+")
_SHARE_WORD = re.compile(r"[^\s|·/,]+")


def is_share_line(line: str) -> bool:
    """True when every word of the line is a share/SNS/print control label."""
    line = clean_line(line).lower().rstrip(":：")
    # clean_line left single spaces, so a line more than twice a label's length (plus one)
    # cannot be one label with spaces in it; every body line skips that test.
    if len(line) <= 2 * _LONGEST_SHARE_WORD + 1 and _WHITESPACE.sub("", line) in _SHARE_WORDS:
        return True
    # Word by word, so that a body line stops at its first word.
    seen = False
    for word in _SHARE_WORD.finditer(line):
        if word.group().rstrip(":：") not in _SHARE_WORDS:
            return False
        seen = True
    return seen


# Pure and asked for the same lines again (the trafilatura fallback re-reads the walk's lines).
@lru_cache(maxsize=4096)
def is_copyright_line(line: str) -> bool:
    """True for a copyright / no-redistribution notice."""
    line = clean_line(line)
    if not line or len(line) > 220:
        return False
    return bool(_COPYRIGHT.search(line) or (_COPYRIGHT_START.match(line) and len(line) < 120))


# Pure and asked for the same lines again (the trafilatura fallback re-reads the walk's lines).
@lru_cache(maxsize=4096)
def classify_line(line: str, *, has_link: bool = False) -> str | None:
    """Why ``line`` is boilerplate, or None when it is article text.

    Args:
        line: one paragraph/line of candidate body text.
        has_link: the line is (mostly) a hyperlink, which makes ▶/☞ lines link lists.
    """
    line = clean_line(line)
    if not line:
        return "empty"
    if is_copyright_line(line):
        return "copyright"
    if len(line) < 60 and _MORE.search(line):
        return "more-articles"
    if _LINK_MARK.match(line) and (has_link or _LINK_WORDS.search(line)) and len(line) < 200:
        return "link-list"
    if _NOTE.match(line):
        return "note"
    if _READING_TIME.match(line):
        return "reading-time"
    if len(line) < 160 and _POST_META.match(line):
        return "post-meta"
    if is_date_line(line):
        return "date"
    if _TIP_OFF.match(line) and len(line) < 200:
        return "tip-off"
    if _AD.match(line):
        return "ad"
    if is_share_line(line):
        return "share"
    return None
