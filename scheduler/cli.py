"""Click commands of the scheduler: ``daemon``, ``runs`` and ``schedule``.

They are registered on the ``newscrawl`` group by ``crawler/cli.py`` and also run
standalone as ``python -m scheduler``; this package never imports the crawler.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import click

from config import ConfigError, load_config
from scheduler.plan import format_seconds

DB_OPTION = click.option(
    "--db",
    "db_url",
    metavar="URL",
    help="Database URL (default: $NEWSCRAWL_DATABASE_URL, the config's database_url, or sqlite:///var/newscrawl.db).",
)
CONFIG_OPTION = click.option(
    "--config",
    "config_path",
    metavar="PATH",
    type=click.Path(dir_okay=False),
    help="Deployment config TOML (default: $NEWSCRAWL_CONFIG or the packaged defaults).",
)


@click.command()
@CONFIG_OPTION
@DB_OPTION
@click.option(
    "--resolve",
    multiple=True,
    metavar="HOST=ADDR:PORT",
    help="Passed to every crawl: send requests for HOST to ADDR:PORT (tests, local mirrors). "
    "Repeatable.",
)
@click.option(
    "--log-level",
    default=None,
    help="DEBUG, INFO, WARNING, ERROR (default: the config's log_level).",
)
def daemon(
    config_path: str | None, db_url: str | None, resolve: tuple[str, ...], log_level: str | None
) -> None:
    """Crawl every enabled site on its schedule until stopped.

    Each crawl is a child process (`newscrawl crawl SITE --trigger schedule`).
    SIGTERM or SIGINT: no new crawls, SIGTERM to running ones, SIGKILL after
    scheduler.shutdown_grace, exit 0. SIGHUP: reload the config. Refuses to start
    (exit 1) on an invalid config or a database not at the latest migration; a
    brand-new empty database is migrated.

    \b
    Example:
        newscrawl daemon --config /etc/newscrawl/newscrawl.toml
        systemctl reload newscrawl    # SIGHUP: reload after editing a site file
    """
    from scheduler.daemon import Daemon, DaemonOptions, StartupError

    level = log_level or _config_log_level(config_path)
    configure_logging(level)
    options = DaemonOptions(
        config_path=config_path, db_url=db_url, resolve=resolve, log_level=log_level
    )
    try:
        code = Daemon(options).run()
    except StartupError as exc:
        raise click.ClickException(str(exc)) from None
    sys.exit(code)


@click.command()
@click.option("--site", metavar="SITE", help="Only this site.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@DB_OPTION
@CONFIG_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def runs(
    site: str | None, limit: int, db_url: str | None, config_path: str | None, as_json: bool
) -> None:
    """Crawl runs, newest first: status, counts and why each ended.

    \b
    Example:
        newscrawl runs --site tech42 --limit 5
        newscrawl runs --json
    """
    from storage import runs as run_table

    engine = _open_database(db_url, config_path)
    try:
        rows = run_table.list_runs(engine, site=site, limit=limit)
    finally:
        engine.dispose()
    if as_json:
        click.echo(
            json.dumps(
                [{k: _jsonable(v) for k, v in r.items()} for r in rows],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    table = [
        (
            r["id"],
            r["site"],
            r["trigger"],
            r["status"],
            _local(r["started_at"]),
            _duration(r),
            r["pages_fetched"],
            r["articles_new"],
            r["articles_updated"],
            r["error"] or r["finish_reason"] or "",
        )
        for r in rows
    ]
    headers = (
        "id",
        "site",
        "trigger",
        "status",
        "started",
        "took",
        "pages",
        "new",
        "updated",
        "reason",
    )
    click.echo(render_table(headers, table))


@click.command()
@CONFIG_OPTION
@DB_OPTION
def schedule(config_path: str | None, db_url: str | None) -> None:
    """Each enabled site's schedule, last crawl and next crawl.

    The next crawl is computed from the config and the last run in the database:
    what a daemon started now would do (before jitter). Interval schedules count
    from the last crawl; cron schedules use the site's time zone.

    \b
    Example:
        newscrawl schedule --config /etc/newscrawl/newscrawl.toml
    """
    from scheduler.daemon import StartupError, load_plans
    from scheduler.jobs import next_fire

    try:
        _app, plans = load_plans(config_path)
    except StartupError as exc:
        raise click.ClickException(str(exc)) from None
    last = _last_started(db_url, config_path)
    now = datetime.now(timezone.utc)
    table = [
        (
            p.site,
            p.label,
            format_seconds(p.jitter),
            format_seconds(p.time_limit),
            _local(last.get(p.site)) or "-",
            _local(next_fire(p, now, last.get(p.site))) or "never",
        )
        for p in plans.values()
    ]
    click.echo(
        render_table(
            ("site", "schedule", "jitter", "time limit", "last crawl", "next crawl"), table
        )
    )


def configure_logging(level: str) -> None:
    """Log to stderr (journald collects it) at ``level``; APScheduler's own chatter is
    replaced by the daemon's messages, which name the site."""
    logging.basicConfig(
        stream=sys.stderr,
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        force=True,
    )
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    logging.getLogger("apscheduler.executors").setLevel(logging.CRITICAL)
    logging.getLogger("alembic").setLevel(logging.WARNING)


def render_table(headers: tuple[str, ...], rows: list[tuple[Any, ...]]) -> str:
    """A plain column-aligned table (site ids and reasons are ASCII)."""
    cells = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [max([len(h), *(len(row[i]) for row in cells)]) for i, h in enumerate(headers)]

    def line(values: Any) -> str:
        return "  ".join(v.ljust(widths[i]) for i, v in enumerate(values)).rstrip()

    out = [line(headers), line("-" * w for w in widths), *(line(row) for row in cells)]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def _config_log_level(config_path: str | None) -> str:
    try:
        return load_config(config_path).log_level
    except ConfigError:
        return "INFO"  # the daemon reports the error itself


def _open_database(db_url: str | None, config_path: str | None) -> Any:
    from storage.db import make_engine
    from storage.migrate import current

    url = _database_url(db_url, config_path)
    path = Path(url.removeprefix("sqlite:///"))
    if url.startswith("sqlite:///") and not path.exists():
        raise click.ClickException(
            f"no database at {path}: run `newscrawl db upgrade` or a crawl first"
        )
    if current(url) is None:
        raise click.ClickException(
            "the database has no newscrawl schema: run `newscrawl db upgrade`"
        )
    return make_engine(url, readonly=True)


def _database_url(db_url: str | None, config_path: str | None) -> str:
    from scheduler.daemon import resolve_database_url

    try:
        app = load_config(config_path)
    except ConfigError as exc:
        raise click.ClickException(f"invalid config: {exc}") from None
    return resolve_database_url(app, db_url)


def _last_started(db_url: str | None, config_path: str | None) -> dict[str, datetime]:
    from sqlalchemy.exc import SQLAlchemyError

    from storage import runs as run_table

    try:
        engine = _open_database(db_url, config_path)
    except click.ClickException:
        return {}
    try:
        return run_table.last_started(engine)
    except SQLAlchemyError:
        return {}
    finally:
        engine.dispose()


def _local(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S%z") if moment else ""


def _duration(row: dict[str, Any]) -> str:
    if row["finished_at"] is None or row["started_at"] is None:
        return ""
    seconds = (row["finished_at"] - row["started_at"]).total_seconds()
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return (f"{hours}h" if hours else "") + f"{minutes}m{secs:02d}s"


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value
