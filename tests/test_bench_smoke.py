"""The benchmarks with tiny sizes: the generated site and its server behave as documented,
and every benchmark runs end to end and produces its tables. Nothing here is timed."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bench import e2e, extraction, storage
from bench.report import markdown_table, write_section
from bench.sitegen import NewsSite
from bench.siteserver import SiteServerProcess


def test_site_is_deterministic_wordpress_shaped_and_about_100_kb() -> None:
    one, two = NewsSite(60, seed=3), NewsSite(60, seed=3)
    assert [a.url for a in one.articles] == [a.url for a in two.articles]
    page = one.route(one.articles[7].path)
    assert page.kind == "article" and page.body == two.route(two.articles[7].path).body
    assert 80_000 < len(page.body) < 130_000
    html = page.body.decode()
    for marker in ('application/ld+json', 'property="og:title"', 'class="entry-content"', " 기자</a>",
                   "@benchnews.test", "=", "저작권자 ©", "관련 기사"):
        assert marker in html, marker
    assert "(사진=" in html or "(이미지=" in html
    assert NewsSite(60, seed=4).articles[7].title != one.articles[7].title or NewsSite(60, seed=4).route(
        one.articles[7].path).kind != "article"
    published = [a.published for a in one.articles]
    assert published == sorted(published)
    assert one.route("/feed/").body.count(b"<item>") == 20
    assert one.route("/").body.find(one.articles[-1].path.encode()) < one.route("/").body.find(one.articles[-2].path.encode())
    assert one.route("/page/3/").kind == "listing" and one.route("/page/4/").kind == "other"


def test_sitemaps_hold_at_most_1000_urls_with_lastmod() -> None:
    site = NewsSite(2500)
    index = site.route("/sitemap_index.xml").body.decode()
    assert index.count("<sitemap>") == 3 + 1  # three post sitemaps and the category sitemap
    assert site.route("/post-sitemap.xml").body.count(b"<url>") == 1000
    assert site.route("/post-sitemap3.xml").body.count(b"<url>") == 500
    assert site.route("/post-sitemap3.xml").body.count(b"<lastmod>") == 500


def test_server_answers_conditional_gets_counts_and_publishes() -> None:
    with SiteServerProcess(40) as server:
        base = f"http://{server.address}"
        with urllib.request.urlopen(base + "/feed/") as response:
            etag, modified = response.headers["ETag"], response.headers["Last-Modified"]
        for header, value in (("If-None-Match", etag), ("If-Modified-Since", modified)):
            request = urllib.request.Request(base + "/feed/", headers={header: value})
            with pytest.raises(urllib.error.HTTPError) as answer:
                urllib.request.urlopen(request)
            assert answer.value.code == 304
        added = server.add(2)
        assert len(added) == 2 and server.urls()[-2:] == added
        request = urllib.request.Request(base + "/feed/", headers={"If-Modified-Since": modified})
        with urllib.request.urlopen(request) as response:  # changed: 200 again
            assert added[-1].encode() in response.read()
        server.get("/robots.txt")
        stats = server.stats(reset=True)
        assert stats["requests"] == {"feed": 4, "robots": 1}
        assert stats["not_modified"] == {"feed": 2}
        assert stats["articles"] == 42
        assert server.stats()["total"] == 0


def test_storage_benchmark_runs_tiny(tmp_path: Path) -> None:
    result = storage.run_backend(storage.SQLiteBackend(), rows=400, inserts=20, samples=5, body_chars=40)
    assert result["empty"]["new"]["wall"] > 0 and result["full"]["new, batched"]["cpu"] > 0
    assert set(result["latency"]) == {"latest 50 of a site", "get_article(url), stored", "get_article(url), not stored"}
    tables, _ = storage.tables([result], 400)
    assert "SQLite" in tables[1]


def test_extraction_benchmark_runs_tiny() -> None:
    result = extraction.run(1, 2, memory=False, limit=1)
    names = {s.name for s in result["sets"]}
    assert "generated WordPress site, family profile" in names
    tables, _ = extraction.tables(result)
    assert "trafilatura" in tables[1]


def test_e2e_benchmark_runs_tiny(tmp_path: Path) -> None:
    result = e2e.run_size(20, concurrency=8, workdir=tmp_path, timeout=120, profile=None)
    assert result["fetch"].returncode == 0 and result["fetch_stats"]["fetchonly/articles"] == 20
    assert result["ours"].returncode == 0, result["ours"].stderr[-2000:]
    assert result["db"]["stored"] == 20 and result["db"]["status"] == "finished"
    assert result["ours"].maxrss_kb > 0
    assert result["ours"].server_stats["requests"]["article"] == 20
    tables, _ = e2e.tables([result], 8)
    assert "fetch-only spider" in tables[1]


def test_readme_sections_are_replaced_in_place(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# Benchmarks\n\nprose\n", encoding="utf-8")
    write_section("x", "latest", markdown_table(["a"], [[1]]), readme)
    write_section("x", "latest", markdown_table(["a"], [[2]]), readme)
    text = readme.read_text(encoding="utf-8")
    assert "prose" in text and "| 2 |" in text and "| 1 |" not in text
