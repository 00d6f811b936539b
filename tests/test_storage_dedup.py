import unicodedata

import pytest

from storage.dedup import content_hash, url_key

SLUG_UTF8 = "https://tech42.example/2024/05/삼성전자-반도체-투자/"
SLUG_ENCODED = (
    "https://tech42.example/2024/05/"
    "%EC%82%BC%EC%84%B1%EC%A0%84%EC%9E%90-%EB%B0%98%EB%8F%84%EC%B2%B4-%ED%88%AC%EC%9E%90/"
)


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://example.com/news/1", "example.com/news/1"),
        ("HTTP://EXAMPLE.COM/news/1", "example.com/news/1"),
        ("http://www.example.com/news/1", "example.com/news/1"),
        ("https://m.example.com/news/1", "example.com/news/1"),
        ("https://www.m.example.com/news/1", "example.com/news/1"),
        ("https://example.com:443/news/1", "example.com/news/1"),
        ("http://example.com:80/news/1", "example.com/news/1"),
        ("https://example.com:8443/news/1", "example.com:8443/news/1"),
        ("https://example.com/news/1#comments", "example.com/news/1"),
        ("https://example.com", "example.com/"),
        ("https://example.com/a?b=2&a=1", "example.com/a?a=1&b=2"),
        ("https://example.com/a?utm_source=x&id=7&utm_medium=rss", "example.com/a?id=7"),
        ("https://example.com/a?id=7&fbclid=abc&gclid=def", "example.com/a?id=7"),
        ("https://example.com/a?UTM_Campaign=x&id=7", "example.com/a?id=7"),
        ("https://example.com/a?utm_source=rss", "example.com/a"),
        # Path case is significant; only the host is case-insensitive.
        ("https://Example.com/News/1", "example.com/News/1"),
        # "m." is only stripped in front of a real domain.
        ("https://m.kr/news/1", "m.kr/news/1"),
        ("https://www.ex.co.kr/news/articleView.html?idxno=12345",
         "ex.co.kr/news/articleView.html?idxno=12345"),
    ],
)
def test_url_key_table(url: str, key: str) -> None:
    assert url_key(url) == key


def test_korean_slug_raw_and_percent_encoded_share_a_key() -> None:
    assert url_key(SLUG_UTF8) == url_key(SLUG_ENCODED)
    assert url_key(SLUG_ENCODED.lower().replace("https://", "http://www.")) == url_key(SLUG_UTF8)


def test_korean_query_values_and_idn_hosts_are_encoded_canonically() -> None:
    assert url_key("https://한국.kr/기사?q=검색") == url_key(
        "https://xn--3e0b707e.kr/%EA%B8%B0%EC%82%AC?q=%EA%B2%80%EC%83%89"
    )


def test_non_utf8_query_values_are_kept_distinct() -> None:
    # EUC-KR percent-encoded values (가 and 나) must not collapse into one key.
    assert url_key("https://ex.kr/list?q=%B0%A1") != url_key("https://ex.kr/list?q=%B3%AA")


def test_url_key_is_idempotent_through_a_scheme() -> None:
    for url in (SLUG_UTF8, "https://www.example.com:443/a?z=1&a=2&utm_x=1#f"):
        key = url_key(url)
        assert url_key("https://" + key) == key


@pytest.mark.parametrize("url", ["mailto:desk@example.com", "/relative/path", "ftp://example.com/x"])
def test_url_key_rejects_non_http_urls(url: str) -> None:
    with pytest.raises(ValueError, match="not an absolute http"):
        url_key(url)


def test_content_hash_ignores_whitespace_and_unicode_normal_form() -> None:
    base = content_hash("삼성전자, 반도체 투자", "첫 문단.\n\n둘째 문단.")
    decomposed = unicodedata.normalize("NFD", "삼성전자, 반도체 투자")
    assert decomposed != "삼성전자, 반도체 투자"
    assert content_hash(decomposed, "첫 문단. 둘째 문단.") == base
    assert content_hash("  삼성전자,\u00a0반도체 투자 ", "첫\u3000문단.\n둘째 문단.\n") == base


def test_content_hash_separates_title_from_body_and_detects_changes() -> None:
    assert len(content_hash("t", "b")) == 64
    assert content_hash("t", "b") != content_hash("t", "b2")
    assert content_hash("t", "b") != content_hash("tb", None)
    assert content_hash(None, None) == content_hash("", "  ")
