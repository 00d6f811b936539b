"""A loopback site that misbehaves on purpose, for the fault and security suites.

:class:`FaultServer` serves a WordPress-shaped site (robots.txt, RSS feed, sitemaps,
a listing page) on 127.0.0.1 whose feed, sitemap and listing point at good article
pages *and* at routes that fail in every way a real server or page does: 5xx, a reset
connection, a hang, a body cut short, a slow drip, redirect loops, a 20 MB page,
binary bytes, malformed HTML, lying charsets, and redirects or links to other hosts,
private addresses and ``file://``. The crawler reaches it through ``--resolve``;
every request is logged with its Host header so tests can assert on what was (and
was not) fetched.

:func:`article_html` writes a plain WordPress-like article page (JSON-LD, OpenGraph,
``post-content``) for tests that need many distinct, valid articles;
:class:`SlowSite` is a :class:`~tests.http_server.FakeSite` that answers slowly, so
a crawl lasts long enough to be killed, read concurrently or inspected.
"""

from __future__ import annotations

import html
import json
import random
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self
from urllib.parse import quote, unquote, urlsplit

from tests.http_server import FakeSite, RequestLog

# --- article pages --------------------------------------------------------------------

_SENTENCES = (
    "국내 인공지능 반도체 기업들이 차세대 추론 칩 개발을 위해 공동 연구 협의체를 꾸렸다.",
    "업계에서는 이번 협력이 데이터센터 전력 효율 문제를 푸는 계기가 될 것으로 보고 있다.",
    "참여 기업들은 설계 자산과 검증 도구를 공유하고 시제품을 함께 시험하기로 했다.",
    "정부도 연구개발 예산을 늘려 초기 시장 형성을 지원하겠다는 계획을 밝혔다.",
    "전문가들은 소프트웨어 생태계를 함께 키우지 않으면 성과가 제한될 수 있다고 지적했다.",
    "한 관계자는 내년 상반기 안에 첫 공동 성과를 공개하는 것이 목표라고 말했다.",
    "시장조사업체에 따르면 관련 시장은 앞으로 5년 동안 해마다 두 자릿수 성장이 예상된다.",
    "스타트업들은 대기업과의 협력으로 양산 경험을 쌓을 기회가 생겼다며 반겼다.",
    "다만 해외 경쟁사와의 기술 격차를 좁히려면 인재 확보가 시급하다는 목소리도 나온다.",
    "협의체는 분기마다 진행 상황을 점검하고 결과를 공개할 예정이다.",
)


def korean_paragraphs(seed: int, count: int = 6) -> list[str]:
    """``count`` paragraphs of plain Korean news prose (EUC-KR encodable), varied by ``seed``."""
    rng = random.Random(seed)
    return [" ".join(rng.sample(_SENTENCES, 3)) for _ in range(count)]


def article_html(base_url: str, slug: str, title: str, paragraphs: list[str], *,
                 published: str = "2024-11-12T08:30:00+09:00", reporter: str = "김하늘",
                 charset: str | None = "utf-8", extra_body: str = "", extra_head: str = "") -> str:
    """A WordPress-like article page at ``base_url/slug/`` (the slug is percent-encoded in links)."""
    url = f"{base_url}/{quote(slug)}/"
    meta_charset = f'<meta charset="{charset}">' if charset else ""
    ld = json.dumps({
        "@context": "https://schema.org", "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "headline": title, "datePublished": published,
        "author": {"@type": "Person", "name": f"{reporter} 기자"},
        "publisher": {"@type": "Organization", "name": "폴트뉴스"},
    }, ensure_ascii=False)
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="ko">
<head>
{meta_charset}
<title>{html.escape(title)} | 폴트뉴스</title>
<link rel="canonical" href="{url}">
<meta property="og:type" content="article">
<meta property="og:title" content="{html.escape(title)}">
<meta property="og:url" content="{url}">
<meta property="og:site_name" content="폴트뉴스">
<meta property="article:published_time" content="{published}">
<script type="application/ld+json">{ld}</script>
{extra_head}
</head>
<body class="single single-post">
<div id="header"><a href="{base_url}/">폴트뉴스</a> <a href="{base_url}/category/ai/">AI</a></div>
<div class="post-wrap">
<div class="post-header"><h1 class="post-title">{html.escape(title)}</h1>
<p class="post-info">{reporter} 기자 · 2024년 11월 12일</p></div>
<div class="post-content">
{body}
<p>{reporter} 기자 reporter@faultnews.example</p>
</div>
{extra_body}
</div>
<div id="footer">저작권자 ⓒ 폴트뉴스 무단전재 및 재배포 금지</div>
</body>
</html>
"""


class SlowSite(FakeSite):
    """A :class:`FakeSite` whose article pages take ``delay`` seconds to answer."""

    delay: float = 0.0

    def route(self, path: str) -> tuple[int, str, bytes]:
        if self.delay and (path in self.pages or path.rstrip("/") + "/" in self.pages):
            time.sleep(self.delay)
        return super().route(path)


def generated_site(base_url: str, count: int, *, delay: float = 0.0, per_listing_page: int = 10) -> SlowSite:
    """A site of ``count`` distinct generated articles, slugs ``기사-000`` …, dates spread over 2024."""
    site = SlowSite(base_url=base_url, per_listing_page=per_listing_page)
    site.delay = delay
    for n in range(count):
        day = 1 + n % 28
        site.add(article_html(
            base_url, f"기사-{n:03d}", f"생성 기사 {n}번: 반도체 협의체 소식", korean_paragraphs(n),
            published=f"2024-{1 + n // 28 % 12:02d}-{day:02d}T09:{n % 60:02d}:00+09:00",
        ))
    return site


# --- the faulty site ------------------------------------------------------------------

@dataclass(frozen=True)
class Fault:
    """One misbehaving route: its slug and what a crawl must do with it."""

    slug: str
    kind: str
    description: str
    #: the page is a good article that must be stored exactly once
    good: bool = False
    #: listed in the feed, sitemap and listing (redirect targets are not)
    listed: bool = True


CHARSET_TITLE = "한글 인코딩 시험: 반도체 협의체 출범"
CHARSET_PARAGRAPHS = korean_paragraphs(42, 5)
MALFORMED_TITLE = "깨진 HTML 속의 기사: 닫히지 않은 태그와 NUL 바이트"

FAULTS: tuple[Fault, ...] = (
    Fault("server-error-500", "http-500", "HTTP 500 on every try"),
    Fault("bad-gateway-502", "http-502", "HTTP 502 on every try"),
    Fault("unavailable-503", "http-503", "HTTP 503 on every try (no Retry-After)"),
    Fault("flaky-503-then-ok", "http-503-once", "HTTP 503 once, then the article", good=True),
    Fault("connection-reset", "reset", "request read, then TCP RST"),
    Fault("timeout-hang", "timeout", "headers never sent (hangs past download_timeout)"),
    Fault("truncated-body", "truncated", "Content-Length 20000, 1500 bytes sent, connection closed"),
    Fault("slow-drip", "slow-drip", "article dripped in 12 pieces over ~0.8 s (within the timeout)", good=True),
    Fault("slow-drip-stalled", "slow-drip-stalled", "one byte every 0.5 s, past download_timeout"),
    Fault("redirect-loop-a", "redirect-loop", "302 → redirect-loop-b → 302 → redirect-loop-a"),
    Fault("redirect-loop-b", "redirect-loop", "the other half of the loop", listed=False),
    Fault("redirect-chain", "redirect-chain", "302 → ?hop=1 → ?hop=2 → … forever"),
    Fault("moved-permanently", "redirect-ok", "301 to an unlisted on-site article", good=False),
    Fault("moved-target", "moved-target", "the article the 301 leads to", good=True, listed=False),
    Fault("huge-page", "huge-declared", "20 MB page with Content-Length (limit 16 MB)"),
    Fault("huge-stream", "huge-streamed", "20 MB page without Content-Length, connection-delimited"),
    Fault("binary-blob", "binary", "random bytes as application/octet-stream"),
    Fault("binary-as-html", "binary-html", "random bytes with NULs labelled text/html"),
    Fault("malformed-html", "malformed", "article in unclosed tags, nested layout tables, NUL bytes", good=True),
    Fault("deep-nesting", "deep-nesting", "an article inside 3000 nested tables"),
    Fault("charset-euckr-undeclared", "charset", "EUC-KR bytes, no charset anywhere", good=True),
    Fault("charset-utf8-label-euckr-bytes", "charset", "header and meta say UTF-8, bytes are EUC-KR", good=True),
    Fault("charset-euckr-label-utf8-bytes", "charset", "header and meta say euc-kr, bytes are UTF-8", good=True),
    Fault("hostile-links", "hostile-links", "article linking to evil.example, 10.x, 192.168.x, 169.254.169.254, file://", good=True),
    Fault("go-offsite", "redirect-offsite", "302 → http://evil.example/steal/"),
    Fault("go-metadata", "redirect-private", "302 → http://169.254.169.254/latest/meta-data/"),
    Fault("go-private-10", "redirect-private", "302 → http://10.0.0.1/admin/"),
    Fault("go-private-192", "redirect-private", "302 → http://192.168.1.1/"),
    Fault("go-loopback", "redirect-private", "302 → http://127.0.0.1:PORT/ (this very server, by address)"),
    Fault("go-localhost-name", "redirect-offsite", "302 → http://localhost:PORT/secret/ (a name for loopback)"),
    Fault("go-file", "redirect-file", "302 → file:///etc/passwd"),
    Fault("meta-refresh-offsite", "refresh-offsite", "200 with <meta http-equiv=refresh> to evil.example"),
)

#: Hosts the hostile pages point at; tests map them to the fault server with
#: ``--resolve`` so any request that slipped through would show up in the log.
HOSTILE_HOSTS = ("evil.example", "10.0.0.1", "192.168.1.1", "169.254.169.254")

HOSTILE_LINKS = (
    "http://evil.example/steal/",
    "https://evil.example/phish/",
    "http://10.0.0.1/admin/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",
    "file:///etc/passwd",
    "file://localhost/etc/shadow",
    "ftp://evil.example/pub/",
    "javascript:alert(1)",
)

_HUGE = 20 * 1024 * 1024


def _random_bytes(seed: int, size: int) -> bytes:
    rng = random.Random(seed)
    data = bytearray(rng.getrandbits(8) for _ in range(size))
    data[::97] = b"\x00" * len(data[::97])
    return bytes(data)


class FaultSite:
    """The documents of the faulty site; :class:`FaultServer` serves them."""

    def __init__(self, base_url: str, good_pages: FakeSite | None = None) -> None:
        self.base_url = base_url
        self.fixtures = good_pages or FakeSite(base_url=base_url)
        self.port = 0  # set by the server, for the loopback redirect
        self.hits: dict[str, int] = {}
        self._lock = threading.Lock()
        self.article = {
            "flaky-503-then-ok": self._article("flaky-503-then-ok", "재시도 끝에 받은 기사: 서버가 한 번 503을 냈다", 1),
            "slow-drip": self._article("slow-drip", "천천히 도착한 기사: 조각조각 전송된 본문", 2),
            "moved-target": self._article("moved-target", "주소를 옮긴 기사: 301 리다이렉트의 도착지", 3),
            "hostile-links": self._article(
                "hostile-links", "위험한 링크가 가득한 기사: 외부와 내부 주소를 가리킨다", 4,
                extra_body="<div class='related'>" + "".join(
                    f'<a href="{html.escape(u)}">관련 링크 {i}</a> ' for i, u in enumerate(HOSTILE_LINKS)
                ) + '<img src="http://10.0.0.1/pixel.gif"><iframe src="http://169.254.169.254/"></iframe></div>',
            ),
        }

    def _article(self, slug: str, title: str, seed: int, **kwargs) -> bytes:
        return article_html(self.base_url, slug, title, korean_paragraphs(seed), **kwargs).encode("utf-8")

    def charset_page(self, slug: str, charset: str | None) -> str:
        """The same article for each charset case; only the slug and labels differ."""
        return article_html(self.base_url, slug, CHARSET_TITLE, CHARSET_PARAGRAPHS, charset=charset)

    def count(self, slug: str) -> int:
        with self._lock:
            self.hits[slug] = self.hits.get(slug, 0) + 1
            return self.hits[slug]

    # --- discovery documents -------------------------------------------------------
    def article_urls(self) -> list[str]:
        fixtures = [self.base_url + quote(p) for p in self.fixtures.pages]
        return fixtures + [f"{self.base_url}/{f.slug}/" for f in FAULTS if f.listed]

    def feed(self) -> bytes:
        items = "".join(
            f"<item><title>기사 {i}</title><link>{html.escape(u)}</link>"
            "<pubDate>Tue, 12 Nov 2024 08:30:00 +0900</pubDate></item>"
            for i, u in enumerate([*self.article_urls(), *HOSTILE_LINKS])
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>폴트뉴스</title>'
            f"<link>{self.base_url}/</link>{items}</channel></rss>"
        ).encode()

    def sitemap_index(self) -> bytes:
        children = "".join(
            f"<sitemap><loc>{html.escape(u)}</loc></sitemap>"
            for u in (f"{self.base_url}/wp-sitemap-posts-post-1.xml", "http://evil.example/sitemap.xml",
                      "http://169.254.169.254/sitemap.xml", "file:///etc/passwd")
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{children}</sitemapindex>'
        ).encode()

    def sitemap_posts(self) -> bytes:
        urls = "".join(
            f"<url><loc>{html.escape(u)}</loc><lastmod>2024-11-12T08:30:00+09:00</lastmod></url>"
            for u in [*self.article_urls(), *HOSTILE_LINKS]
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
        ).encode()

    def listing(self) -> bytes:
        links = "".join(
            f'<article class="post"><h2><a href="{html.escape(u)}">기사 {i}</a></h2></article>'
            for i, u in enumerate([*self.article_urls(), *HOSTILE_LINKS])
        )
        return f"<html><head><title>폴트뉴스</title></head><body>{links}</body></html>".encode()


class FaultServer:
    """Serve a :class:`FaultSite` on 127.0.0.1 (port chosen by the OS) in threads.

    ``log`` holds every request (method, path with query, Host header). Hanging
    routes end when the server stops.
    """

    def __init__(self, base_url: str, good_pages: FakeSite | None = None) -> None:
        self.site = FaultSite(base_url, good_pages)
        self.host = urlsplit(base_url).hostname or ""
        self.log: list[RequestLog] = []
        self._lock = threading.Lock()
        self.stopping = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                with server._lock:
                    server.log.append(RequestLog("GET", self.path, self.headers.get("Host"), dict(self.headers)))
                try:
                    server._route(self)
                except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, OSError):
                    self.close_connection = True

            def log_message(self, *args) -> None:
                pass

            def finish(self) -> None:
                try:
                    super().finish()
                except OSError:
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.site.port = self.port
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def resolve_args(self, *hosts: str) -> list[str]:
        """``--resolve`` arguments sending the site's host and ``hosts`` here."""
        args = []
        for host in (self.host, *hosts):
            args += ["--resolve", f"{host}={self.address}"]
        return args

    def requests(self) -> list[RequestLog]:
        with self._lock:
            return list(self.log)

    def paths(self) -> list[str]:
        return [unquote(urlsplit(r.path).path) for r in self.requests()]

    def hosts(self) -> set[str | None]:
        return {r.host for r in self.requests()}

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    # --- routing ---------------------------------------------------------------------
    def _route(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        path = unquote(parts.path)
        site = self.site
        slug = path.strip("/")
        routes: dict[str, Callable[[BaseHTTPRequestHandler, str], None]] = {
            "server-error-500": lambda h, s: _send(h, 500, "text/html", b"<h1>Internal Server Error</h1>"),
            "bad-gateway-502": lambda h, s: _send(h, 502, "text/html", b"<h1>Bad Gateway</h1>"),
            "unavailable-503": lambda h, s: _send(h, 503, "text/html", b"<h1>Service Unavailable</h1>"),
            "flaky-503-then-ok": self._flaky,
            "connection-reset": self._reset,
            "timeout-hang": self._hang,
            "truncated-body": self._truncated,
            "slow-drip": self._drip,
            "slow-drip-stalled": self._stall,
            "redirect-loop-a": lambda h, s: _redirect(h, 302, f"{site.base_url}/redirect-loop-b/"),
            "redirect-loop-b": lambda h, s: _redirect(h, 302, f"{site.base_url}/redirect-loop-a/"),
            "redirect-chain": self._chain,
            "moved-permanently": lambda h, s: _redirect(h, 301, f"{site.base_url}/moved-target/"),
            "moved-target": lambda h, s: _send(h, 200, "text/html; charset=UTF-8", site.article["moved-target"]),
            "huge-page": self._huge,
            "huge-stream": self._huge_stream,
            "binary-blob": lambda h, s: _send(h, 200, "application/octet-stream", _random_bytes(1, 64 * 1024)),
            "binary-as-html": lambda h, s: _send(h, 200, "text/html; charset=UTF-8", _random_bytes(2, 64 * 1024)),
            "malformed-html": lambda h, s: _send(h, 200, "text/html; charset=UTF-8", self._malformed()),
            "deep-nesting": lambda h, s: _send(h, 200, "text/html; charset=UTF-8", self._deep()),
            "charset-euckr-undeclared": lambda h, s: _send(
                h, 200, "text/html", site.charset_page(s, None).encode("euc-kr")),
            "charset-utf8-label-euckr-bytes": lambda h, s: _send(
                h, 200, "text/html; charset=UTF-8", site.charset_page(s, "utf-8").encode("euc-kr")),
            "charset-euckr-label-utf8-bytes": lambda h, s: _send(
                h, 200, "text/html; charset=euc-kr", site.charset_page(s, "euc-kr").encode("utf-8")),
            "hostile-links": lambda h, s: _send(h, 200, "text/html; charset=UTF-8", site.article["hostile-links"]),
            "go-offsite": lambda h, s: _redirect(h, 302, "http://evil.example/steal/"),
            "go-metadata": lambda h, s: _redirect(h, 302, "http://169.254.169.254/latest/meta-data/"),
            "go-private-10": lambda h, s: _redirect(h, 302, "http://10.0.0.1/admin/"),
            "go-private-192": lambda h, s: _redirect(h, 302, "http://192.168.1.1/"),
            "go-loopback": lambda h, s: _redirect(h, 302, f"http://127.0.0.1:{self.port}/secret/"),
            "go-localhost-name": lambda h, s: _redirect(h, 302, f"http://localhost:{self.port}/secret/"),
            "go-file": lambda h, s: _redirect(h, 302, "file:///etc/passwd"),
            "meta-refresh-offsite": lambda h, s: _send(h, 200, "text/html; charset=UTF-8", (
                '<html><head><meta http-equiv="refresh" content="0;url=http://evil.example/refresh/">'
                "<title>이동</title></head><body>이동 중</body></html>").encode()),
        }
        if slug in routes:
            routes[slug](h, slug)
            return
        xml = "application/xml; charset=UTF-8"
        if path == "/robots.txt":
            _send(h, 200, "text/plain", b"User-agent: *\nDisallow: /wp-admin/\n")
        elif path in ("/feed", "/feed/"):
            _send(h, 200, "application/rss+xml; charset=UTF-8", site.feed())
        elif path == "/wp-sitemap.xml":
            _send(h, 200, xml, site.sitemap_index())
        elif path == "/wp-sitemap-posts-post-1.xml":
            _send(h, 200, xml, site.sitemap_posts())
        elif path == "/":
            _send(h, 200, "text/html; charset=UTF-8", site.listing())
        else:
            status, ctype, body = site.fixtures.route(path)
            _send(h, status, ctype, body)

    def _flaky(self, h: BaseHTTPRequestHandler, slug: str) -> None:
        if self.site.count(slug) == 1:
            _send(h, 503, "text/html", b"<h1>busy</h1>")
        else:
            _send(h, 200, "text/html; charset=UTF-8", self.site.article[slug])

    def _reset(self, h: BaseHTTPRequestHandler, slug: str) -> None:
        # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
        h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        h.connection.close()
        h.close_connection = True

    def _hang(self, h: BaseHTTPRequestHandler, slug: str) -> None:
        self.stopping.wait(60)
        h.close_connection = True

    def _truncated(self, h: BaseHTTPRequestHandler, slug: str) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=UTF-8")
        h.send_header("Content-Length", "20000")
        h.end_headers()
        h.wfile.write(self.site.article["slow-drip"][:1500])
        h.wfile.flush()
        h.close_connection = True

    def _drip(self, h: BaseHTTPRequestHandler, slug: str) -> None:
        body = self.site.article[slug]
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=UTF-8")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.flush()
        step = len(body) // 12 + 1
        for start in range(0, len(body), step):
            h.wfile.write(body[start:start + step])
            h.wfile.flush()
            if self.stopping.wait(0.07):
                return

    def _stall(self, h: BaseHTTPRequestHandler, slug: str) -> None:
        body = self.site.article["slow-drip"]
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=UTF-8")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        for byte in body:
            h.wfile.write(bytes([byte]))
            h.wfile.flush()
            if self.stopping.wait(0.5):
                return
        h.close_connection = True

    def _chain(self, h: BaseHTTPRequestHandler, slug: str) -> None:
        query = urlsplit(h.path).query
        hop = int(query.removeprefix("hop=")) if query.startswith("hop=") else 0
        _redirect(h, 302, f"{self.site.base_url}/redirect-chain/?hop={hop + 1}")

    def _huge(self, h: BaseHTTPRequestHandler, slug: str) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=UTF-8")
        h.send_header("Content-Length", str(_HUGE))
        h.end_headers()
        self._stream_huge(h)

    def _huge_stream(self, h: BaseHTTPRequestHandler, slug: str) -> None:
        # No Content-Length: the body ends when the connection closes (HTTP/1.0 style).
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=UTF-8")
        h.send_header("Connection", "close")
        h.end_headers()
        self._stream_huge(h)
        h.close_connection = True

    def _stream_huge(self, h: BaseHTTPRequestHandler) -> None:
        chunk = ("<p>" + "가나다라마바사 " * 8000 + "</p>\n").encode()
        sent = 0
        h.wfile.write(b"<html><body>")
        while sent < _HUGE - 12 and not self.stopping.is_set():
            piece = chunk[: _HUGE - 12 - sent]
            h.wfile.write(piece)
            sent += len(piece)

    def _malformed(self) -> bytes:
        # An old table-layout CMS page: tables nested for layout, <p>, <div>, <font> and
        # <td> left open, stray closing tags, and NUL bytes inside the text.
        title = MALFORMED_TITLE
        paragraphs = korean_paragraphs(5)
        body = "".join(f"<p><font size=3>{p}\x00\n" for p in paragraphs)
        layout = "<table width=100%><tr><td><table><tr><td class=left>메뉴<td><table><tr><td>"
        page = (
            "<html><head><title>" + title + " :: 폴트뉴스</title>"
            f"<meta property='og:title' content='{title}'>"
            "<meta property='og:type' content='article'>"
            "<meta property='article:published_time' content='2024-11-12T08:30:00+09:00'>"
            "<body><div id=wrap><div class=header>폴트뉴스</span></b>"
            + layout
            + f"<h1 class=post-title>{title}</h3>\x00"
            + "<div class=post-content>"
            + body
            + "<div>김하늘 기자 reporter@faultnews.example"
            + "</td></tr></table></table></td></div></div>"
            + "<script>var x = '<p>스크립트 안의 문단</p>'</scr" "ipt>"
            + "<table><tr><td>광고</tr></td></table></font></p></body>"
        )
        return page.encode("utf-8")

    def _deep(self) -> bytes:
        title = "3000겹 표 안에 든 기사"
        depth = 3000
        body = "".join(f"<p>{p}</p>" for p in korean_paragraphs(6))
        page = (
            f"<html><head><title>{title}</title><meta property='og:title' content='{title}'></head><body>"
            + "<table><tr><td>" * depth + f"<h1>{title}</h1>{body}" + "</td></tr></table>" * depth
            + "</body></html>"
        )
        return page.encode("utf-8")


def _send(h: BaseHTTPRequestHandler, status: int, ctype: str, body: bytes, headers: dict[str, str] | None = None) -> None:
    h.send_response(status)
    h.send_header("Content-Type", ctype)
    h.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        h.send_header(name, value)
    h.end_headers()
    h.wfile.write(body)


def _redirect(h: BaseHTTPRequestHandler, status: int, location: str) -> None:
    _send(h, status, "text/html", b"<a>moved</a>", {"Location": location})


def site_toml(site_id: str, base_url: str, *, download_timeout: float = 2, concurrency: int = 8,
              sources: tuple[tuple[str, str], ...] | None = None, extra_sources: str = "",
              domains: tuple[str, ...] | None = None, extra: str = "") -> str:
    """A site config for a loopback site: WordPress rules like Tech42's, no politeness delay.

    ``sources`` are (kind, url) pairs, by default the feed, sitemap and front page.
    """
    host = urlsplit(base_url).hostname or ""
    bare = host.removeprefix("www.")
    domains = domains or (bare, host)
    if sources is None:
        sources = (("feed", f"{base_url}/feed"), ("sitemap", f"{base_url}/wp-sitemap.xml"), ("listing", f"{base_url}/"))
    source_tables = "".join(
        f'\n[[sources]]\nkind = "{kind}"\nurl = "{url}"\n' + ("max_pages = 3\n" if kind == "listing" else "")
        for kind, url in sources
    )
    return f"""
id = "{site_id}"
name = "{site_id}"
base_url = "{base_url}"
domains = {json.dumps(list(domains))}
language = "ko"
timezone = "Asia/Seoul"
{source_tables}{extra_sources}
[urls]
allow = ['^https?://[^/]+/[^/?#]+/?$']
deny = ['/(tag|category|author|page|feed|wp-content|wp-json|wp-admin|wp-includes)(/|$)', '\\.(xml|jpe?g|png|gif|webp|pdf)$', '^https?://[^/]+/?$']

[extract]
family = "wordpress"

[crawl]
download_delay = 0
download_timeout = {download_timeout}
concurrent_requests_per_domain = {concurrency}
{extra}
"""


def write_site_config(tmp_path: Path, site_id: str, base_url: str, **kwargs) -> Path:
    """A deployment config in ``tmp_path`` with the one site :func:`site_toml` describes."""
    sites = tmp_path / "sites"
    sites.mkdir(exist_ok=True)
    (sites / f"{site_id}.toml").write_text(site_toml(site_id, base_url, **kwargs), encoding="utf-8")
    config = tmp_path / "newscrawl.toml"
    config.write_text('sites_dir = "sites"\nlog_level = "INFO"\n', encoding="utf-8")
    return config
