"""Two processes store the same articles at the same time: one row each, no errors."""

from __future__ import annotations

import multiprocessing
import traceback
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import func, select

from storage.db import make_engine
from storage.models import Article, ArticleRevision
from storage.repository import Repository

ARTICLES = 50
WORKERS = 2


def make_articles() -> list[dict[str, Any]]:
    return [
        {
            "url": f"https://tech42.example/news/articleView.html?idxno={n}",
            "site": "tech42",
            "title": f"기사 {n}",
            "body": f"기사 {n}의 본문입니다.",
            "reporters": [{"name": "류정민", "email": None, "role": "기자"}],
            "published_at": "2024-05-01T09:30:00+09:00",
            "fetched_at": "2024-05-01T01:00:00+00:00",
        }
        for n in range(ARTICLES)
    ]


def store_all(url: str, start: Any, results: Any) -> None:
    """Worker: wait for the common start signal, then upsert every article."""
    engine = make_engine(url)
    try:
        repo = Repository(engine)
        start.wait(timeout=30)
        outcomes = [repo.upsert_article(item) for item in make_articles()]
        results.put(("ok", outcomes))
    except BaseException:
        results.put(("error", traceback.format_exc()))
    finally:
        engine.dispose()


@pytest.mark.timeout(120)
def test_concurrent_upserts_store_each_article_once(migrated_db_url: str) -> None:
    # spawn: fresh interpreters, no engine or socket inherited from pytest.
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(WORKERS)
    results = context.Queue()
    workers = [
        context.Process(target=store_all, args=(migrated_db_url, start, results))
        for _ in range(WORKERS)
    ]
    for worker in workers:
        worker.start()
    reports = [results.get(timeout=100) for _ in workers]
    for worker in workers:
        worker.join(timeout=10)

    errors = [detail for status, detail in reports if status == "error"]
    assert errors == []
    assert [worker.exitcode for worker in workers] == [0] * WORKERS
    outcomes = Counter(outcome for _, worker_outcomes in reports for outcome in worker_outcomes)
    # Exactly one process created each article; the other found it already stored.
    assert outcomes == {"new": ARTICLES, "unchanged": ARTICLES * (WORKERS - 1)}

    engine = make_engine(migrated_db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(func.count(), func.count(Article.url_key.distinct()))).one()
            revisions = conn.execute(select(func.count()).select_from(ArticleRevision)).scalar_one()
    finally:
        engine.dispose()
    assert tuple(rows) == (ARTICLES, ARTICLES)
    assert revisions == 0
