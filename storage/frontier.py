"""The URL frontier and backfill cursors: what makes a crawl cost what is new.

The crawler reads the frontier once when a crawl opens (validators for conditional
GETs, which articles are known and when they were published) and writes fetch
results back in batches, so a crawl of an unchanged site costs a handful of
requests and a few statements.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from storage.db import WRITE_TRANSACTION, is_sqlite
from storage.dedup import url_key
from storage.models import Article, Backfill, FrontierUrl

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

_BATCH = 500


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True, slots=True)
class FrontierState:
    url: str
    kind: str
    etag: str | None
    last_modified: str | None
    last_fetched_at: datetime | None
    http_status: int | None
    failures: int
    next_check_at: datetime | None


def load_frontier(engine: Engine, site: str, kinds: Iterable[str] | None = None) -> dict[str, FrontierState]:
    """``url_key`` → state for the site's frontier rows (optionally of some kinds)."""
    table = FrontierUrl.__table__
    query = select(
        table.c.url_key, table.c.url, table.c.kind, table.c.etag, table.c.last_modified,
        table.c.last_fetched_at, table.c.http_status, table.c.failures, table.c.next_check_at,
    ).where(table.c.site == site)
    if kinds is not None:
        query = query.where(table.c.kind.in_(list(kinds)))
    with engine.connect() as conn:
        return {
            row.url_key: FrontierState(row.url, row.kind, row.etag, row.last_modified, row.last_fetched_at,
                                       row.http_status, row.failures, row.next_check_at)
            for row in conn.execute(query)
        }


def record_urls(engine: Engine, site: str, rows: Iterable[Mapping[str, Any]]) -> int:
    """Upsert frontier rows; returns how many were written.

    Each row has ``url`` and ``kind`` and optionally the fetch result: ``fetched_at``,
    ``http_status``, ``etag``, ``last_modified``, ``failed`` (bool), ``error``,
    ``next_check_at``. A row without ``fetched_at`` only records the discovery and
    never overwrites what an earlier fetch recorded.
    """
    table = FrontierUrl.__table__
    now = _now()
    fetched: dict[str, dict[str, Any]] = {}
    discovered: dict[str, dict[str, Any]] = {}
    for row in rows:
        try:
            key = url_key(row["url"])
        except ValueError:
            continue
        base = {"site": site, "url": row["url"], "url_key": key, "kind": row["kind"], "first_seen_at": now}
        if row.get("fetched_at") is None:
            discovered.setdefault(key, base)
            continue
        fetched[key] = {
            **base,
            "last_fetched_at": row["fetched_at"],
            "http_status": row.get("http_status"),
            "etag": row.get("etag"),
            "last_modified": row.get("last_modified"),
            "failures": 1 if row.get("failed") else 0,
            "next_check_at": row.get("next_check_at"),
            "last_error": row.get("error"),
        }
    insert = sqlite.insert if is_sqlite(engine) else postgresql.insert
    with engine.connect() as conn:
        conn.execution_options(**{WRITE_TRANSACTION: True})
        with conn.begin():
            for chunk in _chunks(list(discovered.values()), _BATCH):
                conn.execute(insert(table).on_conflict_do_nothing(index_elements=["url_key"]), chunk)
            for chunk in _chunks(list(fetched.values()), _BATCH):
                stmt = insert(table)
                excluded = stmt.excluded
                conn.execute(
                    stmt.on_conflict_do_update(
                        index_elements=["url_key"],
                        set_={
                            "url": excluded.url,
                            "kind": excluded.kind,
                            "last_fetched_at": excluded.last_fetched_at,
                            "http_status": excluded.http_status,
                            # A 304 carries no new validators: keep the ones we had.
                            "etag": _coalesce(excluded.etag, table.c.etag),
                            "last_modified": _coalesce(excluded.last_modified, table.c.last_modified),
                            "failures": _failures(excluded.failures, table.c.failures),
                            "next_check_at": excluded.next_check_at,
                            "last_error": excluded.last_error,
                        },
                    ),
                    chunk,
                )
    return len(discovered) + len(fetched)


def _coalesce(new, old):
    return func.coalesce(new, old)


def _failures(new, old):
    # A success resets the count; a failure adds one to it.
    return case((new == 0, 0), else_=old + 1)


def _chunks(rows: list[dict[str, Any]], size: int) -> Iterable[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def known_articles(engine: Engine, site: str) -> dict[str, datetime | None]:
    """``url_key`` → ``published_at`` of every stored article of the site, under the
    key of its canonical URL and of the URL it was fetched from."""
    table = Article.__table__
    known: dict[str, datetime | None] = {}
    with engine.connect() as conn:
        for row in conn.execute(
            select(table.c.url_key, table.c.url, table.c.canonical_url, table.c.published_at).where(table.c.site == site)
        ):
            known[row.url_key] = row.published_at
            if row.canonical_url and row.url != row.canonical_url:
                try:
                    known[url_key(row.url)] = row.published_at
                except ValueError:
                    pass
    return known


def due_rechecks(engine: Engine, site: str, offsets: Iterable[timedelta], now: datetime | None = None) -> list[str]:
    """URLs of recent articles whose next re-check is due.

    An article published at P is re-fetched once for each offset: when now ≥ P+offset
    and it was last fetched before P+offset. Several passed offsets since the last
    fetch cost one fetch.
    """
    offsets = sorted(offsets)
    if not offsets:
        return []
    now = now or _now()
    table = Article.__table__
    horizon = now - offsets[-1] - timedelta(days=1)
    due: list[str] = []
    with engine.connect() as conn:
        rows = conn.execute(
            select(table.c.url, table.c.published_at, table.c.fetched_at).where(
                table.c.site == site, table.c.published_at >= horizon, table.c.duplicate_of_id.is_(None)
            )
        )
        for row in rows:
            passed = [row.published_at + o for o in offsets if row.published_at + o <= now]
            if passed and row.fetched_at < passed[-1]:
                due.append(row.url)
    return due


# --- backfills -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class BackfillState:
    id: int
    next_url: str | None
    pages_fetched: int
    articles_stored: int
    resumed: bool


def open_backfill(engine: Engine, site: str, since: datetime, until: datetime | None) -> BackfillState:
    """Resume the latest unfinished backfill of the same site and range, or start one."""
    table = Backfill.__table__
    now = _now()
    with engine.connect() as conn:
        conn.execution_options(**{WRITE_TRANSACTION: True})
        with conn.begin():
            query = select(table).where(table.c.site == site, table.c.since == since, table.c.status != "finished")
            query = query.where(table.c.until.is_(None) if until is None else table.c.until == until)
            row = conn.execute(query.order_by(table.c.id.desc()).limit(1)).first()
            if row is not None:
                conn.execute(update(table).where(table.c.id == row.id).values(status="running", updated_at=now))
                return BackfillState(row.id, row.next_url, row.pages_fetched, row.articles_stored, resumed=True)
            new_id = conn.execute(
                table.insert().values(site=site, since=since, until=until, status="running",
                                      started_at=now, updated_at=now).returning(table.c.id)
            ).scalar_one()
    return BackfillState(new_id, None, 0, 0, resumed=False)


def save_backfill(engine: Engine, backfill_id: int, *, next_url: str | None, pages_fetched: int,
                  articles_stored: int, status: str | None = None) -> None:
    values: dict[str, Any] = {"next_url": next_url, "pages_fetched": pages_fetched,
                              "articles_stored": articles_stored, "updated_at": _now()}
    if status:
        values["status"] = status
        if status == "finished":
            values["finished_at"] = _now()
    table = Backfill.__table__
    with engine.connect() as conn:
        conn.execution_options(**{WRITE_TRANSACTION: True})
        with conn.begin():
            conn.execute(update(table).where(table.c.id == backfill_id).values(**values))
