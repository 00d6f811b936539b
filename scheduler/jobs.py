"""Everything that touches APScheduler 3.x, so moving to 4.x is a change to this module.

Jobs live in a ``MemoryJobStore`` and are rebuilt from the config at every start:
the config is the truth, nothing is pickled, and the last-run times in
``crawl_runs`` tell a restarted daemon when each site is due.
"""

from __future__ import annotations

import logging
import random
import re
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from apscheduler.events import JobEvent
    from apscheduler.triggers.base import BaseTrigger

    from scheduler.plan import PlanDiff, SitePlan

logger = logging.getLogger(__name__)

JOB_PREFIX = "crawl:"

_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")
_NUMERIC_DOW = re.compile(r"^(\*|\d+(?:-\d+)?)(?:/(\d+))?$")


def job_id(site: str) -> str:
    """``crawl:<site>``: the job id, also its name in APScheduler's own messages."""
    return JOB_PREFIX + site


def make_trigger(plan: SitePlan, *, start: datetime | None = None) -> BaseTrigger:
    """The APScheduler trigger for a plan; an interval counts from ``start``.

    Raises:
        ValueError: The cron expression is not valid (message names the site).
    """
    if plan.every is not None:
        return IntervalTrigger(
            seconds=plan.every, start_date=start, timezone=timezone.utc, jitter=plan.jitter or None
        )
    try:
        minute, hour, day, month, dow = (plan.cron or "").split()
        return CronTrigger(
            minute=minute,
            hour=hour,
            day=day,
            month=month,
            day_of_week=crontab_weekdays(dow),
            timezone=plan.timezone,
            jitter=plan.jitter or None,
        )
    except ValueError as exc:
        raise ValueError(f"site {plan.site}: schedule.cron {plan.cron!r}: {exc}") from None


def crontab_weekdays(field: str) -> str:
    """Translate crontab's day-of-week numbers (0 and 7 = Sunday) to names.

    APScheduler 3.x numbers weekdays from Monday = 0 (agronholm/apscheduler#286), so
    ``1-5`` would silently mean Tuesday to Saturday. Names are passed through.
    """
    names: list[str] = []
    for part in field.lower().split(","):
        match = _NUMERIC_DOW.match(part)
        if not match:
            names.append(part)
            continue
        span, step = match.group(1), int(match.group(2) or 1)
        if span == "*":
            if step == 1:
                names.append("*")
                continue
            first, last = 0, 6
        else:
            low, _, high = span.partition("-")
            first = int(low)
            last = int(high) if high else (6 if match.group(2) else first)
        if not 0 <= first <= last <= 7 or step < 1:
            raise ValueError(f"bad day-of-week {part!r} (0-7, 0 and 7 are Sunday)")
        names.extend(_WEEKDAYS[n] for n in range(first, last + 1, step))
    return ",".join(dict.fromkeys(names))


def check_plans(plans: Mapping[str, SitePlan]) -> None:
    """Build every trigger once so a bad schedule stops the daemon at start.

    Raises:
        ValueError: The first bad schedule, naming its site.
    """
    for plan in plans.values():
        make_trigger(plan, start=datetime.now(timezone.utc))


def next_fire(plan: SitePlan, now: datetime, last_started: datetime | None) -> datetime | None:
    """When a daemon started at ``now`` would first crawl the site (before jitter)."""
    first = plan.first_fire(now, last_started)
    if first is not None:
        return first
    fire: datetime | None = make_trigger(replace(plan, jitter=0.0)).get_next_fire_time(None, now)
    return fire


class Jobs:
    """A ``BackgroundScheduler`` with one job per site calling ``run(site_id)``.

    Args:
        run: The job function; gets the site id, blocks until that crawl is over.
        max_workers: Crawls that may run at the same time (the thread pool size).
        last_started: ``() -> {site: datetime}`` of the newest run per site.
    """

    def __init__(
        self,
        run: Callable[[str], None],
        *,
        max_workers: int,
        last_started: Callable[[], Mapping[str, datetime]],
    ) -> None:
        self._run = run
        self._last_started = last_started
        self._scheduler = BackgroundScheduler(
            jobstores={"default": MemoryJobStore()},
            executors={"default": ThreadPoolExecutor(max_workers=max_workers)},
            job_defaults={"max_instances": 1, "coalesce": True},
            timezone=timezone.utc,
        )
        self._scheduler.add_listener(
            self._on_event, EVENT_JOB_ERROR | EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES
        )

    def start(self, plans: Mapping[str, SitePlan]) -> None:
        """Add a job per plan and start the scheduler thread."""
        # Started paused so that added jobs get their next run time right away.
        self._scheduler.start(paused=True)
        self.apply(plans, _all_added(plans))
        self._scheduler.resume()

    def apply(self, plans: Mapping[str, SitePlan], changes: PlanDiff) -> None:
        """Add, reschedule and remove jobs; ``plans`` is the new configuration.

        A removed site's crawl in progress is not stopped; it just is not started again.
        """
        last: Mapping[str, datetime] = {}
        if changes.added or changes.changed:
            try:
                last = self._last_started()
            except Exception:
                logger.exception("cannot read the last runs; interval schedules start now")
        now = datetime.now(timezone.utc)
        for site in changes.removed:
            self._scheduler.remove_job(job_id(site))
            logger.info("%s: removed from the schedule", site)
        for site in (*changes.changed, *changes.added):
            plan = plans[site]
            first = plan.first_fire(now, last.get(site))
            if first is not None:
                # Spread sites that are all due at start-up, as the trigger does later.
                first += timedelta(seconds=random.uniform(0, plan.jitter))
            self._scheduler.add_job(
                self._run,
                trigger=make_trigger(plan, start=first),
                args=[site],
                id=job_id(site),
                name=job_id(site),
                misfire_grace_time=max(1, int(plan.misfire_grace)),
                replace_existing=True,
                **({"next_run_time": first} if first is not None else {}),
            )
            job = self._scheduler.get_job(job_id(site))
            verb = "rescheduled" if site in changes.changed else "scheduled"
            logger.info(
                "%s: %s %s, next crawl at %s", site, verb, plan.label, _when(job.next_run_time)
            )

    def pause(self) -> None:
        """Stop firing jobs; crawls already running are not touched."""
        if self._scheduler.running:
            self._scheduler.pause()

    def shutdown(self) -> None:
        """Wait for job threads to return, then stop the scheduler."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)

    def next_run_times(self) -> dict[str, datetime | None]:
        """Each scheduled site's next fire time."""
        return {
            job.id.removeprefix(JOB_PREFIX): job.next_run_time for job in self._scheduler.get_jobs()
        }

    @staticmethod
    def _on_event(event: JobEvent) -> None:
        site = event.job_id.removeprefix(JOB_PREFIX)
        if event.code == EVENT_JOB_MAX_INSTANCES:
            logger.warning("%s: still crawling; this fire is skipped", site)
        elif event.code == EVENT_JOB_MISSED:
            logger.warning(
                "%s: fire at %s missed (more than misfire_grace late)",
                site,
                _when(event.scheduled_run_time),
            )
        elif event.code == EVENT_JOB_ERROR:
            logger.error(
                "%s: job raised %r",
                site,
                event.exception,
                exc_info=(type(event.exception), event.exception, event.exception.__traceback__),
            )


def _all_added(plans: Mapping[str, SitePlan]) -> PlanDiff:
    from scheduler.plan import PlanDiff

    return PlanDiff(added=tuple(sorted(plans)))


def _when(moment: datetime | None) -> str:
    return moment.astimezone().isoformat(sep=" ", timespec="seconds") if moment else "never"
