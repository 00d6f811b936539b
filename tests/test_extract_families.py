"""CMS-family fixture pages (tests/fake_sites/<family>/) against their expected.json."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.extract import ExtractProfile, NotAnArticle, extract_article

SITES = Path(__file__).parent / "fake_sites"
FAMILIES = ("ndsoft", "naver")
FETCHED = datetime(2025, 6, 1, tzinfo=UTC)


def _expected(family: str) -> dict:
    return json.loads((SITES / family / "expected.json").read_text(encoding="utf-8"))


PAGES = [(family, page) for family in FAMILIES for page in _expected(family)["pages"]]
NOT_ARTICLES = [(family, page) for family in FAMILIES for page in _expected(family)["not_articles"]]


def _extract(family: str, folder: str, page: dict, profile_family: str):  # type: ignore[no-untyped-def]
    raw = (SITES / family / folder / page["file"]).read_text(encoding="utf-8").replace("{{BASE_URL}}", page["base_url"])
    return extract_article(raw.encode("utf-8"), page["base_url"] + page["path"],
                           profile=ExtractProfile(site=family, family=profile_family), fetched_at=FETCHED)


def _sub(value, base: str):  # type: ignore[no-untyped-def]
    return json.loads(json.dumps(value, ensure_ascii=False).replace("{{BASE_URL}}", base))


@pytest.mark.parametrize(("family", "page"), PAGES, ids=[f"{f}/{p['file']}" for f, p in PAGES])
@pytest.mark.parametrize("profile_family", ["configured", "generic"])
def test_page_fields(family, page, profile_family):  # type: ignore[no-untyped-def]
    got = _extract(family, "articles", page, family if profile_family == "configured" else "generic").to_dict()
    want = _sub(page, page["base_url"])
    for field in ("canonical_url", "title", "subtitle", "summary", "section", "tags", "language", "reporters",
                  "images", "related_links", "extractor"):
        assert got[field] == want[field], field
    for field in ("published_at", "modified_at"):
        if want[field] is None:
            assert got[field] is None, field
        else:
            assert datetime.fromisoformat(got[field]) == datetime.fromisoformat(want[field]), field
    for snippet in want["body_contains"]:
        assert snippet in got["body"], snippet
    for snippet in want["body_not_contains"]:
        assert snippet not in got["body"], snippet


@pytest.mark.parametrize(("family", "page"), NOT_ARTICLES, ids=[f"{f}/{p['file']}" for f, p in NOT_ARTICLES])
def test_not_articles_are_refused(family, page):  # type: ignore[no-untyped-def]
    with pytest.raises(NotAnArticle) as err:
        _extract(family, "not_articles", page, family)
    assert err.value.reason == page["reason"]


def test_every_family_has_fixtures():
    for family in FAMILIES:
        assert len(_expected(family)["pages"]) >= 3
        assert _expected(family)["not_articles"]
