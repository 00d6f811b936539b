"""Config: valid files load; every mistake is one line naming file, key and problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import ConfigError, load_config
from config.schema import parse_duration
from tests.crawling import PACKAGED_SITES

TECH42 = (PACKAGED_SITES / "tech42.toml").read_text(encoding="utf-8")


def deploy(tmp_path: Path, site_text: str, name: str = "tech42", deployment: str = 'sites_dir = "sites"\n') -> Path:
    (tmp_path / "sites").mkdir(exist_ok=True)
    (tmp_path / "sites" / f"{name}.toml").write_text(site_text, encoding="utf-8")
    config = tmp_path / "newscrawl.toml"
    config.write_text(deployment, encoding="utf-8")
    return config


def test_packaged_config_loads() -> None:
    app = load_config()
    site = app.sites["tech42"]
    assert site.extract.family == "wordpress"
    assert {s.kind for s in site.sources} == {"feed", "sitemap", "listing"}
    assert site.schedule.every_seconds == 1800


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda t: t + '\ncolour = "blue"\n', "colour: unknown key"),
        (lambda t: t.replace('timezone = "Asia/Seoul"', 'timezone = "Asia/Busan"'), "timezone: unknown time zone"),
        (lambda t: t.replace('id = "tech42"', 'id = "Tech 42"'), "id: site id must be lower snake case"),
        (lambda t: t.replace('every = "30m"', 'every = "soon"'), "schedule.every: not a duration"),
        (lambda t: t.replace('kind = "feed"', 'kind = "rss2"'), "sources.0.kind"),
        (lambda t: t.replace("[urls]", "[urls]\nallow2 = []"), "urls.allow2: unknown key"),
        (lambda t: t.replace("allow = [", "allow = ['([unclosed', "), "urls.allow: bad regex"),
        (lambda t: t.replace('url = "https://www.tech42.co.kr/feed"', 'url = "file:///etc/passwd"'), "sources.0.url: must be an http(s) URL"),
        (lambda t: t.replace("time_limit = \"30m\"", "time_limit = \"30m\"\nmax_articles = -1"), "crawl.max_articles: Input should be greater than or equal to 0"),
        (lambda t: t.replace("[[sources]]", "[[sources]", 1), "not valid TOML"),
        (lambda t: t.replace('family = "wordpress"', 'family = "wordpres"'), "extract.family: unknown family 'wordpres'"),
        (lambda t: t.replace('family = "wordpress"', 'family = "wordpress"\nselectors = { bdy = "div.x" }'), "extract.selectors: unknown selector field 'bdy'"),
    ],
)
def test_invalid_site_file_is_one_clear_line(tmp_path: Path, mutate, expected: str | None) -> None:
    config = deploy(tmp_path, mutate(TECH42))
    with pytest.raises(ConfigError) as info:
        load_config(config)
    message = str(info.value)
    assert "\n" not in message
    assert str(tmp_path / "sites" / "tech42.toml") in message
    if expected:
        assert expected in message


def test_file_stem_must_match_id(tmp_path: Path) -> None:
    config = deploy(tmp_path, TECH42, name="other")
    with pytest.raises(ConfigError, match=r"id: 'tech42' must equal the file name 'other'"):
        load_config(config)


def test_unknown_key_in_deployment_file(tmp_path: Path) -> None:
    config = deploy(tmp_path, TECH42, deployment='sites_dir = "sites"\ndatabase = "x"\n')
    with pytest.raises(ConfigError, match=r"newscrawl.toml: database: unknown key"):
        load_config(config)


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "nope.toml")


@pytest.mark.parametrize(("text", "seconds"), [("90s", 90), ("30m", 1800), ("2h", 7200), ("1d", 86400), ("500ms", 0.5), (5, 5)])
def test_durations(text, seconds) -> None:
    assert parse_duration(text) == seconds


def test_config_knows_what_the_extractor_knows() -> None:
    from config.schema import FAMILIES, SELECTOR_FIELDS
    from crawler.extract import profile
    from crawler.extract.families import registry

    assert set(FAMILIES) == set(registry())
    assert tuple(SELECTOR_FIELDS) == tuple(profile.SELECTOR_FIELDS)


def test_every_packaged_site_loads_and_names_a_known_family() -> None:
    app = load_config()
    assert {"tech42", "aitimes", "naver_it"} <= set(app.sites)
