"""Property: mutated real pages never make the extractor raise anything but its own
documented error (:class:`~crawler.extract.errors.ExtractionError`) and never make it
hang; whatever it does return can be stored (UTF-8 encodable, no NUL).

Pages come from ``../shared/corpus`` when it is there (Korean news pages and a sample
of the WCXB benchmark), else from the team's fixtures under ``tests/fake_sites``.
Mutations: truncation, deleted and duplicated slices, random and hostile bytes
(NUL, BOMs, broken UTF-8, surrogates, unterminated comments/scripts/CDATA, absurd
character references), deep nesting, lying charset labels and re-encoding.
"""

from __future__ import annotations

import gzip
import json
import signal
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.extract import ExtractProfile, decode_html, extract_article
from crawler.extract.errors import ExtractionError

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
FIXTURES = ROOT / "tests" / "fake_sites"
MAX_BYTES = 3 * 1024 * 1024
# Far longer than any page takes; an example that runs this long is a hang.
HANG_SECONDS = 20
FETCHED_AT = datetime(2025, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    body: bytes


def _corpus_pages() -> list[Page]:
    pages = []
    korean = CORPUS / "korean" / "index.jsonl"
    if korean.exists():
        for line in korean.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            path = korean.parent / record["file"]
            if path.exists():
                pages.append(Page(record["id"], record["url"], gzip.decompress(path.read_bytes())))
    wcxb = CORPUS / "wcxb-dev-sample"
    for path in sorted((wcxb / "html").glob("*.html.gz"))[:40]:
        truth = wcxb / "ground-truth" / path.name.replace(".html.gz", ".json")
        url = json.loads(truth.read_text(encoding="utf-8")).get("url") if truth.exists() else None
        pages.append(Page(path.name, url or "https://example.com/article/1", gzip.decompress(path.read_bytes())))
    return pages


def _fixture_pages() -> list[Page]:
    pages = []
    for path in sorted(FIXTURES.rglob("*.html")):
        raw = path.read_text(encoding="utf-8").replace("{{BASE_URL}}", "https://www.tech42.co.kr")
        pages.append(Page(path.name, f"https://www.tech42.co.kr/{path.stem}/", raw.encode("utf-8")))
    return pages


PAGES = _corpus_pages() or _fixture_pages()

HOSTILE = [
    b"\x00", b"\x00" * 64, b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf", b"\xed\xa0\x80", b"\xc3", b"\xf4\x90\x80\x80",
    b"<", b">", b"</div>", b"</html>", b"<html>", b"<body>", b"<!--", b"-->", b"<script>", b"</script>",
    b"<style>", b"<![CDATA[", b"]]>", b"<?xml version='1.0'?>", b"<!DOCTYPE x [<!ENTITY a 'aaaa'>]>",
    b"&#0;", b"&#x110000;", b"&#xD800;", b"&#99999999999999999999;", b"&amp;" * 50, b"&nbsp;" * 200,
    b'<meta charset="utf-16">', b'<meta charset="bogus-charset">', b'<meta charset="euc-kr">',
    b'<meta http-equiv="Content-Type" content="text/html; charset=cp949">',
    b'<script type="application/ld+json">{"@type":"NewsArticle","headline":',
    b'<script type="application/ld+json">[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[</script>',
    b'<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"99999-99-99T99:99","author":{"name":null}}</script>',
    b'<meta property="og:title" content="', b'<meta property="article:published_time" content="0000-00-00">',
    b"<title></title>", b"<h1></h1>", b"<p>", b"\r", b"\r\n" * 100, "\u2028\u2029\u200b\ufeff".encode(),
    "기자 홍길동 hong@example.com 저작권자 ⓒ 무단전재 및 재배포 금지".encode(), b"\x1b[31m", b"\x7f\x08\x0c",
]
CONTENT_TYPES = [
    None, "text/html", "text/html; charset=utf-8", "text/html; charset=euc-kr", "text/html; charset=utf-16",
    "text/html; charset=bogus", "application/octet-stream", "text/html; charset=",
]


def _truncate(draw, body: bytes) -> bytes:
    return body[: draw(st.integers(0, len(body)))]


def _delete(draw, body: bytes) -> bytes:
    i = draw(st.integers(0, len(body)))
    j = draw(st.integers(i, min(len(body), i + 20000)))
    return body[:i] + body[j:]


def _insert(draw, body: bytes) -> bytes:
    i = draw(st.integers(0, len(body)))
    snippet = draw(st.one_of(st.sampled_from(HOSTILE), st.binary(min_size=1, max_size=64)))
    return body[:i] + snippet + body[i:]


def _duplicate(draw, body: bytes) -> bytes:
    i = draw(st.integers(0, len(body)))
    j = draw(st.integers(i, min(len(body), i + 5000)))
    return body[:j] + body[i:j] * draw(st.integers(1, 50)) + body[j:]


def _flip(draw, body: bytes) -> bytes:
    if not body:
        return body
    data = bytearray(body)
    for _ in range(draw(st.integers(1, 32))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data)


def _nest(draw, body: bytes) -> bytes:
    i = draw(st.integers(0, len(body)))
    tag = draw(st.sampled_from([b"<div>", b"<table><tr><td>", b"<b><i>", b"<ul><li>", b"<p><span>"]))
    return body[:i] + tag * draw(st.integers(100, 5000)) + body[i:]


def _recode(draw, body: bytes) -> bytes:
    text = decode_html(body)
    encoding = draw(st.sampled_from(["utf-16", "utf-16-le", "cp949", "latin-1", "utf-32", "shift_jis"]))
    return text.encode(encoding, errors="replace")


MUTATIONS = [_truncate, _delete, _insert, _duplicate, _flip, _nest, _recode]


@st.composite
def mutated_pages(draw) -> tuple[Page, bytes, str | None]:
    page = draw(st.sampled_from(PAGES))
    body = page.body
    for _ in range(draw(st.integers(1, 4))):
        body = draw(st.sampled_from(MUTATIONS))(draw, body)[:MAX_BYTES]
    return page, body, draw(st.sampled_from(CONTENT_TYPES))


class Hang(BaseException):
    """Raised by the alarm: a BaseException, so no ``except Exception`` can swallow it."""


_hangs: list[str] = []


def _alarm(signum, frame) -> None:
    # Remembered as well as raised: an exception raised while a gc callback or a
    # __del__ runs is printed and swallowed by Python, and the hang would pass unseen.
    _hangs.append(f"extraction still running after {HANG_SECONDS} s")
    raise Hang(_hangs[-1])


@pytest.mark.timeout(180)
@settings(max_examples=50, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(mutated_pages(), st.booleans())
def test_mutated_pages_raise_only_extraction_errors_and_never_hang(case, with_profile: bool) -> None:
    page, body, content_type = case
    profile = ExtractProfile(site="fuzz", family="wordpress") if with_profile else None
    headers = {"Content-Type": content_type} if content_type else {}
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(HANG_SECONDS)
    _hangs.clear()
    try:
        article = extract_article(body, page.url, profile=profile, headers=headers, fetched_at=FETCHED_AT)
    except ExtractionError:
        article = None
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert not _hangs, (page.name, _hangs)
    if article is None:
        return
    # Whatever comes out must be storable in SQLite and PostgreSQL text columns:
    # UTF-8 encodable (no lone surrogates) and free of NUL.
    for value in _strings(article.to_dict()):
        value.encode("utf-8")
        assert "\x00" not in value, page.name
    assert article.title and article.body, page.name


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def test_pages_were_found() -> None:
    assert PAGES, "no corpus and no fixtures to mutate"
