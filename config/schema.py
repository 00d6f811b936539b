"""Typed configuration. Unknown keys are errors (``extra="forbid"``): a typo must
stop the service with a message naming the file and key, not be ignored."""

from __future__ import annotations

import re
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, None: 1}


def parse_duration(value: str | int | float) -> float:
    """``"30m"`` → 1800.0; a bare number is seconds."""
    if isinstance(value, int | float):
        return float(value)
    match = _DURATION.match(value)
    if not match:
        raise ValueError(f"not a duration: {value!r} (use e.g. 90s, 30m, 2h, 1d)")
    return float(match.group(1)) * _UNIT_SECONDS[match.group(2)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScheduleConfig(_Strict):
    every: str | None = None
    cron: str | None = None
    jitter: str = "0s"

    @field_validator("every", "jitter")
    @classmethod
    def _duration(cls, value: str | None) -> str | None:
        if value is not None and parse_duration(value) < 0:
            raise ValueError("must not be negative")
        return value

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        if value is not None and len(value.split()) != 5:
            raise ValueError("cron needs five fields: minute hour day month weekday")
        return value

    @model_validator(mode="after")
    def _one_of(self) -> ScheduleConfig:
        if self.every and self.cron:
            raise ValueError("set either every or cron, not both")
        return self

    @property
    def every_seconds(self) -> float | None:
        return parse_duration(self.every) if self.every else None

    @property
    def jitter_seconds(self) -> float:
        return parse_duration(self.jitter)


class SourceConfig(_Strict):
    kind: Literal["feed", "sitemap", "listing"]
    url: str
    #: listing pages: how many pages to walk at most per crawl
    max_pages: int = Field(default=3, ge=1)

    @field_validator("url")
    @classmethod
    def _http(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value


class UrlRules(_Strict):
    #: regexes an article URL must match (any); empty means every on-site URL not denied
    allow: tuple[str, ...] = ()
    #: regexes that exclude a URL (tag, category, author, feed pages, …)
    deny: tuple[str, ...] = ()

    @field_validator("allow", "deny")
    @classmethod
    def _regexes(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in values:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"bad regex {pattern!r}: {exc}") from exc
        return values


#: CMS families the extractor knows (crawler/extract/families/); a test keeps them in step
FAMILIES = ("generic", "wordpress", "ndsoft", "naver")
#: fields a site may give its own CSS selector for (crawler/extract/profile.py)
SELECTOR_FIELDS = ("title", "subtitle", "summary", "body", "byline", "published", "modified", "section", "tags", "related")


class ExtractConfig(_Strict):
    family: str = "generic"
    selectors: dict[str, str] = Field(default_factory=dict)
    remove: tuple[str, ...] = ()

    @field_validator("family")
    @classmethod
    def _family(cls, value: str) -> str:
        if value not in FAMILIES:
            raise ValueError(f"unknown family {value!r} (known: {', '.join(FAMILIES)})")
        return value

    @field_validator("selectors")
    @classmethod
    def _selector_fields(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(SELECTOR_FIELDS))
        if unknown:
            raise ValueError(f"unknown selector field {unknown[0]!r} (known: {', '.join(SELECTOR_FIELDS)})")
        return value


class CrawlConfig(_Strict):
    max_articles: int = Field(default=0, ge=0)
    download_delay: float = Field(default=1.0, ge=0)
    concurrent_requests_per_domain: int = Field(default=1, ge=1)
    #: requests in flight in the crawl process (one process crawls one site)
    concurrent_requests: int = Field(default=8, ge=1)
    #: adapt the delay to the server's latency; off only for servers you own (benchmarks)
    autothrottle: bool = True
    download_timeout: float = Field(default=30, gt=0)
    #: hard limit for one crawl of this site, used by the daemon
    time_limit: str = "30m"
    robots_txt_obey: bool = True
    #: re-fetch a stored article this long after its publication to catch corrections
    recheck_after: tuple[str, ...] = ("1h", "24h")
    #: this many consecutive 403/429 answers stop the site's crawl (0: never)
    circuit_breaker: int = Field(default=5, ge=0)
    #: longest Retry-After the crawl waits for before giving up on that URL
    retry_after_max: str = "10m"
    #: an article URL that failed this many crawls in a row is not tried again
    max_failures: int = Field(default=5, ge=1)

    @field_validator("time_limit", "retry_after_max")
    @classmethod
    def _duration(cls, value: str) -> str:
        parse_duration(value)
        return value

    @field_validator("recheck_after")
    @classmethod
    def _durations(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        for value in values:
            parse_duration(value)
        return values


class SiteConfig(_Strict):
    id: str
    name: str
    base_url: str
    domains: tuple[str, ...]
    language: str = "ko"
    timezone: str = "Asia/Seoul"
    enabled: bool = True
    schedule: ScheduleConfig = ScheduleConfig(every="30m", jitter="60s")
    sources: tuple[SourceConfig, ...]
    urls: UrlRules = UrlRules()
    extract: ExtractConfig = ExtractConfig()
    crawl: CrawlConfig = CrawlConfig()

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", value):
            raise ValueError("site id must be lower snake case (a-z, 0-9, _)")
        return value

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("sources")
    @classmethod
    def _some_sources(cls, value: tuple[SourceConfig, ...]) -> tuple[SourceConfig, ...]:
        if not value:
            raise ValueError("a site needs at least one source")
        return value


class SchedulerConfig(_Strict):
    max_concurrent_crawls: int = Field(default=2, ge=1)
    shutdown_grace: str = "30s"
    #: how late a run may start and still run (APScheduler's default of 1 s drops runs)
    misfire_grace: str = "10m"


class AppConfig(_Strict):
    database_url: str | None = None
    sites_dir: str | None = None
    user_agent: str = "newscrawl/0.1 (+https://github.com/newscrawl/newscrawl)"
    log_level: str = "INFO"
    scheduler: SchedulerConfig = SchedulerConfig()
    sites: dict[str, SiteConfig] = Field(default_factory=dict)
