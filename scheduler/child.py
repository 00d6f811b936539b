"""A crawl child process: how it is started, signalled, and whose output it is.

Each crawl is ``python -m crawler crawl SITE --trigger schedule``, the command a
person runs, in a new session: a Ctrl-C in the daemon's terminal reaches only the
daemon, and the daemon can signal the crawl's whole process group.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import subprocess
    from datetime import datetime


@dataclass(frozen=True)
class CrawlCommand:
    """How the daemon starts ``newscrawl crawl`` for one site.

    The database URL travels in ``NEWSCRAWL_DATABASE_URL`` rather than ``--db`` so a
    password never shows in ``ps``.
    """

    database_url: str
    config_path: str | None = None
    resolve: tuple[str, ...] = ()
    log_level: str | None = None
    python: str = sys.executable

    def argv(self, site: str) -> list[str]:
        """The child's command line."""
        argv = [self.python, "-m", "crawler", "crawl", site, "--trigger", "schedule"]
        if self.config_path:
            argv += ["--config", self.config_path]
        for spec in self.resolve:
            argv += ["--resolve", spec]
        if self.log_level:
            argv += ["--log-level", self.log_level]
        return argv

    def env(self) -> dict[str, str]:
        """The child's environment: the daemon's, plus the database URL."""
        return {**os.environ, "NEWSCRAWL_DATABASE_URL": self.database_url}


@dataclass
class StopReason:
    """Why the daemon stopped a crawl: becomes the run's ``finish_reason`` and ``error``."""

    finish_reason: str
    error: str


class Child:
    """One running crawl process and why (if at all) the daemon is stopping it."""

    def __init__(self, site: str, proc: subprocess.Popen[bytes], spawned_at: datetime) -> None:
        self.site = site
        self.proc = proc
        self.spawned_at = spawned_at
        self.stop: StopReason | None = None
        self.exited = threading.Event()
        self._lock = threading.Lock()
        # The crawl's own log lines do not name the site; the daemon's copy does.
        self.relay = threading.Thread(
            target=_relay, args=(proc, f"{site}[{proc.pid}] "), name=f"log {site}", daemon=True
        )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def terminate(self, reason: StopReason) -> None:
        """SIGTERM the crawl's process group; the first reason given is kept."""
        with self._lock:
            if self.stop is None:
                self.stop = reason
        self._signal(signal.SIGTERM)

    def kill(self, note: str) -> None:
        """SIGKILL the crawl's process group and add ``note`` to the reason."""
        with self._lock:
            if self.stop is None:
                self.stop = StopReason("killed", note)
            elif note not in self.stop.error:
                self.stop.error = f"{self.stop.error}; {note}"
        self._signal(signal.SIGKILL)

    def _signal(self, sig: signal.Signals) -> None:
        # Once reaped, the pid (which is also the group id) may belong to someone else.
        if self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, sig)


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid exists on this host and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A crawl orphaned by a killed daemon is reparented; where nothing reaps orphans
    # (a container whose PID 1 is not an init), it stays a zombie after it dies.
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[0] != "Z"


_OUTPUT_LOCK = threading.Lock()


def _relay(proc: subprocess.Popen[bytes], prefix: str) -> None:
    """Copy a child's output to our stderr, each line prefixed with its site and pid."""
    assert proc.stdout is not None
    with proc.stdout:
        for raw in iter(proc.stdout.readline, b""):
            line = prefix + raw.decode("utf-8", "replace").rstrip("\n") + "\n"
            with _OUTPUT_LOCK:
                sys.stderr.write(line)
                sys.stderr.flush()
