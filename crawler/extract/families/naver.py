"""Placeholder replaced in phase B."""

from __future__ import annotations

from crawler.extract.families import Family

NAVER = Family(name="naver")
