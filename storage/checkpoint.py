"""Checkpointing a SQLite write-ahead log from a background thread.

SQLite copies the WAL back into the database file (a checkpoint) from whichever
connection commits past ``wal_autocheckpoint`` pages, and that commit waits for it: the
copy, and the only ``fsync`` of the database file under ``synchronous=NORMAL``. In a
large database each new article dirties index pages scattered over the file (the
``content_hash`` index is random by nature), so checkpoints became a third of the
writer's time: at 1,000,000 articles 3,410 new articles/s in batches with checkpoints in
the commit, 5,466/s with none at all (``python -m bench.storage``).

Here a thread with its own connection runs a PASSIVE checkpoint shortly after commits.
PASSIVE never waits for a lock and never blocks the writer, and ``sqlite3_step`` releases
the GIL, so the copy and the sync run beside the crawl, on another core when there is one.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from urllib.parse import quote

logger = logging.getLogger(__name__)

#: WAL pages after which a committing connection checkpoints by itself (SQLite's default
#: is 1,000). SQLite starts the WAL over only when a write begins with every frame already
#: copied, which a steady writer rarely lets the thread achieve; the writer's own
#: checkpoint, copying just what the thread has not, does. So this bounds the WAL file
#: (~32 MB) and is the fallback when the thread is gone. 300,000 stored articles, 20,000
#: more in batches of 50: 3,525/s with SQLite's default; 4,347/s and a 36 MB WAL with
#: this; 4,405/s and 67 MB at 16,000; 3,999/s and 18 MB at 4,000.
WRITER_AUTOCHECKPOINT = 8_000
#: The same, as the writers' pragma (SQL text is never formatted; a test reads the value back).
WRITER_PRAGMA = "PRAGMA wal_autocheckpoint=8000"


class WalCheckpointer:
    """A daemon thread that checkpoints the WAL of the database at ``path``.

    ``nudge()`` after a commit; the thread waits ``pause`` seconds (so that a run of
    commits costs one checkpoint, not one each) and checkpoints. ``close()`` stops it after
    a last checkpoint; like a disposed engine, a closed checkpointer starts again when nudged.
    """

    def __init__(self, path: str, *, pause: float = 0.25) -> None:
        self.path = path
        self.pause = pause
        self.checkpoints = 0
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()

    def nudge(self) -> None:
        if self._thread is None:
            with self._lock:
                if self._thread is None:
                    self._wake, self._stop = threading.Event(), threading.Event()
                    self._thread = threading.Thread(target=self._run, args=(self._wake, self._stop),
                                                    name="sqlite-wal-checkpoint", daemon=True)
                    self._thread.start()
        self._wake.set()

    def close(self, timeout: float = 30.0) -> None:
        """Stop the thread, if running, after a last checkpoint."""
        with self._lock:
            thread, wake, stop = self._thread, self._wake, self._stop
            self._thread = None
        if thread is not None:
            stop.set()
            wake.set()
            thread.join(timeout)

    def _run(self, wake: threading.Event, stop: threading.Event) -> None:
        try:
            while True:
                wake.wait()
                wake.clear()
                # Let the commit that woke us (and those right after it) land first.
                stop.wait(self.pause)
                self._checkpoint()
                if stop.is_set():
                    return
        except Exception:  # noqa: BLE001 - a dead checkpointer leaves the writer's own checkpoints
            logger.exception("WAL checkpoint thread for %s stopped", self.path)

    def _checkpoint(self) -> None:
        # A connection per checkpoint (~0.1 ms at most a few times a second): an idle
        # engine then holds no second handle on the file.
        try:
            # mode=rw: a database deleted under a running crawl is not re-created empty here.
            conn = sqlite3.connect(f"file:{quote(self.path)}?mode=rw", uri=True, isolation_level=None)
            try:
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            finally:
                conn.close()
            self.checkpoints += 1
        except sqlite3.OperationalError as exc:
            # Locked or busy: the next nudge tries again; the writer's safety net stays.
            logger.debug("WAL checkpoint of %s skipped: %s", self.path, exc)
