"""`newscrawl daemon|runs|schedule` as processes: start-up refusals, reload, output.

Sites here are on a cron schedule that does not fire during a test, so no crawl
runs; the crawls themselves are covered by test_scheduler_daemon.py.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from storage import migrate
from storage.db import make_engine
from storage.repository import Repository

REPO = Path(__file__).resolve().parents[1]
NEVER = 'cron = "0 0 1 1 *"'  # midnight on 1 January


def site_toml(site: str, schedule: str = NEVER) -> str:
    return f"""id = "{site}"
name = "{site}"
base_url = "https://{site}.example"
domains = ["{site}.example"]

[schedule]
{schedule}

[[sources]]
kind = "feed"
url = "https://{site}.example/feed"
"""


def write_config(tmp_path: Path, sites: dict[str, str]) -> Path:
    (tmp_path / "sites").mkdir(exist_ok=True)
    for name, text in sites.items():
        (tmp_path / "sites" / f"{name}.toml").write_text(text, encoding="utf-8")
    config = tmp_path / "newscrawl.toml"
    config.write_text('sites_dir = "sites"\n[scheduler]\nshutdown_grace = "5s"\n', encoding="utf-8")
    return config


def env() -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NEWSCRAWL_")}
    return {**clean, "PYTHONUNBUFFERED": "1"}


def newscrawl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crawler", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env(),
        timeout=60,
        check=False,
    )


def wait_for_log(path: Path, needle: str, proc: subprocess.Popen[bytes], timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = path.read_text(encoding="utf-8", errors="replace")
        if needle in text:
            return text
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    raise AssertionError(f"{needle!r} not logged:\n{path.read_text(encoding='utf-8')}")


def test_refuses_an_invalid_config_with_one_line(tmp_path: Path) -> None:
    config = write_config(tmp_path, {"alpha": site_toml("alpha", 'cron = "61 * * * *"')})
    result = newscrawl("daemon", "--config", str(config), "--db", f"sqlite:///{tmp_path}/db.sqlite")
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Error: invalid config: site alpha: schedule.cron '61 * * * *':")

    (tmp_path / "sites" / "alpha.toml").write_text("colour = 1\n" + site_toml("alpha"))
    result = newscrawl("daemon", "--config", str(config))
    assert result.returncode == 1
    assert result.stderr.strip() == f"Error: invalid config: {tmp_path}/sites/alpha.toml: colour: unknown key"


def test_refuses_a_database_behind_the_latest_migration(tmp_path: Path) -> None:
    config = write_config(tmp_path, {"alpha": site_toml("alpha")})
    url = f"sqlite:///{tmp_path}/old.db"
    migrate.upgrade(url, "0001")
    result = newscrawl("daemon", "--config", str(config), "--db", url)
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line == (
        f"Error: database {url} is at migration 0001, not the latest {migrate.head()}: "
        "run `newscrawl db upgrade`"
    )


def test_refuses_a_database_with_foreign_tables(tmp_path: Path) -> None:
    config = write_config(tmp_path, {"alpha": site_toml("alpha")})
    url = f"sqlite:///{tmp_path}/foreign.db"
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x)")
    engine.dispose()
    result = newscrawl("daemon", "--config", str(config), "--db", url)
    assert result.returncode == 1
    assert "has tables but no newscrawl migration" in result.stderr


@pytest.mark.timeout(60)
def test_new_database_reload_and_signal_exit(tmp_path: Path) -> None:
    config = write_config(tmp_path, {"alpha": site_toml("alpha")})
    url = f"sqlite:///{tmp_path}/new/newscrawl.db"
    log = tmp_path / "daemon.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "crawler", "daemon", "--config", str(config), "--db", url],
            cwd=REPO,
            env=env(),
            stdout=out,
            stderr=out,
        )
    try:
        wait_for_log(log, "alpha: scheduled cron 0 0 1 1 * (Asia/Seoul)", proc)
        assert migrate.current(url) == migrate.head()
        text = log.read_text(encoding="utf-8")
        assert f"created the newscrawl schema in the new database {url}" in text

        (tmp_path / "sites" / "beta.toml").write_text(site_toml("beta"), encoding="utf-8")
        (tmp_path / "sites" / "alpha.toml").write_text(site_toml("alpha", 'every = "6h"'))
        proc.send_signal(signal.SIGHUP)
        wait_for_log(log, "SIGHUP: config reloaded (added: beta; removed: -; changed: alpha)", proc)
        text = wait_for_log(log, "beta: scheduled cron", proc)
        assert "alpha: rescheduled every 6h" in text

        (tmp_path / "sites" / "beta.toml").write_text("id = 'beta'\n")
        proc.send_signal(signal.SIGHUP)
        wait_for_log(log, "SIGHUP: keeping the old config: invalid config:", proc)

        (tmp_path / "sites" / "beta.toml").unlink()
        proc.send_signal(signal.SIGHUP)
        wait_for_log(log, "added: -; removed: beta; changed: -", proc)

        proc.send_signal(signal.SIGINT)
        assert proc.wait(15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text = log.read_text(encoding="utf-8")
    assert "SIGINT received: stopping" in text
    assert text.rstrip().endswith("daemon stopped")
    assert "Traceback" not in text


def test_runs_and_schedule_commands(tmp_path: Path) -> None:
    config = write_config(tmp_path, {"alpha": site_toml("alpha", 'every = "30m"'), "beta": site_toml("beta")})
    url = f"sqlite:///{tmp_path}/runs.db"
    migrate.upgrade(url)
    engine = make_engine(url)
    repo = Repository(engine)
    first = repo.start_run("alpha", "schedule", pid=1)
    repo.finish_run(first, status="finished", finish_reason="finished", counts={"pages_fetched": 7, "new": 3},
                    items_dropped={}, errors={}, stats={})
    repo.start_run("beta", "cli", pid=2)
    engine.dispose()

    result = newscrawl("runs", "--db", url, "--config", str(config))
    assert result.returncode == 0, result.stderr
    header, rule, *rows, total = result.stdout.strip().splitlines()
    assert header.split() == ["id", "site", "trigger", "status", "started", "took", "pages", "new", "updated", "reason"]
    assert rows[0].split()[:4] == ["2", "beta", "cli", "running"]
    assert rows[1].split()[:4] == ["1", "alpha", "schedule", "finished"]
    assert rows[1].split()[-4:] == ["7", "3", "0", "finished"]
    assert total == "(2 rows)"

    only = newscrawl("runs", "--site", "alpha", "--limit", "5", "--json", "--db", url, "--config", str(config))
    assert '"site": "alpha"' in only.stdout and '"beta"' not in only.stdout

    result = newscrawl("schedule", "--db", url, "--config", str(config))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:4] == ["site", "schedule", "jitter", "time"]
    alpha = next(line for line in lines if line.startswith("alpha"))
    assert "every 30m" in alpha and "60s" not in alpha
    beta = next(line for line in lines if line.startswith("beta"))
    assert "cron 0 0 1 1 * (Asia/Seoul)" in beta and "-01-01 00:00:00+0900" not in beta  # shown in local time

    missing = newscrawl("runs", "--db", f"sqlite:///{tmp_path}/none.db", "--config", str(config))
    assert missing.returncode == 1
    assert "no database at" in missing.stderr


def test_python_m_scheduler_runs_the_daemon_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "scheduler", "--help"], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert result.returncode == 0
    assert "Usage: python -m scheduler [OPTIONS]" in result.stdout
    assert "--resolve HOST=ADDR:PORT" in result.stdout
