"""Extraction speed: our extractor (site/family path and generic path) against trafilatura
on the same pages, in the same process, plus each one's peak memory.

Pages: the generated site's articles (~100 KB WordPress pages), the team's fixtures
(``tests/fake_sites/*/articles``) and, when present, ``../shared/corpus`` (Korean news pages
and the WCXB sample). The site/family path gets each page's site profile (family
``wordpress`` for the generated site, the fixture site's own config); the generic path
gets ``profile=None``, as ``newscrawl extract FILE`` without ``--site`` does. trafilatura
runs ``bare_extraction(body, url=…, with_metadata=True)`` on the same bytes.

Timing: every round times each extractor over each page set once, extractors
alternating; the best round counts (the least disturbed by the machine). Memory: one
child process per (page set, extractor) measures peak RSS growth over a pass (VmHWM
minus the RSS after loading the pages) and tracemalloc's peak of Python allocations.

    .venv/bin/python -m bench.extraction            # ~2 minutes, writes bench/README.md
    .venv/bin/python -m bench.extraction --quick    # a few pages, no README
"""

from __future__ import annotations

import argparse
import functools
import gc
import gzip
import json
import subprocess
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.report import REPO, emit, markdown_table, rss_kb, rss_peak_kb
from bench.sitegen import NewsSite

SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
FAKE_SITES = REPO / "tests" / "fake_sites"
GENERATED_DOMAINS = ("benchnews.test", "www.benchnews.test")


@dataclass(frozen=True, slots=True)
class Page:
    url: str
    body: bytes
    profile: Any  # ExtractProfile | None


@dataclass(frozen=True, slots=True)
class PageSet:
    name: str
    path: str  # "family" or "generic": which goal the set counts towards
    pages: tuple[Page, ...]

    @property
    def avg_kb(self) -> float:
        return sum(len(p.body) for p in self.pages) / max(1, len(self.pages)) / 1024


def _profile(site: Any) -> Any:
    from crawler.extract.profile import ExtractProfile

    return ExtractProfile(site=site.id, family=site.extract.family, timezone=site.timezone, language=site.language,
                          domains=tuple(site.domains), selectors=dict(site.extract.selectors),
                          remove=tuple(site.extract.remove))


def generated_pages(count: int, *, family: bool) -> tuple[Page, ...]:
    """``count`` articles spread over a 5,000-article generated site."""
    from crawler.extract.profile import ExtractProfile

    site = _site()
    profile = ExtractProfile(site="benchnews", family="wordpress", domains=GENERATED_DOMAINS) if family else None
    step = max(1, len(site.articles) // count)
    return tuple(Page(m.url, site.route(m.path).body, profile) for m in site.articles[::step][:count])


@functools.cache
def _site() -> NewsSite:
    return NewsSite(5000)


def fixture_pages(*, family: bool) -> tuple[Page, ...]:
    """The team's fixture articles with their site's profile (or none)."""
    import tomllib

    from config.schema import SiteConfig

    pages = []
    for site_dir in sorted(p for p in FAKE_SITES.iterdir() if (p / "articles").is_dir()):
        config = site_dir / "site.toml"
        if not config.exists():
            config = REPO / "config" / "sites" / f"{site_dir.name}.toml"
        if not config.exists():
            continue
        site = SiteConfig.model_validate(tomllib.loads(config.read_text(encoding="utf-8")))
        profile = _profile(site) if family else None
        for file in sorted((site_dir / "articles").glob("*.html")):
            text = file.read_text(encoding="utf-8").replace("{{BASE_URL}}", site.base_url)
            pages.append(Page(_canonical(text) or f"{site.base_url}/{file.stem}/", text.encode(), profile))
    return tuple(pages)


def _canonical(text: str) -> str | None:
    marker = '<link rel="canonical" href="'
    start = text.find(marker)
    if start < 0:
        return None
    start += len(marker)
    return text[start : text.find('"', start)]


def korean_corpus(limit: int = 0) -> tuple[Page, ...]:
    index = CORPUS / "korean" / "index.jsonl"
    if not index.exists():
        return ()
    pages = []
    for line in index.read_text(encoding="utf-8").splitlines()[: limit or None]:
        record = json.loads(line)
        pages.append(Page(record["url"], gzip.decompress((CORPUS / "korean" / record["file"]).read_bytes()), None))
    return tuple(pages)


def wcxb_corpus(limit: int = 0) -> tuple[Page, ...]:
    root = CORPUS / "wcxb-dev-sample"
    if not root.exists():
        return ()
    pages = []
    for html in sorted((root / "html").glob("*.html.gz"))[: limit or None]:
        truth = root / "ground-truth" / (html.name.removesuffix(".html.gz") + ".json")
        url = json.loads(truth.read_text(encoding="utf-8"))["url"] if truth.exists() else f"https://example.com/{html.name}"
        pages.append(Page(url, gzip.decompress(html.read_bytes()), None))
    return tuple(pages)


def page_sets(generated: int, limit: int = 0) -> list[PageSet]:
    """The page sets, each cut to ``limit`` pages when ``limit`` is set."""
    sets = [
        PageSet("generated WordPress site, family profile", "family", generated_pages(generated, family=True)),
        PageSet("team fixtures, site profile", "family", fixture_pages(family=True)),
        PageSet("generated WordPress site, no profile", "generic", generated_pages(generated, family=False)),
        PageSet("team fixtures, no profile", "generic", fixture_pages(family=False)),
        PageSet("corpus: Korean news pages", "generic", korean_corpus(limit)),
        PageSet("corpus: WCXB dev sample (English)", "generic", wcxb_corpus(limit)),
    ]
    if limit:
        sets = [PageSet(s.name, s.path, s.pages[:limit]) for s in sets]
    return [s for s in sets if s.pages]


# --- the extractors -------------------------------------------------------------------
def ours(page: Page) -> bool:
    from crawler.extract import ExtractionError, NotAnArticle, extract_article

    try:
        extract_article(page.body, page.url, profile=page.profile, headers={"Content-Type": "text/html"})
    except (NotAnArticle, ExtractionError):
        return False
    return True


def trafilatura_(page: Page) -> bool:
    import trafilatura

    return trafilatura.bare_extraction(page.body, url=page.url, with_metadata=True) is not None


EXTRACTORS: dict[str, Callable[[Page], bool]] = {"ours": ours, "trafilatura": trafilatura_}


def parse_only(page: Page) -> bool:
    """Decode and parse with lxml, as ``extract_article`` does first: the floor under any
    extractor that reads a tree (timed beside the two, not an extractor of its own)."""
    from crawler.extract.charset import decode_html
    from crawler.extract.document import parse_html

    parse_html(decode_html(page.body, "text/html"))
    return True


def _quiet() -> None:
    import logging

    logging.disable(logging.WARNING)
    warnings.simplefilter("ignore")


# Memo caches keyed by page content (lines, dates, URLs), ours and trafilatura's. Every
# round passes over the same pages, so without clearing them the best round is one where
# every line test of every page is a cache hit: in a crawl each page is new. Caches keyed
# by configuration (compiled selectors, stop lists, encodings) stay warm, as in a crawl.
_CONTENT_CACHE_PACKAGES = ("crawler", "trafilatura", "htmldate", "courlan", "justext", "w3lib")
_CONFIG_CACHES = frozenset({
    "compile_css", "_needs", "_compound", "is_valid_format", "define_stoplist", "month_words",
    "get_external_parser", "_punct_tbl", "_hex_decode_table", "_hex_encode_table", "_quote_table", "_safe_table",
    "_ascii_compatible", "_scannable", "update_tld_names",
})


def clear_content_caches() -> int:
    """Empty every content-keyed memo cache of the extractors' packages; how many."""
    cleared = 0
    for name, module in list(sys.modules.items()):
        if module is None or name.split(".")[0] not in _CONTENT_CACHE_PACKAGES:
            continue
        for attr, obj in list(vars(module).items()):
            if attr not in _CONFIG_CACHES and hasattr(obj, "cache_clear") and hasattr(obj, "cache_info"):
                obj.cache_clear()
                cleared += 1
    return cleared


def time_pass(extractor: Callable[[Page], bool], pages: tuple[Page, ...]) -> tuple[float, int]:
    """Seconds for one pass over ``pages`` (content caches emptied first) and how many gave an article."""
    clear_content_caches()
    gc.collect()
    ok = 0
    start = time.perf_counter()
    for page in pages:
        ok += extractor(page)
    return time.perf_counter() - start, ok


def measure_memory(set_index: int, extractor: str, generated: int, limit: int = 0) -> dict[str, int]:
    """In this (child) process: peak RSS growth over one pass, then tracemalloc's peak."""
    _quiet()
    pages = page_sets(generated, limit)[set_index].pages
    run = EXTRACTORS[extractor]
    run(pages[0])  # imports and lazy tables are not per-page memory
    gc.collect()
    base = rss_kb()
    for page in pages:
        run(page)
    rss_growth = rss_peak_kb() - base
    tracemalloc.start()
    for page in pages:
        run(page)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"rss_growth_kb": max(0, rss_growth), "py_peak_kb": peak // 1024}


def _memory_in_child(set_index: int, extractor: str, generated: int, limit: int) -> dict[str, int]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.extraction", "--memory-child", str(set_index), extractor, "--pages", str(generated),
         "--limit", str(limit)],
        cwd=REPO, capture_output=True, text=True, check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(rounds: int, generated: int, *, memory: bool, limit: int = 0) -> dict[str, Any]:
    """Time every extractor over every page set ``rounds`` times; memory in child processes."""
    _quiet()
    sets = page_sets(generated, limit)
    for s in sets:  # warm-up: imports, compiled patterns, caches
        for name, extractor in EXTRACTORS.items():
            time_pass(extractor, s.pages[:3])
    best: dict[tuple[str, str], float] = {}
    found: dict[tuple[str, str], int] = {}
    for _ in range(rounds):
        for s in sets:
            for name, extractor in (*EXTRACTORS.items(), ("parse", parse_only)):
                seconds, ok = time_pass(extractor, s.pages)
                key = (s.name, name)
                best[key] = min(best.get(key, float("inf")), seconds)
                found[key] = ok
    mem: dict[tuple[str, str], dict[str, int]] = {}
    if memory:
        for i, s in enumerate(sets):
            for name in EXTRACTORS:
                mem[(s.name, name)] = _memory_in_child(i, name, generated, limit)
    return {"sets": sets, "best": best, "found": found, "mem": mem}


def tables(result: dict[str, Any]) -> tuple[list[str], list[str]]:
    sets: list[PageSet] = result["sets"]
    best, found, mem = result["best"], result["found"], result["mem"]
    rows = []
    for s in sets:
        ours_s, traf_s = best[(s.name, "ours")], best[(s.name, "trafilatura")]
        n = len(s.pages)
        m_o, m_t = mem.get((s.name, "ours"), {}), mem.get((s.name, "trafilatura"), {})
        rows.append([
            s.name, s.path, n, f"{s.avg_kb:.0f}",
            f"{n / ours_s:.1f}", f"{n / traf_s:.1f}", f"{traf_s / ours_s:.2f}×", f"{ours_s / traf_s:.2f}",
            f"{found[(s.name, 'ours')]}/{n}", f"{found[(s.name, 'trafilatura')]}/{n}",
            _mb(m_o.get("rss_growth_kb")), _mb(m_t.get("rss_growth_kb")),
            _mb(m_o.get("py_peak_kb")), _mb(m_t.get("py_peak_kb")),
        ])
    per_set = markdown_table(
        ["page set", "path", "pages", "avg KB", "ours pages/s", "trafilatura pages/s", "speed ratio",
         "time ratio", "ours found", "traf. found", "ours peak RSS +MB", "traf. peak RSS +MB",
         "ours py peak MB", "traf. py peak MB"],
        rows,
    )
    goal_rows = []
    for path, goal, check in (
        ("family", "≥ 5× trafilatura's pages/s", lambda r: r >= 5),
        ("generic", "≤ 1.2× trafilatura's time", lambda t: t <= 1.2),
    ):
        chosen = [s for s in sets if s.path == path]
        if path == "generic":  # judged on real pages when the corpus is there
            chosen = [s for s in chosen if s.name.startswith("corpus")] or chosen
        pages = sum(len(s.pages) for s in chosen)
        o = sum(best[(s.name, "ours")] for s in chosen)
        t = sum(best[(s.name, "trafilatura")] for s in chosen)
        floor = sum(best[(s.name, "parse")] for s in chosen)
        value = t / o if path == "family" else o / t
        shown = f"{value:.2f}× speed" if path == "family" else f"{value:.2f}× time"
        goal_rows.append([path, " + ".join(s.name for s in chosen), pages, f"{pages / o:.1f}", f"{pages / t:.1f}", shown,
                          goal, "met" if check(value) else "missed", f"{pages / floor:.1f}", f"{t / floor:.1f}×",
                          f"{100 * floor / o:.0f} %"])
    goals = markdown_table(["path", "pages", "n", "ours pages/s", "trafilatura pages/s", "result", "goal", "",
                            "parse alone pages/s", "parse alone vs trafilatura", "parse's share of ours"], goal_rows)
    notes = [
        ("Speed ratio = our pages/s ÷ trafilatura's; time ratio = our time ÷ trafilatura's. Peak RSS +MB: growth of "
         "the process's peak RSS over one pass after the pages were loaded (child process per cell); py peak: "
         "tracemalloc's peak of Python allocations (lxml's C memory is not in it)."),
        "The generic goal is judged on the real-page corpus (the page sets named in the goal row).",
        ("Parse alone: `decode_html` + `parse_html` of the same pages in the same rounds, the first step of "
         "`extract_article` and the floor under any extractor that reads an lxml tree. A 5× goal leaves "
         "everything after the parse (trafilatura's time ÷ 5) − (parse time)."),
        ("Every timed pass starts with the content-keyed memo caches of both extractors emptied (line tests, "
         "dates, URLs): a crawl meets each page once. Compiled selectors and other configuration caches stay warm."),
    ]
    return [goals, per_set], notes


def _mb(kb: int | None) -> str:
    return "–" if kb is None else f"{kb / 1024:.1f}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.extraction", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pages", type=int, default=100, help="generated pages per generated set (default 100)")
    parser.add_argument("--label", default="latest", help="README section label (e.g. before)")
    parser.add_argument("--limit", type=int, default=0, help="at most this many pages per set (0: all)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/README.md alone")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory children")
    parser.add_argument("--quick", action="store_true", help="1 round, 10 generated pages, no memory, no README")
    parser.add_argument("--memory-child", nargs=2, metavar=("SET", "EXTRACTOR"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        print(json.dumps(measure_memory(int(args.memory_child[0]), args.memory_child[1], args.pages, args.limit)))
        return
    if args.quick:
        args.rounds, args.pages, args.no_memory, args.no_write = 1, 10, True, True
    result = run(args.rounds, args.pages, memory=not args.no_memory, limit=args.limit)
    command = ".venv/bin/python -m bench.extraction" + ("" if args.label == "latest" else f" --label {args.label}")
    tabs, notes = tables(result)
    emit("extraction", args.label, "Extraction speed and memory", command, tabs, notes, write=not args.no_write)


if __name__ == "__main__":
    main()
