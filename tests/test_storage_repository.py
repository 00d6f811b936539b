from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import func, select, text

from storage.db import make_engine
from storage.dedup import url_key
from storage.models import Article, ArticleRevision, CrawlRun, Site
from storage.repository import Repository

KST = timezone(timedelta(hours=9))
URL = "https://tech42.example/news/articleView.html?idxno=101"


def article(**overrides: Any) -> dict[str, Any]:
    """An Article.to_dict()-shaped mapping (datetimes as ISO strings, like the crawler's)."""
    data: dict[str, Any] = {
        "url": URL,
        "site": "tech42",
        "title": "삼성전자, 2나노 반도체 양산 돌입",
        "canonical_url": URL,
        "subtitle": None,
        "summary": "요약 문장.",
        "body": "첫 문단입니다.\n\n둘째 문단입니다.",
        "reporters": [{"name": "류정민", "email": "ryu@tech42.example", "role": "기자"}],
        "published_at": "2024-05-01T09:30:00+09:00",
        "published_raw": "2024.05.01 09:30",
        "modified_at": None,
        "modified_raw": None,
        "section": "반도체",
        "tags": ["삼성전자", "파운드리"],
        "images": [{"url": "https://tech42.example/img/1.jpg", "caption": "공장", "credit": "삼성전자"}],
        "related_links": [],
        "language": "ko",
        "fetched_at": "2024-05-01T01:00:00+00:00",
        "extractor": "generic",
        "provenance": {"title": "jsonld"},
    }
    data.update(overrides)
    return data


@pytest.fixture
def engine(migrated_db_url: str) -> Iterator[Any]:
    engine = make_engine(migrated_db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def repo(engine: Any) -> Repository:
    return Repository(engine)


def count(engine: Any, model: Any) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


def test_new_article_is_stored_with_utc_times_and_json_lists(repo: Repository, engine: Any) -> None:
    assert repo.upsert_article(article()) == "new"
    stored = repo.get_article(URL)
    assert stored is not None
    assert stored["url_key"] == url_key(URL)
    assert stored["revision"] == 1
    assert stored["duplicate_of_id"] is None
    assert stored["published_at"] == datetime(2024, 5, 1, 0, 30, tzinfo=timezone.utc)
    assert stored["published_at"].tzinfo == timezone.utc
    assert stored["reporters"] == [{"name": "류정민", "email": "ryu@tech42.example", "role": "기자"}]
    assert stored["tags"] == ["삼성전자", "파운드리"]
    assert stored["provenance"] == {"title": "jsonld"}
    assert stored["first_seen_at"] == stored["last_seen_at"]
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            raw = conn.execute(text("SELECT tags FROM articles")).scalar_one()
        assert "삼성전자" in raw  # readable text in sqlite3, not \\uXXXX escapes


def test_datetime_objects_and_iso_strings_are_equivalent(repo: Repository) -> None:
    published = datetime(2024, 5, 1, 9, 30, tzinfo=KST)
    assert repo.upsert_article(article(published_at=published, fetched_at=None)) == "new"
    assert repo.upsert_article(article()) == "unchanged"
    stored = repo.get_article(URL)
    assert stored is not None
    assert stored["published_at"] == published


def test_naive_datetime_is_rejected(repo: Repository, engine: Any) -> None:
    with pytest.raises(ValueError, match="published_at.*no time zone"):
        repo.upsert_article(article(published_at="2024-05-01T09:30:00"))
    assert count(engine, Article) == 0


def test_same_content_again_is_unchanged_and_only_touches_seen_times(repo: Repository, engine: Any) -> None:
    repo.upsert_article(article())
    before = repo.get_article(URL)
    again = article(
        url=URL + "&utm_source=rss",
        body="첫 문단입니다.\n둘째   문단입니다.\n",  # same text after whitespace normalisation
        tags=["changed but ignored"],
        fetched_at="2024-05-02T01:00:00+00:00",
    )
    assert repo.upsert_article(again) == "unchanged"
    after = repo.get_article(URL)
    assert before is not None and after is not None
    assert after["last_seen_at"] > before["last_seen_at"]
    assert after["fetched_at"] == datetime(2024, 5, 2, 1, tzinfo=timezone.utc)
    unchanged = {"last_seen_at", "fetched_at"}
    assert {k: v for k, v in after.items() if k not in unchanged} == {
        k: v for k, v in before.items() if k not in unchanged
    }
    assert count(engine, Article) == 1
    assert count(engine, ArticleRevision) == 0


def test_changed_content_is_updated_and_old_version_kept(repo: Repository, engine: Any) -> None:
    repo.upsert_article(article())
    first = repo.get_article(URL)
    assert first is not None
    changed = article(
        title="삼성전자, 2나노 반도체 양산 돌입 (종합)",
        body="첫 문단입니다.\n\n둘째 문단입니다.\n\n추가된 셋째 문단.",
        modified_at="2024-05-01T15:00:00+09:00",
        modified_raw="2024.05.01 15:00",
        published_at=None,
        fetched_at="2024-05-01T07:00:00+00:00",
    )
    assert repo.upsert_article(changed) == "updated"
    assert repo.upsert_article(changed) == "unchanged"
    third = article(body="완전히 새로 쓴 본문.", fetched_at="2024-05-02T00:00:00+00:00")
    assert repo.upsert_article(third) == "updated"

    current = repo.get_article(URL)
    assert current is not None
    assert current["id"] == first["id"]
    assert current["revision"] == 3
    assert current["body"] == "완전히 새로 쓴 본문."
    # A version without a publication date keeps the stored one.
    assert current["published_at"] == first["published_at"]
    assert current["first_seen_at"] == first["first_seen_at"]
    assert current["updated_at"] > first["updated_at"]
    with engine.connect() as conn:
        revisions = conn.execute(
            select(ArticleRevision.__table__).order_by(ArticleRevision.revision)
        ).all()
    assert [(r.revision, r.article_id) for r in revisions] == [(1, first["id"]), (2, first["id"])]
    assert revisions[0].title == first["title"]
    assert revisions[0].body == first["body"]
    assert revisions[0].content_hash == first["content_hash"]
    assert revisions[0].fetched_at == first["fetched_at"]
    assert revisions[1].title.endswith("(종합)")
    assert revisions[1].modified_at == datetime(2024, 5, 1, 6, tzinfo=timezone.utc)
    assert revisions[1].reporters == first["reporters"]
    assert count(engine, Article) == 1


def test_same_content_under_a_new_url_is_a_duplicate(repo: Repository, engine: Any) -> None:
    assert repo.upsert_article(article()) == "new"
    original = repo.get_article(URL)
    mirror = "https://tech42.example/news/articleView.html?idxno=202"
    assert repo.upsert_article(article(url=mirror, canonical_url=mirror)) == "duplicate"
    third = "https://tech42.example/news/articleView.html?idxno=303"
    assert repo.upsert_article(article(url=third, canonical_url=None)) == "duplicate"
    assert original is not None
    for url in (mirror, third):
        copy = repo.get_article(url)
        assert copy is not None
        assert copy["duplicate_of_id"] == original["id"]
    # Same text on another site is that site's own article.
    other = "https://other.example/2024/05/01/samsung/"
    assert repo.upsert_article(article(url=other, canonical_url=other, site="other")) == "new"
    assert count(engine, Article) == 4
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, original_url FROM v_duplicates ORDER BY id")).all()
    assert [row.original_url for row in rows] == [URL, URL]


def test_empty_body_is_never_a_duplicate(repo: Repository) -> None:
    assert repo.upsert_article(article(body=None)) == "new"
    other = "https://tech42.example/news/articleView.html?idxno=909"
    assert repo.upsert_article(article(url=other, canonical_url=other, body=None)) == "new"


def test_canonical_url_is_the_key_and_fetched_url_still_finds_it(repo: Repository) -> None:
    fetched = "https://m.tech42.example/news/articleView.html?idxno=101&utm_medium=social"
    amp = "https://tech42.example/amp/101"
    assert repo.upsert_article(article(url=fetched)) == "new"
    assert repo.upsert_article(article(url=amp, canonical_url=URL)) == "unchanged"
    stored = repo.get_article(URL)
    assert stored is not None
    assert stored["url"] == fetched
    assert repo.get_article(fetched) == stored
    assert repo.get_article("https://tech42.example/news/articleView.html?idxno=999") is None


def test_known_url_keys_include_fetched_and_canonical_keys(repo: Repository) -> None:
    moved = "https://tech42.example/2024/05/01/moved-slug/"
    repo.upsert_article(article(url=moved, canonical_url=URL))
    other = "https://other.example/a"
    repo.upsert_article(article(url=other, canonical_url=other, site="other", body="x"))
    assert repo.known_url_keys("tech42") == {url_key(URL), url_key(moved)}
    assert repo.known_url_keys("nobody") == set()


def test_missing_url_or_site_is_an_error(repo: Repository) -> None:
    with pytest.raises(ValueError, match="site"):
        repo.upsert_article(article(site=None))
    with pytest.raises(ValueError, match="url"):
        repo.upsert_article({"site": "tech42"})


def test_crawl_run_start_and_finish(repo: Repository, engine: Any) -> None:
    run_id = repo.start_run("tech42", "schedule")
    with engine.connect() as conn:
        run = conn.execute(select(CrawlRun.__table__).where(CrawlRun.id == run_id)).one()
    assert (run.status, run.pid, run.trigger, run.finished_at) == ("running", os.getpid(), "schedule", None)
    assert run.started_at.tzinfo == timezone.utc

    stats = {
        "start_time": datetime(2024, 5, 1, 1, 0, tzinfo=timezone.utc),
        "downloader/response_count": 12,
        "item_dropped_reasons_count/MissingFields": 1,
        "memusage/max": float("nan"),
    }
    repo.finish_run(
        run_id,
        status="finished",
        finish_reason="finished",
        counts={"pages_fetched": 12, "new": 3, "articles_updated": 1, "duplicate": 2},
        items_dropped={"MissingFields": 1},
        errors={},
        stats=stats,
    )
    with engine.connect() as conn:
        run = conn.execute(select(CrawlRun.__table__).where(CrawlRun.id == run_id)).one()
        view = conn.execute(text("SELECT * FROM v_recent_runs")).one()
    assert run.status == "finished"
    assert run.finish_reason == "finished"
    assert (run.pages_fetched, run.articles_new, run.articles_updated, run.articles_unchanged,
            run.articles_duplicate) == (12, 3, 1, 0, 2)
    assert run.items_dropped == {"MissingFields": 1}
    assert run.stats["start_time"] == "2024-05-01T01:00:00+00:00"
    assert run.stats["downloader/response_count"] == 12
    assert run.stats["memusage/max"] == "nan"
    assert run.finished_at >= run.started_at
    assert view.id == run_id
    assert 0 <= float(view.duration_seconds) < 60


def test_finish_run_rejects_bad_input(repo: Repository) -> None:
    run_id = repo.start_run("tech42", "cli", pid=4242)
    common: dict[str, Any] = {"finish_reason": "x", "items_dropped": {}, "errors": {}, "stats": {}}
    with pytest.raises(ValueError, match="status"):
        repo.finish_run(run_id, status="running", counts={}, **common)
    with pytest.raises(ValueError, match="counter"):
        repo.finish_run(run_id, status="failed", counts={"articles_lost": 1}, **common)
    with pytest.raises(LookupError):
        repo.finish_run(run_id + 1000, status="failed", counts={}, **common)


def test_mark_abandoned(repo: Repository, engine: Any) -> None:
    alive_pid, dead_pid = 1111, 2222
    alive = repo.start_run("tech42", "schedule", pid=alive_pid)
    dead = repo.start_run("tech42", "schedule", pid=dead_pid)
    other_site = repo.start_run("other", "schedule", pid=dead_pid)
    done = repo.start_run("tech42", "cli")
    repo.finish_run(done, status="finished", finish_reason="finished", counts={},
                    items_dropped={}, errors={}, stats={})
    with engine.begin() as conn:
        far = conn.execute(
            CrawlRun.__table__.insert().values(
                site="tech42", trigger="schedule", pid=dead_pid, host="another-host",
                started_at=datetime.now(timezone.utc), status="running",
                items_dropped={}, errors={}, stats={},
            ).returning(CrawlRun.id)
        ).scalar_one()

    assert repo.mark_abandoned("tech42", pids_alive=lambda pid: pid == alive_pid) == 1
    assert repo.mark_abandoned("tech42", pids_alive=lambda pid: pid == alive_pid) == 0
    statuses = _statuses(engine)
    assert statuses[dead] == ("abandoned", "abandoned")
    assert statuses[alive][0] == statuses[other_site][0] == statuses[far][0] == "running"
    assert statuses[done][0] == "finished"

    assert repo.mark_abandoned() == 3
    statuses = _statuses(engine)
    assert {statuses[i][0] for i in (alive, dead, other_site, far)} == {"abandoned"}
    assert statuses[done][0] == "finished"


def _statuses(engine: Any) -> dict[int, tuple[str, str | None]]:
    with engine.connect() as conn:
        rows = conn.execute(select(CrawlRun.id, CrawlRun.status, CrawlRun.finish_reason)).all()
    return {row.id: (row.status, row.finish_reason) for row in rows}


def test_sync_sites_mirrors_config(repo: Repository, engine: Any) -> None:
    repo.sync_sites([
        {"id": "tech42", "name": "테크42", "base_url": "https://tech42.example/", "family": "generic"},
        {"id": "old", "name": "Old", "enabled": True},
    ])
    repo.sync_sites([
        {"id": "tech42", "name": "테크42 (new name)", "base_url": "https://tech42.example/",
         "family": "wordpress", "enabled": True},
        {"id": "third", "name": "Third", "enabled": False},
    ])
    with engine.connect() as conn:
        rows = {site.id: site for site in conn.execute(select(Site.__table__))}
    assert set(rows) == {"tech42", "old", "third"}
    assert (rows["tech42"].name, rows["tech42"].family, rows["tech42"].enabled) == (
        "테크42 (new name)", "wordpress", True)
    assert rows["old"].enabled is False
    assert rows["third"].enabled is False

    repo.upsert_article(article())
    with engine.connect() as conn:
        named = conn.execute(text("SELECT site_name, reporters FROM v_articles")).one()
    assert tuple(named) == ("테크42 (new name)", "류정민")


def test_source_health_view(repo: Repository, engine: Any) -> None:
    repo.sync_sites([{"id": "tech42", "name": "테크42"}, {"id": "idle", "name": "Idle"}])
    repo.upsert_article(article())
    second = "https://tech42.example/news/articleView.html?idxno=102"
    repo.upsert_article(article(url=second, canonical_url=second, body="다른 기사.",
                                published_at=None, reporters=[], images=[]))
    run_id = repo.start_run("tech42", "schedule")
    repo.finish_run(run_id, status="finished", finish_reason="finished", counts={"new": 2},
                    items_dropped={}, errors={}, stats={})
    repo.start_run("tech42", "schedule")  # still running
    with engine.connect() as conn:
        rows = {row.site: row for row in conn.execute(text("SELECT * FROM v_source_health"))}
    assert set(rows) == {"tech42", "idle"}
    health = rows["tech42"]
    assert health.site_name == "테크42"
    assert health.articles_total == 2
    assert health.articles_24h == 2
    assert float(health.missing_published_share) == 0.5
    assert float(health.missing_reporters_share) == 0.5
    assert float(health.missing_images_share) == 0.5
    assert health.last_run_status == "running"
    assert health.last_success_at is not None
    assert rows["idle"].articles_total == 0
    assert rows["idle"].last_run_at is None
