"""robots.txt as a crawl will see it, for ``newscrawl sites check``."""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import urlsplit, urlunsplit

from protego import Protego


def fetch_text(url: str, user_agent: str, resolve: dict[str, str], timeout: float = 15) -> tuple[int, str]:
    """(status, body) of a GET, honouring ``--resolve`` like the crawler does."""
    parts = urlsplit(url)
    target = resolve.get((parts.hostname or "").lower())
    headers = {"User-Agent": user_agent}
    if target:
        headers["Host"] = parts.netloc
        url = urlunsplit(("http", target, parts.path or "/", parts.query, ""))
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) from config
            return response.status, response.read(512 * 1024).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, ""


def check_robots(base_url: str, urls: list[str], user_agent: str, resolve: dict[str, str]) -> str:
    robots_url = urlunsplit((*urlsplit(base_url)[:2], "/robots.txt", "", ""))
    try:
        status, body = fetch_text(robots_url, user_agent, resolve)
    except OSError as exc:
        return f"robots.txt: {robots_url} could not be fetched ({exc}); Scrapy then crawls as if allowed"
    if status >= 400:
        return f"robots.txt: {robots_url} answered {status}: no rules, everything allowed"
    rules = Protego.parse(body)
    agent = user_agent.split("/")[0]
    lines = [f"robots.txt: {robots_url} ({status}, {len(body)} bytes)"]
    delay = rules.crawl_delay(agent)
    if delay:
        lines.append(f"  Crawl-delay for {agent}: {delay}s")
    for url in urls:
        verdict = "allowed" if rules.can_fetch(url, user_agent) else "DISALLOWED"
        lines.append(f"  {verdict}: {url}")
    sitemaps = list(rules.sitemaps)
    if sitemaps:
        lines.append("  sitemaps listed: " + ", ".join(sitemaps))
    return "\n".join(lines)
