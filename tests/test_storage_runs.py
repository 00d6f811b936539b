"""storage.runs on real SQLite and PostgreSQL: listing runs and closing them from outside."""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta, timezone

import pytest

from storage import runs
from storage.db import make_engine
from storage.repository import Repository


@pytest.fixture
def engine(migrated_db_url: str):
    engine = make_engine(migrated_db_url)
    yield engine
    engine.dispose()


def finish(
    repo: Repository, run_id: int, status: str = "finished", reason: str = "finished"
) -> None:
    repo.finish_run(
        run_id,
        status=status,
        finish_reason=reason,
        counts={"pages_fetched": 3},
        items_dropped={},
        errors={},
        stats={"finish_reason": reason},
    )


def test_list_runs_newest_first_and_by_site(engine) -> None:
    repo = Repository(engine)
    first = repo.start_run("alpha", "schedule", pid=11)
    time.sleep(0.01)
    second = repo.start_run("beta", "cli", pid=12)
    time.sleep(0.01)
    third = repo.start_run("alpha", "schedule", pid=13)
    finish(repo, first)

    rows = runs.list_runs(engine)
    assert [r["id"] for r in rows] == [third, second, first]
    assert list(rows[0]) == list(runs.LIST_COLUMNS)
    assert rows[2]["status"] == "finished" and rows[2]["pages_fetched"] == 3
    assert rows[2]["finished_at"] >= rows[2]["started_at"]
    assert [r["id"] for r in runs.list_runs(engine, site="alpha", limit=1)] == [third]


def test_last_started_per_site_is_an_aware_datetime(engine) -> None:
    repo = Repository(engine)
    repo.start_run("alpha", "schedule", pid=1)
    time.sleep(0.01)
    before = datetime.now(timezone.utc)
    repo.start_run("alpha", "cli", pid=2)
    repo.start_run("beta", "cli", pid=3)

    last = runs.last_started(engine)
    assert set(last) == {"alpha", "beta"}
    assert last["alpha"].tzinfo is not None
    assert before <= last["alpha"] <= datetime.now(timezone.utc)


def test_find_run_matches_site_pid_and_spawn_time(engine) -> None:
    repo = Repository(engine)
    old = repo.start_run("alpha", "schedule", pid=4242)
    finish(repo, old)
    spawned = datetime.now(timezone.utc)
    new = repo.start_run("alpha", "schedule", pid=4242)

    assert runs.find_run(engine, "alpha", 4242, since=spawned).id == new
    assert runs.find_run(engine, "alpha", 4242, since=spawned - timedelta(hours=1)).id == new
    assert runs.find_run(engine, "beta", 4242, since=spawned) is None
    assert runs.find_run(engine, "alpha", 1, since=spawned) is None
    assert runs.find_run(engine, "alpha", 4242, since=spawned + timedelta(hours=1)) is None


def test_running_runs(engine) -> None:
    repo = Repository(engine)
    done = repo.start_run("alpha", "schedule", pid=1)
    finish(repo, done)
    live = repo.start_run("alpha", "schedule", pid=os.getpid())
    other = repo.start_run("beta", "schedule", pid=2)

    assert [r.id for r in runs.running_runs(engine)] == [live, other]
    (ref,) = runs.running_runs(engine, "alpha")
    assert (ref.id, ref.site, ref.status, ref.pid) == (live, "alpha", "running", os.getpid())


def test_close_run_closes_a_running_row(engine) -> None:
    run_id = Repository(engine).start_run("alpha", "schedule", pid=5)

    assert runs.close_run(
        engine, run_id, status="killed", finish_reason="time_limit", error="time limit 30s exceeded"
    )

    (row,) = runs.list_runs(engine)
    assert (row["status"], row["finish_reason"], row["error"]) == (
        "killed",
        "time_limit",
        "time limit 30s exceeded",
    )
    assert row["finished_at"] is not None
    # Closed rows stay closed unless the caller names their status.
    assert not runs.close_run(engine, run_id, status="failed", finish_reason="died")


def test_close_run_overwrites_only_the_named_statuses(engine) -> None:
    repo = Repository(engine)
    killed = repo.start_run("alpha", "schedule", pid=6)
    finish(repo, killed, status="killed", reason="shutdown")
    finished = repo.start_run("alpha", "schedule", pid=7)
    finish(repo, finished)

    assert runs.close_run(
        engine,
        killed,
        status="killed",
        finish_reason="time_limit",
        error="time limit 1s exceeded",
        overwrite=("killed", "failed"),
    )
    assert not runs.close_run(
        engine,
        finished,
        status="killed",
        finish_reason="time_limit",
        overwrite=("killed", "failed"),
    )

    by_id = {r["id"]: r for r in runs.list_runs(engine)}
    assert by_id[killed]["finish_reason"] == "time_limit"
    assert by_id[killed]["pages_fetched"] == 3  # the crawl's own counts are kept
    assert by_id[finished]["status"] == "finished"


def test_close_run_refuses_running_as_a_final_status(engine) -> None:
    with pytest.raises(ValueError, match="status must be one of"):
        runs.close_run(engine, 1, status="running", finish_reason="x")
