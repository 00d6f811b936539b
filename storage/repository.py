"""The only write API of the database: articles, crawl runs, the site mirror.

Every public method is one short transaction. Concurrent crawl processes may
write the same database; the UNIQUE constraint on ``articles.url_key`` decides
races (``INSERT ... ON CONFLICT DO NOTHING``, then re-read), so an article is
never stored twice. Transient lock and connection errors are retried a few
times; any other database error is a bug and propagates.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import os
import socket
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any, Final, Literal, TypeVar

from sqlalchemy import bindparam, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from storage.db import WRITE_TRANSACTION
from storage.dedup import content_hash, url_key
from storage.models import (
    COUNT_COLUMNS,
    FETCHED_ELSEWHERE,
    RUN_STATUSES,
    Article,
    ArticleRevision,
    CrawlRun,
    Site,
)

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.engine import Connection, Engine, Row

logger = logging.getLogger(__name__)

Outcome = Literal["new", "updated", "unchanged", "duplicate"]
NEW: Final = "new"
UPDATED: Final = "updated"
UNCHANGED: Final = "unchanged"
DUPLICATE: Final = "duplicate"

_T = TypeVar("_T")

_ARTICLE_TEXT_FIELDS = (
    "url",
    "site",
    "canonical_url",
    "title",
    "subtitle",
    "summary",
    "body",
    "published_raw",
    "modified_raw",
    "section",
    "language",
    "extractor",
)
_ARTICLE_LIST_FIELDS = ("reporters", "tags", "images", "related_links")
_ARTICLE_TIME_FIELDS = ("published_at", "modified_at", "fetched_at")
_ARTICLE_FIELDS = frozenset(
    (*_ARTICLE_TEXT_FIELDS, *_ARTICLE_LIST_FIELDS, *_ARTICLE_TIME_FIELDS, "provenance")
)
# The content of a version, copied to article_revisions when it is replaced.
_REVISION_FIELDS = (
    "title",
    "subtitle",
    "summary",
    "body",
    "reporters",
    "modified_at",
    "modified_raw",
    "content_hash",
    "fetched_at",
)
_OUTCOME_COUNTS = {
    NEW: "articles_new",
    UPDATED: "articles_updated",
    UNCHANGED: "articles_unchanged",
    DUPLICATE: "articles_duplicate",
}
_ATTEMPTS = 4


class Repository:
    """Reads and writes newscrawl's tables through one engine.

    Args:
        engine: From :func:`storage.db.make_engine`; the schema must be migrated.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    # Articles -----------------------------------------------------------------

    def upsert_article(self, article: Mapping[str, Any]) -> Outcome:
        """Store one extracted article and say what happened to it.

        The article is keyed by ``url_key(canonical_url or url)``:

        * unknown key, content new to the site: inserted → ``"new"``;
        * unknown key, same ``content_hash`` (non-empty body) as an article of the
          same site: inserted with ``duplicate_of_id`` pointing at that article
          (or at its original) → ``"duplicate"``;
        * known key, same content hash: only ``last_seen_at`` and ``fetched_at``
          change → ``"unchanged"``;
        * known key, different hash: the stored version is copied to
          ``article_revisions``, the row is updated in place and ``revision``
          incremented → ``"updated"``. A missing ``published_at`` in the new
          version keeps the stored one.

        Args:
            article: ``crawler.items.Article.to_dict()`` output: ``url`` and ``site``
                required; datetimes as aware ``datetime`` or ISO 8601 strings with an
                offset; list fields may be omitted. Unknown keys are ignored.

        Returns:
            ``"new"``, ``"updated"``, ``"unchanged"`` or ``"duplicate"``.

        Raises:
            ValueError: ``url``/``site`` missing, a URL that is not http(s), or a
                datetime without a time zone.
        """
        prepared = _prepare(article)
        return self._retrying(lambda: self._upsert_batch([prepared])[0])

    def upsert_articles(self, articles: Sequence[Mapping[str, Any]]) -> list[Outcome]:
        """Store several articles in one transaction; the outcome of each, in order.

        The rules of :meth:`upsert_article` apply to each article in turn, so a later
        article of the batch sees the earlier ones (the same URL twice: ``"new"`` then
        ``"unchanged"`` or ``"updated"``; the same content twice: ``"new"`` then
        ``"duplicate"``). One commit for the batch instead of one per article is most
        of what storing costs a crawl on SQLite.

        Args:
            articles: as for :meth:`upsert_article`.

        Returns:
            One outcome per article.

        Raises:
            ValueError: an article is invalid; nothing of the batch is written.
        """
        prepared = [_prepare(article) for article in articles]
        if not prepared:
            return []
        return self._retrying(lambda: self._upsert_batch(prepared))

    def _upsert_batch(self, batch: list[_Prepared]) -> list[Outcome]:
        with self._write() as conn:
            if len(batch) > 1 and _all_plainly_new(conn, batch):
                return _insert_all_new(conn, batch)
            return [_upsert_in(conn, *item) for item in batch]

    def known_url_keys(self, site: str) -> set[str]:
        """Return the URL keys already stored for ``site``.

        Includes the key of each article's fetched ``url`` as well as its stored
        (canonical) key, so a crawler comparing ``url_key(link)`` of discovered links
        skips articles whose canonical URL differs from the link it found.
        """
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(Article.url_key, Article.url, Article.canonical_url).where(
                    Article.site == site
                )
            ).all()
        keys = {row.url_key for row in rows}
        for row in rows:
            if row.canonical_url and row.url != row.canonical_url:
                try:
                    keys.add(url_key(row.url))
                except ValueError:
                    logger.warning("article url is not http(s): %r", row.url)
        return keys

    def get_article(self, url: str) -> dict[str, Any] | None:
        """Return the stored article for ``url`` as a column → value dict, or ``None``.

        ``url`` may be the canonical URL, any URL with the same :func:`url_key`, or the
        exact URL the article was fetched from.
        """
        table = Article.__table__
        with self._engine.connect() as conn:
            row = conn.execute(select(table).where(table.c.url_key == url_key(url))).first()
            if row is None:
                # Only a row keyed by another (canonical) URL can hold ``url`` and not
                # have matched above; saying so lets the lookup use the partial index.
                row = conn.execute(
                    select(table).where(table.c.url == url, text(FETCHED_ELSEWHERE)).order_by(table.c.id).limit(1)
                ).first()
        return None if row is None else dict(row._mapping)

    # Crawl runs ---------------------------------------------------------------

    def start_run(self, site: str, trigger: str, pid: int | None = None) -> int:
        """Record the start of a crawl and return its ``crawl_runs.id``.

        Args:
            site: Site id.
            trigger: Who started it: ``"cli"``, ``"schedule"``, ...
            pid: Process doing the crawl; defaults to the calling process.
        """
        row = {
            "site": site,
            "trigger": trigger,
            "pid": os.getpid() if pid is None else pid,
            "host": socket.gethostname(),
            "started_at": _utcnow(),
            "status": "running",
            "items_dropped": {},
            "errors": {},
            "stats": {},
        }

        def insert() -> int:
            with self._write() as conn:
                stmt = CrawlRun.__table__.insert().values(row).returning(CrawlRun.id)
                return int(conn.execute(stmt).scalar_one())

        return self._retrying(insert)

    def finish_run(
        self,
        run_id: int,
        *,
        status: str,
        finish_reason: str | None,
        counts: Mapping[str, int],
        items_dropped: Mapping[str, int],
        errors: Mapping[str, int],
        stats: Mapping[str, Any],
        error: str | None = None,
    ) -> None:
        """Close a crawl run: status, reason, counters and the crawler's stats.

        Args:
            run_id: From :meth:`start_run`.
            status: One of :data:`storage.models.RUN_STATUSES` other than ``running``.
            finish_reason: Scrapy's close reason (``finished``, ``shutdown``, ...).
            counts: Counters by column name (``pages_fetched``, ``articles_new``, ...)
                or by :meth:`upsert_article` outcome (``new``, ``updated``, ...);
                missing counters are 0.
            items_dropped: Dropped items per reason.
            errors: Errors per exception class.
            stats: Scrapy stats; datetimes and other non-JSON values become strings.
            error: Traceback or message when the run failed.

        Raises:
            ValueError: Unknown status or counter name.
            LookupError: No run with ``run_id``.
        """
        if status not in RUN_STATUSES or status == "running":
            raise ValueError(f"finish status must be one of {RUN_STATUSES[1:]}, not {status!r}")
        values: dict[str, Any] = dict.fromkeys(COUNT_COLUMNS, 0)
        for name, count in counts.items():
            column = _OUTCOME_COUNTS.get(name, name)
            if column not in COUNT_COLUMNS:
                raise ValueError(f"unknown crawl_runs counter {name!r}")
            values[column] = int(count)
        values |= {
            "status": status,
            "finish_reason": finish_reason,
            "finished_at": _utcnow(),
            "items_dropped": _json_safe(items_dropped),
            "errors": _json_safe(errors),
            "stats": _json_safe(stats),
            "error": error,
        }

        def write() -> None:
            with self._write() as conn:
                result = conn.execute(
                    update(CrawlRun).where(CrawlRun.id == run_id).values(values)
                )
                if result.rowcount == 0:
                    raise LookupError(f"no crawl run with id {run_id}")

        self._retrying(write)

    def mark_abandoned(
        self, site: str | None = None, *, pids_alive: Callable[[int], bool] | None = None
    ) -> int:
        """Mark runs still ``running`` as ``abandoned``, e.g. after a daemon restart.

        Args:
            site: Only this site's runs; all sites when ``None``.
            pids_alive: ``pids_alive(pid) -> bool``. When given, a run is left alone if
                it was started on this host and its pid is alive, or if it was started
                on another host (its process cannot be checked from here). When
                ``None``, every running run is marked.

        Returns:
            How many runs were marked.
        """
        host = socket.gethostname()

        def mark() -> int:
            with self._write() as conn:
                query = select(CrawlRun.id, CrawlRun.pid, CrawlRun.host).where(
                    CrawlRun.status == "running"
                )
                if site is not None:
                    query = query.where(CrawlRun.site == site)
                ids = [
                    run.id
                    for run in conn.execute(query.with_for_update())
                    if pids_alive is None or not _may_be_alive(run, host, pids_alive)
                ]
                if ids:
                    conn.execute(
                        update(CrawlRun)
                        .where(CrawlRun.id.in_(ids), CrawlRun.status == "running")
                        .values(status="abandoned", finished_at=_utcnow(), finish_reason="abandoned")
                    )
                return len(ids)

        return self._retrying(mark)

    # Sites --------------------------------------------------------------------

    def sync_sites(self, rows: Iterable[Mapping[str, Any]]) -> None:
        """Make ``sites`` mirror the configured sites.

        Each row needs ``id`` and may have ``name``, ``base_url``, ``family`` and
        ``enabled`` (default true). Sites in the table but not in ``rows`` are kept,
        since articles still name them, and set ``enabled = false``.
        """
        now = _utcnow()
        records = [
            {
                "id": str(row["id"]),
                "name": row.get("name"),
                "base_url": row.get("base_url"),
                "family": row.get("family"),
                "enabled": bool(row.get("enabled", True)),
                "updated_at": now,
            }
            for row in rows
        ]

        def write() -> None:
            with self._write() as conn:
                for record in records:
                    stmt = _insert(conn, Site.__table__).values(record)
                    conn.execute(
                        stmt.on_conflict_do_update(
                            index_elements=["id"],
                            set_={k: stmt.excluded[k] for k in record if k != "id"},
                        )
                    )
                gone = update(Site).where(Site.enabled.is_(True))
                if records:
                    gone = gone.where(Site.id.not_in([r["id"] for r in records]))
                conn.execute(gone.values(enabled=False, updated_at=now))

        self._retrying(write)

    # Plumbing -----------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._engine.connect() as conn:
            conn.execution_options(**{WRITE_TRANSACTION: True})
            with conn.begin():
                yield conn

    def _retrying(self, operation: Callable[[], _T]) -> _T:
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                return operation()
            except DBAPIError as exc:
                if attempt == _ATTEMPTS or not _is_transient(exc):
                    raise
                logger.warning("transient database error (attempt %d): %s", attempt, exc.orig)
                time.sleep(0.05 * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover


def _article_values(article: Mapping[str, Any]) -> dict[str, Any]:
    missing = [name for name in ("url", "site") if not article.get(name)]
    if missing:
        raise ValueError(f"article without {', '.join(missing)}")
    unknown = set(article) - _ARTICLE_FIELDS
    if unknown:
        logger.debug("ignoring article fields not stored: %s", sorted(unknown))
    values: dict[str, Any] = {name: article.get(name) for name in _ARTICLE_TEXT_FIELDS}
    for name in _ARTICLE_LIST_FIELDS:
        values[name] = [_plain(item) for item in article.get(name) or ()]
    for name in _ARTICLE_TIME_FIELDS:
        values[name] = _as_utc(article.get(name), name)
    values["fetched_at"] = values["fetched_at"] or _utcnow()
    values["provenance"] = dict(article.get("provenance") or {})
    return values


_Prepared = tuple[dict[str, Any], str, str, bool]
"""An article's column values, URL key, content hash and whether it may be a duplicate."""


def _prepare(article: Mapping[str, Any]) -> _Prepared:
    values = _article_values(article)
    key = url_key(values["canonical_url"] or values["url"])
    digest = content_hash(values["title"], values["body"])
    return values, key, digest, bool((values["body"] or "").strip())


# The statements of an upsert are built once: building them per call (``.values(row)``
# coerces every column value, then a cache key is generated) cost more than the
# database's own work for the upsert.
_ARTICLES = Article.__table__
# FOR UPDATE serialises concurrent revisions of one article on PostgreSQL;
# SQLite needs nothing more than the BEGIN IMMEDIATE it already holds.
_SELECT_BY_KEY = select(_ARTICLES).where(_ARTICLES.c.url_key == bindparam("b_key")).with_for_update()
_FIND_ORIGINAL = (
    select(_ARTICLES.c.id, _ARTICLES.c.duplicate_of_id)
    .where(_ARTICLES.c.site == bindparam("b_site"), _ARTICLES.c.content_hash == bindparam("b_digest"))
    .order_by(_ARTICLES.c.id)
    .limit(1)
)
_TOUCH = (
    update(_ARTICLES)
    .where(_ARTICLES.c.id == bindparam("b_id"))
    .values(last_seen_at=bindparam("b_now"), fetched_at=bindparam("b_fetched"))
)
_INSERT_NEW = {
    name: dialect.insert(_ARTICLES).on_conflict_do_nothing(index_elements=["url_key"]).returning(_ARTICLES.c.id)
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}
_INSERT_MANY = {
    name: dialect.insert(_ARTICLES).on_conflict_do_nothing(index_elements=["url_key"]).returning(_ARTICLES.c.url_key)
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}
_KEYS_STORED = select(_ARTICLES.c.url_key).where(_ARTICLES.c.url_key.in_(bindparam("b_keys", expanding=True)))
_DIGESTS_STORED = select(_ARTICLES.c.site, _ARTICLES.c.content_hash).where(
    _ARTICLES.c.content_hash.in_(bindparam("b_digests", expanding=True))
)


def _all_plainly_new(conn: Connection, batch: list[_Prepared]) -> bool:
    """Whether every article of ``batch`` would be ``"new"`` one by one: a URL key neither
    stored nor repeated in the batch, content that matches no stored or earlier article
    of its site. Then one multi-row INSERT does what the per-article path would."""
    keys = [key for _, key, _, _ in batch]
    if len(set(keys)) != len(keys):
        return False
    digests = [(values["site"], digest) for values, _, digest, may_duplicate in batch if may_duplicate]
    if len(set(digests)) != len(digests):
        return False
    if conn.execute(_KEYS_STORED, {"b_keys": keys}).first() is not None:
        return False
    if digests:
        wanted = set(digests)
        stored = conn.execute(_DIGESTS_STORED, {"b_digests": sorted({d for _, d in digests})})
        if any((row.site, row.content_hash) in wanted for row in stored):
            return False
    return True


def _insert_all_new(conn: Connection, batch: list[_Prepared]) -> list[Outcome]:
    now = _utcnow()
    rows = [
        {**values, "url_key": key, "content_hash": digest, "duplicate_of_id": None, "revision": 1,
         "first_seen_at": now, "last_seen_at": now, "updated_at": now}
        for values, key, digest, _ in batch
    ]
    try:
        insert = _INSERT_MANY[conn.dialect.name]
    except KeyError:
        raise NotImplementedError(f"no upsert for dialect {conn.dialect.name!r}") from None
    inserted = {row.url_key for row in conn.execute(insert, rows)}
    # A key missing here was inserted by another process since the check (PostgreSQL;
    # SQLite's BEGIN IMMEDIATE excludes that): compare against its row like a re-crawl.
    return [NEW if item[1] in inserted else _upsert_in(conn, *item) for item in batch]


def _upsert_in(
    conn: Connection, values: dict[str, Any], key: str, digest: str, may_duplicate: bool
) -> Outcome:
    now = _utcnow()
    current = _select_article_for_update(conn, key)
    if current is None:
        original_id = _find_original(conn, values["site"], digest) if may_duplicate else None
        row = {
            **values,
            "url_key": key,
            "content_hash": digest,
            "duplicate_of_id": original_id,
            "revision": 1,
            "first_seen_at": now,
            "last_seen_at": now,
            "updated_at": now,
        }
        try:
            insert = _INSERT_NEW[conn.dialect.name]
        except KeyError:
            raise NotImplementedError(f"no upsert for dialect {conn.dialect.name!r}") from None
        if conn.execute(insert, row).first() is not None:
            return NEW if original_id is None else DUPLICATE
        # Another process inserted the same key since our SELECT; its row wins
        # and this version is compared against it like any re-crawl.
        current = _select_article_for_update(conn, key)
        if current is None:  # pragma: no cover - the conflict row cannot vanish
            raise RuntimeError(f"url_key {key!r} conflicted but is not readable")
    if current.content_hash == digest:
        conn.execute(_TOUCH, {"b_id": current.id, "b_now": now, "b_fetched": values["fetched_at"]})
        return UNCHANGED
    _revise(conn, current, values, digest, now)
    return UPDATED


def _select_article_for_update(conn: Connection, key: str) -> Row[Any] | None:
    return conn.execute(_SELECT_BY_KEY, {"b_key": key}).first()


def _find_original(conn: Connection, site: str, digest: str) -> int | None:
    row = conn.execute(_FIND_ORIGINAL, {"b_site": site, "b_digest": digest}).first()
    if row is None:
        return None
    return row.duplicate_of_id or row.id


def _revise(
    conn: Connection, current: Row[Any], values: dict[str, Any], digest: str, now: datetime
) -> None:
    old = current._mapping
    conn.execute(
        ArticleRevision.__table__.insert().values(
            article_id=old["id"],
            revision=old["revision"],
            replaced_at=now,
            **{name: old[name] for name in _REVISION_FIELDS},
        )
    )
    new = dict(values)
    if new["published_at"] is None:
        new["published_at"] = old["published_at"]
        new["published_raw"] = new["published_raw"] or old["published_raw"]
    conn.execute(
        update(Article)
        .where(Article.id == old["id"])
        .values(
            **new,
            content_hash=digest,
            revision=old["revision"] + 1,
            last_seen_at=now,
            updated_at=now,
        )
    )


def _insert(conn: Connection, table: Table) -> Any:
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    if conn.dialect.name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"no upsert for dialect {conn.dialect.name!r}")


def _may_be_alive(run: Row[Any], host: str, pids_alive: Callable[[int], bool]) -> bool:
    if run.host and run.host != host:
        return True
    return run.pid is not None and pids_alive(run.pid)


def _is_transient(exc: DBAPIError) -> bool:
    if exc.connection_invalidated:
        return True
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate in ("40001", "40P01"):  # serialization failure, deadlock
        return True
    message = str(exc.orig).lower()
    return "database is locked" in message or "database is busy" in message


def _as_utc(value: Any, name: str) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        raise ValueError(f"{name}: expected a datetime or ISO 8601 string, got {value!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name}: {value.isoformat()} has no time zone")
    return value.astimezone(timezone.utc)


def _plain(item: Any) -> Any:
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        return dataclasses.asdict(item)
    if isinstance(item, Mapping):
        return dict(item)
    return item


def _json_safe(value: Any) -> Any:
    """Turn Scrapy stats and similar into JSON both SQLite and ``jsonb`` accept."""
    if isinstance(value, Mapping):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_json_safe(item) for item in value]
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        # jsonb rejects NaN and infinities.
        return value if math.isfinite(value) else str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)
