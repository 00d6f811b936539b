"""Repository.upsert_articles: several articles in one transaction, with the same outcomes
as upserting them one by one (on SQLite and PostgreSQL)."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
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


def _one_by_one(url: str, items: list[dict[str, Any]]) -> list[str]:
    """The outcomes of storing ``items`` in the database at ``url`` with one upsert each."""
    engine = make_engine(url)
    try:
        repo = Repository(engine)
        return [repo.upsert_article(item) for item in items]
    finally:
        engine.dispose()


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
    assert batched == _one_by_one(other, items)


def test_an_invalid_article_writes_nothing(engine: Any) -> None:
    with pytest.raises(ValueError, match="time zone"):
        Repository(engine).upsert_articles([article(1), article(2, published_at="2024-05-01T09:30:00")])
    assert count(engine, Article) == 0


def test_empty_batch(engine: Any) -> None:
    assert Repository(engine).upsert_articles([]) == []


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from storage import migrate

    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate.upgrade(f"sqlite:///{path}")
    return path


def _state(url: str) -> list[tuple[Any, ...]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(Article.id, Article.url_key, Article.content_hash, Article.revision,
                                       Article.duplicate_of_id).order_by(Article.id)).all()
            revisions = conn.execute(select(func.count()).select_from(ArticleRevision)).scalar_one()
    finally:
        engine.dispose()
    key_of = {row.id: row.url_key for row in rows}
    return [(r.url_key, r.content_hash, r.revision, key_of.get(r.duplicate_of_id)) for r in rows] + [("revisions", revisions)]


_OPERATIONS = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 3), st.sampled_from(["tech42", "other"]), st.booleans()),
    min_size=1, max_size=25,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=_OPERATIONS, batch_size=st.integers(1, 8))
def test_any_sequence_batched_equals_one_by_one(operations: list[tuple[int, int, str, bool]], batch_size: int,
                                                template_db: Path, tmp_path: Path) -> None:
    # Few URLs and few bodies, two sites, some empty bodies: new, unchanged, updated and
    # duplicate outcomes, within a batch and across batches.
    items = [
        article(n, site=site, body=f"본문 {body}" if has_body else "", title=f"제목 {body}")
        for n, body, site, has_body in operations
    ]
    urls = []
    for name in ("batched", "single"):
        path = tmp_path / f"{name}-{uuid.uuid4().hex}.db"
        shutil.copy(template_db, path)
        urls.append(f"sqlite:///{path}")
    engine = make_engine(urls[0])
    try:
        repo = Repository(engine)
        batched = [o for i in range(0, len(items), batch_size) for o in repo.upsert_articles(items[i : i + batch_size])]
    finally:
        engine.dispose()
    assert batched == _one_by_one(urls[1], items)
    assert _state(urls[0]) == _state(urls[1])


def _store_batches(url: str, reverse: bool, start: Any, results: Any) -> None:
    """Worker process: wait for the common start, then upsert 40 articles in batches of 8."""
    engine = make_engine(url)
    try:
        items = [article(n) for n in range(40)]
        if reverse:
            items.reverse()
        repo = Repository(engine)
        start.wait(timeout=30)
        results.put(("ok", [o for i in range(0, 40, 8) for o in repo.upsert_articles(items[i : i + 8])]))
    except BaseException:  # noqa: BLE001 - the parent test reports whatever went wrong
        import traceback

        results.put(("error", traceback.format_exc()))
    finally:
        engine.dispose()


@pytest.mark.timeout(120)
def test_concurrent_batches_store_each_article_once(migrated_db_url: str) -> None:
    import multiprocessing
    from collections import Counter

    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(2), context.Queue()
    workers = [context.Process(target=_store_batches, args=(migrated_db_url, reverse, start, results))
               for reverse in (False, True)]
    for worker in workers:
        worker.start()
    reports = [results.get(timeout=100) for _ in workers]
    for worker in workers:
        worker.join(timeout=10)
    assert [detail for status, detail in reports if status == "error"] == []
    outcomes = Counter(o for _, worker_outcomes in reports for o in worker_outcomes)
    assert outcomes == {"new": 40, "unchanged": 40}
    engine = make_engine(migrated_db_url)
    try:
        assert count(engine, Article) == 40
    finally:
        engine.dispose()
