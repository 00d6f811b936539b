"""The Korean news CMS behind ``/news/articleView.html?idxno=N`` (hundreds of outlets, AI타임스 …).

URL shapes: ``/news/articleView.html?idxno=N`` (articles), ``/news/articleList.html?sc_section_code=…``
(section lists), ``/rss/allArticle.xml`` (feed). Markup, current skin:
``header.article-view-header`` with ``h3.heading`` (h1/h2 on some sites) and
``ul.infomation`` (``<li>`` items "기자명 홍길동 기자", "입력 2023.03.16 10:00", "수정 …");
body ``article#article-view-content-div`` with ``figure.photo-layout`` + ``figcaption``
photos (captions often start with ▲), an ``h2.subheading`` deck, ``.ad-template`` ads,
and on some skins the reporter box ``.view-editors`` / ``article.writer`` and the
copyright ``.view-copyright`` / ``article.article-copy`` inside or right after the body.
Older skin: ``.article-head-title``, ``.article-head-sub``, ``.info-text ul li``
("홍길동 기자", "승인 2023.03.16 10:00"). Evidence: public scrapers of many such sites
(AI타임스, 시사저널, 제주일보, 교수신문 …) use exactly these selectors.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from crawler.extract.families import Family

if TYPE_CHECKING:
    from crawler.extract.page import Page

_URL = re.compile(r"/news/article(?:View|List)\.html", re.I)


def _is_ndsoft(page: Page) -> bool:
    if _URL.search(page.url):
        return True
    if page.root.get_element_by_id("article-view-content-div", None) is not None:
        return True
    return any("/rss/allArticle.xml" in (link.get("href") or "") for link in page.root.iter("link"))


NDSOFT = Family(
    name="ndsoft",
    detect=_is_ndsoft,
    title=("header.article-view-header .heading", ".article-head-title", "h3.heading", "h1.heading", "h2.heading"),
    subtitle=("#article-view-content-div .subheading", ".article-head-sub", ".article-head-sub-title", "h2.subheading",
              "h4.subheading"),
    body=("#article-view-content-div", "article.article-veiw-body", "[itemprop~=articleBody]"),
    remove=(
        ".ad-template", ".article-sponsor", ".view-editors", ".view-copyright", ".article-copy", ".article-copyright",
        ".info-options2", ".subheading", ".article-head-sub", ".show-for-sr", "form", ".IMGFLOATING .caption-none",
    ),
    byline=(
        "ul.infomation li", ".info-text ul li", ".view-editors .names", "article.writer .name", "li.info-name",
        ".byline em.name", ".user-name",
    ),
    published=(),
    modified=(),
    section=(".article-head-category", "header.article-view-header .breadcrumbs a"),
    tags=(".tag-group a", "#tag-group a"),
    related=(".relation", ".article-relation"),
    publisher=(),
)
