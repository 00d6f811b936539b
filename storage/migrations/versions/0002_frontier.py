"""URL frontier and backfill cursors: the state behind incremental crawls.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30

``frontier`` has one row per discovered URL (feed, sitemap, listing page or article)
with the validators for conditional GETs, the last fetch and when it is due again;
``backfills`` keeps each ``newscrawl backfill`` resumable. The view
``v_frontier`` summarises the frontier per site and kind.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _utc(name: str, *, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


V_FRONTIER = """
CREATE VIEW v_frontier AS
SELECT site, kind,
       count(*) AS urls,
       sum(CASE WHEN last_fetched_at IS NULL THEN 1 ELSE 0 END) AS never_fetched,
       sum(CASE WHEN failures > 0 THEN 1 ELSE 0 END) AS failing,
       sum(CASE WHEN http_status = 304 THEN 1 ELSE 0 END) AS not_modified_last_time,
       max(last_fetched_at) AS last_fetched_at,
       min(next_check_at) AS next_check_at
FROM frontier
GROUP BY site, kind
"""


def upgrade() -> None:
    op.create_table(
        "frontier",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site", sa.String(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("url_key", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        _utc("first_seen_at"),
        _utc("last_fetched_at", nullable=True),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("failures", sa.Integer(), server_default=sa.text("0"), nullable=False),
        _utc("next_check_at", nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_frontier")),
        sa.UniqueConstraint("url_key", name=op.f("uq_frontier_url_key")),
    )
    op.create_index(op.f("ix_frontier_site_kind_next_check_at"), "frontier", ["site", "kind", "next_check_at"])
    op.create_table(
        "backfills",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site", sa.String(), nullable=False),
        _utc("since"),
        _utc("until", nullable=True),
        sa.Column("status", sa.String(), server_default="running", nullable=False),
        sa.Column("next_url", sa.Text(), nullable=True),
        sa.Column("pages_fetched", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("articles_stored", sa.Integer(), server_default=sa.text("0"), nullable=False),
        _utc("started_at"),
        _utc("updated_at"),
        _utc("finished_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_backfills")),
    )
    op.create_index(op.f("ix_backfills_site_since_until"), "backfills", ["site", "since", "until"])
    op.execute(V_FRONTIER)


def downgrade() -> None:
    op.execute("DROP VIEW v_frontier")
    op.drop_index(op.f("ix_backfills_site_since_until"), table_name="backfills")
    op.drop_table("backfills")
    op.drop_index(op.f("ix_frontier_site_kind_next_check_at"), table_name="frontier")
    op.drop_table("frontier")
