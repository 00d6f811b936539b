"""``newscrawl daemon``: start-up checks, the main loop, reload and graceful shutdown.

The main thread owns every decision. Signal handlers only set an event (and the
wake-up fd makes the main thread notice at once); APScheduler's threads only start
crawls and wait for them.
"""

from __future__ import annotations

import logging
import os
import select
import signal
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError

from config import ConfigError, load_config
from config.schema import parse_duration
from scheduler import plan as planning
from scheduler.child import CrawlCommand, pid_alive
from scheduler.jobs import Jobs, check_plans
from scheduler.plan import format_seconds
from scheduler.runner import CrawlRunner
from storage import migrate, runs
from storage.db import DATABASE_URL_ENV, database_url, make_engine, redact_url
from storage.repository import Repository

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from config import AppConfig
    from scheduler.plan import SitePlan

logger = logging.getLogger(__name__)


class StartupError(Exception):
    """The daemon cannot start. The message is one line saying what to do;
    the CLI prints it and exits 1."""


@dataclass(frozen=True)
class DaemonOptions:
    """The daemon's command-line options."""

    config_path: str | None = None
    db_url: str | None = None
    #: HOST=ADDR:PORT pairs passed on to every crawl (tests, mirrors)
    resolve: tuple[str, ...] = ()
    log_level: str | None = None


def load_plans(config_path: str | None) -> tuple[AppConfig, dict[str, SitePlan]]:
    """Load and validate the config, triggers included.

    Raises:
        StartupError: The config or a schedule is invalid.
    """
    try:
        app = load_config(config_path)
        plans = planning.plans_from_config(app)
        check_plans(plans)
    except (ConfigError, ValueError) as exc:
        raise StartupError(f"invalid config: {exc}") from None
    return app, plans


def resolve_database_url(app: AppConfig, explicit: str | None) -> str:
    """``--db``, else ``$NEWSCRAWL_DATABASE_URL``, else the config's, else the default."""
    return database_url(explicit or os.environ.get(DATABASE_URL_ENV) or app.database_url)


def prepare_database(url: str) -> None:
    """Migrate a brand-new empty database; refuse one at any other migration.

    A new database is created the way ``newscrawl crawl`` creates it, so a first
    ``newscrawl daemon`` works. A database at an older (or unknown) migration is never
    migrated implicitly: that is an operator's decision.

    Raises:
        StartupError: Unreachable, foreign or out-of-date database.
    """
    shown = redact_url(url)
    try:
        current = migrate.current(url)
        if current is None:
            engine = make_engine(url)
            try:
                tables = inspect(engine).get_table_names()
            finally:
                engine.dispose()
            if tables:
                raise StartupError(
                    f"database {shown} has tables but no newscrawl migration; use an empty database"
                )
            migrate.upgrade(url)
            logger.info("created the newscrawl schema in the new database %s", shown)
            return
    except SQLAlchemyError as exc:
        first = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise StartupError(f"cannot open database {shown}: {first}") from None
    if current != migrate.head():
        raise StartupError(
            f"database {shown} is at migration {current}, not the latest {migrate.head()}: "
            "run `newscrawl db upgrade`"
        )


class Daemon:
    """Crawl every enabled site on its schedule until SIGTERM or SIGINT.

    Usage: ``Daemon(options).run()`` from the main thread; it returns the exit status.
    """

    def __init__(self, options: DaemonOptions) -> None:
        self.options = options
        self._config_path = (
            str(Path(options.config_path).resolve()) if options.config_path else None
        )
        self._stop = threading.Event()
        self._reload = threading.Event()
        self._signal_name = ""

    def run(self) -> int:
        """Check, start, loop until stopped, shut down. Returns 0.

        Raises:
            StartupError: See :func:`load_plans` and :func:`prepare_database`.
        """
        # First, so that a SIGTERM during the checks is a clean stop rather than a crash.
        wakeup, wakeup_write = self._install_signal_handlers()
        try:
            app, plans = load_plans(self._config_path)
            url = resolve_database_url(app, self.options.db_url)
            prepare_database(url)
            engine = make_engine(url)
            try:
                self._run(app, plans, url, engine, wakeup)
            finally:
                engine.dispose()
        finally:
            signal.set_wakeup_fd(-1)
            os.close(wakeup)
            os.close(wakeup_write)
        return 0

    def _run(
        self, app: AppConfig, plans: dict[str, SitePlan], url: str, engine: Engine, wakeup: int
    ) -> None:
        abandoned = Repository(engine).mark_abandoned(pids_alive=pid_alive)
        if abandoned:
            logger.warning(
                "marked %d run(s) left running by dead processes as abandoned", abandoned
            )
        command = CrawlCommand(
            database_url=url,
            config_path=self._config_path,
            resolve=self.options.resolve,
            log_level=self.options.log_level,
        )
        grace = parse_duration(app.scheduler.shutdown_grace)
        runner = CrawlRunner(command, engine, plans, kill_grace=grace)
        jobs = Jobs(
            runner.run_site,
            max_workers=app.scheduler.max_concurrent_crawls,
            last_started=lambda: runs.last_started(engine),
        )
        logger.info(
            "daemon started: %d site(s), database %s, at most %d crawl(s) at once",
            len(plans),
            redact_url(url),
            app.scheduler.max_concurrent_crawls,
        )
        try:
            if not self._stop.is_set():
                jobs.start(plans)
            app = self._serve(app, plans, runner, jobs, wakeup)
        finally:
            # Also on an unexpected error: no crawl may outlive the daemon unaccounted.
            grace = parse_duration(app.scheduler.shutdown_grace)
            jobs.pause()
            killed = runner.stop_all(grace)
            jobs.shutdown()
            logger.info("daemon stopped%s", f" ({killed} crawl(s) killed)" if killed else "")

    def _serve(
        self,
        app: AppConfig,
        plans: dict[str, SitePlan],
        runner: CrawlRunner,
        jobs: Jobs,
        wakeup: int,
    ) -> AppConfig:
        """Sleep until a signal; reload on SIGHUP; return the config in force on a stop."""
        while not self._stop.is_set():
            _sleep_until_signal(wakeup, timeout=60.0)
            if self._reload.is_set() and not self._stop.is_set():
                self._reload.clear()
                try:
                    app, plans = self._reload_config(app, plans, runner, jobs)
                except Exception:  # a failed reload must not stop the crawls
                    logger.exception("SIGHUP: reload failed; the schedule may be partly updated")
        logger.info(
            "%s received: stopping; running crawls get %s to finish",
            self._signal_name,
            format_seconds(parse_duration(app.scheduler.shutdown_grace)),
        )
        return app

    # --- signals ---------------------------------------------------------------------
    def _install_signal_handlers(self) -> tuple[int, int]:
        read_fd, write_fd = os.pipe()
        os.set_blocking(write_fd, False)
        os.set_blocking(read_fd, False)
        # Python writes each signal's number to write_fd, waking the select() below.
        signal.set_wakeup_fd(write_fd, warn_on_full_buffer=False)
        signal.signal(signal.SIGTERM, self._on_stop)
        signal.signal(signal.SIGINT, self._on_stop)
        signal.signal(signal.SIGHUP, self._on_hup)
        return read_fd, write_fd

    def _on_stop(self, signum: int, _frame: object) -> None:
        if not self._stop.is_set():
            self._signal_name = signal.Signals(signum).name
        self._stop.set()

    def _on_hup(self, _signum: int, _frame: object) -> None:
        self._reload.set()

    # --- reload ----------------------------------------------------------------------
    def _reload_config(
        self, app: AppConfig, plans: dict[str, SitePlan], runner: CrawlRunner, jobs: Jobs
    ) -> tuple[AppConfig, dict[str, SitePlan]]:
        try:
            new_app, new_plans = load_plans(self._config_path)
        except StartupError as exc:
            logger.error("SIGHUP: keeping the old config: %s", exc)
            return app, plans
        for key in ("database_url", "scheduler.max_concurrent_crawls"):
            section, _, name = key.rpartition(".")
            old = getattr(app.scheduler, name) if section else getattr(app, name)
            new = getattr(new_app.scheduler, name) if section else getattr(new_app, name)
            if old != new:
                logger.warning("SIGHUP: %s changed; it takes effect at the next restart", key)
        changes = planning.diff(plans, new_plans)
        runner.plans = dict(new_plans)
        runner.kill_grace = parse_duration(new_app.scheduler.shutdown_grace)
        jobs.apply(new_plans, changes)
        logger.info(
            "SIGHUP: config reloaded (added: %s; removed: %s; changed: %s)",
            ", ".join(changes.added) or "-",
            ", ".join(changes.removed) or "-",
            ", ".join(changes.changed) or "-",
        )
        # Values that need a restart stay as they were, so a second reload warns again.
        return new_app.model_copy(
            update={
                "database_url": app.database_url,
                "scheduler": new_app.scheduler.model_copy(
                    update={"max_concurrent_crawls": app.scheduler.max_concurrent_crawls}
                ),
            }
        ), new_plans


def _sleep_until_signal(read_fd: int, timeout: float) -> None:
    readable, _, _ = select.select([read_fd], [], [], timeout)
    if readable:
        try:
            while os.read(read_fd, 512):
                pass
        except BlockingIOError:
            pass
