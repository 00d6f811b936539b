"""Naver News: the article pages Naver hosts for most Korean outlets.

URL shapes: ``n.news.naver.com/article/OID/AID`` and ``/mnews/article/OID/AID`` (current),
``news.naver.com/main/read.naver?oid=…&aid=…`` / ``read.nhn`` (older), and
``sports.news.naver.com/news?oid=…&aid=…`` / ``entertain.naver.com/read?oid=…``.
Current layout: headline ``#title_area span``; body ``article#dic_area`` (text with
``<br>``, photos in ``span.end_photo_org`` with ``em.img_desc`` captions, a bold summary
``strong.media_end_summary``); times in ``span._ARTICLE_DATE_TIME[data-date-time]`` and
``_ARTICLE_MODIFY_DATE_TIME[data-modify-date-time]``; reporters in
``.media_end_head_journalist_name`` and ``.byline_s`` (with email); section in
``.media_end_categorize_item``. Older layout: ``#articleTitle``, ``#articleBodyContents``,
``기사입력 <span class=t11>``; sports/entertainment: ``#newsEndContents``, ``p.byline``.
The press name (``og:article:author`` "뉴스타파 | 네이버", the logo's alt) is an outlet,
never a reporter. Selectors follow public scrapers of these layouts (KoreaNewsCrawler,
N2H4 and others); the corpus pages under ../shared check them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crawler.extract.families import Family

if TYPE_CHECKING:
    from crawler.extract.page import Page

_HOSTS = ("news.naver.com", "n.news.naver.com", "sports.news.naver.com", "entertain.naver.com", "sports.naver.com")
_BODY_IDS = ("dic_area", "articleBodyContents", "newsEndContents", "articeBody")


def _is_naver(page: Page) -> bool:
    from crawler.extract.page import host_of

    host = host_of(page.url)
    if any(host == h or host.endswith("." + h) for h in _HOSTS):
        return True
    author = (page.meta("og:article:author") or "").replace(" ", "")
    return "네이버" in author and any(page.root.get_element_by_id(i, None) is not None for i in _BODY_IDS)


NAVER = Family(
    name="naver",
    detect=_is_naver,
    title=("#title_area span", "h2.media_end_head_headline", "#articleTitle", ".news_headline .title", "h2.end_tit",
           "h4.title"),
    summary=("strong.media_end_summary", ".media_end_summary"),
    body=("#dic_area", "#newsct_article", "#articleBodyContents", "#articeBody", "#newsEndContents"),
    remove=(
        ".media_end_summary", ".byline", ".byline_p", ".reporter_area", ".copyright", ".source", ".categorize",
        ".promotion", "#spiLayer", ".link_news", ".vod_player_wrap", "._VOD_PLAYER_WRAP", ".end_btn", ".artical-btm",
        ".news_end_btn", ".media_end_correction", ".media_journalistcard_summary",
    ),
    byline=(".media_end_head_journalist_name", ".byline_s", "p.byline", ".journalistcard_summary_name", ".byline"),
    published=(
        "span._ARTICLE_DATE_TIME[data-date-time]", ".media_end_head_info_datestamp_time[data-date-time]",
        ".sponsor .t11", ".article_info .info span", ".news_headline .info span", ".article_info em",
    ),
    modified=("span._ARTICLE_MODIFY_DATE_TIME[data-modify-date-time]", ".sponsor span.t11:nth-of-type(2)"),
    section=(".media_end_categorize_item", "em.guide_categorization_item"),
    publisher=(".media_end_head_top_logo img", ".press_logo img", "#pressLogo img", ".media_end_linked_more_point"),
)
