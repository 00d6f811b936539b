"""Tech42 end to end: a loopback Tech42-like site → `newscrawl crawl` (real Scrapy, real
HTTP, a child process) → SQLite and PostgreSQL, checked with SQL."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote, unquote

import pytest

from tests.crawling import newscrawl, query, write_config
from tests.http_server import FAKE_SITES, FakeSite, FakeSiteServer

pytestmark = pytest.mark.e2e

BASE = "https://www.tech42.co.kr"
SEED_TITLE = "“메타버스 그게 뭐죠? 대세는 AI” 태세전환 한 마크 저커버그"
BOILERPLATE = ("(이미지=", "저작권자", "무단전재", "기자의 다른 기사보기", "znryu@daum.net", "관련 기사", "류정민 기자")




def as_list(value):
    return json.loads(value) if isinstance(value, str) else value


@pytest.fixture
def tech42(tmp_path: Path):
    site = FakeSite.from_dir("tech42", BASE)
    with FakeSiteServer(site) as server:
        config = write_config(tmp_path)
        yield site, server, config


def crawl(db_url: str, config: Path, server: FakeSiteServer, *extra: str) -> None:
    newscrawl("crawl", "tech42", "--config", str(config), "--db", db_url,
              "--resolve", f"www.tech42.co.kr={server.address}", *extra, check=True)


def test_crawl_stores_every_field_of_the_seed_article(tech42, db_url: str) -> None:
    site, server, config = tech42
    crawl(db_url, config, server)

    rows = query(db_url, "SELECT * FROM articles ORDER BY id")
    assert len(rows) == len(site.pages) >= 6
    # Stored as fetched: percent-encoded on the wire, the same article as the page's IRI.
    assert {unquote(r["url"]) for r in rows} == {BASE + p for p in site.pages}

    (seed,) = [r for r in rows if r["title"] == SEED_TITLE]
    assert seed["site"] == "tech42"
    assert seed["summary"].startswith("‘메타버스’의 원대한 비전을 위해")
    assert seed["summary"].endswith("관측이 나온다.")
    assert as_list(seed["reporters"]) == [{"name": "류정민", "email": "znryu@daum.net", "role": "기자"}]
    images = as_list(seed["images"])
    assert len(images) == 2
    assert all(i["credit"] == "메타" and i["url"].startswith(BASE + "/wp-content/uploads/") for i in images)
    assert images[0]["caption"] == "마크 저커버그 메타 CEO는 향후 AI 기술 개발에 투자를 확대할 것이라고 밝혔다."
    related = as_list(seed["related_links"])
    assert len(related) == 4
    assert related[0]["title"].startswith("[마루에서 만난 사람] 문창훈 파워테스크 대표")
    assert related[0]["summary"].startswith("문 대표와 파워테스크 팀이")
    assert all(link["url"].startswith(BASE + "/") for link in related)
    body = seed["body"]
    assert body.startswith("페이스북의 마크 저커버그가 스스로 사명을")
    assert body.rstrip().endswith("완전히 확신할수 있다”고 관측했다.")
    assert "\n\n" in body
    for junk in BOILERPLATE:
        assert junk not in body, junk
    assert seed["published_at"] is not None and seed["published_raw"]
    assert seed["language"] == "ko"
    assert seed["extractor"]

    for row in rows:
        for junk in ("저작권자", "무단전재", "기자의 다른 기사보기", "(이미지=", "(사진="):
            assert junk not in (row["body"] or ""), (row["url"], junk)

    # Requests reached the mirror with the real Host; robots.txt was asked first.
    assert {entry.host for entry in server.log} == {"www.tech42.co.kr"}
    assert server.paths()[0] == "/robots.txt"

    (run,) = query(db_url, "SELECT * FROM crawl_runs")
    assert run["site"] == "tech42" and run["trigger"] == "cli"
    assert run["status"] == "finished" and run["finish_reason"] == "finished"
    assert run["articles_new"] == len(site.pages)


def test_expected_fields_of_every_page(tech42, db_url: str) -> None:
    expected_file = FAKE_SITES / "tech42" / "expected.json"
    expected = json.loads(expected_file.read_text(encoding="utf-8"))
    site, server, config = tech42
    crawl(db_url, config, server)
    rows = {unquote(r["url"]): r for r in query(db_url, "SELECT * FROM articles")}
    checked = 0
    for page in expected_pages(expected):
        row = rows[unquote(page["url"].replace("{{BASE_URL}}", BASE))]
        for key in ("title", "subtitle", "summary", "section"):
            if key in page:
                assert row[key] == page[key], (row["url"], key)
        if "reporters" in page:
            assert as_list(row["reporters"]) == page["reporters"], row["url"]
        for snippet in page.get("body_contains", []):
            assert snippet in row["body"], (row["url"], snippet)
        for snippet in page.get("body_not_contains", []):
            assert snippet not in row["body"], (row["url"], snippet)
        checked += 1
    assert checked == len(site.pages)


def expected_pages(expected) -> list[dict]:
    if isinstance(expected, dict) and "pages" in expected:
        expected = expected["pages"]
    if isinstance(expected, dict):
        return [{"url": url, **fields} for url, fields in expected.items()]
    return expected


def test_recrawl_is_idempotent_and_a_change_makes_one_revision(tech42, db_url: str) -> None:
    """--refresh re-fetches every article, as a crawl without a frontier would: the
    database still stores each once, and only a changed page makes a revision."""
    site, server, config = tech42
    crawl(db_url, config, server)
    first = query(db_url, "SELECT id, url, content_hash FROM articles ORDER BY id")

    crawl(db_url, config, server, "--refresh")
    assert query(db_url, "SELECT id, url, content_hash FROM articles ORDER BY id") == first
    assert query(db_url, "SELECT count(*) AS n FROM article_revisions")[0]["n"] == 0
    runs = query(db_url, "SELECT * FROM crawl_runs ORDER BY id")
    assert runs[-1]["articles_unchanged"] == len(first) and runs[-1]["articles_new"] == 0

    seed_path = next(p for p, page in site.pages.items() if "1만명의 직원을 추가로 해고할" in page.html)
    site.replace(seed_path, "1만명의 직원을 추가로 해고할", "1만2천명의 직원을 추가로 해고할")
    crawl(db_url, config, server, "--refresh")

    assert len(query(db_url, "SELECT id FROM articles")) == len(first)
    (updated,) = query(db_url, "SELECT id, body, revision FROM articles WHERE url = :u", u=BASE + quote(seed_path))
    assert "1만2천명의 직원을" in updated["body"] and updated["revision"] == 2
    (revision,) = query(db_url, "SELECT * FROM article_revisions")
    assert revision["article_id"] == updated["id"] and "1만명의 직원을" in revision["body"]
    last = query(db_url, "SELECT * FROM crawl_runs ORDER BY id DESC")[0]
    assert (last["articles_updated"], last["articles_unchanged"]) == (1, len(first) - 1)


def test_second_incremental_crawl_fetches_no_stored_article(tech42, db_url: str) -> None:
    site, server, config = tech42
    crawl(db_url, config, server)
    before = len(server.log)
    crawl(db_url, config, server)
    second = [entry.path for entry in server.log[before:]]
    assert not [p for p in second if p in site.pages], second
    assert query(db_url, "SELECT count(*) AS n FROM articles")[0]["n"] == len(site.pages)
    last = query(db_url, "SELECT * FROM crawl_runs ORDER BY id DESC")[0]
    assert last["status"] == "finished" and last["articles_new"] == 0
