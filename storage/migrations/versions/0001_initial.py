"""Initial schema: articles, article_revisions, crawl_runs, sites and the v_* views.

Revision ID: 0001
Revises:
Create Date: 2026-11-30

Timestamps are declared ``DATETIME`` on SQLite (text, UTC, ``+00:00`` suffix; see
``storage/models.py``) and ``timestamptz`` on PostgreSQL. The views are part of
the schema: each is defined once below, with the few expressions the two dialects
spell differently (JSON arrays, "now", durations) filled in per dialect.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _utc(name: str, *, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _json(name: str) -> sa.Column:
    return sa.Column(name, JSON, nullable=False)


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site", sa.String(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("url_key", sa.Text(), nullable=False),
        sa.Column("canonical_url", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("subtitle", sa.Text(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        _json("reporters"),
        _utc("published_at", nullable=True),
        sa.Column("published_raw", sa.Text(), nullable=True),
        _utc("modified_at", nullable=True),
        sa.Column("modified_raw", sa.Text(), nullable=True),
        sa.Column("section", sa.Text(), nullable=True),
        _json("tags"),
        _json("images"),
        _json("related_links"),
        sa.Column("language", sa.String(), nullable=True),
        sa.Column("extractor", sa.String(), nullable=True),
        _json("provenance"),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("duplicate_of_id", sa.Integer(), nullable=True),
        sa.Column("revision", sa.Integer(), server_default=sa.text("1"), nullable=False),
        _utc("first_seen_at"),
        _utc("last_seen_at"),
        _utc("fetched_at"),
        _utc("updated_at"),
        sa.ForeignKeyConstraint(
            ["duplicate_of_id"],
            ["articles.id"],
            name=op.f("fk_articles_duplicate_of_id_articles"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_articles")),
        sa.UniqueConstraint("url_key", name=op.f("uq_articles_url_key")),
    )
    op.create_index(op.f("ix_articles_content_hash"), "articles", ["content_hash"])
    op.create_index(op.f("ix_articles_duplicate_of_id"), "articles", ["duplicate_of_id"])
    op.create_index(
        op.f("ix_articles_site_published_at"), "articles", ["site", "published_at"]
    )

    op.create_table(
        "article_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("subtitle", sa.Text(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        _json("reporters"),
        _utc("modified_at", nullable=True),
        sa.Column("modified_raw", sa.Text(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        _utc("fetched_at"),
        _utc("replaced_at"),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_revisions_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_revisions")),
        sa.UniqueConstraint(
            "article_id", "revision", name=op.f("uq_article_revisions_article_id_revision")
        ),
    )

    op.create_table(
        "crawl_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site", sa.String(), nullable=False),
        sa.Column("trigger", sa.String(), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=True),
        sa.Column("host", sa.String(), nullable=True),
        _utc("started_at"),
        _utc("finished_at", nullable=True),
        sa.Column("status", sa.String(), server_default="running", nullable=False),
        sa.Column("finish_reason", sa.String(), nullable=True),
        *(
            sa.Column(name, sa.Integer(), server_default=sa.text("0"), nullable=False)
            for name in (
                "pages_fetched",
                "articles_new",
                "articles_updated",
                "articles_unchanged",
                "articles_duplicate",
            )
        ),
        _json("items_dropped"),
        _json("errors"),
        _json("stats"),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crawl_runs")),
    )
    op.create_index(
        op.f("ix_crawl_runs_site_started_at"), "crawl_runs", ["site", "started_at"]
    )

    op.create_table(
        "sites",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("base_url", sa.Text(), nullable=True),
        sa.Column("family", sa.String(), nullable=True),
        sa.Column("enabled", sa.Boolean(), server_default=sa.true(), nullable=False),
        _utc("updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sites")),
    )

    for name, sql in _views(op.get_bind().dialect.name).items():
        op.execute(f"CREATE VIEW {name} AS {sql}")


def downgrade() -> None:
    for name in reversed(list(_views(op.get_bind().dialect.name))):
        op.execute(f"DROP VIEW IF EXISTS {name}")
    op.drop_table("sites")
    op.drop_index(op.f("ix_crawl_runs_site_started_at"), table_name="crawl_runs")
    op.drop_table("crawl_runs")
    op.drop_table("article_revisions")
    op.drop_index(op.f("ix_articles_site_published_at"), table_name="articles")
    op.drop_index(op.f("ix_articles_duplicate_of_id"), table_name="articles")
    op.drop_index(op.f("ix_articles_content_hash"), table_name="articles")
    op.drop_table("articles")


# The only expressions SQLite and PostgreSQL spell differently.
_DIALECT_SQL = {
    "sqlite": {
        "reporter_names": (
            "(SELECT group_concat(name, ', ') FROM ("
            "SELECT json_extract(r.value, '$.name') AS name"
            " FROM json_each(a.reporters) AS r ORDER BY r.key))"
        ),
        "array_length": "json_array_length",
        "since_24h": "datetime('now', '-1 day')",
        "duration": (
            "round((julianday(coalesce(r.finished_at, datetime('now')))"
            " - julianday(r.started_at)) * 86400.0, 1)"
        ),
    },
    "postgresql": {
        "reporter_names": (
            "(SELECT string_agg(r.value ->> 'name', ', ' ORDER BY r.n)"
            " FROM jsonb_array_elements(a.reporters) WITH ORDINALITY AS r(value, n))"
        ),
        "array_length": "jsonb_array_length",
        "since_24h": "(now() - interval '1 day')",
        "duration": "round(extract(epoch FROM coalesce(r.finished_at, now()) - r.started_at), 1)",
    },
}


def _views(dialect: str) -> dict[str, str]:
    """Return view name → SELECT, in creation order."""
    sql = _DIALECT_SQL[dialect]
    return {
        # One readable line per article: no body, reporter names joined.
        "v_articles": f"""
            SELECT a.id, a.site, s.name AS site_name, a.title, a.published_at,
                   {sql["reporter_names"]} AS reporters,
                   a.section, a.url, a.revision, a.duplicate_of_id, a.first_seen_at
            FROM articles AS a
            LEFT JOIN sites AS s ON s.id = a.site
        """,
        # Newest run first; duration_seconds counts up while a run is running.
        "v_recent_runs": f"""
            SELECT r.id, r.site, s.name AS site_name, r.trigger, r.status, r.finish_reason,
                   r.started_at, r.finished_at, {sql["duration"]} AS duration_seconds,
                   r.pages_fetched, r.articles_new, r.articles_updated,
                   r.articles_unchanged, r.articles_duplicate, r.error, r.pid, r.host
            FROM crawl_runs AS r
            LEFT JOIN sites AS s ON s.id = r.site
            ORDER BY r.started_at DESC, r.id DESC
        """,
        # Per site: is it crawling, and is extraction still finding dates and bylines?
        # Sites appear if configured, crawled or holding articles.
        "v_source_health": f"""
            WITH site_ids AS (
                SELECT id AS site FROM sites
                UNION SELECT site FROM crawl_runs
                UNION SELECT site FROM articles
            ),
            runs AS (
                SELECT site, max(started_at) AS last_run_at,
                       max(CASE WHEN status = 'finished' THEN finished_at END)
                           AS last_success_at
                FROM crawl_runs
                GROUP BY site
            ),
            coverage AS (
                SELECT site, count(*) AS articles_total,
                       sum(CASE WHEN first_seen_at >= {sql["since_24h"]} THEN 1 ELSE 0 END)
                           AS articles_24h,
                       round(avg(CASE WHEN published_at IS NULL THEN 1.0 ELSE 0.0 END), 3)
                           AS missing_published_share,
                       round(avg(CASE WHEN {sql["array_length"]}(reporters) = 0
                                      THEN 1.0 ELSE 0.0 END), 3)
                           AS missing_reporters_share,
                       round(avg(CASE WHEN {sql["array_length"]}(images) = 0
                                      THEN 1.0 ELSE 0.0 END), 3)
                           AS missing_images_share
                FROM articles
                GROUP BY site
            )
            SELECT i.site, s.name AS site_name, s.enabled,
                   runs.last_run_at,
                   (SELECT c.status FROM crawl_runs AS c WHERE c.site = i.site
                    ORDER BY c.started_at DESC, c.id DESC LIMIT 1) AS last_run_status,
                   runs.last_success_at,
                   coalesce(coverage.articles_total, 0) AS articles_total,
                   coalesce(coverage.articles_24h, 0) AS articles_24h,
                   coverage.missing_published_share,
                   coverage.missing_reporters_share,
                   coverage.missing_images_share
            FROM site_ids AS i
            LEFT JOIN sites AS s ON s.id = i.site
            LEFT JOIN runs ON runs.site = i.site
            LEFT JOIN coverage ON coverage.site = i.site
        """,
        # Each duplicate next to the article it duplicates.
        "v_duplicates": """
            SELECT d.id, d.site, d.title, d.url, d.duplicate_of_id,
                   o.url AS original_url, o.title AS original_title,
                   d.content_hash, d.first_seen_at
            FROM articles AS d
            JOIN articles AS o ON o.id = d.duplicate_of_id
        """,
    }
