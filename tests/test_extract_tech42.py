"""Extraction of the Tech42-like fixture pages against tests/fake_sites/tech42/expected.json."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import lxml.html
import pytest

from crawler.extract import ExtractProfile, NotAnArticle, extract_article

SITE = Path(__file__).parent / "fake_sites" / "tech42"
EXPECTED = json.loads((SITE / "expected.json").read_text(encoding="utf-8"))
PAGES = {page["file"]: page for page in EXPECTED["pages"]}
BASE = "http://www.tech42.test"
FETCHED = datetime(2025, 1, 10, 3, 0, tzinfo=UTC)


def _load(name: str) -> tuple[str, str]:
    raw = (SITE / "articles" / name).read_text(encoding="utf-8").replace("{{BASE_URL}}", BASE)
    return raw, BASE + PAGES[name]["path"]


def _sub(value):  # type: ignore[no-untyped-def]
    return json.loads(json.dumps(value, ensure_ascii=False).replace("{{BASE_URL}}", BASE))


def _extract(html: str, url: str, family: str = "wordpress"):  # type: ignore[no-untyped-def]
    return extract_article(html.encode("utf-8"), url, profile=ExtractProfile(site="tech42", family=family),
                           headers={"Content-Type": "text/html; charset=UTF-8"}, fetched_at=FETCHED)


@pytest.fixture(scope="module", params=sorted(PAGES))
def case(request):  # type: ignore[no-untyped-def]
    html, url = _load(request.param)
    return request.param, _extract(html, url).to_dict(), _sub(PAGES[request.param])


SCALARS = ("url", "title", "subtitle", "summary", "section", "language")


@pytest.mark.parametrize("field", SCALARS)
def test_scalar_fields(case, field):  # type: ignore[no-untyped-def]
    name, got, want = case
    key = "canonical_url" if field == "url" else field
    assert got[key] == want[field], name


@pytest.mark.parametrize("field", ["published_at", "modified_at"])
def test_times_are_the_same_instant(case, field):  # type: ignore[no-untyped-def]
    name, got, want = case
    if want[field] is None:
        assert got[field] is None, name
    else:
        assert datetime.fromisoformat(got[field]) == datetime.fromisoformat(want[field]), name
        assert datetime.fromisoformat(got[field]).utcoffset().total_seconds() == 9 * 3600


@pytest.mark.parametrize("field", ["reporters", "tags", "images", "related_links"])
def test_list_fields(case, field):  # type: ignore[no-untyped-def]
    name, got, want = case
    assert got[field] == want[field], name


def test_body(case):  # type: ignore[no-untyped-def]
    name, got, want = case
    body = got["body"]
    if "body" in want:
        assert body == want["body"]
    for snippet in want["body_contains"]:
        assert snippet in body, (name, snippet)
    for snippet in want["body_not_contains"]:
        assert snippet not in body, (name, snippet)
    assert "\n\n\n" not in body and not body.startswith("\n")


def test_provenance_and_extractor(case):  # type: ignore[no-untyped-def]
    name, got, _ = case
    assert got["extractor"].startswith("wordpress")
    for field in ("title", "published_at", "body", "reporters", "canonical_url"):
        assert field in got["provenance"], (name, field)


def test_seed_fields_from_the_issue():
    """The seed page's fields exactly as issue 2 lists them."""
    html, url = _load("meta-ai-zuckerberg.html")
    article = _extract(html, url)
    assert article.summary.startswith("‘메타버스’의 원대한 비전을 위해")
    assert [(r.name, r.email) for r in article.reporters] == [("류정민", "znryu@daum.net")]
    assert [(i.caption, i.credit) for i in article.images][0] == (
        "마크 저커버그 메타 CEO는 향후 AI 기술 개발에 투자를 확대할 것이라고 밝혔다.", "메타")
    assert len(article.related_links) == 4
    assert all(link.title and link.summary for link in article.related_links)
    assert article.published_raw == "2023-03-16T09:12:38+09:00"


@pytest.mark.parametrize("name", sorted(PAGES))
def test_generic_profile_detects_wordpress(name):
    html, url = _load(name)
    assert _extract(html, url, family="generic").to_dict() == _extract(html, url).to_dict()


def _strip_classes(html: str) -> str:
    root = lxml.html.document_fromstring(html)
    for el in root.iter():
        if isinstance(el.tag, str):
            for attr in ("class", "id"):
                el.attrib.pop(attr, None)
    return lxml.html.tostring(root, encoding="unicode")


@pytest.mark.parametrize("name", sorted(PAGES))
def test_class_names_do_not_matter(name):
    """With every class and id removed, the text conventions still give the main fields."""
    html, url = _load(name)
    got = _extract(_strip_classes(html), url, family="generic").to_dict()
    want = _sub(PAGES[name])
    assert got["title"] == want["title"]
    assert got["summary"] == want["summary"]
    assert datetime.fromisoformat(got["published_at"]) == datetime.fromisoformat(want["published_at"])
    assert [r["name"] for r in got["reporters"]] == [r["name"] for r in want["reporters"]]
    assert [(i["caption"], i["credit"]) for i in got["images"]] == [(i["caption"], i["credit"]) for i in want["images"]]
    assert [r["url"] for r in got["related_links"]] == [r["url"] for r in want["related_links"]]
    for snippet in want["body_contains"]:
        assert snippet in got["body"]
    for snippet in want["body_not_contains"]:
        assert snippet not in got["body"], snippet


def test_related_links_point_at_the_other_pages():
    canonicals = {_sub(p)["canonical_url"] for p in PAGES.values()}
    for page in PAGES.values():
        for link in _sub(page)["related_links"]:
            assert link["url"] in canonicals


def test_images_live_under_wp_content_uploads():
    for page in PAGES.values():
        for image in page["images"]:
            assert re.search(r"/wp-content/uploads/\d{4}/\d{2}/", image["url"])


def test_canonical_paths_are_korean_slugs():
    for name, page in PAGES.items():
        raw = (SITE / "articles" / name).read_text(encoding="utf-8")
        assert f'<link rel="canonical" href="{{{{BASE_URL}}}}{page["path"]}' in raw
        assert re.search(r"[가-힣]", page["path"]), name


def test_listing_page_is_not_an_article():
    items = "".join(
        f'<article class="post"><h2><a href="{BASE}/{p["path"]}">{p["title"]}</a></h2><p>{(p["summary"] or "")[:60]}</p></article>'
        for p in PAGES.values()
    )
    html = f'<html><head><title>AI - 테크42</title><meta property="og:type" content="website"></head><body><h1>AI</h1>{items}</body></html>'
    with pytest.raises(NotAnArticle) as err:
        _extract(html, BASE + "/category/ai/")
    assert err.value.reason == "listing-page"


def test_unparsable_hrefs_in_the_body_cost_nothing_but_themselves():
    # urljoin/safe_url_string raise on these; one of them used to fail the whole article.
    name = sorted(PAGES)[0]
    html, url = _load(name)
    expected = _extract(html, url)
    bad = ('<p>더 보기: <a href="http://[broken/">링크</a> <a href="https://x.kr:99999/p">포트</a></p>'
           '<img src="http://[broken/a.jpg">')
    start = html.index(">", html.index('class="entry-content')) + 1
    article = _extract(html[:start] + bad + html[start:], url)
    assert article.title == expected.title
    assert article.reporters == expected.reporters
    assert article.related_links == expected.related_links
    assert [i.url for i in article.images] == [i.url for i in expected.images]
    head = html.index("<head>") + len("<head>")
    with_bad_base = _extract(html[:head] + '<base href="http://[broken/">' + html[head:], url)
    assert with_bad_base.title == expected.title and with_bad_base.body == expected.body


def test_a_body_nested_past_the_recursion_limit_is_still_read():
    # Unclosed inline tags (<font> on every line of old CMS pages) nest the body deeper
    # than Python recursion goes; the parser keeps up to 2,048 levels and so must we.
    name = sorted(PAGES)[0]
    html, url = _load(name)
    start = html.index(">", html.index('class="entry-content')) + 1
    deep = "<p>" + "<font>" * 1800 + "끝까지 내려간 문단도 본문이다." + "</p>"
    article = _extract(html[:start] + deep + html[start:], url)
    assert "끝까지 내려간 문단도 본문이다." in article.body
    assert article.title == _extract(html, url).title
