"""bench.frontier with a tiny site: the database it generates is what a crawl leaves, and
the measurement runs end to end. Nothing here is timed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bench import frontier


def test_generated_site_and_measurement(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    frontier.make_database(tmp_path / "site.sqlite", 2000)
    with sqlite3.connect(tmp_path / "site.sqlite") as conn:
        kinds = dict(conn.execute("SELECT kind, count(*) FROM frontier GROUP BY kind").fetchall())
        shortlinks = conn.execute("SELECT count(*) FROM articles WHERE url != canonical_url").fetchone()[0]
    assert kinds == {"article": 2002, "sitemap": 4, "listing": 48, "feed": 1}
    assert shortlinks == 200

    frontier.main(["--sizes", "2000", "--db-dir", str(tmp_path), "--no-write"])
    table = capsys.readouterr().out
    assert "| 2,000 |" in table and "(this checkout)" in table
