"""Run ``newscrawl`` the way people do: as a real process, with a test config."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGED_SITES = REPO / "config" / "sites"
SHARED = REPO.parent / "shared"


def newscrawl(*args: str, env: dict[str, str] | None = None, timeout: float = 180, check: bool = False) -> subprocess.CompletedProcess[str]:
    """``python -m crawler ARGS`` in a child process; output captured as text."""
    # The developer's own database or config must never leak into a test's crawl.
    full_env = {k: v for k, v in os.environ.items() if k not in ("NEWSCRAWL_DATABASE_URL", "NEWSCRAWL_CONFIG")}
    full_env.update({"PYTHONUNBUFFERED": "1", **(env or {})})
    result = subprocess.run(
        [sys.executable, "-m", "crawler", *args],
        capture_output=True, text=True, env=full_env, timeout=timeout, cwd=REPO, check=False,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"newscrawl {' '.join(args)} exited {result.returncode}\n{result.stdout}\n{result.stderr[-4000:]}")
    return result


def write_config(tmp_path: Path, sites: tuple[str, ...] = ("tech42",), site_overrides: dict[str, str] | None = None) -> Path:
    """A deployment config whose sites are copies of the packaged ones, without the
    politeness delay (the server is ours) and with any TOML text appended per site."""
    sites_dir = tmp_path / "sites"
    sites_dir.mkdir(exist_ok=True)
    for site in sites:
        text = (PACKAGED_SITES / f"{site}.toml").read_text(encoding="utf-8")
        text = re.sub(r"(?m)^download_delay\s*=.*$", "download_delay = 0", text)
        if "download_delay" not in text:
            text += "\n[crawl]\ndownload_delay = 0\n"
        text += "\n" + (site_overrides or {}).get(site, "")
        (sites_dir / f"{site}.toml").write_text(text, encoding="utf-8")
    config = tmp_path / "newscrawl.toml"
    config.write_text('sites_dir = "sites"\nlog_level = "INFO"\n', encoding="utf-8")
    return config


def query(db_url: str, sql: str, **params) -> list[dict]:
    """Rows of ``sql`` as dicts (a statement without rows returns []), in its own transaction."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    try:
        with engine.begin() as conn:
            result = conn.execute(text(sql), params)
            return [dict(r._mapping) for r in result] if result.returns_rows else []
    finally:
        engine.dispose()
