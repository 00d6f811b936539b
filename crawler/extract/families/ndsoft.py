"""Placeholder replaced in phase B."""

from __future__ import annotations

from crawler.extract.families import Family

NDSOFT = Family(name="ndsoft")
