"""Table-driven tests for crawler.normalize.dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from crawler.normalize.dates import find_date_text, is_date_line, labelled_dates, parse_date, strip_label

KST = timezone(timedelta(hours=9))
NOW = datetime(2024, 12, 1, 12, 0, tzinfo=UTC)  # 2024-12-01 21:00 KST


def kst(*args: int) -> datetime:
    return datetime(*args, tzinfo=KST)


@pytest.mark.parametrize(
    ("raw", "expected", "has_time"),
    [
        ("입력 2023.03.16 10:00", kst(2023, 3, 16, 10, 0), True),
        ("수정 2023.03.16 11:30", kst(2023, 3, 16, 11, 30), True),
        ("승인 2023.03.16 10:00", kst(2023, 3, 16, 10, 0), True),
        ("기사입력 2020.08.19. 오후 3:05", kst(2020, 8, 19, 15, 5), True),
        ("2023-03-16 오후 3:05", kst(2023, 3, 16, 15, 5), True),
        ("2023-03-16 오전 12:30", kst(2023, 3, 16, 0, 30), True),
        ("2023-03-16 오후 12:30", kst(2023, 3, 16, 12, 30), True),
        ("2024년 11월 12일 오전 8:30", kst(2024, 11, 12, 8, 30), True),
        ("2023년 3월 16일(목) 오후 3시 5분", kst(2023, 3, 16, 15, 5), True),
        ("입력 : 2023-03-16 10:00:00", kst(2023, 3, 16, 10, 0), True),
        ("2023.03.16", kst(2023, 3, 16, 0, 0), False),
        ("2023-03-16", kst(2023, 3, 16, 0, 0), False),
        # JSON-LD / meta values with and without an offset
        ("2023-03-16T10:00:00+09:00", kst(2023, 3, 16, 10, 0), True),
        ("2023-03-16T10:00:00", kst(2023, 3, 16, 10, 0), True),
        ("2023-03-16T01:00:00Z", kst(2023, 3, 16, 10, 0), True),
        ("2023-03-16T01:00:00+00:00", kst(2023, 3, 16, 10, 0), True),
        ("2023-05-15T20:00:52.000+0900", kst(2023, 5, 15, 20, 0, 52), True),
        ("2023-03-16 10:00:00.123", kst(2023, 3, 16, 10, 0, 0, 123000), True),
        ("Thu, 16 Mar 2023 10:00:00 +0900", kst(2023, 3, 16, 10, 0), True),
        ("March 16, 2023 10:00 AM", kst(2023, 3, 16, 10, 0), True),
        ("1678928400", kst(2023, 3, 16, 10, 0), True),
        # relative times count back from the fetch time
        ("3시간 전", kst(2024, 12, 1, 18, 0), True),
        ("15분 전", kst(2024, 12, 1, 20, 45), True),
        ("2일 전", kst(2024, 11, 29, 21, 0), False),
        ("방금 전", kst(2024, 12, 1, 21, 0), True),
    ],
)
def test_parse_date(raw, expected, has_time):
    parsed = parse_date(raw, "Asia/Seoul", now=NOW)
    assert parsed is not None
    assert parsed.value == expected
    assert parsed.value.utcoffset() is not None
    assert parsed.has_time is has_time
    assert parsed.raw == raw


@pytest.mark.parametrize(
    "raw",
    [
        "2024-12-02 10:00",  # tomorrow (KST): in the future
        "2030-01-01T00:00:00+09:00",
        "2024-12-01T22:00:00+09:00",  # one hour ahead of the fetch
        "1985-01-01",  # before any web page
        "",
        "기사입력",
        "not a date",
        "2023-13-45 10:00",
    ],
)
def test_refused(raw):
    assert parse_date(raw, "Asia/Seoul", now=NOW) is None


def test_small_clock_skew_is_tolerated():
    assert parse_date("2024-12-01T21:10:00+09:00", now=NOW) is not None


def test_future_allowed_on_request():
    assert parse_date("2030-01-01 10:00", now=NOW, allow_future=True).value == kst(2030, 1, 1, 10, 0)


def test_same_day_date_only_is_not_future():
    assert parse_date("2024-12-01", now=NOW).value == kst(2024, 12, 1)


def test_site_timezone_applies_to_naive_times():
    parsed = parse_date("2023-03-16 10:00", "Europe/Berlin", now=NOW)
    assert parsed.value.astimezone(UTC) == datetime(2023, 3, 16, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("입력 2024.12.04 17:05 | 수정 2024.12.05 10:20", {"published": "입력 2024.12.04 17:05", "modified": "수정 2024.12.05 10:20"}),
        ("기사입력 2020.08.19. 오후 3:05 최종수정 2020.08.19. 오후 4:10",
         {"published": "기사입력 2020.08.19. 오후 3:05", "modified": "최종수정 2020.08.19. 오후 4:10"}),
        ("승인 2023.03.16 10:00", {"approved": "승인 2023.03.16 10:00"}),
        ("등록 2023-03-16 10:00:00", {"published": "등록 2023-03-16 10:00:00"}),
        ("입력2023.11.02. 오후 8:06", {"published": "입력 2023.11.02. 오후 8:06"}),
        ("오늘의 날씨", {}),
    ],
)
def test_labelled_dates(text, expected):
    assert labelled_dates(text) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("입력 2023.03.16 10:00", "2023.03.16 10:00"), ("수정 : 2023-03-16", "2023-03-16"), ("Updated: March 1, 2024", "March 1, 2024")],
)
def test_strip_label(raw, expected):
    assert strip_label(raw) == expected


def test_find_date_text():
    assert find_date_text("박소연기자 2024.11.19 08:40 조회수 12") == "2024.11.19 08:40"
    assert find_date_text("no date here") is None


@pytest.mark.parametrize(
    ("line", "ok"),
    [("입력 2020.08.27 20:27", True), ("2024.11.19 08:40", True), ("October 9, 2025", True),
     ("승인 2025.03.11 16:45 댓글 0", False), ("2020년 8월 27일 경기에서 그는 홈런을 쳤다.", False)],
)
def test_is_date_line(line, ok):
    assert is_date_line(line) is ok
