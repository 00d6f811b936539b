"""scheduler.plan and scheduler.jobs' triggers: config → plans → APScheduler triggers."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from config import load_config
from scheduler.jobs import check_plans, crontab_weekdays, job_id, make_trigger, next_fire
from scheduler.plan import PlanDiff, SitePlan, diff, format_seconds, plans_from_config

NOW = datetime(2026, 3, 2, 0, 0, tzinfo=timezone.utc)  # a Monday, 09:00 in Seoul


def site_toml(site: str, schedule: str, extra: str = "") -> str:
    return f"""
id = "{site}"
name = "{site}"
base_url = "https://{site}.example"
domains = ["{site}.example"]
{extra}
[schedule]
{schedule}

[[sources]]
kind = "feed"
url = "https://{site}.example/feed"

[crawl]
time_limit = "90s"
"""


def write_sites(tmp_path: Path, sites: dict[str, str], scheduler: str = "") -> Path:
    (tmp_path / "sites").mkdir(exist_ok=True)
    for name, text in sites.items():
        (tmp_path / "sites" / f"{name}.toml").write_text(text, encoding="utf-8")
    config = tmp_path / "newscrawl.toml"
    config.write_text(f'sites_dir = "sites"\n{scheduler}\n', encoding="utf-8")
    return config


def test_plans_from_config_cover_enabled_sites_only(tmp_path: Path) -> None:
    config = write_sites(
        tmp_path,
        {
            "alpha": site_toml("alpha", 'every = "30m"\njitter = "2m"'),
            "beta": site_toml("beta", 'cron = "0 9 * * 1-5"'),
            "gamma": site_toml("gamma", 'every = "1h"', extra="enabled = false"),
        },
        scheduler='[scheduler]\nmisfire_grace = "5m"',
    )
    plans = plans_from_config(load_config(config))

    assert set(plans) == {"alpha", "beta"}
    assert plans["alpha"] == SitePlan("alpha", 1800.0, None, 120.0, "Asia/Seoul", 90.0, 300.0)
    assert plans["alpha"].label == "every 30m"
    assert plans["beta"].cron == "0 9 * * 1-5"
    assert plans["beta"].label == "cron 0 9 * * 1-5 (Asia/Seoul)"


def test_diff_names_added_removed_and_changed_sites() -> None:
    a = SitePlan("a", 60, None, 0, "UTC", 30)
    b = SitePlan("b", 60, None, 0, "UTC", 30)
    c = SitePlan("c", 60, None, 0, "UTC", 30)
    old = {"a": a, "b": b, "c": c}
    new = {
        "a": a,
        "b": replace(b, every=120),
        "c": replace(c, time_limit=10),
        "d": replace(a, site="d"),
    }

    assert diff(old, new) == PlanDiff(added=("d",), removed=(), changed=("b", "c"))
    assert diff(new, {"a": a}) == PlanDiff(removed=("b", "c", "d"))
    assert not diff(old, dict(old))


def test_first_fire_counts_from_the_last_crawl() -> None:
    plan = SitePlan("a", 1800, None, 0, "UTC", 60)
    assert plan.first_fire(NOW, None) == NOW
    assert plan.first_fire(NOW, NOW - timedelta(minutes=10)) == NOW + timedelta(minutes=20)
    assert plan.first_fire(NOW, NOW - timedelta(hours=3)) == NOW
    assert replace(plan, every=None, cron="0 * * * *").first_fire(NOW, None) is None


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("*", "*"),
        ("1-5", "mon,tue,wed,thu,fri"),
        ("0", "sun"),
        ("7", "sun"),
        ("0,6", "sun,sat"),
        ("0-7", "sun,mon,tue,wed,thu,fri,sat"),
        ("*/2", "sun,tue,thu,sat"),
        ("1-5/2", "mon,wed,fri"),
        ("mon-fri", "mon-fri"),
        ("sat,SUN", "sat,sun"),
    ],
)
def test_crontab_weekdays_use_crontab_numbering(field: str, expected: str) -> None:
    assert crontab_weekdays(field) == expected


def test_cron_trigger_fires_on_crontab_weekdays_in_the_site_time_zone() -> None:
    plan = SitePlan("a", None, "0 9 * * 1", 0, "Asia/Seoul", 60)
    # NOW is Monday 09:00 KST; the next "Monday 09:00" is a week later, not Tuesday.
    fire = make_trigger(plan).get_next_fire_time(None, NOW + timedelta(seconds=1))
    assert fire == datetime(2026, 3, 9, 9, 0, tzinfo=ZoneInfo("Asia/Seoul"))


def test_interval_trigger_counts_from_its_start() -> None:
    plan = SitePlan("a", 60, None, 0, "UTC", 30)
    trigger = make_trigger(plan, start=NOW)
    assert trigger.get_next_fire_time(None, NOW) == NOW
    assert trigger.get_next_fire_time(NOW, NOW) == NOW + timedelta(seconds=60)


def test_jitter_delays_a_fire_by_at_most_the_jitter() -> None:
    plan = SitePlan("a", 60, None, 5, "UTC", 30)
    trigger = make_trigger(plan, start=NOW)
    fires = {trigger.get_next_fire_time(NOW, NOW) for _ in range(30)}
    assert all(NOW + timedelta(seconds=60) <= f <= NOW + timedelta(seconds=65) for f in fires)
    assert len(fires) > 1


def test_next_fire_for_interval_and_cron() -> None:
    every = SitePlan("a", 600, None, 60, "UTC", 30)
    assert next_fire(every, NOW, NOW - timedelta(minutes=4)) == NOW + timedelta(minutes=6)
    cron = SitePlan("b", None, "30 * * * *", 60, "UTC", 30)
    assert next_fire(cron, NOW, None) == NOW + timedelta(minutes=30)  # jitter left out


def test_check_plans_names_the_site_with_a_bad_cron() -> None:
    check_plans({"ok": SitePlan("ok", None, "*/5 * * * *", 0, "UTC", 30)})
    with pytest.raises(ValueError, match=r"site bad: schedule.cron '99 \* \* \* \*'"):
        check_plans({"bad": SitePlan("bad", None, "99 * * * *", 0, "UTC", 30)})
    with pytest.raises(ValueError, match="bad day-of-week '8'"):
        check_plans({"bad": SitePlan("bad", None, "0 0 * * 8", 0, "UTC", 30)})


def test_names() -> None:
    assert job_id("tech42") == "crawl:tech42"
    assert [format_seconds(s) for s in (1800, 90, 7200, 86400, 1.5, 60)] == [
        "30m",
        "90s",
        "2h",
        "1d",
        "1.5s",
        "1m",
    ]
