"""The fault suite: one crawl of a site that fails in every way a real one does.

A loopback :class:`~tests.fault_server.FaultServer` plays a WordPress site whose feed,
sitemap and listing lead to the six Tech42 fixture pages, to good generated articles
and to routes that misbehave (5xx, reset, hang, truncated body, slow drip, redirect
loops, 20 MB pages, binary bytes, malformed HTML, lying charsets, redirects and links
to other hosts, private addresses and ``file://``). ``newscrawl crawl`` runs as a
child process against it; the checks are on ``crawl_runs``, the ``articles`` table,
the crawl's log and the server's request log.

``pytest tests/test_faults_crawl.py -s`` prints the acceptance table.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest

from tests.crawling import newscrawl, query
from tests.db_fixtures import POSTGRES_URL_ENV, fresh_postgres_database
from tests.fault_server import (
    CHARSET_PARAGRAPHS,
    CHARSET_TITLE,
    FAULTS,
    HOSTILE_HOSTS,
    MALFORMED_TITLE,
    FaultServer,
    write_site_config,
)
from tests.http_server import FakeSite

pytestmark = pytest.mark.e2e

BASE = "https://www.faulty.test"
# A config source pointing at the cloud metadata address: config values pass the guard too.
METADATA_SOURCE = "http://169.254.169.254/latest/meta-data/"
EXTRA_SOURCES = f'\n[[sources]]\nkind = "listing"\nurl = "{METADATA_SOURCE}"\n'

# What the crawl must record for each fault (a set: any one of them is acceptable where
# the extractor may legitimately decide either way).
EXPECTED: dict[str, set[str]] = {
    "server-error-500": {"fetch_error/HttpError"},
    "bad-gateway-502": {"fetch_error/HttpError"},
    "unavailable-503": {"fetch_error/HttpError"},
    "connection-reset": {"fetch_error/DownloadFailedError"},
    "timeout-hang": {"fetch_error/DownloadTimeoutError"},
    "truncated-body": {"fetch_error/ResponseDataLossError"},
    "slow-drip-stalled": {"fetch_error/DownloadTimeoutError"},
    "redirect-loop-a": {"fetch_error/RedirectLoop"},
    "redirect-chain": {"fetch_error/TooManyRedirects"},
    "moved-permanently": {"stored"},
    "huge-page": {"fetch_error/DownloadCancelledError"},
    "huge-stream": {"fetch_error/DownloadCancelledError"},
    "binary-blob": {"not_article/not-html"},
    "binary-as-html": {"not_article/*", "extract_error/*"},
    "deep-nesting": {"extract_error/*", "not_article/*", "stored"},
    "go-offsite": {"refused/offsite"},
    "go-metadata": {"refused/private-address"},
    "go-private-10": {"refused/private-address"},
    "go-private-192": {"refused/private-address"},
    "go-loopback": {"refused/private-address"},
    "go-localhost-name": {"refused/offsite"},
    "go-file": {"refused/scheme"},
    "meta-refresh-offsite": {"refused/offsite"},
}
# Refused redirect targets are counted by class in crawl_runs.errors: 4 private-address
# redirects + the metadata source; evil.example twice (302 and meta refresh) + localhost.
EXPECTED_ERRORS = {
    "HttpError": 3,
    "DownloadFailedError": 1,
    "DownloadTimeoutError": 2,
    "ResponseDataLossError": 1,
    "RedirectLoop": 1,
    "TooManyRedirects": 1,
    "DownloadCancelledError": 2,
    "PrivateAddressRefused": 5,
    "OffsiteRefused": 3,
    "SchemeRefused": 1,
}
EXPECTED_REFUSED = {"private-address": 5, "offsite": 3, "scheme": 1}

_OUTCOME = [
    (re.compile(r"fetch failed \((\w+)\)"), "fetch_error/{}"),
    (re.compile(r"refused \(([\w-]+)\)"), "refused/{}"),
    (re.compile(r"not an article \(([\w-]+)\)"), "not_article/{}"),
    (re.compile(r"extraction failed for \S+: (?:extraction failed: )?(\w+)"), "extract_error/{}"),
]


@dataclass
class FaultCrawl:
    db_url: str
    config: Path
    server: FaultServer
    good_urls: list[str]
    log: str
    returncode: int




def as_dict(value) -> dict:
    return json.loads(value) if isinstance(value, str) else dict(value or {})


def _databases():
    yield pytest.param("sqlite")
    yield pytest.param("postgres", marks=pytest.mark.postgres)


@pytest.fixture(scope="module", params=list(_databases()))
def fault_crawl(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("faults")
    good_pages = FakeSite.from_dir("tech42", BASE)
    with FaultServer(BASE, good_pages) as server:
        config = write_site_config(tmp, "faulty", BASE, download_timeout=2, extra_sources=EXTRA_SOURCES)

        def run(db_url: str) -> FaultCrawl:
            result = newscrawl("crawl", "faulty", "--config", str(config), "--db", db_url,
                               *server.resolve_args(*HOSTILE_HOSTS), timeout=120)
            good = [BASE + quote(p) for p in good_pages.pages]
            good += [f"{BASE}/{f.slug}/" for f in FAULTS if f.good]
            return FaultCrawl(db_url, config, server, good, result.stdout + result.stderr, result.returncode)

        if request.param == "sqlite":
            yield run(f"sqlite:///{tmp}/faults.db")
        else:
            if not os.environ.get(POSTGRES_URL_ENV):
                pytest.skip(f"PostgreSQL tests need ${POSTGRES_URL_ENV}")
            with fresh_postgres_database() as url:
                yield run(url)


def extraction_errors() -> set[str]:
    """Names of the extractor's documented errors (deep-nesting may end in one)."""
    from crawler.extract.errors import ExtractionError

    names, todo = set(), [ExtractionError]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return names


def outcomes(crawl: FaultCrawl, slug: str) -> set[str]:
    """What the log says happened to ``/slug/``, plus "stored" if an article row has it."""
    found: set[str] = set()
    needle = f"/{slug}/"
    for line in crawl.log.splitlines():
        if needle not in line:
            continue
        for pattern, template in _OUTCOME:
            if m := pattern.search(line):
                found.add(template.format(m.group(1)))
    return found


def matches(recorded: set[str], expected: set[str]) -> bool:
    for want in expected:
        prefix = want.removesuffix("*")
        if any(r == want or (want.endswith("*") and r.startswith(prefix)) for r in recorded):
            return True
    return False


def test_the_crawl_finishes_and_every_good_page_is_stored_exactly_once(fault_crawl: FaultCrawl) -> None:
    assert fault_crawl.returncode == 0, fault_crawl.log[-3000:]
    rows = query(fault_crawl.db_url, "SELECT url, title, body, duplicate_of_id FROM articles")
    per_url = Counter(r["url"] for r in rows)
    assert all(n == 1 for n in per_url.values()), per_url
    missing = [u for u in fault_crawl.good_urls if per_url[u] != 1]
    assert not missing, missing
    # Nothing but good pages (and the article a good redirect leads to) was stored.
    assert set(per_url) == set(fault_crawl.good_urls)
    for row in rows:
        assert "\x00" not in row["title"] + row["body"], row["url"]
        assert "\ufffd" not in row["title"] + row["body"], row["url"]


def test_each_fault_is_counted_and_logged_with_its_url(fault_crawl: FaultCrawl) -> None:
    stored = {r["url"] for r in query(fault_crawl.db_url, "SELECT url FROM articles")}
    table = []
    for fault in FAULTS:
        recorded = outcomes(fault_crawl, fault.slug)
        if f"{BASE}/{fault.slug}/" in stored or (fault.slug == "moved-permanently" and f"{BASE}/moved-target/" in stored):
            recorded.add("stored")
        table.append((fault, recorded))
    print_table(fault_crawl, table)
    for fault, recorded in table:
        if fault.good:
            assert "stored" in recorded, (fault.slug, recorded)
        elif fault.listed:
            assert matches(recorded, EXPECTED[fault.slug]), (fault.slug, recorded)


def test_crawl_run_row_counts_every_failure_class(fault_crawl: FaultCrawl) -> None:
    (run,) = query(fault_crawl.db_url, "SELECT * FROM crawl_runs")
    assert run["status"] == "finished"
    errors, dropped, stats = as_dict(run["errors"]), as_dict(run["items_dropped"]), as_dict(run["stats"])
    for name, count in EXPECTED_ERRORS.items():
        assert errors.get(name) == count, (name, errors)
    # binary-blob is not HTML; binary-as-html and (today) deep-nesting are counted as
    # drops or extraction errors, never as exceptions escaping the spider.
    assert dropped.get("not-html") == 1
    assert set(errors) <= set(EXPECTED_ERRORS) | extraction_errors(), errors
    assert not any(k.startswith("spider_exceptions/") for k in stats)
    for reason, count in EXPECTED_REFUSED.items():
        assert stats.get(f"newscrawl/refused/{reason}") == count, (reason, stats)
    assert run["articles_new"] + run["articles_duplicate"] == len(fault_crawl.good_urls)
    assert run["articles_duplicate"] == 2  # the three charset pages are one article


def test_korean_is_decoded_identically_in_all_three_charset_cases(fault_crawl: FaultCrawl) -> None:
    rows = query(fault_crawl.db_url, "SELECT url, title, body FROM articles WHERE url LIKE :p ORDER BY url", p="%/charset-%")
    assert len(rows) == 3
    for row in rows:
        assert row["title"] == CHARSET_TITLE, row["url"]
        assert row["body"] == rows[0]["body"], row["url"]
        for paragraph in CHARSET_PARAGRAPHS:
            assert paragraph in row["body"], (row["url"], paragraph)
    (malformed,) = query(fault_crawl.db_url, "SELECT title, body FROM articles WHERE url LIKE :p", p="%/malformed-html/")
    assert malformed["title"] == MALFORMED_TITLE


def test_no_request_left_the_site(fault_crawl: FaultCrawl) -> None:
    """Every hostile host was mapped to the fault server, so a request that slipped
    through would be in its log with that Host header; there is none."""
    requests = fault_crawl.server.requests()
    assert {r.host for r in requests} == {"www.faulty.test"}
    paths = {unquote(urlsplit(r.path).path) for r in requests}
    for leaked in ("/steal/", "/phish/", "/admin/", "/latest/meta-data/", "/secret/", "/refresh/",
                   "/sitemap.xml", "/pixel.gif", "/etc/passwd", "/pub/"):
        assert leaked not in paths, leaked
    assert paths >= {"/hostile-links/", "/go-offsite/", "/go-metadata/", "/go-file/"}


def test_a_second_crawl_stores_nothing_twice(fault_crawl: FaultCrawl) -> None:
    before = query(fault_crawl.db_url, "SELECT url, content_hash FROM articles ORDER BY url")
    result = newscrawl("crawl", "faulty", "--config", str(fault_crawl.config), "--db", fault_crawl.db_url,
                       *fault_crawl.server.resolve_args(*HOSTILE_HOSTS), timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert query(fault_crawl.db_url, "SELECT url, content_hash FROM articles ORDER BY url") == before


def print_table(crawl: FaultCrawl, table: list) -> None:
    backend = crawl.db_url.split(":", 1)[0]
    lines = [f"\nfault suite ({backend}): fault | what the crawl recorded | good page stored once",
             "--- | --- | ---"]
    stored = Counter(r["url"] for r in query(crawl.db_url, "SELECT url FROM articles"))
    for fault, recorded in table:
        target = "moved-target" if fault.slug == "moved-permanently" else fault.slug
        once = stored[f"{BASE}/{target}/"] == 1
        good = "yes (1 row)" if fault.good or fault.slug == "moved-permanently" else "n/a"
        if (fault.good or fault.slug == "moved-permanently") and not once:
            good = f"NO ({stored[f'{BASE}/{target}/']} rows)"
        lines.append(f"{fault.slug}: {fault.description} | {', '.join(sorted(recorded)) or '-'} | {good}")
    print("\n".join(lines))
