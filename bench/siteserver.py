"""Serve a generated :class:`~bench.sitegen.NewsSite` on loopback, in its own process.

A separate process so the server does not share the crawler's GIL: on a 2-core machine
the crawler gets one core and the site the other. A small asyncio HTTP/1.1 server
(keep-alive, HEAD, conditional GET) rather than ``http.server``, which would be slower
than the crawler it is meant to feed.

Control endpoints (never counted):

* ``GET /__stats`` — JSON: requests by kind (robots, feed, sitemap_index, sitemap, listing,
  article, page for the static pages, other), 304s by kind, bytes sent, article count;
  ``?reset=1`` zeroes the counters after reading them.
* ``GET /__add?n=20`` — publish ``n`` new articles (newest first in feed, listings and the
  last sitemap); JSON with their URLs.
* ``GET /__urls`` — every article URL, oldest first, one a line.
* ``GET /__log`` — the last 100,000 counted requests in order, ``KIND PATH`` a line;
  ``?reset=1`` empties it after reading.

Feeds, sitemaps and listing pages carry ``ETag`` and ``Last-Modified`` and answer
``If-None-Match``/``If-Modified-Since`` with 304; article pages carry ``Last-Modified``.

Run it by hand::

    .venv/bin/python -m bench.siteserver --articles 5000 --port 8080
    newscrawl crawl … --resolve www.benchnews.test=127.0.0.1:8080

or from Python with :class:`SiteServerProcess`.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import signal
import subprocess
import sys
import urllib.request
from collections import Counter, deque
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

from bench.sitegen import DEFAULT_BASE_URL, SITEMAP_SIZE, NewsSite, Resource

REPO = Path(__file__).resolve().parents[1]
_READY = "bench.siteserver listening on "


class SiteHTTPServer:
    """The asyncio server around one :class:`NewsSite`, with request counters."""

    def __init__(self, site: NewsSite, *, compress: bool = False) -> None:
        self.site = site
        self.compress = compress
        self.requests: Counter[str] = Counter()
        self.log: deque[str] = deque(maxlen=100_000)
        self.not_modified: Counter[str] = Counter()
        self.bytes_sent = 0

    # --- HTTP ------------------------------------------------------------------------
    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                try:
                    method, target, version = lines[0].split(" ", 2)
                except ValueError:
                    return
                headers: dict[str, str] = {}
                for line in lines[1:]:
                    name, sep, value = line.partition(":")
                    if sep:
                        headers[name.strip().lower()] = value.strip()
                length = int(headers.get("content-length") or 0)
                if length:
                    await reader.readexactly(length)
                status, out_headers, body = self.respond(method, target, headers)
                keep_alive = version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
                out_headers.append(("Connection", "keep-alive" if keep_alive else "close"))
                reason = {200: "OK", 304: "Not Modified", 404: "Not Found", 405: "Method Not Allowed"}.get(status, "OK")
                head_out = f"HTTP/1.1 {status} {reason}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in out_headers) + "\r\n"
                writer.write(head_out.encode("latin-1") + (b"" if method == "HEAD" else body))
                await writer.drain()
                if not keep_alive:
                    return
        except ConnectionError:
            return
        finally:
            writer.close()

    def respond(self, method: str, target: str, headers: dict[str, str]) -> tuple[int, list[tuple[str, str]], bytes]:
        """Status, headers and body for one request; counts it unless it is a control call."""
        parts = urlsplit(target)
        if parts.path.startswith("/__"):
            return self._control(parts.path, parse_qs(parts.query))
        if method not in ("GET", "HEAD"):
            return 405, [("Content-Length", "0")], b""
        resource = self.site.route(parts.path)
        self.requests[resource.kind] += 1
        self.log.append(f"{resource.kind} {parts.path}")
        base = [("Server", "nginx"), ("Date", format_datetime(datetime.now(UTC), usegmt=True))]
        validators = _validators(resource)
        if resource.status == 200 and _not_modified(resource, headers):
            self.not_modified[resource.kind] += 1
            return 304, base + validators, b""
        body = resource.body
        out = base + [("Content-Type", resource.content_type)] + validators
        if self.compress and "gzip" in headers.get("accept-encoding", "") and len(body) > 1024:
            body = gzip.compress(body, compresslevel=1)
            out += [("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")]
        out.append(("Content-Length", str(len(body))))
        self.bytes_sent += len(body)
        return resource.status, out, body

    def _control(self, path: str, query: dict[str, list[str]]) -> tuple[int, list[tuple[str, str]], bytes]:
        if path == "/__stats":
            payload: Any = self.stats()
            if query.get("reset", ["0"])[0] not in ("0", ""):
                self.requests.clear()
                self.not_modified.clear()
                self.bytes_sent = 0
        elif path == "/__add":
            added = self.site.add(int(query.get("n", ["20"])[0]))
            payload = {"added": [a.url for a in added], "articles": len(self.site.articles)}
        elif path == "/__log":
            body = "".join(line + "\n" for line in self.log).encode()
            if query.get("reset", ["0"])[0] not in ("0", ""):
                self.log.clear()
            return 200, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))], body
        elif path == "/__urls":
            body = "".join(a.url + "\n" for a in self.site.articles).encode()
            return 200, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))], body
        else:
            return 404, [("Content-Length", "0")], b""
        body = json.dumps(payload).encode()
        return 200, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))], body

    def stats(self) -> dict[str, Any]:
        """Counters since the last reset."""
        return {
            "requests": dict(self.requests),
            "total": sum(self.requests.values()),
            "not_modified": dict(self.not_modified),
            "bytes": self.bytes_sent,
            "articles": len(self.site.articles),
        }


def _validators(resource: Resource) -> list[tuple[str, str]]:
    out = []
    if resource.etag:
        out.append(("ETag", resource.etag))
    if resource.last_modified:
        out.append(("Last-Modified", format_datetime(resource.last_modified.astimezone(UTC), usegmt=True)))
    return out


def _not_modified(resource: Resource, headers: dict[str, str]) -> bool:
    # RFC 9110 §13.2.2: If-None-Match wins; If-Modified-Since only without it.
    if_none_match = headers.get("if-none-match")
    if if_none_match is not None:
        if resource.etag is None:
            return False
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or resource.etag in tags
    since = headers.get("if-modified-since")
    if since and resource.last_modified is not None:
        try:
            when = parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        return resource.last_modified.replace(microsecond=0) <= when
    return False


async def serve(site: NewsSite, host: str, port: int, *, compress: bool = False) -> None:
    """Serve until SIGTERM/SIGINT; prints the ready line with the bound port first."""
    server_state = SiteHTTPServer(site, compress=compress)
    server = await asyncio.start_server(server_state.handle, host, port, backlog=512)
    bound = server.sockets[0].getsockname()
    print(f"{_READY}{bound[0]}:{bound[1]}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()


class SiteServerProcess:
    """Start ``python -m bench.siteserver`` as a child process and talk to it.

    Args:
        articles: initial article count.
        seed: site seed (same seed, same site).
        base_url: the origin the pages name; crawl with ``--resolve HOST=ADDR``.
        compress: gzip responses when the client accepts it (level 1, like nginx's default).
        sitemap_size: URLs per child sitemap.

    Use as a context manager; :attr:`address` is ``127.0.0.1:PORT`` once entered.
    """

    def __init__(self, articles: int, *, seed: int = 1, base_url: str = DEFAULT_BASE_URL, compress: bool = False,
                 sitemap_size: int = SITEMAP_SIZE) -> None:
        self.articles = articles
        self.sitemap_size = sitemap_size
        self.seed = seed
        self.base_url = base_url.rstrip("/")
        self.compress = compress
        self.address = ""
        self._process: subprocess.Popen[str] | None = None

    @property
    def host(self) -> str:
        """The site's host name as its pages print it."""
        return urlsplit(self.base_url).hostname or ""

    @property
    def resolve(self) -> str:
        """The ``--resolve`` argument that points the crawler at this server."""
        return f"{self.host}={self.address}"

    @property
    def pid(self) -> int:
        assert self._process is not None
        return self._process.pid

    def __enter__(self) -> Self:
        cmd = [sys.executable, "-m", "bench.siteserver", "--articles", str(self.articles), "--seed", str(self.seed),
               "--base-url", self.base_url, "--port", "0", "--sitemap-size", str(self.sitemap_size)]
        if self.compress:
            cmd.append("--gzip")
        self._process = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, text=True,
                                         env={**os.environ, "PYTHONUNBUFFERED": "1"})
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line.startswith(_READY):
            self.__exit__(None, None, None)
            raise RuntimeError(f"site server did not start: {line!r}")
        self.address = line.removeprefix(_READY).strip()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def _get(self, path: str) -> bytes:
        with urllib.request.urlopen(f"http://{self.address}{path}", timeout=30) as response:  # loopback only
            return response.read()

    def stats(self, *, reset: bool = False) -> dict[str, Any]:
        """Request counters since the last reset (see the module docstring)."""
        return json.loads(self._get("/__stats" + ("?reset=1" if reset else "")))

    def add(self, count: int) -> list[str]:
        """Publish ``count`` new articles; their URLs."""
        return json.loads(self._get(f"/__add?n={count}"))["added"]

    def request_log(self, *, reset: bool = False) -> list[tuple[str, str]]:
        """(kind, path) of the counted requests, oldest first."""
        text = self._get("/__log" + ("?reset=1" if reset else "")).decode()
        return [tuple(line.split(" ", 1)) for line in text.splitlines() if line]  # type: ignore[misc]

    def urls(self) -> list[str]:
        """Every article URL, oldest first."""
        return self._get("/__urls").decode().split()

    def get(self, path: str) -> bytes:
        """A page as the crawler would see it (counted like any request)."""
        return self._get(path)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.siteserver", description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=5000, help="initial article count (default 5000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--base-url", default=DEFAULT_BASE_URL)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080, help="0 picks a free port (printed)")
    parser.add_argument("--gzip", action="store_true", help="gzip responses (level 1) when accepted")
    parser.add_argument("--sitemap-size", type=int, default=SITEMAP_SIZE, help="URLs per child sitemap (default 1000)")
    args = parser.parse_args(argv)
    site = NewsSite(args.articles, seed=args.seed, base_url=args.base_url, sitemap_size=args.sitemap_size)
    asyncio.run(serve(site, args.host, args.port, compress=args.gzip))


if __name__ == "__main__":
    main()
