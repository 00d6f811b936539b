"""scheduler.runner with real child processes, real signals and a real database.

The child is a stand-in for ``newscrawl crawl`` that records its run the way the
crawl does (``Repository.start_run``/``finish_run`` with its own pid) and then
behaves as told: finish, linger, close gracefully on SIGTERM, ignore SIGTERM, or
die. The end-to-end daemon tests run the real crawl.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from scheduler.plan import SitePlan
from scheduler.child import pid_alive
from scheduler.child import CrawlCommand
from scheduler.runner import CrawlRunner
from storage import runs
from storage.db import make_engine
from storage.repository import Repository

REPO = Path(__file__).resolve().parents[1]

CHILD = """
import os, signal, sys, time
from storage.db import make_engine
from storage.repository import Repository

site, mode, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
repo = Repository(make_engine(os.environ["NEWSCRAWL_DATABASE_URL"]))
run_id = None

def close(status, reason):
    repo.finish_run(run_id, status=status, finish_reason=reason, counts={"pages_fetched": 1},
                    items_dropped={}, errors={}, stats={})

def on_term(*_):
    if run_id is not None:
        close("killed", "shutdown")
    sys.exit(2)

if mode == "ignore-term":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
else:
    signal.signal(signal.SIGTERM, on_term)
if mode == "no-run":
    sys.exit(1)
run_id = repo.start_run(site, "schedule")
time.sleep(seconds)
if mode == "die":
    os._exit(3)
close("finished", "finished")
"""


@dataclass(frozen=True)
class StandIn(CrawlCommand):
    script: str = ""
    mode: str = "finish"
    seconds: float = 0.0

    def argv(self, site: str) -> list[str]:
        return [sys.executable, self.script, site, self.mode, str(self.seconds)]

    def env(self) -> dict[str, str]:
        return {**super().env(), "PYTHONPATH": str(REPO)}


@pytest.fixture
def setup(tmp_path: Path, migrated_db_url: str):
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    engine = make_engine(migrated_db_url)

    def runner(
        mode: str, seconds: float, *, time_limit: float = 30, kill_grace: float = 2
    ) -> CrawlRunner:
        command = StandIn(
            database_url=migrated_db_url, script=str(script), mode=mode, seconds=seconds
        )
        plan = SitePlan("alpha", 60, None, 0, "UTC", time_limit)
        return CrawlRunner(command, engine, {"alpha": plan}, kill_grace=kill_grace)

    yield runner, engine
    engine.dispose()


def only_run(engine) -> dict:
    (row,) = runs.list_runs(engine)
    return row


def test_a_finished_crawl_is_left_as_it_recorded_itself(setup) -> None:
    make_runner, engine = setup
    make_runner("finish", 0).run_site("alpha")
    row = only_run(engine)
    assert (row["status"], row["finish_reason"], row["error"], row["trigger"]) == (
        "finished",
        "finished",
        None,
        "schedule",
    )


def test_time_limit_sigterm_and_the_run_records_why(setup) -> None:
    make_runner, engine = setup
    started = time.monotonic()
    make_runner("graceful", 30, time_limit=3).run_site("alpha")
    assert time.monotonic() - started < 8
    row = only_run(engine)
    assert (row["status"], row["finish_reason"], row["error"]) == (
        "killed",
        "time_limit",
        "time limit 3s exceeded",
    )
    assert row["pages_fetched"] == 1  # what the crawl recorded while closing is kept


def test_time_limit_sigkill_after_the_grace(setup) -> None:
    make_runner, engine = setup
    started = time.monotonic()
    make_runner("ignore-term", 30, time_limit=3, kill_grace=1).run_site("alpha")
    assert 4 <= time.monotonic() - started < 9
    row = only_run(engine)
    assert (row["status"], row["finish_reason"]) == ("killed", "time_limit")
    assert row["error"] == "time limit 3s exceeded; SIGKILL after 1s"
    assert row["finished_at"] is not None


def test_a_crawl_that_dies_without_closing_its_run_is_failed(setup) -> None:
    make_runner, engine = setup
    make_runner("die", 0).run_site("alpha")
    row = only_run(engine)
    assert (row["status"], row["finish_reason"]) == ("failed", "died")
    assert row["error"] == "crawl process exited with code 3 before closing its run"


def test_a_crawl_that_exits_before_recording_gets_a_failed_run(setup) -> None:
    make_runner, engine = setup
    make_runner("no-run", 0).run_site("alpha")
    row = only_run(engine)
    assert (row["status"], row["site"]) == ("failed", "alpha")
    assert row["error"] == "crawl process exited with code 1 before recording a run"


def test_stop_all_terminates_then_kills_and_refuses_new_crawls(setup) -> None:
    make_runner, engine = setup
    for mode, expected_error in (
        ("graceful", "daemon stopped"),
        ("ignore-term", "daemon stopped; SIGKILL after 1s grace"),
    ):
        runner = make_runner(mode, 30)
        thread = threading.Thread(target=runner.run_site, args=("alpha",))
        thread.start()
        deadline = time.monotonic() + 10
        while not runs.running_runs(engine) and time.monotonic() < deadline:
            time.sleep(0.05)
        pid = runner.running()["alpha"]

        killed = runner.stop_all(grace=1)
        thread.join(10)

        assert killed == (1 if mode == "ignore-term" else 0)
        assert not pid_alive(pid)
        (row,) = runs.list_runs(engine, limit=1)
        assert (row["status"], row["finish_reason"], row["error"]) == (
            "killed",
            "shutdown",
            expected_error,
        )
        runner.run_site("alpha")  # refused: no new run
        assert len(runs.list_runs(engine)) == (1 if mode == "graceful" else 2)


def test_dead_runs_are_abandoned_and_live_ones_are_not_overlapped(setup) -> None:
    make_runner, engine = setup
    repo = Repository(engine)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    stale = repo.start_run("alpha", "schedule", pid=int(dead.stdout))
    manual = repo.start_run("alpha", "cli", pid=os.getpid())  # a live crawl on this host

    make_runner("finish", 0).run_site("alpha")
    by_id = {r["id"]: r for r in runs.list_runs(engine)}
    assert set(by_id) == {stale, manual}, "no crawl while another one of the site is alive"
    assert by_id[stale]["status"] == "abandoned"
    assert by_id[manual]["status"] == "running"

    runs.close_run(engine, manual, status="failed", finish_reason="test")
    make_runner("finish", 0).run_site("alpha")
    assert runs.list_runs(engine, limit=1)[0]["status"] == "finished"
