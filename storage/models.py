"""Tables: articles, their old revisions, crawl runs and the site mirror.

Conventions (the database is a user interface, so they are stable):

* Every ``*_at`` column is a UTC instant. PostgreSQL stores ``timestamptz``.
  SQLite stores text ``YYYY-MM-DD HH:MM:SS[.ffffff]+00:00`` (Python's
  ``isoformat(sep=" ")`` of a UTC datetime). All values share that layout and zone,
  so ``ORDER BY``, ``min()``/``max()`` and comparisons with SQLite's own
  ``datetime('now', '-1 day')`` (``YYYY-MM-DD HH:MM:SS``, also UTC) are correct as
  plain text comparisons, and ``julianday()``/``datetime()`` understand the suffix.
  Python always gets aware UTC datetimes back, and writing a naive one is an error.
* List- and dict-valued fields are JSON (``jsonb`` on PostgreSQL).
* ``site`` columns hold the config site id; ``sites`` mirrors the config so SQL can
  join on names. It is not a foreign key: the mirror is synced by the CLI/daemon and
  must not be a precondition for storing an article.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
    true,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator, TypeEngine

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

RUN_STATUSES = ("running", "finished", "failed", "killed", "abandoned")
"""Allowed ``crawl_runs.status`` values; ``running`` until the run is closed."""


class _SQLiteUTCText(sqlite.DATETIME):
    """Declared ``DATETIME`` in SQLite DDL; values pass through as text.

    :class:`UTCDateTime` formats and parses the text itself, because SQLAlchemy's
    SQLite ``DATETIME`` only writes naive values in a fixed format.
    """

    def bind_processor(self, dialect: Dialect) -> None:  # type: ignore[override]
        return None

    def result_processor(self, dialect: Dialect, coltype: object) -> None:  # type: ignore[override]
        return None


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always an aware UTC datetime in Python.

    Binding a naive datetime raises :class:`ValueError` (its zone is unknown);
    aware datetimes in any zone are converted to UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(_SQLiteUTCText())
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}: {value!r}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} has no time zone; pass UTC")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            return value.isoformat(sep=" ")
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if value.tzinfo is None:
            # Rows written by other tools without a suffix are UTC by convention.
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


JSONValue = JSON().with_variant(postgresql.JSONB(), "postgresql")
"""JSON on SQLite (text, readable with ``json_each``), ``jsonb`` on PostgreSQL."""


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads it as a class attribute
        datetime: UTCDateTime(),
        dict[str, Any]: JSONValue,
        list[Any]: JSONValue,
    }


#: Rows whose fetched URL is not the one they are keyed by (``url_key`` of ``canonical_url``).
FETCHED_ELSEWHERE = "canonical_url IS NOT NULL AND canonical_url <> url"


class Article(Base):
    """One article, keyed by the normalised canonical URL."""

    __tablename__ = "articles"
    __table_args__ = (
        Index(None, "site", "published_at"),
        # Repository.get_article's fallback to the exact fetched URL (migration 0003); only
        # rows keyed by another (canonical) URL need it, and indexing every URL made new
        # articles ~35 % slower to insert into a 1,000,000-row SQLite database.
        Index("ix_articles_url", "url", sqlite_where=text(FETCHED_ELSEWHERE), postgresql_where=text(FETCHED_ELSEWHERE)),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site: Mapped[str] = mapped_column(String)
    url: Mapped[str] = mapped_column(Text)
    url_key: Mapped[str] = mapped_column(Text, unique=True)
    canonical_url: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    subtitle: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str | None] = mapped_column(Text)
    reporters: Mapped[list[Any]]
    published_at: Mapped[datetime | None]
    published_raw: Mapped[str | None] = mapped_column(Text)
    modified_at: Mapped[datetime | None]
    modified_raw: Mapped[str | None] = mapped_column(Text)
    section: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[list[Any]]
    images: Mapped[list[Any]]
    related_links: Mapped[list[Any]]
    language: Mapped[str | None] = mapped_column(String)
    extractor: Mapped[str | None] = mapped_column(String)
    provenance: Mapped[dict[str, Any]]
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL"), index=True
    )
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    fetched_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ArticleRevision(Base):
    """A replaced version of an article: its content as it was at ``revision``."""

    __tablename__ = "article_revisions"
    __table_args__ = (UniqueConstraint("article_id", "revision"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    revision: Mapped[int] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(Text)
    subtitle: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str | None] = mapped_column(Text)
    reporters: Mapped[list[Any]]
    modified_at: Mapped[datetime | None]
    modified_raw: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    fetched_at: Mapped[datetime]
    replaced_at: Mapped[datetime]


class CrawlRun(Base):
    """One crawl of one site, from spider open to close (or until abandoned)."""

    __tablename__ = "crawl_runs"
    __table_args__ = (Index(None, "site", "started_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site: Mapped[str] = mapped_column(String)
    trigger: Mapped[str] = mapped_column(String)
    pid: Mapped[int | None] = mapped_column(Integer)
    host: Mapped[str | None] = mapped_column(String)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String, default="running", server_default="running")
    finish_reason: Mapped[str | None] = mapped_column(String)
    pages_fetched: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    articles_new: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    articles_updated: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    articles_unchanged: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    articles_duplicate: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    items_dropped: Mapped[dict[str, Any]] = mapped_column(default=dict)
    errors: Mapped[dict[str, Any]] = mapped_column(default=dict)
    stats: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str | None] = mapped_column(Text)


class Site(Base):
    """Mirror of one site config file, so SQL can show names next to site ids."""

    __tablename__ = "sites"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    name: Mapped[str | None] = mapped_column(String)
    base_url: Mapped[str | None] = mapped_column(Text)
    family: Mapped[str | None] = mapped_column(String)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    updated_at: Mapped[datetime]


COUNT_COLUMNS = (
    "pages_fetched",
    "articles_new",
    "articles_updated",
    "articles_unchanged",
    "articles_duplicate",
)
"""Integer counters of :class:`CrawlRun` that :meth:`Repository.finish_run` fills."""


FRONTIER_KINDS = ("feed", "sitemap", "listing", "article")
"""``frontier.kind`` values: what a discovered URL is to the crawler."""


class FrontierUrl(Base):
    """One discovered URL of a site and what the crawler knows about fetching it.

    The state that makes crawls incremental survives restarts here: validators for
    conditional GETs (``etag``, ``last_modified``), when it was last fetched and with
    which status, consecutive failures and when it is due again.
    """

    __tablename__ = "frontier"
    __table_args__ = (Index(None, "site", "kind", "next_check_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site: Mapped[str] = mapped_column(String)
    url: Mapped[str] = mapped_column(Text)
    url_key: Mapped[str] = mapped_column(Text, unique=True)
    kind: Mapped[str] = mapped_column(String)
    first_seen_at: Mapped[datetime]
    last_fetched_at: Mapped[datetime | None]
    http_status: Mapped[int | None] = mapped_column(Integer)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    next_check_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class Backfill(Base):
    """One ``newscrawl backfill`` over a date range; its cursor makes it resumable."""

    __tablename__ = "backfills"
    __table_args__ = (Index(None, "site", "since", "until"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site: Mapped[str] = mapped_column(String)
    since: Mapped[datetime]
    until: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String, default="running", server_default="running")
    #: the next listing page to walk; NULL once the listing is exhausted
    next_url: Mapped[str | None] = mapped_column(Text)
    pages_fetched: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    articles_stored: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    started_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
