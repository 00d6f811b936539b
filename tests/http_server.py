"""Loopback HTTP servers that play real sites for end-to-end crawls.

A :class:`FakeSite` serves team-written article pages under their canonical paths and
generates what a real CMS serves around them (robots.txt, RSS feed, sitemaps, paginated
listing pages), so a crawl goes through Scrapy over real HTTP exactly as it would on
the web. Pages keep their real absolute URLs (``{{BASE_URL}}`` is replaced by the
site's real base URL); the crawler reaches the server through ``--resolve``.
Every request is logged so tests can assert on what was (not) fetched.
"""

from __future__ import annotations

import hashlib
import html
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
from dateutil import parser as dateparser

FAKE_SITES = Path(__file__).resolve().parent / "fake_sites"


@dataclass
class Page:
    path: str
    html: str
    title: str
    published: str | None


@dataclass
class RequestLog:
    method: str
    path: str
    host: str | None
    headers: dict[str, str]


def read_page(raw: str, base_url: str) -> Page:
    text = raw.replace("{{BASE_URL}}", base_url)
    doc = lxml.html.document_fromstring(text)
    canonical = doc.xpath("//link[@rel='canonical']/@href")
    if not canonical:
        raise ValueError("fixture page has no <link rel=canonical>")
    path = unquote(urlsplit(canonical[0]).path)
    title = (doc.xpath("//meta[@property='og:title']/@content") or doc.xpath("//title/text()") or [""])[0]
    published = (doc.xpath("//meta[@property='article:published_time']/@content") or [None])[0]
    return Page(path=path, html=text, title=title.strip(), published=published)


@dataclass
class FakeSite:
    """A WordPress-shaped site: /feed, /wp-sitemap.xml, / and /page/N/ listings."""

    base_url: str
    pages: dict[str, Page] = field(default_factory=dict)
    per_listing_page: int = 2
    robots: str = "User-agent: *\nDisallow: /wp-admin/\n"
    extra_routes: dict[str, tuple[int, str, bytes]] = field(default_factory=dict)
    #: path → callable(RequestLog) → (status, headers, body), for behaviour routes
    responders: dict[str, Callable[[RequestLog], tuple[int, dict[str, str], bytes]]] = field(default_factory=dict)
    #: answer If-None-Match / If-Modified-Since on feeds, sitemaps and listings with 304
    conditional: bool = True

    @classmethod
    def from_dir(cls, name: str, base_url: str, **kwargs) -> FakeSite:
        site = cls(base_url=base_url, **kwargs)
        for file in sorted((FAKE_SITES / name / "articles").glob("*.html")):
            site.add(file.read_text(encoding="utf-8"))
        return site

    def add(self, raw_html: str) -> Page:
        page = read_page(raw_html, self.base_url)
        self.pages[page.path] = page
        return page

    def replace(self, path: str, old: str, new: str) -> None:
        """Edit a served page in place (a correction published by the site)."""
        page = self.pages[path]
        assert old in page.html, f"{old!r} not in {path}"
        page.html = page.html.replace(old, new)

    def newest_first(self) -> list[Page]:
        def key(page: Page) -> float:
            return dateparser.isoparse(page.published).timestamp() if page.published else 0.0

        return sorted(self.pages.values(), key=key, reverse=True)

    # --- generated documents ---------------------------------------------------------
    def feed(self) -> str:
        items = []
        for page in self.newest_first()[:10]:
            date = format_datetime(dateparser.isoparse(page.published)) if page.published else ""
            items.append(
                f"<item><title>{html.escape(page.title)}</title><link>{html.escape(self.base_url + page.path)}</link>"
                f"<pubDate>{date}</pubDate></item>"
            )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>fake</title><link>{self.base_url}/</link>{''.join(items)}</channel></rss>"
        )

    def sitemap_index(self) -> str:
        return (
            '<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>{self.base_url}/wp-sitemap-posts-post-1.xml</loc></sitemap></sitemapindex>"
        )

    def sitemap_posts(self) -> str:
        urls = "".join(
            f"<url><loc>{html.escape(self.base_url + p.path)}</loc>"
            + (f"<lastmod>{p.published}</lastmod>" if p.published else "")
            + "</url>"
            for p in self.newest_first()
        )
        return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'

    def listing(self, number: int) -> str | None:
        pages = self.newest_first()
        chunk = pages[(number - 1) * self.per_listing_page : number * self.per_listing_page]
        if not chunk and number > 1:
            return None
        links = "".join(
            f'<article class="post"><h2><a href="{html.escape(self.base_url + p.path)}">{html.escape(p.title)}</a></h2></article>'
            for p in chunk
        )
        more = len(pages) > number * self.per_listing_page
        nav = f'<a class="next page-numbers" href="{self.base_url}/page/{number + 1}/">다음</a>' if more else ""
        chrome = (
            f'<a href="{self.base_url}/category/ai/">AI</a> <a href="{self.base_url}/tag/meta/">메타</a>'
            f' <a href="https://twitter.com/share?url={self.base_url}/">share</a>'
        )
        return f"<html><head><title>fake</title></head><body><nav>{chrome}</nav>{links}{nav}</body></html>"

    def route(self, path: str) -> tuple[int, str, bytes]:
        if path in self.extra_routes:
            return self.extra_routes[path]
        xml = "application/xml; charset=UTF-8"
        if path == "/robots.txt":
            return 200, "text/plain", self.robots.encode()
        if path in ("/feed", "/feed/"):
            return 200, "application/rss+xml; charset=UTF-8", self.feed().encode()
        if path == "/wp-sitemap.xml":
            return 200, xml, self.sitemap_index().encode()
        if path == "/wp-sitemap-posts-post-1.xml":
            return 200, xml, self.sitemap_posts().encode()
        if path == "/":
            return 200, "text/html; charset=UTF-8", self.listing(1).encode()
        if path.startswith("/page/"):
            body = self.listing(int(path.strip("/").split("/")[1]))
            if body:
                return 200, "text/html; charset=UTF-8", body.encode()
        page = self.pages.get(path) or self.pages.get(path.rstrip("/") + "/")
        if page is not None:
            return 200, "text/html; charset=UTF-8", page.html.encode("utf-8")
        return 404, "text/html", b"<html><body>not found</body></html>"


class FakeSiteServer:
    """Serve a :class:`FakeSite` on 127.0.0.1 (port chosen by the OS) in a thread."""

    def __init__(self, site: FakeSite) -> None:
        self.site = site
        self.log: list[RequestLog] = []
        self.times: list[float] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                path = unquote(urlsplit(self.path).path)
                entry = RequestLog("GET", path, self.headers.get("Host"), dict(self.headers))
                with server._lock:
                    server.log.append(entry)
                    server.times.append(time.monotonic())
                site = server.site
                if hasattr(site, "route_request"):
                    status, headers, body = site.route_request(self.headers.get("Host", ""), self.path)
                elif path in site.responders:
                    status, headers, body = site.responders[path](entry)
                else:
                    status, ctype, body = site.route(path)
                    headers = {"Content-Type": ctype}
                    if site.conditional and status == 200 and not path.endswith(".html") and path not in site.pages:
                        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                        headers["ETag"] = etag
                        if self.headers.get("If-None-Match") == etag:
                            status, body = 304, b""
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def paths(self) -> list[str]:
        with self._lock:
            return [entry.path for entry in self.log]

    def __enter__(self) -> FakeSiteServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def synthetic_article(base_url: str, slug: str, title: str, published: str, paragraphs: list[str],
                      reporter: str = "홍길동") -> str:
    """A plain WordPress-shaped article page for tests that need many or dated pages."""
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html><html lang="ko-KR"><head><meta charset="UTF-8">
<title>{html.escape(title)} - 테스트</title>
<link rel="canonical" href="{base_url}/{slug}/">
<meta property="og:type" content="article"><meta property="og:title" content="{html.escape(title)}">
<meta property="article:published_time" content="{published}">
</head><body class="post-template-default single single-post">
<article class="post type-post status-publish format-standard hentry">
<h1 class="entry-title">{html.escape(title)}</h1>
<div class="entry-content">{body}<p>{reporter} 기자</p></div></article></body></html>"""


@dataclass
class FixtureSite:
    """The fixture pages of one CMS family (``fake_sites/<family>/expected.json``), served
    on every host they name at their path *and query* (article ids live in the query on
    these CMSs), plus robots.txt everywhere and an RSS feed of every article at
    ``feed_path``. ``extra`` maps (host, path?query) to a page served as text/html."""

    family: str
    feed_path: str = "/rss/allArticle.xml"
    extra: dict[tuple[str, str], str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        import json

        folder = FAKE_SITES / self.family
        self.expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
        self.pages: dict[tuple[str, str], str] = {}
        for group, entries in (("articles", self.expected["pages"]), ("not_articles", self.expected.get("not_articles", []))):
            for entry in entries:
                raw = (folder / group / entry["file"]).read_text(encoding="utf-8")
                self.pages[(urlsplit(entry["base_url"]).netloc, entry["path"])] = raw.replace("{{BASE_URL}}", entry["base_url"])

    @property
    def hosts(self) -> set[str]:
        return {host for host, _ in self.pages}

    def article_urls(self) -> list[str]:
        return [entry["url"].replace("{{BASE_URL}}", entry["base_url"]) for entry in self.expected["pages"]]

    def feed(self, extra_urls: list[str]) -> str:
        items = "".join(f"<item><title>x</title><link>{html.escape(u)}</link></item>" for u in self.article_urls() + extra_urls)
        return f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>f</title>{items}</channel></rss>'

    def route_request(self, host: str, target: str) -> tuple[int, dict[str, str], bytes]:
        html_type = {"Content-Type": "text/html; charset=UTF-8"}
        parts = urlsplit(target)
        path_qs = unquote(parts.path) + (f"?{parts.query}" if parts.query else "")
        if parts.path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n"
        if parts.path == self.feed_path:
            extra = [f"https://{h}{p}" for h, p in self.extra]
            return 200, {"Content-Type": "application/rss+xml; charset=UTF-8"}, self.feed(extra).encode()
        page = self.extra.get((host, path_qs)) or self.pages.get((host, path_qs))
        if page is None:
            return 404, html_type, b"<html><body>not found</body></html>"
        return 200, html_type, page.encode("utf-8")
