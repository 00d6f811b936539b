"""The dedup keys' fast paths: url_key is memoised (a crawl asks for the same URL's key
several times) and content_hash collapses whitespace with str.split; neither may change
an answer, since stored rows carry those keys."""

from __future__ import annotations

import hashlib
import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storage.dedup import content_hash, url_key


def test_repeated_keys_come_from_the_cache_and_are_equal() -> None:
    url = "https://www.tech42.co.kr/%ec%8a%a4%ed%8b%b0%eb%b9%84-%ec%9e%90%eb%8f%99%ed%99%94/?utm_source=x&b=2"
    first = url_key(url)
    hits = url_key.cache_info().hits
    assert url_key(url) == first == "tech42.co.kr/%EC%8A%A4%ED%8B%B0%EB%B9%84-%EC%9E%90%EB%8F%99%ED%99%94/?b=2"
    assert url_key.cache_info().hits == hits + 1


def test_invalid_urls_raise_every_time() -> None:
    for _ in range(2):
        with pytest.raises(ValueError, match="not an absolute"):
            url_key("ftp://example.com/file")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_content_hash_whitespace_rule_is_the_regex_one(text: str) -> None:
    # The hash of every stored article depends on this rule: it must stay what it was
    # when it was written as re.sub(r"\s+", " ", nfc(text)).strip().
    reference = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()
    assert content_hash("제목", text) == hashlib.sha256(("제목\n" + reference).encode()).hexdigest()
