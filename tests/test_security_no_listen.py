"""No control surface: a running crawl listens on no TCP port (Scrapy's telnet
console and 2.19's remote-control HTTP endpoint, which runs Python, are both off)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from config import load_config
from crawler.runtime import crawl_settings
from tests.crawling import REPO
from tests.fault_server import generated_site, write_site_config
from tests.http_server import FakeSiteServer

BASE = "https://www.slownews.test"
_LISTEN = "0A"


def listening_ports(pid: int) -> list[tuple[str, int]]:
    """(protocol, port) of every TCP socket in LISTEN state that process ``pid`` holds."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = []
    for proto in ("tcp", "tcp6"):
        table = Path(f"/proc/{pid}/net/{proto}")
        if not table.exists():
            continue
        for line in table.read_text().splitlines()[1:]:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == _LISTEN and inode in inodes:
                found.append((proto, int(local.rsplit(":", 1)[1], 16)))
    return found


def test_the_detector_sees_a_listening_socket() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        assert ("tcp", port) in listening_ports(os.getpid())
    assert ("tcp", port) not in listening_ports(os.getpid())


_DEFAULT_SCRAPY = """
import asyncio, scrapy
from scrapy.crawler import AsyncCrawlerProcess

class Idle(scrapy.Spider):
    name = "idle"

    async def start(self):
        await asyncio.sleep(3)
        return
        yield

process = AsyncCrawlerProcess({"LOG_LEVEL": "INFO"})
process.crawl(Idle)
process.start()
"""


@pytest.mark.e2e
def test_the_detector_sees_scrapys_default_consoles() -> None:
    """The control: Scrapy with its defaults does listen (telnet and remote control)."""
    process = subprocess.Popen([sys.executable, "-c", _DEFAULT_SCRAPY], cwd=REPO,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        ports: list[tuple[str, int]] = []
        deadline = time.monotonic() + 30
        while process.poll() is None and time.monotonic() < deadline and len(ports) < 2:
            ports = listening_ports(process.pid)
            time.sleep(0.1)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert len(ports) == 2, stderr[-2000:]
    assert "Telnet console listening" in stderr and "Remote control HTTP server listening" in stderr


def test_crawl_settings_turn_both_consoles_off(tmp_path: Path) -> None:
    config = write_site_config(tmp_path, "slownews", BASE)
    app = load_config(str(config))
    settings = crawl_settings(app, app.sites["slownews"], database_url=f"sqlite:///{tmp_path}/db.sqlite")
    assert settings.getbool("TELNETCONSOLE_ENABLED") is False
    assert settings.getbool("REMOTE_CONTROL_ENABLED") is False


@pytest.mark.e2e
def test_a_running_crawl_listens_on_no_port(tmp_path: Path) -> None:
    site = generated_site(BASE, 8, delay=0.5)
    with FakeSiteServer(site) as server:
        config = write_site_config(tmp_path, "slownews", BASE, concurrency=1)
        env = {k: v for k, v in os.environ.items() if k not in ("NEWSCRAWL_DATABASE_URL", "NEWSCRAWL_CONFIG")}
        crawl = subprocess.Popen(
            [sys.executable, "-m", "crawler", "crawl", "slownews", "--config", str(config),
             "--db", f"sqlite:///{tmp_path}/db.sqlite", "--resolve", f"www.slownews.test={server.address}"],
            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        try:
            checks = 0
            deadline = time.monotonic() + 60
            while crawl.poll() is None and time.monotonic() < deadline:
                if any(path.startswith("/기사-") for path in server.paths()):
                    # Articles are being fetched: the engine, extensions and downloader are up.
                    assert listening_ports(crawl.pid) == []
                    checks += 1
                time.sleep(0.2)
            _, stderr = crawl.communicate(timeout=60)
        finally:
            if crawl.poll() is None:
                crawl.kill()
                crawl.wait()
    assert crawl.returncode == 0, stderr[-3000:]
    assert checks >= 3, "the crawl ended before it could be inspected"
    assert "Telnet" not in stderr and "remote control" not in stderr.lower()
