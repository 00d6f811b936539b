"""The ``newscrawl`` command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from urllib.parse import unquote
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from config import AppConfig, ConfigError, SiteConfig, load_config
from crawler.items import schema_table
from crawler.tables import render_table

DB_OPTION = click.option(
    "--db", "db_url", metavar="URL", help="Database URL (default: $NEWSCRAWL_DATABASE_URL, the config's database_url, or sqlite:///var/newscrawl.db)."
)
CONFIG_OPTION = click.option(
    "--config", "config_path", metavar="PATH", type=click.Path(dir_okay=False), help="Deployment config TOML (default: $NEWSCRAWL_CONFIG or the packaged defaults)."
)


def _load(config_path: str | None) -> AppConfig:
    try:
        return load_config(config_path)
    except ConfigError as exc:
        raise click.ClickException(f"invalid config: {exc}") from None


def _db_url(app: AppConfig | None, explicit: str | None) -> str:
    from storage.db import database_url

    return database_url(explicit or os.environ.get("NEWSCRAWL_DATABASE_URL") or (app.database_url if app else None))


def _site(app: AppConfig, site_id: str) -> SiteConfig:
    try:
        return app.sites[site_id]
    except KeyError:
        known = ", ".join(sorted(app.sites)) or "none"
        raise click.ClickException(f"unknown site {site_id!r} (configured: {known})") from None


class _Group(click.Group):
    """Turns an unreachable database into one line naming it (password redacted)
    instead of a traceback; every other error keeps its own message."""

    def invoke(self, ctx: click.Context) -> Any:
        from sqlalchemy.exc import DBAPIError

        try:
            return super().invoke(ctx)
        except DBAPIError as exc:
            if not exc.connection_invalidated and not _is_connect_error(exc):
                raise
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise click.ClickException(f"cannot use the database: {reason}") from None


def _is_connect_error(exc: Exception) -> bool:
    from sqlalchemy.exc import OperationalError

    text = str(exc).lower()
    return isinstance(exc, OperationalError) and any(
        word in text for word in ("connection", "unable to open", "could not", "does not exist", "authentication", "permission")
    )


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
def main() -> None:
    """newscrawl: a scheduled crawler for Korean tech news.

    \b
    Example:
        newscrawl db upgrade
        newscrawl crawl tech42
        newscrawl articles --site tech42 --limit 20
    """


# --- crawl ---------------------------------------------------------------------------
@main.command()
@click.argument("sites", nargs=-1)
@click.option("--all", "all_sites", is_flag=True, help="Crawl every enabled site, one child process each.")
@DB_OPTION
@CONFIG_OPTION
@click.option("--resolve", multiple=True, metavar="HOST=ADDR:PORT", help="Send every request for HOST (http or https) to http://ADDR:PORT with the original Host header; stored URLs stay real. Repeatable.")
@click.option("--max-articles", type=click.IntRange(min=0), default=0, help="Stop scheduling articles after N (0: the site's limit or none).")
@click.option("--refresh", is_flag=True, help="Fetch every discovered article again, stored or not, and ignore validators (after an extractor change).")
@click.option("--trigger", type=click.Choice(["cli", "schedule"]), default="cli", hidden=True)
@click.option("--log-level", default=None, help="DEBUG, INFO, WARNING, ERROR.")
def crawl(sites: tuple[str, ...], all_sites: bool, db_url: str | None, config_path: str | None,
          resolve: tuple[str, ...], max_articles: int, refresh: bool, trigger: str, log_level: str | None) -> None:
    """Crawl SITE once through Scrapy and store its articles.

    Incremental: feeds, sitemaps and listing pages are fetched with conditional GETs,
    stored articles are not fetched again except for the re-checks the site's
    recheck_after makes due (corrections become revisions), and listing pages are
    walked newest first until a page holds nothing new.

    Exit status: 0 finished, 1 usage or config error, 2 the crawl failed or was stopped.

    \b
    Example:
        newscrawl crawl tech42
        newscrawl crawl tech42 --resolve www.tech42.co.kr=127.0.0.1:8080 --max-articles 20
        newscrawl crawl --all
    """
    from crawler.resolve import parse_resolve

    app = _load(config_path)
    try:
        resolve_map = parse_resolve(resolve)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--resolve") from None
    if all_sites:
        sites = tuple(s.id for s in app.sites.values() if s.enabled)
    if not sites:
        raise click.UsageError("name a site (or --all)")
    chosen = [_site(app, s) for s in sites]
    url = _db_url(app, db_url)
    _ensure_schema(url)
    _sync_sites(url, app)
    if len(chosen) > 1:
        sys.exit(_crawl_children(chosen, url, config_path, resolve, max_articles, refresh, trigger, log_level))
    sys.exit(_crawl_one(app, chosen[0], url, resolve_map, trigger=trigger, log_level=log_level,
                        max_articles=max_articles, refresh=refresh))


def _crawl_one(app: AppConfig, site: SiteConfig, url: str, resolve_map: dict[str, str], *, trigger: str,
               log_level: str | None, max_articles: int = 0, backfill: Any = None, refresh: bool = False) -> int:
    from crawler.runtime import crawl_settings, run_crawl

    settings = crawl_settings(app, site, database_url=url, resolve=resolve_map, trigger=trigger, log_level=log_level)
    code, reason = run_crawl(settings, site, max_articles=max_articles, backfill=backfill, refresh=refresh)
    if code:
        click.echo(f"crawl of {site.id} ended: {reason}", err=True)
    return code


def _crawl_children(sites: list[SiteConfig], url: str, config_path: str | None, resolve: tuple[str, ...],
                    max_articles: int, refresh: bool, trigger: str, log_level: str | None) -> int:
    worst = 0
    for site in sites:
        # The URL may hold a password: it travels in the environment, not on a command
        # line that `ps` shows every user.
        cmd = [sys.executable, "-m", "crawler", "crawl", site.id, "--trigger", trigger,
               "--max-articles", str(max_articles)]
        if config_path:
            cmd += ["--config", config_path]
        for spec in resolve:
            cmd += ["--resolve", spec]
        if log_level:
            cmd += ["--log-level", log_level]
        if refresh:
            cmd.append("--refresh")
        code = subprocess.call(cmd, env={**os.environ, "NEWSCRAWL_DATABASE_URL": url})
        click.echo(f"{site.id}: exit {code}", err=True)
        worst = max(worst, code)
    return worst


def _ensure_schema(url: str) -> None:
    """A brand-new database is created; one at an older migration is refused."""
    from storage import migrate
    from storage.db import redact_url

    current = migrate.current(url)
    if current is None:
        migrate.upgrade(url)
    elif current != migrate.head():
        raise click.ClickException(
            f"database {redact_url(url)} is at migration {current}, not {migrate.head()}: run `newscrawl db upgrade --db URL`"
        )


def _sync_sites(url: str, app: AppConfig) -> None:
    from storage.db import make_engine
    from storage.repository import Repository

    engine = make_engine(url)
    try:
        Repository(engine).sync_sites(
            {"id": s.id, "name": s.name, "base_url": s.base_url, "family": s.extract.family, "enabled": s.enabled}
            for s in app.sites.values()
        )
    finally:
        engine.dispose()


# --- backfill ------------------------------------------------------------------------
@main.command()
@click.argument("site_id", metavar="SITE")
@click.option("--since", required=True, metavar="DATE", help="Oldest publication date to reach (YYYY-MM-DD, site time zone).")
@click.option("--until", metavar="DATE", help="Newest publication date wanted from sitemaps (YYYY-MM-DD, inclusive).")
@DB_OPTION
@CONFIG_OPTION
@click.option("--resolve", multiple=True, metavar="HOST=ADDR:PORT", help="As for crawl: fetch HOST from a mirror.")
@click.option("--log-level", default=None, help="DEBUG, INFO, WARNING, ERROR.")
def backfill(site_id: str, since: str, until: str | None, db_url: str | None, config_path: str | None,
             resolve: tuple[str, ...], log_level: str | None) -> None:
    """Walk SITE's listing pages and sitemaps back in time to --since, storing what is missing.

    Resumable: interrupted (Ctrl-C, SIGTERM, a crash), the same command continues from
    the last listing page it finished, and articles already stored are never fetched
    again. A progress line (pages, articles, rate, ETA) is logged every few seconds.

    \b
    Example:
        newscrawl backfill tech42 --since 2024-01-01
        newscrawl backfill tech42 --since 2023-01-01 --until 2023-12-31
    """
    from crawler.backfill import BackfillWalk
    from crawler.resolve import parse_resolve
    from storage.db import make_engine
    from storage.frontier import open_backfill

    app = _load(config_path)
    site = _site(app, site_id)
    try:
        resolve_map = parse_resolve(resolve)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--resolve") from None
    start = _site_date(since, site, "--since")
    end = _site_date(until, site, "--until", end_of_day=True) if until else None
    if end is not None and end < start:
        raise click.BadParameter("must not be before --since", param_hint="--until")
    url = _db_url(app, db_url)
    _ensure_schema(url)
    _sync_sites(url, app)
    engine = make_engine(url)
    try:
        state = open_backfill(engine, site.id, start, end)
    finally:
        engine.dispose()
    walk = BackfillWalk(state, start, end)
    sys.exit(_crawl_one(app, site, url, resolve_map, trigger="backfill", log_level=log_level, backfill=walk))


def _site_date(value: str, site: SiteConfig, option: str, *, end_of_day: bool = False) -> datetime:
    from datetime import time, timedelta
    from zoneinfo import ZoneInfo

    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2024-03-16", param_hint=option) from None
    moment = datetime.combine(day, time(0), tzinfo=ZoneInfo(site.timezone))
    if end_of_day:
        moment += timedelta(days=1) - timedelta(microseconds=1)
    return moment.astimezone(UTC)


# --- extract -------------------------------------------------------------------------
@main.command()
@click.argument("source")
@click.option("--url", "page_url", metavar="URL", help="Where a FILE came from (its canonical address).")
@click.option("--site", "site_id", metavar="SITE", help="Use this configured site's extraction settings.")
@CONFIG_OPTION
def extract(source: str, page_url: str | None, site_id: str | None, config_path: str | None) -> None:
    """Print the article extracted from FILE or URL as JSON (the first debugging tool).

    A FILE may be gzipped (.gz). Without --site, the site is guessed from the URL's
    host among the configured sites, else the generic extractor is used.

    \b
    Example:
        newscrawl extract page.html --url https://www.tech42.co.kr/some-slug/ --site tech42
        newscrawl extract https://www.tech42.co.kr/some-slug/
    """
    from crawler.extract import extract_article
    from crawler.extract.errors import ExtractionError, NotAnArticle
    from crawler.linkfilter import LinkFilter
    from crawler.siteprofile import extract_profile

    app = _load(config_path)
    headers: dict[str, str] = {}
    if source.startswith(("http://", "https://")):
        page_url = page_url or source
        request = urllib.request.Request(source, headers={"User-Agent": app.user_agent})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - http(s) checked above
                body = response.read(16 * 1024 * 1024)
                headers["Content-Type"] = response.headers.get("Content-Type", "")
                page_url = response.geturl() if page_url == source else page_url
        except OSError as exc:
            raise click.ClickException(f"cannot fetch {source}: {exc}") from None
    else:
        path = Path(source)
        if not path.is_file():
            raise click.ClickException(f"{source}: no such file (give a FILE or an http(s) URL)")
        body = path.read_bytes()
        if body[:2] == b"\x1f\x8b":
            import gzip

            body = gzip.decompress(body)
        page_url = page_url or path.resolve().as_uri()
    site = _site(app, site_id) if site_id else next(
        (s for s in app.sites.values() if LinkFilter(s.domains).on_site(page_url)), None
    )
    profile = None
    if site is not None:
        profile = extract_profile(site)
    try:
        article = extract_article(body, page_url, profile=profile, headers=headers, fetched_at=datetime.now(UTC))
    except NotAnArticle as exc:
        raise click.ClickException(f"not an article ({exc.reason}): {page_url}") from None
    except ExtractionError as exc:
        raise click.ClickException(f"extraction failed: {exc}") from None
    click.echo(json.dumps(article.to_dict(), ensure_ascii=False, indent=2))


# --- sql / articles ------------------------------------------------------------------
@main.command()
@click.argument("query")
@DB_OPTION
@CONFIG_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print rows as a JSON array of objects.")
def sql(query: str, db_url: str | None, config_path: str | None, as_json: bool) -> None:
    """Run QUERY over a read-only connection and print the rows.

    Writes are refused by the database itself (SQLite opened read-only, PostgreSQL
    in a read-only transaction). Views: v_articles, v_recent_runs, v_source_health,
    v_duplicates.

    \b
    Example:
        newscrawl sql "SELECT site, count(*) FROM articles GROUP BY site"
        newscrawl sql "SELECT title, published_at FROM v_articles LIMIT 5" --json
    """
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from storage.db import make_engine

    url = _db_url(_load(config_path), db_url)
    _require_database(url)
    engine = make_engine(url, readonly=True)
    try:
        with engine.connect() as conn:
            result = conn.execute(text(query))
            if not result.returns_rows:
                raise click.ClickException("the statement returned no rows (newscrawl sql is read-only)")
            columns = list(result.keys())
            rows = [list(r) for r in result]
    except DBAPIError as exc:
        message = str(exc.orig).strip().splitlines()[0]
        if _is_write_refusal(message):
            raise click.ClickException(f"refused: newscrawl sql is read-only, nothing was changed ({message})") from None
        raise click.ClickException(f"SQL error: {message}") from None
    finally:
        engine.dispose()
    _print_rows(columns, rows, as_json)


def _is_write_refusal(message: str) -> bool:
    lowered = message.lower()
    return "readonly" in lowered or "read-only" in lowered or "read only" in lowered


def _require_database(url: str) -> None:
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if not path.exists():
            raise click.ClickException(f"no database at {path}: run `newscrawl db upgrade` or a crawl first")


def _print_rows(columns: list[str], rows: list[list[Any]], as_json: bool) -> None:
    if as_json:
        records = [dict(zip(columns, (_jsonable(v) for v in row), strict=True)) for row in rows]
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
    else:
        click.echo(render_table(columns, rows))
        click.echo(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value


@main.command()
@click.option("--site", metavar="SITE", help="Only this site.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@DB_OPTION
@CONFIG_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def articles(site: str | None, limit: int, db_url: str | None, config_path: str | None, as_json: bool) -> None:
    """The latest stored articles, newest first.

    \b
    Example:
        newscrawl articles --site tech42 --limit 10
    """
    from sqlalchemy import text

    from storage.db import make_engine

    url = _db_url(_load(config_path), db_url)
    _require_database(url)
    query = (
        "SELECT id, site, published_at, title, reporters, url FROM v_articles"
        + (" WHERE site = :site" if site else "")
        + " ORDER BY published_at DESC, id DESC LIMIT :limit"
    )
    engine = make_engine(url, readonly=True)
    try:
        with engine.connect() as conn:
            result = conn.execute(text(query), {"site": site, "limit": limit})
            columns = list(result.keys())
            rows = [list(r) for r in result]
    finally:
        engine.dispose()
    if not as_json:
        # Korean slugs are stored percent-encoded, as fetched; people read them decoded.
        position = columns.index("url")
        for row in rows:
            row[position] = unquote(row[position])
    _print_rows(columns, rows, as_json)


# --- db / schema / sites -------------------------------------------------------------
@main.group()
def db() -> None:
    """Database migrations (Alembic).

    \b
    Example:
        newscrawl db upgrade
        newscrawl db current --db postgresql+psycopg://newscrawl@localhost/newscrawl
    """


@db.command("upgrade")
@DB_OPTION
@CONFIG_OPTION
def db_upgrade(db_url: str | None, config_path: str | None) -> None:
    """Bring the database to the latest migration (creates it if new).

    \b
    Example:
        newscrawl db upgrade
    """
    from storage import migrate
    from storage.db import redact_url

    url = _db_url(_load(config_path), db_url)
    migrate.upgrade(url)
    click.echo(f"{redact_url(url)}: at migration {migrate.current(url)}")


@db.command("current")
@DB_OPTION
@CONFIG_OPTION
def db_current(db_url: str | None, config_path: str | None) -> None:
    """Print the database's migration and the latest one.

    \b
    Example:
        newscrawl db current
    """
    from storage import migrate

    url = _db_url(_load(config_path), db_url)
    current = migrate.current(url)
    click.echo(f"current: {current or '(empty database)'}\nlatest:  {migrate.head()}")


@main.command()
def schema() -> None:
    """Print the article schema: every field with its meaning and format.

    \b
    Example:
        newscrawl schema
    """
    click.echo(render_table(["field", "type", "meaning"], schema_table(), max_width=110))


@main.group()
def sites() -> None:
    """Configured sites: list them, check one.

    \b
    Example:
        newscrawl sites list
        newscrawl sites check tech42
    """


@sites.command("list")
@CONFIG_OPTION
def sites_list(config_path: str | None) -> None:
    """List the configured sites with their family and schedule (validates the config).

    \b
    Example:
        newscrawl sites list --config /etc/newscrawl/newscrawl.toml
    """
    app = _load(config_path)
    rows = [
        (s.id, s.name, s.extract.family, "yes" if s.enabled else "no",
         s.schedule.every and f"every {s.schedule.every}" or f"cron {s.schedule.cron}",
         ", ".join(src.kind for src in s.sources))
        for s in app.sites.values()
    ]
    click.echo(render_table(["site", "name", "family", "enabled", "schedule", "sources"], rows))


@sites.command("check")
@click.argument("site_id", metavar="SITE")
@CONFIG_OPTION
@click.option("--resolve", multiple=True, metavar="HOST=ADDR:PORT", help="As for crawl: fetch HOST from a mirror.")
def sites_check(site_id: str, config_path: str | None, resolve: tuple[str, ...]) -> None:
    """Show what a crawl of SITE will do: its config, politeness and robots.txt verdicts.

    Fetches the site's robots.txt and says, for each source URL, whether robots.txt
    lets newscrawl's User-Agent fetch it, and which crawl delay it asks for.

    \b
    Example:
        newscrawl sites check tech42
    """
    from crawler.resolve import parse_resolve
    from crawler.robots import check_robots

    app = _load(config_path)
    site = _site(app, site_id)
    try:
        resolve_map = parse_resolve(resolve)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--resolve") from None
    crawl_cfg = site.crawl
    click.echo(f"site {site.id} ({site.name}), family {site.extract.family}, domains {', '.join(site.domains)}")
    click.echo(f"schedule: {site.schedule.every and 'every ' + site.schedule.every or 'cron ' + str(site.schedule.cron)}"
               f", time limit {crawl_cfg.time_limit}")
    click.echo(f"politeness: robots.txt {'obeyed' if crawl_cfg.robots_txt_obey else 'IGNORED'}, "
               f"{crawl_cfg.concurrent_requests_per_domain} request(s) at a time per host, delay {crawl_cfg.download_delay}s "
               f"(AutoThrottle), timeout {crawl_cfg.download_timeout}s, circuit breaker after {crawl_cfg.circuit_breaker} refusals")
    click.echo(f"user agent: {app.user_agent}")
    report = check_robots(site.base_url, [src.url for src in site.sources], app.user_agent, resolve_map)
    click.echo(report)


# --- scheduler (the CLI may import the scheduler; the scheduler never imports the crawler)
from scheduler.cli import daemon, runs, schedule  # noqa: E402

main.add_command(daemon)
main.add_command(runs)
main.add_command(schedule)
