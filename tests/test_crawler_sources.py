"""Discovery parsers on small documents of the shapes real CMSs serve."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime

from crawler.linkfilter import LinkFilter
from crawler.sources.feed import parse_feed
from crawler.sources.listing import parse_listing
from crawler.sources.sitemap import parse_sitemap

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
<item><title>첫 기사</title><link>https://www.tech42.co.kr/첫-기사/</link>
<pubDate>Thu, 16 Mar 2023 01:00:00 +0000</pubDate></item>
<item><title>guid only</title><guid>https://www.tech42.co.kr/guid-only/</guid></item>
<item><title>relative</title><link>/relative/</link><dc:date>2023-03-16T10:00:00+09:00</dc:date></item>
</channel></rss>""".encode()

ATOM = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">
<entry><title>a</title><link rel="alternate" href="https://x.kr/a"/><link rel="edit" href="https://x.kr/edit"/>
<published>2023-03-16T10:00:00+09:00</published></entry></feed>"""


def test_rss_items() -> None:
    links = parse_feed(RSS, "https://www.tech42.co.kr/feed")
    assert [link.url for link in links] == [
        "https://www.tech42.co.kr/첫-기사/",
        "https://www.tech42.co.kr/guid-only/",
        "https://www.tech42.co.kr/relative/",
    ]
    assert links[0].updated == datetime(2023, 3, 16, 1, 0, tzinfo=UTC)
    assert links[2].updated == datetime(2023, 3, 16, 1, 0, tzinfo=UTC)


def test_atom_prefers_alternate_link() -> None:
    (link,) = parse_feed(ATOM, "https://x.kr/")
    assert link.url == "https://x.kr/a"


def test_garbage_feed_yields_nothing() -> None:
    assert parse_feed(b"\x00\xff not xml", "https://x.kr/") == []
    assert parse_feed(b"", "https://x.kr/") == []


def test_entity_expansion_is_not_performed() -> None:
    bomb = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
    <!ENTITY x SYSTEM "file:///etc/passwd">]><rss><channel><item><link>https://x.kr/&b;&x;</link></item></channel></rss>"""
    links = parse_feed(bomb, "https://x.kr/")
    assert all("root:" not in link.url and "aaaaaaaaaa" not in link.url for link in links)


def test_sitemap_index_and_news_urlset() -> None:
    index = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <sitemap><loc>https://x.kr/old.xml</loc><lastmod>2020-01-01</lastmod></sitemap>
    <sitemap><loc>https://x.kr/new.xml</loc><lastmod>2024-01-01</lastmod></sitemap></sitemapindex>"""
    content = parse_sitemap(index, "https://x.kr/")
    assert [s.url for s in content.sitemaps] == ["https://x.kr/new.xml", "https://x.kr/old.xml"]
    news = """<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
    <url><loc>https://x.kr/news/articleView.html?idxno=1</loc><news:news><news:publication_date>2024-05-01T09:00:00+09:00</news:publication_date>
    <news:title>제목</news:title></news:news></url></urlset>""".encode()
    (link,) = parse_sitemap(gzip.compress(news), "https://x.kr/").urls
    assert link.title == "제목"
    assert link.updated == datetime(2024, 5, 1, 0, 0, tzinfo=UTC)


def test_listing_links_and_next_page() -> None:
    page = """<html><head><link rel="next" href="/page/2/"></head><body>
    <a href="/a/">A</a><a href="/a/#comments">A again</a><a href="javascript:void(0)">x</a>
    <a href="mailto:x@y">m</a></body></html>"""
    content = parse_listing(page, "https://x.kr/")
    assert [link.url for link in content.links] == ["https://x.kr/a/"]
    assert content.next_page == "https://x.kr/page/2/"
    korean = parse_listing('<a href="/list?page=3">다음</a>', "https://x.kr/list?page=2")
    assert korean.next_page == "https://x.kr/list?page=3"
    assert parse_listing(b"", "https://x.kr/").next_page is None


def test_link_filter() -> None:
    rules = LinkFilter(
        ("tech42.co.kr",),
        allow=(r"^https?://[^/]+/[^/?#]+/?$",),
        deny=(r"/(tag|category|page|feed)(/|$)", r"^https?://[^/]+/?$"),
    )
    assert rules.is_article("https://www.tech42.co.kr/메타-ai/")
    assert not rules.is_article("https://www.tech42.co.kr/tag/ai/")
    assert not rules.is_article("https://www.tech42.co.kr/")
    assert not rules.is_article("https://evil.example/메타-ai/")
    assert not rules.is_article("https://tech42.co.kr.evil.example/x/")
    assert not rules.is_article("file:///etc/passwd")
    assert not rules.is_article("ftp://www.tech42.co.kr/x/")
    assert rules.on_site("http://tech42.co.kr/x")


def test_an_unparsable_href_costs_only_itself() -> None:
    # urljoin raises on these; before, one of them lost the whole feed, sitemap or listing.
    bad = ("http://[broken/", "https://x.kr:99999/p")
    listing = parse_listing(
        f'<a href="/a">a</a><a href="{bad[0]}">b</a><a href="/c">c</a><a rel="next" href="{bad[0]}">다음</a>'
        '<a href="/list?page=2">다음</a>', "https://x.kr/")
    assert [link.url for link in listing.links][:2] == ["https://x.kr/a", "https://x.kr/c"]
    assert listing.next_page == "https://x.kr/list?page=2"
    rss = (f"<rss><channel><item><link>{bad[0]}</link></item>"
           "<item><link>https://x.kr/ok</link></item></channel></rss>").encode()
    assert [link.url for link in parse_feed(rss, "https://x.kr/feed")] == ["https://x.kr/ok"]
    urlset = ('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
              f"<url><loc>{bad[0]}</loc></url><url><loc>https://x.kr/ok</loc></url></urlset>").encode()
    assert [link.url for link in parse_sitemap(urlset, "https://x.kr/").urls] == ["https://x.kr/ok"]
