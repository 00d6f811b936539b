"""The fetch guard: only the site's hosts, only http(s), no private addresses unless
they are the site's own. Rules first (pure), then real crawls over loopback."""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from crawler.downloadermiddlewares.fetch_policy import (
    OFFSITE,
    PRIVATE_ADDRESS,
    SCHEME,
    FetchPolicy,
    is_public,
)
from tests.crawling import newscrawl
from tests.fault_server import FaultServer, SlowSite, generated_site, write_site_config
from tests.http_server import FakeSiteServer

SITE = FetchPolicy(("faulty.test", "www.faulty.test"), mapped_hosts=frozenset({"www.faulty.test"}))


@pytest.mark.parametrize("address", [
    "127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "100.64.0.1",
    "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1",
    "::ffff:169.254.169.254", "2002:7f00:1::",
])
def test_non_public_addresses(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "211.234.10.1", "2001:4860:4860::8888"])
def test_public_addresses(address: str) -> None:
    assert is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize(("url", "reason"), [
    ("file:///etc/passwd", SCHEME),
    ("file://localhost/etc/shadow", SCHEME),
    ("ftp://www.faulty.test/pub/", SCHEME),
    ("data:text/html,<h1>x</h1>", SCHEME),
    ("javascript:alert(1)", SCHEME),
    ("gopher://www.faulty.test/", SCHEME),
    ("http://evil.example/", OFFSITE),
    ("http://faulty.test.evil.example/", OFFSITE),
    ("http://evilfaulty.test/", OFFSITE),
    ("http://www.faulty.test@evil.example/", OFFSITE),
    ("http://localhost/", OFFSITE),
    ("http://2130706433/", OFFSITE),
    ("http://10.0.0.1/admin/", PRIVATE_ADDRESS),
    ("http://192.168.1.1/", PRIVATE_ADDRESS),
    ("http://169.254.169.254/latest/meta-data/", PRIVATE_ADDRESS),
    ("http://127.0.0.1:8080/", PRIVATE_ADDRESS),
    ("http://[::1]/", PRIVATE_ADDRESS),
    ("http://[::ffff:a9fe:a9fe]/", PRIVATE_ADDRESS),
])
def test_refused_without_dns(url: str, reason: str) -> None:
    refusal = SITE.check_url(url)
    assert refusal is not None and refusal.reason == reason, (url, refusal)
    # Refused before anything would resolve the host.
    assert SITE.needs_resolution(url) is None


@pytest.mark.parametrize("url", [
    "https://www.faulty.test/article/", "http://www.faulty.test/", "https://WWW.Faulty.Test/x/",
])
def test_mapped_site_host_is_allowed_and_never_resolved(url: str) -> None:
    assert SITE.check_url(url) is None
    assert SITE.needs_resolution(url) is None


def test_unmapped_site_host_is_resolved_and_checked() -> None:
    url = "https://img.faulty.test/a.jpg"
    assert SITE.check_url(url) is None
    assert SITE.needs_resolution(url) == "img.faulty.test"
    assert SITE.check_address("img.faulty.test", ipaddress.ip_address("211.234.10.1")) is None
    refusal = SITE.check_address("img.faulty.test", ipaddress.ip_address("10.1.2.3"))
    assert refusal is not None and refusal.reason == PRIVATE_ADDRESS


def test_the_sites_own_private_address_is_allowed() -> None:
    own = ipaddress.ip_address("10.1.2.3")
    intranet = FetchPolicy(("news.corp",), own_addresses=frozenset({own}))
    assert intranet.check_address("news.corp", own) is None
    assert intranet.check_address("news.corp", ipaddress.ip_address("10.9.9.9")) is not None
    literal = FetchPolicy(("10.1.2.3",), own_addresses=frozenset({own}))
    assert literal.check_url("http://10.1.2.3/news/") is None


def test_no_domains_means_nothing_is_on_site() -> None:
    assert FetchPolicy(()).check_url("https://www.faulty.test/").reason == OFFSITE


def run_row(db: str) -> dict:
    engine = create_engine(db)
    try:
        with engine.connect() as conn:
            return dict(conn.execute(text("SELECT * FROM crawl_runs")).one()._mapping)
    finally:
        engine.dispose()


def as_dict(value) -> dict:
    return json.loads(value) if isinstance(value, str) else dict(value or {})


@pytest.mark.e2e
def test_on_site_name_resolving_to_loopback_is_refused_at_download(tmp_path: Path) -> None:
    """``localhost`` is made one of the site's domains; a redirect to it passes the
    host check, is resolved (from /etc/hosts, never the network) and refused."""
    base = "https://www.faulty.test"
    with FaultServer(base) as server:
        config = write_site_config(
            tmp_path, "faulty", base, domains=("faulty.test", "www.faulty.test", "localhost"),
            sources=(("listing", f"{base}/go-localhost-name/"),),
        )
        db = f"sqlite:///{tmp_path}/db.sqlite"
        result = newscrawl("crawl", "faulty", "--config", str(config), "--db", db, *server.resolve_args())
        assert result.returncode == 0, result.stderr[-3000:]
        assert server.hosts() == {"www.faulty.test"}
    run = run_row(db)
    stats = as_dict(run["stats"])
    assert stats.get("newscrawl/refused/private-address") == 1
    assert as_dict(run["errors"]).get("PrivateAddressRefused") == 1
    assert f"refused (private-address) http://localhost:{server.port}/secret/: localhost resolves to non-public address 127.0.0.1" in result.stderr
    assert "redirected from https://www.faulty.test/go-localhost-name/" in result.stderr


@pytest.mark.e2e
def test_a_site_whose_own_address_is_private_is_crawled(tmp_path: Path) -> None:
    """An intranet site (its configured host resolves to 127.0.0.1, no --resolve) is
    crawled: the site's own address is allowed."""
    site = SlowSite(base_url="")
    with FakeSiteServer(site) as server:
        base = f"http://localhost:{server.port}"
        site.base_url = base
        site.pages.update(generated_site(base, 3).pages)
        config = write_site_config(tmp_path, "intranet", base, domains=("localhost",))
        db = f"sqlite:///{tmp_path}/db.sqlite"
        result = newscrawl("crawl", "intranet", "--config", str(config), "--db", db)
        assert result.returncode == 0, result.stderr[-3000:]
        assert {entry.host for entry in server.log} == {f"localhost:{server.port}"}
    run = run_row(db)
    assert run["articles_new"] == 3, result.stderr[-3000:]
    assert not any(k.startswith("newscrawl/refused/") for k in as_dict(run["stats"]))
