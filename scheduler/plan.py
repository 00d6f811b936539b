"""What the daemon should run, derived from the config alone: one plan per enabled site.

Plans are plain values so a config reload can be compared with the running one
(:func:`diff`) and turned into job changes without restarting anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from config.schema import parse_duration

if TYPE_CHECKING:
    from config import AppConfig


@dataclass(frozen=True)
class SitePlan:
    """How and when one site is crawled by the daemon."""

    site: str
    #: seconds between crawls, or None for a cron schedule
    every: float | None
    #: five-field crontab expression (standard numbering: 0 and 7 are Sunday)
    cron: str | None
    #: a fire is delayed by a random 0..jitter seconds
    jitter: float
    #: the cron schedule's time zone (the site's)
    timezone: str
    #: seconds a crawl may run before it is stopped
    time_limit: float
    #: how late (seconds) a fire may start and still run
    misfire_grace: float = field(default=600.0)

    @property
    def label(self) -> str:
        """``every 30m`` or ``cron 0 * * * * (Asia/Seoul)``, for logs and tables."""
        if self.cron:
            return f"cron {self.cron} ({self.timezone})"
        return f"every {format_seconds(self.every or 0)}"

    def first_fire(self, now: datetime, last_started: datetime | None) -> datetime | None:
        """When an interval schedule first fires: one interval after the site's last
        crawl (so a daemon restart does not crawl everything again), or now if that
        is past. ``None`` for cron schedules, whose trigger decides."""
        if self.every is None:
            return None
        if last_started is None:
            return now
        return max(now, last_started + timedelta(seconds=self.every))


@dataclass(frozen=True)
class PlanDiff:
    """Site ids whose jobs must be added, removed or rescheduled."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


def plans_from_config(app: AppConfig) -> dict[str, SitePlan]:
    """One plan per enabled site, keyed by site id."""
    misfire = parse_duration(app.scheduler.misfire_grace)
    return {
        site.id: SitePlan(
            site=site.id,
            every=site.schedule.every_seconds,
            cron=site.schedule.cron,
            jitter=site.schedule.jitter_seconds,
            timezone=site.timezone,
            time_limit=parse_duration(site.crawl.time_limit),
            misfire_grace=misfire,
        )
        for site in app.sites.values()
        if site.enabled
    }


def diff(old: dict[str, SitePlan], new: dict[str, SitePlan]) -> PlanDiff:
    """Compare two sets of plans.

    A site is ``changed`` when anything about its job differs; a new time limit
    alone also counts, since the job carries it to the next crawl.
    """
    return PlanDiff(
        added=tuple(sorted(new.keys() - old.keys())),
        removed=tuple(sorted(old.keys() - new.keys())),
        changed=tuple(sorted(s for s in old.keys() & new.keys() if old[s] != new[s])),
    )


def format_seconds(seconds: float) -> str:
    """``1800`` → ``30m``, ``90`` → ``90s``, ``7200`` → ``2h``: the config's own notation."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"
