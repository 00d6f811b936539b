"""Is this page an article? Section fronts, tag pages, galleries and video-only pages are not.

The gate runs after extraction, on what was found: a page without a headline, a page
whose main area is mostly links to other pages (a listing), a page of photos or a video
with almost no text. Each refusal has a short reason that crawl statistics count.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from crawler.extract.document import HtmlElement, text_of
from crawler.extract.errors import NotAnArticle
from crawler.extract.page import Page

_LISTING_PATH = re.compile(
    r"/(?:tag|tags|category|categories|author|authors|section|sections|topic|topics|search|archive|archives|page)"
    r"(?:/|$)|[?&](?:page|paged|sc_section_code|sc_sub_section_code|sc_serial_code)=|/list(?:\.html?)?(?:$|\?)|"
    r"articleList\.html|/news/?$|/list\.php",
    re.I,
)
_ARTICLE_PATH = re.compile(r"articleView|/article/|/news/\w+/\d{5,}|read\.nhn|read\.naver|/\d{6,}|[?&](?:idxno|aid|no|idx)=\d", re.I)
MIN_BODY_CHARS = 120


def _main_link_stats(main: HtmlElement | None) -> tuple[int, int, int]:
    """(text chars, linked chars, distinct links) in the main area."""
    if main is None:
        return 0, 0, 0
    text = len(text_of(main))
    linked = 0
    hrefs = set()
    for a in main.iter("a"):
        t = len(text_of(a))
        linked += t
        if t >= 10 and a.get("href"):
            hrefs.add(a.get("href"))
    return text, linked, len(hrefs)


def check_article(
    page: Page,
    *,
    title: str | None,
    body: str,
    body_el: HtmlElement | None,
    has_published: bool,
    image_count: int,
) -> None:
    """Raise :class:`NotAnArticle` when the extracted page is not an article."""
    if not title:
        raise NotAnArticle("no-title")
    og_type = (page.meta("og:type") or "").lower()
    path = urlsplit(page.url).path + ("?" + urlsplit(page.url).query if urlsplit(page.url).query else "")
    body_len = len(body)
    text_len, linked, distinct = _main_link_stats(body_el)
    link_ratio = linked / max(text_len, 1)
    declared_article = og_type == "article" or page.jsonld.article is not None
    if _LISTING_PATH.search(path) and not _ARTICLE_PATH.search(path) and not (declared_article and has_published):
        raise NotAnArticle("listing-page", f"path {path}")
    if link_ratio > 0.5 and distinct >= 8 and body_len < 1500:
        raise NotAnArticle("listing-page", f"{distinct} links, link ratio {link_ratio:.2f}")
    if og_type in ("website", "profile", "book") and not has_published and not page.jsonld.article and distinct >= 8:
        raise NotAnArticle("listing-page", f"og:type {og_type}")
    if body_len < MIN_BODY_CHARS:
        root = page.root
        videos = len(root.findall(".//video")) + sum(
            1 for f in root.iter("iframe") if re.search(r"youtube|vimeo|tv\.naver|kakao|player|video", f.get("src") or "", re.I)
        )
        if og_type.startswith("video") or videos:
            raise NotAnArticle("video-only", f"{body_len} chars of text")
        if image_count >= 3:
            raise NotAnArticle("gallery", f"{image_count} images, {body_len} chars")
        raise NotAnArticle("no-body", f"{body_len} chars of text")
