"""Reading and closing ``crawl_runs`` rows from outside the crawl that wrote them.

A crawl records its own run (``crawler/extensions/run_recorder.py``). The daemon
uses these functions for what a crawl cannot do itself: close the row of a child it
had to kill, or of a child that died without closing it, and show run history.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update

from storage.db import WRITE_TRANSACTION
from storage.models import RUN_STATUSES, CrawlRun

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

LIST_COLUMNS = (
    "id",
    "site",
    "trigger",
    "status",
    "started_at",
    "finished_at",
    "finish_reason",
    "pages_fetched",
    "articles_new",
    "articles_updated",
    "pid",
    "error",
)
"""The columns :func:`list_runs` returns, in order."""


@dataclass(frozen=True)
class RunRef:
    """A ``crawl_runs`` row as the daemon needs it."""

    id: int
    site: str
    status: str
    pid: int | None
    host: str | None
    started_at: datetime
    finish_reason: str | None


def list_runs(engine: Engine, *, site: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
    """Return the newest runs first, each a dict of :data:`LIST_COLUMNS`.

    Args:
        engine: Database engine.
        site: Only this site's runs; every site when ``None``.
        limit: At most this many rows.
    """
    columns = [CrawlRun.__table__.c[name] for name in LIST_COLUMNS]
    query = select(*columns).order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc()).limit(limit)
    if site is not None:
        query = query.where(CrawlRun.site == site)
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]


def last_started(engine: Engine) -> dict[str, datetime]:
    """Return, per site, when its newest run (of any trigger or status) started."""
    query = select(CrawlRun.site, func.max(CrawlRun.started_at)).group_by(CrawlRun.site)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    # max() over SQLite's text timestamps comes back as text, not through the column type.
    return {site: _aware(value) for site, value in rows if value is not None}


def running_runs(engine: Engine, site: str | None = None) -> list[RunRef]:
    """Return the runs still marked ``running``, oldest first."""
    query = _ref_query().where(CrawlRun.status == "running").order_by(CrawlRun.id)
    if site is not None:
        query = query.where(CrawlRun.site == site)
    with engine.connect() as conn:
        return [RunRef(**row._mapping) for row in conn.execute(query)]


def find_run(engine: Engine, site: str, pid: int, *, since: datetime) -> RunRef | None:
    """Return the run that process ``pid`` on this host started for ``site`` after ``since``.

    ``since`` (when the process was spawned) keeps a recycled pid from matching an
    older run of the same site.
    """
    query = (
        _ref_query()
        .where(
            CrawlRun.site == site,
            CrawlRun.pid == pid,
            CrawlRun.host == socket.gethostname(),
            CrawlRun.started_at >= since,
        )
        .order_by(CrawlRun.id.desc())
        .limit(1)
    )
    with engine.connect() as conn:
        row = conn.execute(query).first()
    return RunRef(**row._mapping) if row else None


def close_run(
    engine: Engine,
    run_id: int,
    *,
    status: str,
    finish_reason: str,
    error: str | None = None,
    overwrite: tuple[str, ...] = (),
) -> bool:
    """Close a run the crawl itself could not close (it was killed or died).

    A ``running`` row gets ``status``, ``finish_reason``, ``error`` and
    ``finished_at``. A row already closed with a status in ``overwrite`` is given the
    new status, reason and error but keeps its counters and ``finished_at`` (the
    crawl closed it after a SIGTERM and the caller knows why it was sent).

    Args:
        engine: Database engine.
        run_id: The ``crawl_runs.id``.
        status: ``killed``, ``failed`` or ``abandoned``.
        finish_reason: Short reason token, e.g. ``time_limit``.
        error: A sentence for people, e.g. ``time limit 30s exceeded``.
        overwrite: Closed statuses that may be replaced.

    Returns:
        Whether the row was changed.

    Raises:
        ValueError: ``status`` is not a closed run status.
    """
    if status not in RUN_STATUSES or status == "running":
        raise ValueError(f"status must be one of {RUN_STATUSES[1:]}, not {status!r}")
    values = {"status": status, "finish_reason": finish_reason, "error": error}
    with engine.connect() as conn:
        conn.execution_options(**{WRITE_TRANSACTION: True})
        with conn.begin():
            changed = conn.execute(
                update(CrawlRun)
                .where(CrawlRun.id == run_id, CrawlRun.status == "running")
                .values({**values, "finished_at": datetime.now(timezone.utc)})
            ).rowcount
            if not changed and overwrite:
                changed = conn.execute(
                    update(CrawlRun)
                    .where(CrawlRun.id == run_id, CrawlRun.status.in_(overwrite))
                    .values(values)
                ).rowcount
    return bool(changed)


def _ref_query() -> Any:
    return select(
        CrawlRun.id,
        CrawlRun.site,
        CrawlRun.status,
        CrawlRun.pid,
        CrawlRun.host,
        CrawlRun.started_at,
        CrawlRun.finish_reason,
    )


def _aware(value: datetime | str) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
