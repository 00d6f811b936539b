"""Index on ``articles.url``: looking up a URL that is not stored no longer scans.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30

``Repository.get_article(url)`` tries ``url_key`` first and then the exact fetched
``url`` (``WHERE url = :url ORDER BY id LIMIT 1``). Without an index that second
lookup read the whole table whenever the URL was not stored: ~420 ms on SQLite and
~310 ms on PostgreSQL at 1,000,000 articles. Not unique: two fetched URLs may share
a canonical URL, and the same fetched URL may in principle lead to two articles.

Partial: only rows whose ``canonical_url`` differs from ``url`` can be missed by the
``url_key`` lookup (every other row is keyed by its own URL), and indexing every URL
made inserting new articles into a 1,000,000-row SQLite database ~35 % slower.
The same index on both dialects; on an existing PostgreSQL database the
``CREATE INDEX`` holds off writes to ``articles`` (not reads) until it is built.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Spelled out rather than imported from storage.models: a migration keeps meaning what it
# meant when it was written.
FETCHED_ELSEWHERE = "canonical_url IS NOT NULL AND canonical_url <> url"


def upgrade() -> None:
    op.create_index(op.f("ix_articles_url"), "articles", ["url"], sqlite_where=sa.text(FETCHED_ELSEWHERE),
                    postgresql_where=sa.text(FETCHED_ELSEWHERE))


def downgrade() -> None:
    op.drop_index(op.f("ix_articles_url"), table_name="articles")
