"""Dates as feeds and sitemaps print them (RFC 822 and W3C/ISO 8601)."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from dateutil import parser as dateparser


def parse_feed_date(value: str | None) -> datetime | None:
    """Aware datetime or None; a value without offset is taken as UTC (the feed specs' rule)."""
    if not value:
        return None
    value = value.strip()
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        try:
            parsed = dateparser.isoparse(value)
        except (ValueError, OverflowError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed
