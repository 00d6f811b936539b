"""The SQLite WAL is checkpointed by a background thread, not by the committing writer.

Real SQLite files throughout: in WAL mode the database file is written only by
checkpoints, so its size says whether one ran.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

from sqlalchemy import URL, text

from storage.checkpoint import WRITER_AUTOCHECKPOINT, WalCheckpointer
from storage.db import make_engine

PAGE = 4096


def _checkpoint_threads() -> int:
    return sum(t.name == "sqlite-wal-checkpoint" and t.is_alive() for t in threading.enumerate())


def _write(engine, rows: int, size: int, start: int = 0) -> None:  # type: ignore[no-untyped-def]
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS blobs (id INTEGER PRIMARY KEY, data TEXT)"))
        for i in range(start, start + rows):
            conn.execute(text("INSERT INTO blobs (id, data) VALUES (:i, :d)"), {"i": i, "d": f"{i:08d}" * (size // 8)})


def _wait_for(check, timeout: float = 10.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return check()


def test_the_writer_leaves_checkpoints_to_the_thread(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA wal_autocheckpoint")).scalar_one() == WRITER_AUTOCHECKPOINT
            assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        # 2 MB, far below the writer's own threshold (8,000 pages = 32 MB): only the
        # thread can have copied it into the database file.
        _write(engine, 500, 4000)
        assert _wait_for(lambda: path.stat().st_size > 2_000_000), path.stat().st_size
        assert _checkpoint_threads() >= 1
    finally:
        engine.dispose()


def test_dispose_stops_the_thread_after_a_last_checkpoint(tmp_path: Path) -> None:
    before = _checkpoint_threads()
    path = tmp_path / "a.db"
    engine = make_engine(f"sqlite:///{path}")
    _write(engine, 10, 100)
    assert _wait_for(lambda: _checkpoint_threads() == before + 1)
    _write(engine, 300, 4000, start=10)
    engine.dispose()  # without waiting for the thread's pause
    assert _checkpoint_threads() == before
    assert path.stat().st_size > 1_200_000  # the last commit's pages reached the file
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM blobs").fetchone() == (310,)


def test_readonly_and_in_memory_engines_start_no_thread(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    writer = make_engine(f"sqlite:///{path}")
    _write(writer, 5, 100)
    writer.dispose()
    before = _checkpoint_threads()
    for url in (f"sqlite:///{path}", "sqlite://"):
        engine = make_engine(url, readonly=url != "sqlite://")
        with engine.begin() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    memory = make_engine("sqlite://")
    _write(memory, 5, 100)
    with memory.connect() as conn:
        assert conn.execute(text("PRAGMA wal_autocheckpoint")).scalar_one() == 1000  # SQLite's default, untouched
    memory.dispose()
    assert _checkpoint_threads() == before


def test_the_wal_stays_bounded_under_sustained_writes(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    wal = Path(f"{path}-wal")
    engine = make_engine(f"sqlite:///{path}")
    peak = 0
    try:
        # 80 MB in 1 MB transactions, more than twice the writer's threshold.
        for batch in range(80):
            _write(engine, 250, 4000, start=batch * 250)
            peak = max(peak, wal.stat().st_size)
    finally:
        engine.dispose()
    # The writer's own checkpoint is skipped while the thread's is running, so the WAL may
    # pass the threshold by a few transactions; it must not keep growing with what is written.
    assert peak <= 1.5 * WRITER_AUTOCHECKPOINT * (PAGE + 24), peak
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM blobs").fetchone() == (20_000,)


def test_a_killed_writer_loses_no_committed_row(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    script = textwrap.dedent(f"""
        import sys
        from sqlalchemy import URL, text
        from storage.db import make_engine
        engine = make_engine("sqlite:///{path}")
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE blobs (id INTEGER PRIMARY KEY, data TEXT)"))
        i = 0
        while True:
            with engine.begin() as conn:
                for _ in range(20):
                    conn.execute(text("INSERT INTO blobs (id, data) VALUES (:i, :d)"), {{"i": i, "d": "x" * 3000}})
                    i += 1
            print(i, flush=True)
    """)
    repo = Path(__file__).resolve().parents[1]
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=repo,
                            env={**os.environ, "PYTHONPATH": str(repo)})
    committed = 0
    assert proc.stdout is not None
    for line in proc.stdout:
        committed = int(line)
        if committed >= 6000:  # past several background checkpoints
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = conn.execute("SELECT count(*) FROM blobs").fetchone()[0]
    assert stored >= committed


def test_a_disposed_engine_used_again_checkpoints_again(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        _write(engine, 10, 100)
        engine.dispose()  # SQLAlchemy engines stay usable after dispose
        size = path.stat().st_size
        _write(engine, 300, 4000, start=10)
        assert _wait_for(lambda: path.stat().st_size > size + 1_000_000)
    finally:
        engine.dispose()


def test_a_checkpointer_survives_a_missing_file_and_does_not_create_it(tmp_path: Path) -> None:
    for path in (tmp_path / "gone" / "a.db", tmp_path / "deleted.db"):
        checkpointer = WalCheckpointer(str(path), pause=0.01)
        checkpointer.nudge()
        checkpointer.close()  # the failed connect is logged; close still returns
        assert checkpointer.checkpoints == 0
        assert not path.exists()


def test_a_database_with_an_odd_path_is_checkpointed(tmp_path: Path) -> None:
    path = tmp_path / "뉴스 100%20 기사.db"  # a space, Hangul and a percent sign in a file: URI
    engine = make_engine(URL.create("sqlite", database=str(path)))  # the path as is, not URL-decoded
    try:
        _write(engine, 300, 4000)
        assert _wait_for(lambda: path.stat().st_size > 1_000_000)
    finally:
        engine.dispose()
