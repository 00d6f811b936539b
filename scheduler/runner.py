"""Run one crawl per job, enforce its time limit, stop all at shutdown, account for each.

Scrapy's reactor cannot be restarted in one process (scrapy#2941), and a child can
be hard-killed when it hangs, so every crawl is a child process (``scheduler.child``).
The crawl writes its own ``crawl_runs`` row; the runner only closes the row when the
crawl could not (it was killed, or it died).
"""

from __future__ import annotations

import logging
import signal
import socket
import subprocess
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from scheduler.child import Child, CrawlCommand, StopReason, pid_alive
from scheduler.plan import format_seconds
from storage import runs
from storage.repository import Repository

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sqlalchemy.engine import Engine

    from scheduler.plan import SitePlan

logger = logging.getLogger(__name__)


class CrawlRunner:
    """Starts crawls for the scheduler's jobs and stops them at a time limit or shutdown.

    Args:
        command: How to start a crawl.
        engine: The database the crawls write to.
        plans: The current plans by site id; replaced on a config reload.
        kill_grace: Seconds between SIGTERM and SIGKILL for a crawl over its time limit.
    """

    def __init__(
        self,
        command: CrawlCommand,
        engine: Engine,
        plans: Mapping[str, SitePlan],
        *,
        kill_grace: float,
    ) -> None:
        self.command = command
        self.engine = engine
        self.plans = dict(plans)
        self.kill_grace = kill_grace
        self._children: dict[str, Child] = {}
        self._lock = threading.Lock()
        self._stopping = False
        self._host = socket.gethostname()

    # --- the job ---------------------------------------------------------------------
    def run_site(self, site: str) -> None:
        """Crawl ``site`` once in a child process; return when it is over and recorded."""
        plan = self.plans.get(site)
        if plan is None:
            logger.info("%s: no longer configured; not crawling", site)
            return
        try:
            if self._busy_elsewhere(site):
                return
        except Exception:  # a database hiccup must not kill the job thread's loop
            logger.exception("%s: cannot check earlier runs; crawling anyway", site)
        child = self._spawn(site)
        if child is None:
            return
        started = time.monotonic()
        try:
            code = self._wait(child, plan)
            child.relay.join(timeout=5)
        finally:
            child.exited.set()
            with self._lock:
                self._children.pop(site, None)
        elapsed = time.monotonic() - started
        try:
            status = self._record(child, code)
        except Exception:
            logger.exception("%s: could not record the end of crawl pid %s", site, child.pid)
            status = "?"
        logger.info(
            "%s: crawl pid %s %s after %.1fs (run %s)",
            site,
            child.pid,
            _exit_text(code),
            elapsed,
            status,
        )

    def _busy_elsewhere(self, site: str) -> bool:
        """Abandon dead runs of the site; say whether a live one (a manual crawl, or a
        crawl orphaned by an earlier daemon) is still going on this host."""
        Repository(self.engine).mark_abandoned(site, pids_alive=pid_alive)
        for run in runs.running_runs(self.engine, site):
            if run.host == self._host and run.pid and pid_alive(run.pid):
                logger.warning(
                    "%s: run %s (pid %s) is still crawling; this fire is skipped",
                    site,
                    run.id,
                    run.pid,
                )
                return True
        return False

    def _spawn(self, site: str) -> Child | None:
        with self._lock:
            if self._stopping:
                logger.info("%s: shutting down; not starting a crawl", site)
                return None
            spawned_at = datetime.now(timezone.utc)
            proc = subprocess.Popen(
                self.command.argv(site),
                env=self.command.env(),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            child = Child(site, proc, spawned_at)
            self._children[site] = child
        child.relay.start()
        logger.info("%s: crawl started, pid %s", site, proc.pid)
        return child

    def _wait(self, child: Child, plan: SitePlan) -> int:
        try:
            return child.proc.wait(timeout=plan.time_limit)
        except subprocess.TimeoutExpired:
            pass
        limit = format_seconds(plan.time_limit)
        logger.warning(
            "%s: time limit %s exceeded; sending SIGTERM to pid %s", child.site, limit, child.pid
        )
        child.terminate(StopReason("time_limit", f"time limit {limit} exceeded"))
        try:
            return child.proc.wait(timeout=self.kill_grace)
        except subprocess.TimeoutExpired:
            pass
        grace = format_seconds(self.kill_grace)
        logger.warning(
            "%s: pid %s still running %s after SIGTERM; sending SIGKILL",
            child.site,
            child.pid,
            grace,
        )
        child.kill(f"SIGKILL after {grace}")
        return child.proc.wait()

    def _record(self, child: Child, code: int) -> str:
        # The row's started_at is the crawl's own clock reading, taken after the spawn.
        run = runs.find_run(
            self.engine, child.site, child.pid, since=child.spawned_at - timedelta(seconds=1)
        )
        if run is None:
            run_id = Repository(self.engine).start_run(child.site, "schedule", pid=child.pid)
            status = "killed" if child.stop or code < 0 else "failed"
            reason, error = _died(child, code, "before recording a run")
            runs.close_run(self.engine, run_id, status=status, finish_reason=reason, error=error)
            return f"{run_id} {status}"
        if child.stop is not None:
            stop = child.stop
            if runs.close_run(
                self.engine,
                run.id,
                status="killed",
                finish_reason=stop.finish_reason,
                error=stop.error,
                overwrite=("killed", "failed"),
            ):
                return f"{run.id} killed"
            return f"{run.id} {run.status}"
        if run.status == "running":
            status = "killed" if code < 0 else "failed"
            reason, error = _died(child, code, "before closing its run")
            runs.close_run(self.engine, run.id, status=status, finish_reason=reason, error=error)
            return f"{run.id} {status}"
        return f"{run.id} {run.status}"

    # --- shutdown --------------------------------------------------------------------
    def stop_all(self, grace: float) -> int:
        """Refuse new crawls, SIGTERM running ones, SIGKILL what is left after ``grace``.

        Returns:
            How many crawls had to be killed.
        """
        with self._lock:
            self._stopping = True
            children = list(self._children.values())
        if not children:
            return 0
        reason = StopReason("shutdown", "daemon stopped")
        for child in children:
            logger.info("%s: sending SIGTERM to crawl pid %s", child.site, child.pid)
            child.terminate(reason)
        deadline = time.monotonic() + grace
        for child in children:
            child.exited.wait(max(0.0, deadline - time.monotonic()))
        stragglers = [c for c in children if not c.exited.is_set()]
        for child in stragglers:
            logger.warning(
                "%s: crawl pid %s still running after %s; sending SIGKILL",
                child.site,
                child.pid,
                format_seconds(grace),
            )
            child.kill(f"SIGKILL after {format_seconds(grace)} grace")
        return len(stragglers)

    def running(self) -> dict[str, int]:
        """Site → pid of the crawls in progress."""
        with self._lock:
            return {site: child.pid for site, child in self._children.items()}


def _exit_text(code: int) -> str:
    return f"killed by {signal.Signals(-code).name}" if code < 0 else f"exited {code}"


def _died(child: Child, code: int, when: str) -> tuple[str, str]:
    if child.stop is not None:
        return child.stop.finish_reason, child.stop.error
    if code < 0:
        return "died", f"crawl process {_exit_text(code)} {when}"
    return "died", f"crawl process exited with code {code} {when}"
