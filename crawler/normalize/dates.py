"""Publication and modification times as printed by Korean (and other) news pages.

Korean pages print local times without an offset (``입력 2023.03.16 10:00``,
``2023-03-16 오후 3:05``, ``3시간 전``); those are the site's time zone, KST by
default. Machine-readable values (JSON-LD, ``article:published_time``) come with or
without an offset; a missing offset also means the site's zone. A time in the future
(beyond a small clock skew) is refused rather than stored: it is a parsing or site
error, and a wrong date is worse than none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from crawler.normalize.text import clean_line

DEFAULT_TZ = "Asia/Seoul"
FUTURE_SKEW = timedelta(minutes=15)
_OLDEST = datetime(1990, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class ParsedDate:
    """A parsed time: aware ``value``, the ``raw`` string, and whether it had a clock time."""

    value: datetime
    raw: str
    has_time: bool


PUBLISHED_LABELS = ("기사입력", "최초입력", "입력", "등록", "게재", "송고", "발행", "작성", "승인")
MODIFIED_LABELS = ("최종수정", "수정", "업데이트", "갱신")
_LABEL_KIND = {**dict.fromkeys(PUBLISHED_LABELS, "published"), **dict.fromkeys(MODIFIED_LABELS, "modified")}
_LABEL_KIND["승인"] = "approved"
_LABEL_RE = "|".join(sorted(_LABEL_KIND, key=len, reverse=True))
_EN_LABELS = r"(?:posted|published|updated|modified|last updated|date)\s*(?:on|at)?\s*:?"

# A Korean/ISO-ish date with an optional clock time, as printed on pages.
_DATE_TEXT = (
    r"\d{4}\s*[.\-/년]\s*\d{1,2}\s*[.\-/월]\s*\d{1,2}\s*(?:일|\.)?"
    r"(?:\s*\(?[월화수목금토일](?:요일)?\)?)?"
    r"(?:\s*[T ]?\s*(?:(?:오전|오후|AM|PM|am|pm)\s*)?\d{1,2}\s*(?::|시)\s*\d{1,2}"
    r"(?:\s*(?::|분)\s*\d{1,2}(?:\.\d+)?\s*초?)?\s*분?(?:\s*(?:AM|PM|am|pm))?)?"
)
LABELLED_DATE = re.compile(rf"({_LABEL_RE})\s*(?:일시|시간|일)?\s*[:：]?\s*({_DATE_TEXT})")

_ISO = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?"
    r"\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$",
    re.I,
)
_KOREAN = re.compile(
    r"^(\d{4})\s*[.\-/년]\s*(\d{1,2})\s*[.\-/월]\s*(\d{1,2})\s*(?:일|\.)?"
    r"(?:\s*\(?[월화수목금토일](?:요일)?\)?)?"
    r"(?:\s*[T ]?\s*(오전|오후|AM|PM)?\s*(\d{1,2})\s*(?::|시)\s*(\d{1,2})"
    r"(?:\s*(?::|분)\s*(\d{1,2})(?:\.\d+)?\s*초?)?\s*분?\s*(AM|PM)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2}|KST)?$",
    re.I,
)
_RELATIVE = re.compile(r"^(\d+)\s*(초|분|시간|일|주|개월|달)\s*전$")
_RELATIVE_UNITS = {
    "초": timedelta(seconds=1), "분": timedelta(minutes=1), "시간": timedelta(hours=1),
    "일": timedelta(days=1), "주": timedelta(weeks=1), "개월": timedelta(days=30), "달": timedelta(days=30),
}


def _tz(name: str | None) -> ZoneInfo:
    return ZoneInfo(name or DEFAULT_TZ)


def _offset(text: str | None, tz: ZoneInfo) -> tzinfo:
    if not text:
        return tz
    text = text.upper()
    if text in ("Z", "UTC", "GMT"):
        return UTC
    if text == "KST":
        return ZoneInfo("Asia/Seoul")
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _hour12(hour: int, meridiem: str | None) -> int:
    if not meridiem:
        return hour
    pm = meridiem.upper() in ("오후", "PM")
    if hour == 12:
        return 12 if pm else 0
    return hour + 12 if pm else hour


def strip_label(raw: str) -> str:
    """Drop a leading label such as ``입력``, ``수정 :``, ``Updated:`` from a date string."""
    text = clean_line(raw)
    text = re.sub(rf"^(?:{_LABEL_RE})\s*(?:일시|시간|일)?\s*[:：]?\s*", "", text)
    return re.sub(rf"^{_EN_LABELS}\s*", "", text, flags=re.I).strip()


def _build(parts: tuple[int, ...], zone: tzinfo) -> datetime | None:
    try:
        return datetime(*parts, tzinfo=zone)
    except ValueError:
        return None


def _parse_absolute(text: str, tz: ZoneInfo) -> tuple[datetime, bool] | None:
    if re.fullmatch(r"\d{10}|\d{13}", text):
        stamp = int(text) / (1000 if len(text) == 13 else 1)
        return datetime.fromtimestamp(stamp, tz=UTC), True
    if m := _ISO.match(text):
        y, mo, d, h, mi, s, frac, off = m.groups()
        micro = int((frac or "0")[:6].ljust(6, "0"))
        value = _build((int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0), micro), _offset(off, tz))
        return (value, h is not None) if value else None
    if m := _KOREAN.match(text):
        y, mo, d, mer, h, mi, s, mer2, off = m.groups()
        hour = _hour12(int(h), mer or mer2) if h is not None else 0
        value = _build((int(y), int(mo), int(d), hour, int(mi or 0), int(s or 0)), _offset(off, tz))
        return (value, h is not None) if value else None
    if re.search(r"[A-Za-z]{3},? \d{1,2} [A-Za-z]{3} \d{4}", text):
        try:
            value = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            value = None
        if value is not None:
            return (value if value.tzinfo else value.replace(tzinfo=tz)), True
    return _parse_english(text, tz)


def _parse_english(text: str, tz: ZoneInfo) -> tuple[datetime, bool] | None:
    # English pages (the WCXB sample) print "March 16, 2023 10:00 AM"; dateutil reads
    # those, but only whole-string matches are accepted to keep it from guessing.
    if not re.search(r"[A-Za-z]{3}", text) or len(text) > 60:
        return None
    if not any(ch.isdigit() for ch in text):
        # Without a digit dateutil can only fill in month and weekday, which leaves the
        # default's year 1 (refused below); skipping the parse saves ~0.3 ms a line.
        return None
    from dateutil import parser as dateparser

    try:
        value = dateparser.parse(text, default=datetime(1, 1, 1, 0, 0, 0))
    except (ValueError, OverflowError, TypeError):
        return None
    if value.year == 1:
        return None
    has_time = bool(re.search(r"\d{1,2}:\d{2}", text))
    return (value if value.tzinfo else value.replace(tzinfo=tz)), has_time


def parse_date(
    raw: str | None,
    tz: str | None = DEFAULT_TZ,
    *,
    now: datetime | None = None,
    allow_future: bool = False,
) -> ParsedDate | None:
    """Parse a printed or machine-readable time into an aware datetime.

    Args:
        raw: the string as found (labels such as ``입력`` are allowed).
        tz: the site's time zone for values without an offset.
        now: reference for relative times (``3시간 전``) and the future check;
            defaults to the current time.
        allow_future: keep times later than ``now`` plus a small skew.

    Returns:
        ``ParsedDate`` or ``None`` when the string is not a date, is before 1990, or
        lies in the future.
    """
    if not raw:
        return None
    zone = _tz(tz)
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=zone)
    text = strip_label(raw)
    if not text:
        return None
    if text in ("방금", "방금 전"):
        result: tuple[datetime, bool] | None = (now.astimezone(zone), True)
    elif m := _RELATIVE.match(text):
        ago = now - int(m.group(1)) * _RELATIVE_UNITS[m.group(2)]
        result = (ago.astimezone(zone), m.group(2) in ("초", "분", "시간"))
    else:
        result = _parse_absolute(text, zone)
    if result is None:
        return None
    value, has_time = result
    if value < _OLDEST:
        return None
    if not allow_future and value > now + FUTURE_SKEW:
        # A date-only value for today is midnight, never "future"; a later day is.
        if has_time or value.date() > now.astimezone(value.tzinfo).date():
            return None
    return ParsedDate(value=value, raw=clean_line(raw), has_time=has_time)


def labelled_dates(text: str) -> dict[str, str]:
    """Find ``입력 …`` / ``수정 …`` / ``승인 …`` dates in page text.

    Returns a mapping ``published``/``modified``/``approved`` → the raw labelled string
    (first occurrence of each kind).
    """
    found: dict[str, str] = {}
    for m in LABELLED_DATE.finditer(clean_line(text)):
        kind = _LABEL_KIND[m.group(1)]
        found.setdefault(kind, f"{m.group(1)} {m.group(2).strip()}")
    return found


def find_date_text(text: str) -> str | None:
    """The first date-with-optional-time substring in ``text``, or None."""
    m = re.search(_DATE_TEXT, clean_line(text))
    return m.group(0).strip() if m else None


def is_date_only_text(text: str) -> bool:
    """True for strings that are just a date (``2024.11.12``, ``2024년 11월 19일``)."""
    text = clean_line(text).strip("()[] ")
    return bool(text) and bool(re.fullmatch(_DATE_TEXT, text) or _parse_english(text, _tz(None)) and len(text) < 30)


def same_day(a: datetime, b: date) -> bool:
    """True when ``a`` falls on calendar day ``b`` in its own zone."""
    return a.date() == b


# Pure and asked for the same lines again (the trafilatura fallback re-reads the walk's lines).
@lru_cache(maxsize=4096)
def is_date_line(text: str) -> bool:
    """True for a line that only prints times (``입력 2020.08.27 20:27``, ``October 9, 2025``)."""
    line = clean_line(text)
    if not line or len(line) > 80:
        return False
    rest = LABELLED_DATE.sub(" ", line)
    rest = re.sub(_DATE_TEXT, " ", rest)
    rest = re.sub(rf"{_LABEL_RE}|{_EN_LABELS}|[|:：/()\[\]·,\-]", " ", rest, flags=re.I)
    if len(rest.strip()) <= 3 and rest.strip() != line:
        return True
    return len(line) <= 30 and _parse_english(line, _tz(None)) is not None
