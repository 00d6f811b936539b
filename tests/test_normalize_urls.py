"""Resolving hrefs: the fast path for already-safe URLs answers as the full one; bad hrefs
are dropped alone."""

from __future__ import annotations

import random
from urllib.parse import urljoin, urlsplit

import pytest
from w3lib.url import safe_url_string

from crawler.normalize.urls import _ALREADY_SAFE, absolute_url, join_url


def _full(base: str, href: str) -> str | None:
    href = href.strip()
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
        return None
    try:
        url = urljoin(base, href)
        return safe_url_string(url) if urlsplit(url).scheme in ("http", "https") else None
    except ValueError:
        return None


def test_already_safe_urls_come_back_as_the_full_resolution_gives_them():
    rng = random.Random(5)
    plain = "abcxyzAZ09-._~/" * 4 + "!$&()*+,=:@?#"
    odd = "%'; []|^`{}\"<>\\가é\t"
    hosts = ("a.com", "www.bench.test", "x-y.co.kr", "A.com", "a..b", "xn--3e0b.kr", "a.com.", "127.0.0.1",
             "a.com:80", "a.com:99999", "[::1]", "[bad", "")
    fast = 0
    for _ in range(30000):
        rest = "".join(rng.choice(plain if rng.random() < 0.95 else odd) for _ in range(rng.randint(0, 25)))
        if rng.random() < 0.3:
            rest = rest.replace("/", rng.choice(("%2F", "%e2%80", "%zz", "/./", "/../")), 1)
        href = rng.choice(("http://", "https://", "HTTP://", "//", "/", "")) + rng.choice(hosts) + "/" + rest
        base = rng.choice(("https://www.bench.test/x/y", "http://a.com/"))
        fast += bool(_ALREADY_SAFE.fullmatch(href.strip()))
        assert absolute_url(base, href) == _full(base, href), href
    assert fast > 1000  # the fast path was really exercised


@pytest.mark.parametrize("href", ["http://[broken/", "https://a.kr:99999/x", "javascript:void(0)", "#top", "", None])
def test_unusable_hrefs_are_none(href):
    assert absolute_url("https://a.kr/", href) is None


def test_join_url_drops_only_what_cannot_be_parsed():
    assert join_url("https://a.kr/x/", "../y") == "https://a.kr/y"
    assert join_url("https://a.kr/", "http://[broken/") is None
