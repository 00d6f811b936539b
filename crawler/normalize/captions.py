"""Image captions and credits: ``(이미지=메타)``, ``(사진=연합뉴스)``, ``[사진=…]``, ``… 제공``.

Korean pages print the credit inside the caption. The caption keeps the description,
the credit becomes a separate value, and neither belongs in the body.
"""

from __future__ import annotations

import re
from functools import lru_cache

from crawler.normalize.text import clean_line

_KINDS = r"사진|이미지|그래픽|영상|자료|출처|일러스트|캡처|화면\s*캡처|사진\s*제공|자료\s*제공|이미지\s*제공|제공|촬영|그림|출처\s*[:=]"
_OPEN, _CLOSE = r"[(\[【〔<〈]", r"[)\]】〕>〉]"

_BRACKETED_END = re.compile(rf"\s*{_OPEN}\s*(?:{_KINDS})\s*[=:：/／]\s*([^()\[\]【】]{{1,60}}?)\s*{_CLOSE}\s*\.?$")
_BRACKETED_START = re.compile(rf"^\s*{_OPEN}\s*(?:{_KINDS})\s*[=:：/／]\s*([^()\[\]【】]{{1,60}}?)\s*{_CLOSE}\s*")
_SLASH_END = re.compile(rf"\s*[/|]\s*(?:{_KINDS})\s*[=:：]\s*(.{{1,60}}?)\s*$")
_PLAIN_START = re.compile(rf"^\s*(?:사진|이미지)\s*[=:：]\s*(\S+)\s*[/|,]?\s+")
_PROVIDED_BRACKET = re.compile(rf"\s*{_OPEN}\s*([^()\[\]【】]{{1,40}}?)\s*제공\s*{_CLOSE}\s*\.?$")
_PROVIDED_END = re.compile(
    r"(?:(?:^|(?<=[.。!?”\"’'])\s*|\s*[/|]\s*)([^\s./|]{1,25}(?:\s[^\s./|]{1,25}){0,2}?)|\s([^\s./|]{1,25}))\s*제공\s*\.?$"
)
# Agencies and photographers printed bare after a caption sentence: "…연설하고 있다. 연합뉴스",
# "…큰절을 올리고 있다. 고영권 기자", "…모습. AP 연합뉴스".
_AGENCY_END = re.compile(
    r"(?:(?<=[.。!?”\"’'])|(?<=다\.)|\s[/|]\s*)\s*((?:[가-힣]{1,8}\s?=\s?)?(?:(?:AP|AFP|EPA|UPI|로이터|신화|교도|블룸버그|게티이미지)\s*(?:=\s*)?)?"
    r"(?:연합뉴스(?:\s*자료사진)?|뉴시스|뉴스1|뉴스핌|연합뉴스TV|게티이미지뱅크|게티이미지코리아|셔터스톡|Shutterstock|"
    r"Getty\s*Images|AP|AFP|EPA|로이터|자료사진|[가-힣]{2,4}\s?(?:사진)?기자|[가-힣]{2,4}\s?특파원))\s*\.?$"
)
_AGENCIES = (
    r"(?:(?:AP|AFP|EPA|UPI|로이터|신화|교도|블룸버그)\s*)?(?:연합뉴스(?:\s*자료사진)?|뉴시스|뉴스1|뉴스핌|연합뉴스TV|"
    r"게티이미지뱅크|게티이미지코리아|셔터스톡|Shutterstock|Getty\s*Images|AP|AFP|EPA|로이터|자료사진)"
)
_BRACKET_AGENCY_END = re.compile(rf"\s*[<〈(\[【]\s*({_AGENCIES}|[^<>()\[\]]{{1,20}}\s?제공)\s*[>〉)\]】]\s*\.?$")
_LEAD_MARK = re.compile(r"^\s*[▲△▶▷■□◆◇●○☞※]+\s*")
# A word ending in a particle (사용자에게, 회사가) is part of a sentence, not a credit.
_PARTICLE_END = re.compile(r"(?:에게|에서|으로|로|를|을|이|가|는|은|에|와|과|도|만)$")
_COPYRIGHT_END = re.compile(r"\s*[ⓒ©]\s*([^ⓒ©]{1,40})$")
_EN_CREDIT = re.compile(
    r"\s*[(\[]?\s*(?:Photo|Image|Picture|Credit|Photograph|Illustration)s?(?:\s+by|\s*credit)?\s*[:/]\s*([^()\[\]]{1,80}?)\s*[)\]]?\s*$",
    re.I,
)



def _tidy_credit(credit: str) -> str | None:
    credit = clean_line(credit).strip(" .,/|=")
    credit = re.sub(r"\s*제공$", "", credit).strip()
    return credit or None


def split_credit(text: str) -> tuple[str | None, str | None]:
    """Split a caption into (caption, credit).

    >>> split_credit("마크 저커버그 메타 CEO (이미지=메타)")
    ('마크 저커버그 메타 CEO', '메타')
    >>> split_credit("기념 촬영을 하고 있다. 마크앤컴퍼니 제공")
    ('기념 촬영을 하고 있다.', '마크앤컴퍼니')
    """
    text = _LEAD_MARK.sub("", clean_line(text))
    # Wire captions carry a dateline and the photo desk's address: "[서울=뉴시스] … photo@newsis.com".
    text = re.sub(rf"^\s*[\[(【](?!\s*(?:{_KINDS}))[^\[\]()【】=]{{1,12}}=[^\[\]()【】]{{1,12}}[\])】]\s*", "", text)
    text = re.sub(r"\s*[\w.+-]+@[\w-]+(?:\.[\w-]+)+\s*$", "", text).strip()
    if not text:
        return None, None
    for pattern in (_BRACKETED_END, _PROVIDED_BRACKET, _BRACKET_AGENCY_END, _SLASH_END, _COPYRIGHT_END, _EN_CREDIT):
        if m := pattern.search(text):
            caption = text[: m.start()].strip(" /|")
            return caption or None, _tidy_credit(m.group(1))
    for pattern in (_BRACKETED_START, _PLAIN_START):
        if m := pattern.match(text):
            caption = text[m.end():].strip(" /|")
            return caption or None, _tidy_credit(m.group(1))
    if (m := _PROVIDED_END.search(text)) and not _PARTICLE_END.search(m.group(1) or m.group(2)):
        caption = text[: m.start()].strip(" /|")
        return caption or None, _tidy_credit(m.group(1) or m.group(2))
    if m := _AGENCY_END.search(text):
        caption = text[: m.start()].strip(" /|")
        return caption or None, _tidy_credit(m.group(1))
    return text, None


_CLOSING = frozenset(")]】〕>〉")


def _credit_at_end(text: str) -> bool:
    """One of the end-anchored credit patterns matches ``text`` (a clean_line result).

    Each pattern tries a match at every position of the line, so each runs only when the
    line holds what every match of it holds: a closing bracket last (before an optional
    full stop), a slash or bar, a colon or slash, a copyright sign.
    """
    last = text[:-1].rstrip() if text.endswith(".") else text
    if last[-1:] in _CLOSING and (
        _BRACKETED_END.search(text) or _PROVIDED_BRACKET.search(text) or _BRACKET_AGENCY_END.search(text)
    ):
        return True
    if ("/" in text or "|" in text) and _SLASH_END.search(text):
        return True
    if (":" in text or "/" in text) and _EN_CREDIT.search(text):
        return True
    return ("ⓒ" in text or "©" in text) and bool(_COPYRIGHT_END.search(text))


def has_credit(text: str, *, near_image: bool = False) -> bool:
    """True when ``text`` carries a photo credit, the mark of a caption line.

    ``near_image``: the line sits next to a picture, so a bare agency or photographer
    after the sentence (``… 연합뉴스``, ``… 고영권 기자``) also counts.
    """
    text = clean_line(text)
    if not text:
        return False
    if near_image and _AGENCY_END.search(text):
        return True
    if _credit_at_end(text):
        return True
    if _BRACKETED_START.match(text) or _PLAIN_START.match(text):
        return True
    # "… 제공" ends captions; body sentences end "제공한다." / "제공했다." instead.
    m = _PROVIDED_END.search(text) if "제공" in text else None  # the pattern tries every position
    return bool(m) and not _PARTICLE_END.search(m.group(1) or m.group(2))


# Pure and asked for the same lines again (the trafilatura fallback re-reads the walk's lines).
@lru_cache(maxsize=4096)
def is_caption_line(text: str, *, near_image: bool = False) -> bool:
    """True for a short line that reads as a photo caption (description + credit)."""
    text = clean_line(text)
    return 0 < len(text) <= 300 and has_credit(text, near_image=near_image)
