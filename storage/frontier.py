"""The URL frontier and backfill cursors: what makes a crawl cost what is new.

The crawler reads the frontier once when a crawl opens (validators for conditional
GETs, which articles are known and when they were published) and writes fetch
results back in batches, so a crawl of an unchanged site costs a handful of
requests and a few statements.

What it reads grows with the site: a key per stored article and per fetched URL.
Those are held as 64-bit hashes (:class:`KeyHashes`), ~12 bytes a key and 12 more
for a publication time, instead of the key strings (~200 characters for a Korean
permalink): ~40 bytes a stored article in all instead of ~1 KB.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, case, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from storage.db import WRITE_TRANSACTION, is_sqlite
from storage.dedup import url_key
from storage.models import Article, Backfill, FrontierUrl

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

_BATCH = 500
# Rows fetched at a time when a crawl loads a site's keys: PostgreSQL then streams them
# through a server-side cursor instead of the driver holding the whole result.
_STREAM = 10_000


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


def _state(row: Any) -> FrontierState:
    return FrontierState(row.url, row.kind, row.etag, row.last_modified, row.last_fetched_at, row.http_status,
                         row.failures, row.next_check_at)


def _plain_article(table: Any) -> Any:
    """Article rows without failures (fetched fine, or only discovered): all a crawl asks
    of those is whether they exist."""
    return and_(table.c.kind == "article", table.c.failures == 0)


def load_frontier(engine: Engine, site: str) -> tuple[dict[str, FrontierState], KeyHashes]:
    """The site's frontier rows as a crawl needs them: ``url_key`` → state of its sources
    (validators, when fetched) and of its failing articles (failures, backoff), and only
    the keys of the other articles — one per article URL the site ever served, which the
    crawl only tests for presence. :func:`frontier_state` reads one of those in full."""
    table = FrontierUrl.__table__
    columns = (table.c.url_key, table.c.url, table.c.kind, table.c.etag, table.c.last_modified,
               table.c.last_fetched_at, table.c.http_status, table.c.failures, table.c.next_check_at)
    with engine.connect() as conn:
        states = {
            row.url_key: _state(row)
            for row in conn.execute(select(*columns).where(table.c.site == site, ~_plain_article(table)))
        }
        keys = array("q", (hash(key) for key in conn.execution_options(yield_per=_STREAM).scalars(
            select(table.c.url_key).where(table.c.site == site, _plain_article(table)))))
    return states, KeyHashes(keys)


def frontier_state(engine: Engine, site: str, key: str) -> FrontierState | None:
    """The frontier row of ``url_key`` ``key`` of the site, as it is now."""
    table = FrontierUrl.__table__
    with engine.connect() as conn:
        row = conn.execute(
            select(table.c.url, table.c.kind, table.c.etag, table.c.last_modified, table.c.last_fetched_at,
                   table.c.http_status, table.c.failures, table.c.next_check_at)
            .where(table.c.site == site, table.c.url_key == key)
        ).first()
    return _state(row) if row is not None else None


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


# --- what the crawl holds per key -------------------------------------------------------
_LOAD = 0.7
# hash() never returns -1 (CPython turns it into -2), so -1 marks a free slot.
_FREE = -1
_NO_TIME = -(2**63)
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICROSECOND = timedelta(microseconds=1)


def _stamp(moment: datetime | None) -> int:
    return _NO_TIME if moment is None else (moment - _EPOCH) // _MICROSECOND


class KeyHashes:
    """A fixed set of URL keys, optionally with a time each, as their ``hash()`` in two
    ``array('q')`` laid out as an open-addressing table (linear probing, at most 70 %
    full): ~11.5 bytes a key whatever its length, ~23 with the time.

    ``hash()`` of a ``str`` is SipHash under a key drawn per process (unless
    PYTHONHASHSEED fixes it), so a table is only good in the process that built it — as a
    crawl's is. Two keys share a hash with odds of 2**-64: at a million stored keys one
    new key in ~2·10**13 is taken for a stored one (skipped in this crawl, fetched in the
    next, whose process draws another key).
    """

    __slots__ = ("_count", "_size", "_slots", "_times")

    def __init__(self, hashes: array, times: array | None = None) -> None:
        """``hashes[i]`` is the ``hash()`` of a key and ``times[i]`` its time as
        microseconds since the epoch (``_stamp``); of two equal keys the later one's time
        is kept, as a dict built in the same order would."""
        size = max(8, int(len(hashes) / _LOAD) + 1)
        slots = array("q", [_FREE]) * size
        values = array("q", [0]) * size if times is not None else None
        count = 0
        for n, h in enumerate(hashes):
            i = h % size
            while (held := slots[i]) != h:
                if held == _FREE:
                    slots[i] = h
                    count += 1
                    break
                i = i + 1 if i + 1 < size else 0
            if values is not None:
                values[i] = times[n]
        self._slots, self._times, self._size, self._count = slots, values, size, count

    def _find(self, key: str) -> int:
        """The slot holding ``key``'s hash, or -1."""
        h, slots, size = hash(key), self._slots, self._size
        i = h % size
        while (held := slots[i]) != h:
            if held == _FREE:
                return -1
            i = i + 1 if i + 1 < size else 0
        return i

    def __contains__(self, key: str) -> bool:
        return self._find(key) >= 0

    def time(self, key: str) -> datetime | None:
        """The time stored with ``key`` (an aware UTC datetime), None when it had none or is absent."""
        i = self._find(key)
        if i < 0 or self._times is None or (stamp := self._times[i]) == _NO_TIME:
            return None
        return _EPOCH + timedelta(microseconds=stamp)

    def __len__(self) -> int:
        return self._count


class KnownArticles:
    """``url_key`` → ``published_at`` of the articles a crawl knows: the site's stored ones
    as it opened (compact, :class:`KeyHashes`) and those it fetched since (:meth:`add`).

    Read like the dict it replaces: ``key in known``, ``known.get(key)``, ``len(known)``.
    """

    __slots__ = ("_fetched", "_stored")

    def __init__(self, stored: KeyHashes) -> None:
        self._stored = stored
        # hash() → the datetime as the extractor gave it (in the site's zone): as many
        # entries as articles this crawl fetched, not as the site holds.
        self._fetched: dict[int, datetime | None] = {}

    def __contains__(self, key: str) -> bool:
        return hash(key) in self._fetched or key in self._stored

    def get(self, key: str) -> datetime | None:
        h = hash(key)
        if h in self._fetched:
            return self._fetched[h]
        return self._stored.time(key)

    def add(self, key: str, published: datetime | None) -> None:
        """Know ``key`` from now on, published at ``published`` unless it was known already."""
        if key not in self._stored:
            self._fetched.setdefault(hash(key), published)

    def __len__(self) -> int:
        return len(self._stored) + len(self._fetched)


def known_articles(engine: Engine, site: str) -> KnownArticles:
    """``url_key`` → ``published_at`` of every stored article of the site, under the
    key of its canonical URL and of the URL it was fetched from."""
    table = Article.__table__
    # The fetched URL only where it is not the canonical one: the one key to compute here.
    other_url = case(
        (and_(table.c.canonical_url.is_not(None), table.c.canonical_url != "", table.c.url != table.c.canonical_url),
         table.c.url),
        else_=None,
    )
    hashes, times = array("q"), array("q")
    with engine.connect() as conn:
        rows = conn.execution_options(yield_per=_STREAM).execute(
            select(table.c.url_key, other_url, table.c.published_at).where(table.c.site == site)
        )
        for key, url, published in rows:
            stamp = _stamp(published)
            hashes.append(hash(key))
            times.append(stamp)
            if url is not None:
                try:
                    hashes.append(hash(url_key(url)))
                except ValueError:
                    continue
                times.append(stamp)
    return KnownArticles(KeyHashes(hashes, times))


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
