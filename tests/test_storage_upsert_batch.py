"""Repository.upsert_articles: several articles in one transaction, with the same outcomes
as upserting them one by one (on SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from storage.db import make_engine
from storage.models import Article, ArticleRevision
from storage.repository import Repository


def article(n: int, **overrides: Any) -> dict[str, Any]:
    url = f"https://tech42.example/news/{n}/"
    data: dict[str, Any] = {
        "url": url, "site": "tech42", "canonical_url": url, "title": f"기사 {n}",
        "body": f"본문 {n} 첫 문단.\n\n둘째 문단.", "reporters": [{"name": "홍길동", "email": None, "role": "기자"}],
        "published_at": "2024-05-01T09:30:00+09:00", "fetched_at": "2024-05-01T01:00:00+00:00",
        "tags": ["AI"], "images": [], "related_links": [], "provenance": {},
    }
    data.update(overrides)
    return data


@pytest.fixture
def engine(migrated_db_url: str) -> Iterator[Any]:
    engine = make_engine(migrated_db_url)
    yield engine
    engine.dispose()


def count(engine: Any, model: Any) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


def test_new_articles_in_one_batch(engine: Any) -> None:
    outcomes = Repository(engine).upsert_articles([article(n) for n in range(5)])
    assert outcomes == ["new"] * 5
    assert count(engine, Article) == 5


def test_later_articles_see_earlier_ones_of_the_same_batch(engine: Any) -> None:
    repo = Repository(engine)
    batch = [
        article(1),
        article(1),  # same URL, same content
        article(2),
        article(2, body="고친 본문."),  # same URL, new content: a revision
        article(3, url="https://tech42.example/news/3-copy/", canonical_url=None, body=article(1)["body"],
                title=article(1)["title"]),  # other URL, same content as 1
    ]
    assert repo.upsert_articles(batch) == ["new", "unchanged", "new", "updated", "duplicate"]
    assert count(engine, Article) == 3
    assert count(engine, ArticleRevision) == 1
    with engine.connect() as conn:
        dup = conn.execute(select(Article.duplicate_of_id).where(Article.url.like("%3-copy%"))).scalar_one()
        first = conn.execute(select(Article.id).where(Article.url == article(1)["url"])).scalar_one()
    assert dup == first


def test_batch_outcomes_equal_one_by_one(migrated_db_url: str, tmp_path: Any) -> None:
    items = [article(n % 4, body=f"본문 {n // 4}") for n in range(12)]
    engine = make_engine(migrated_db_url)
    try:
        batched = Repository(engine).upsert_articles(items)
    finally:
        engine.dispose()
    from storage import migrate

    other = f"sqlite:///{tmp_path / 'one_by_one.db'}"
    migrate.upgrade(other)
    engine = make_engine(other)
    try:
        repo = Repository(engine)
        single = [repo.upsert_article(item) for item in items]
    finally:
        engine.dispose()
    assert batched == single


def test_an_invalid_article_writes_nothing(engine: Any) -> None:
    with pytest.raises(ValueError, match="time zone"):
        Repository(engine).upsert_articles([article(1), article(2, published_at="2024-05-01T09:30:00")])
    assert count(engine, Article) == 0


def test_empty_batch(engine: Any) -> None:
    assert Repository(engine).upsert_articles([]) == []
