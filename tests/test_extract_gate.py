"""Not-an-article pages are refused with a reason; articles pass the gate."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.extract import ExtractProfile, NotAnArticle, extract_article
from crawler.extract.blocks import Block
from crawler.extract.korean import clean_blocks

FETCHED = datetime(2025, 6, 1, tzinfo=UTC)
BASE = "https://www.example-news.kr"
PARAGRAPH = "정부는 16일 인공지능 산업 육성 방안을 발표했다. 데이터센터 전력 공급과 인재 양성을 함께 지원한다는 내용이다. "


def page(body: str, *, title: str = "정부, AI 산업 육성 방안 발표", og_type: str = "article", head: str = "") -> str:
    return (f'<html lang="ko"><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta property="og:type" content="{og_type}"><meta property="og:title" content="{title}">{head}</head>'
            f"<body><h1>{title}</h1>{body}</body></html>")


def extract(html: str, path: str = "/news/articleView.html?idxno=1"):  # type: ignore[no-untyped-def]
    return extract_article(html, BASE + path, profile=ExtractProfile(site="example"), fetched_at=FETCHED)


def test_article_passes():
    article = extract(page(f'<div class="article-body"><p>{PARAGRAPH * 3}</p><p>{PARAGRAPH * 2}</p></div>',
                           head='<meta property="article:published_time" content="2025-05-16T10:00:00+09:00">'))
    assert article.title == "정부, AI 산업 육성 방안 발표"


def test_no_title():
    html = f"<html><head></head><body><div><p>{PARAGRAPH * 4}</p></div></body></html>"
    with pytest.raises(NotAnArticle) as err:
        extract(html)
    assert err.value.reason == "no-title"


def test_video_only():
    html = page('<div class="video"><iframe src="https://www.youtube.com/embed/abc123"></iframe><p>영상 보기</p></div>',
                og_type="video.other")
    with pytest.raises(NotAnArticle) as err:
        extract(html)
    assert err.value.reason == "video-only"


def test_gallery():
    figures = "".join(f'<figure><img src="/photo/{i}.jpg" width="600" height="400"><figcaption>현장 {i}</figcaption></figure>'
                      for i in range(8))
    with pytest.raises(NotAnArticle) as err:
        extract(page(f'<div class="gallery">{figures}</div>'))
    assert err.value.reason == "gallery"


def test_empty_body():
    with pytest.raises(NotAnArticle) as err:
        extract(page("<div><p>준비 중입니다.</p></div>"))
    assert err.value.reason == "no-body"


def test_tag_page():
    items = "".join(
        f'<article class="post"><h2 class="entry-title"><a href="{BASE}/story-{i}/">AI 소식 {i}번째 기사 제목입니다</a></h2>'
        f'<p>{PARAGRAPH[:60]}</p><a href="{BASE}/story-{i}/" class="more">더 보기</a></article>'
        for i in range(10)
    )
    html = page(f'<main class="archive">{items}</main>', title="AI", og_type="website")
    with pytest.raises(NotAnArticle) as err:
        extract(html, "/tag/ai/")
    assert err.value.reason == "listing-page"


def test_empty_markup():
    with pytest.raises(NotAnArticle) as err:
        extract(b"   ")
    assert err.value.reason == "empty-page"


def test_bullet_summary_after_marker():
    blocks = [Block("heading", "[3줄 요약]"), Block("item", "첫째 요점"), Block("item", "둘째 요점"),
              Block("item", "셋째 요점"), Block("text", PARAGRAPH)]
    cleaned = clean_blocks(blocks, same_site=lambda url: True)
    assert cleaned.summary == "첫째 요점\n둘째 요점\n셋째 요점"
    assert cleaned.paragraphs == [PARAGRAPH.strip()]


def test_broadcast_markers_keep_the_speech():
    blocks = [Block("text", "◀ 앵커 ▶"), Block("text", "【앵커】 정부가 오늘 AI 육성 방안을 내놨습니다."),
              Block("text", "[기자] 데이터센터 지원이 핵심입니다.")]
    cleaned = clean_blocks(blocks, same_site=lambda url: True)
    assert cleaned.paragraphs == ["정부가 오늘 AI 육성 방안을 내놨습니다.", "데이터센터 지원이 핵심입니다."]


def _verdicts(pages) -> list[str]:  # type: ignore[no-untyped-def]
    out = []
    for p in pages:
        try:
            extract_article(p.body, p.url, profile=p.profile, headers={"Content-Type": "text/html"}, fetched_at=FETCHED)
            out.append("article")
        except NotAnArticle as exc:
            out.append(exc.reason)
    return out


def _team_not_articles() -> list:  # type: ignore[type-arg]
    """The family fixtures' list pages, each served at an article-shaped URL."""
    import json
    from pathlib import Path

    from bench.extraction import Page

    pages = []
    for expected in sorted((Path(__file__).parent / "fake_sites").glob("*/expected.json")):
        site = expected.parent
        for entry in json.loads(expected.read_text(encoding="utf-8")).get("not_articles", []):
            html = (site / "not_articles" / entry["file"]).read_text(encoding="utf-8")
            body = html.replace("{{BASE_URL}}", entry["base_url"]).encode()
            pages.append(Page(entry["base_url"] + entry["path"], body,
                              ExtractProfile(site=site.name, family=site.name)))
    return pages


def test_metadata_shortcut_gives_the_full_scores_verdict(monkeypatch):
    """The gate skips the page-wide DOM counts when no penalty they could bring would make
    the score negative; on every page we have, the verdict is the one of the full count."""
    from bench.extraction import fixture_pages, generated_pages, korean_corpus, wcxb_corpus
    from crawler.extract import gate

    pages = [*fixture_pages(family=True), *fixture_pages(family=False), *generated_pages(20, family=True),
             *_team_not_articles(), *korean_corpus(), *wcxb_corpus(limit=60)]
    shortcut = _verdicts(pages)
    monkeypatch.setattr(gate, "_worst_dom_penalty", lambda **_: float("inf"))
    assert _verdicts(pages) == shortcut
    assert {"article", "listing-page"} <= set(shortcut)
