"""A generated WordPress-shaped Korean news site of N articles, rendered on demand.

Pages are what a WordPress news theme with Yoast SEO serves (JSON-LD graph, OpenGraph,
``entry-content`` body, byline ``홍길동 기자`` with an e-mail in an author box, captions
with ``(사진=…)`` credits, a copyright line, a related-articles block) wrapped in the chrome
that makes a real page ~100 KB: inline global-styles CSS, a mega menu, sidebar widgets,
a comment form and a footer. Around them: an RSS feed of the newest 20 (with
``content:encoded``), a Yoast sitemap index with ≤ 1,000 URLs per child sitemap and
``lastmod`` everywhere, paginated listing pages newest first (``/``, ``/page/N/``) and
robots.txt.

Everything derives from ``(seed, article index)``, so a page is the same bytes in every
run and nothing is written to disk; :meth:`NewsSite.add` publishes newer articles at
runtime (the incremental-crawl benchmark's "20 new articles"). No project imports: the
benchmark's site must not share code with the crawler it measures.
"""

from __future__ import annotations

import hashlib
import html
import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from urllib.parse import quote

KST = timezone(timedelta(hours=9))
DEFAULT_BASE_URL = "https://www.benchnews.test"
#: The newest of the initial articles is published here; older ones go back from it.
#: Fixed (not "now") so a page is the same bytes whenever it is rendered, and far enough
#: in the past that no article counts as "recent" for a re-check policy.
DEFAULT_ANCHOR = datetime(2026, 11, 20, 9, 0, tzinfo=KST)
STEP = timedelta(minutes=37)
SITE_NAME = "벤치뉴스"
SITEMAP_SIZE = 1000
PER_PAGE = 20

_COMPANIES = (
    "삼성전자", "SK하이닉스", "네이버", "카카오", "LG전자", "현대자동차", "쿠팡", "토스", "당근",
    "우아한형제들", "엔씨소프트", "크래프톤", "넥슨", "KT", "SK텔레콤", "LG유플러스", "오픈AI",
    "구글", "마이크로소프트", "애플", "메타", "엔비디아", "아마존", "테슬라", "인텔", "퀄컴",
    "TSMC", "업스테이지", "리벨리온", "퓨리오사AI", "야놀자", "무신사", "직방", "뤼이드",
)
_TOPICS = (
    "생성형 AI", "반도체", "클라우드", "자율주행", "로봇", "핀테크", "디지털 헬스케어", "메타버스",
    "2차전지", "6G", "사이버보안", "데이터센터", "스타트업 투자", "전기차", "양자컴퓨팅", "웹3",
    "이커머스", "게임", "OTT", "디지털 전환", "온디바이스 AI", "AI 반도체", "초거대 AI", "SaaS",
)
_NOUNS = ("서비스", "플랫폼", "모델", "칩", "솔루션", "앱", "로드맵", "전략", "파트너십", "연구소", "펀드", "기능")
_QUOTES = (
    "시장 판도를 바꾸겠다", "고객 경험이 최우선", "글로벌 1위가 목표", "기술로 승부한다",
    "내년이 분수령", "규제 개선이 시급하다", "생태계를 함께 키우겠다", "수익성 개선에 집중",
    "인재 확보가 관건", "한국이 테스트베드", "속도가 곧 경쟁력", "협업이 답이다",
)
_PEOPLE = (
    "김민수", "이지은", "박준혁", "최서연", "정우성", "강하늘", "조은비", "윤태호", "장미란", "임도현",
    "한지민", "오세훈", "서지훈", "신유진", "권오현", "황보람", "안성민", "송가인", "유재석", "홍길동",
)
_ROLES = ("대표", "부사장", "최고기술책임자(CTO)", "연구소장", "사업부장", "최고경영자(CEO)", "전무", "팀장")
_REPORTERS = (
    ("홍길동", "hong"), ("김하늘", "skykim"), ("이도윤", "doyun"), ("박서준", "sjpark"),
    ("최유나", "yuna"), ("정민재", "minjae"), ("강지호", "jiho"), ("윤서아", "seoa"),
)
_CATEGORIES = (
    ("ai", "AI"), ("semiconductor", "반도체"), ("startup", "스타트업"), ("bigtech", "빅테크"),
    ("mobility", "모빌리티"), ("fintech", "핀테크"), ("game", "게임"), ("interview", "인터뷰"),
)
_TEMPLATES_TITLE = (
    "{c}, {t} {n} 공개…“{q}”",
    "{c} {t} 사업 본격화…{p}조원 투자",
    "[인터뷰] {person} {c2} {role} “{q}”",
    "{t} 시장 {p}% 성장 전망…{c}·{c2} 경쟁 가열",
    "‘{t}’ 승부수 던진 {c}, 새 {n} 출시",
    "{c}·{c2}, {t} 동맹…{n} 공동 개발",
)
_TEMPLATES_SENTENCE = (
    "{c}는 {d}일 {t} 분야의 새 {n}을 공개했다고 밝혔다.",
    "업계에 따르면 {c}의 {t} 사업은 올해 {p}% 이상 성장할 것으로 전망된다.",
    "{person} {c} {role}는 “{t} 시장에서 {q2}”라고 강조했다.",
    "이번 발표는 {t} 경쟁이 본격화되는 가운데 나온 것이어서 업계의 관심이 쏠린다.",
    "{c2} 역시 비슷한 {n}을 준비 중인 것으로 알려져 양사의 신경전이 치열해질 전망이다.",
    "전문가들은 {t} 기술이 향후 {p}년 안에 산업 전반의 판도를 바꿀 것으로 내다봤다.",
    "{c}는 지난해 {t} 부문에서 {p}천억원의 매출을 올린 바 있다.",
    "다만 일각에서는 {t} 분야의 규제 불확실성이 여전히 걸림돌이라는 지적도 나온다.",
    "{c}는 연내 {p}개국에 {n}을 출시하고 글로벌 고객을 확보한다는 계획이다.",
    "시장조사업체에 따르면 글로벌 {t} 시장 규모는 {p}년 뒤 {p2}조원에 이를 것으로 보인다.",
    "{person} {role}는 “{q}”며 “{c2}와의 협력도 확대하겠다”고 덧붙였다.",
    "한편 {c}의 주가는 이날 전 거래일 대비 {p}.{p3}% 오른 채 마감했다.",
    "정부도 {t} 산업 육성을 위해 {p}천억원 규모의 지원책을 내놓은 상태다.",
    "{c2} 관계자는 “아직 구체적인 일정은 정해지지 않았다”고 말했다.",
    "{t} 인력 확보 경쟁도 치열해 주요 기업들이 연봉 인상에 나서고 있다.",
    "이 {n}은 기존 대비 처리 속도가 {p}배 빨라지고 전력 소모는 {p3}0% 줄었다.",
)
_QUOTES_LONG = (
    "기술 격차를 더 벌리겠다", "고객이 체감하는 변화를 만들겠다", "협력사와 함께 성장하겠다",
    "올해를 도약의 원년으로 삼겠다", "안전과 신뢰를 최우선으로 두겠다", "누구나 쓰기 쉬운 서비스를 만들겠다",
)
_HEADINGS = ("왜 지금 {t}인가", "{c}의 다음 수는", "경쟁사들의 대응", "남은 과제", "전문가 시각", "시장 전망")


@dataclass(frozen=True, slots=True)
class ArticleMeta:
    """Everything listing pages, feeds and sitemaps show about one article."""

    index: int
    title: str
    path: str  # percent-encoded, lower-case escapes, as WordPress prints permalinks
    url: str
    published: datetime
    modified: datetime
    category: tuple[str, str]
    tags: tuple[str, ...]
    reporter: tuple[str, str]
    excerpt: str
    thumb: str
    company: str
    topic: str


@dataclass(frozen=True, slots=True)
class Resource:
    """One HTTP response body and what the server needs to answer for it."""

    kind: str  # robots, feed, sitemap_index, sitemap, listing, article, page (static WordPress page), other (404)
    status: int
    content_type: str
    body: bytes
    last_modified: datetime | None = None
    etag: str | None = None


def _rng(seed: int, index: int, stream: str) -> random.Random:
    return random.Random(f"{seed}:{index}:{stream}")


class _Draw(dict):
    """Template values drawn from the generator only when the template names them."""

    def __init__(self, rng: random.Random, fixed: dict[str, str]) -> None:
        super().__init__(fixed)
        self.rng = rng

    def __missing__(self, key: str) -> str:
        value = _DRAWS[key](self.rng)
        self[key] = value
        return value


_DRAWS = {
    "c": lambda r: r.choice(_COMPANIES), "c2": lambda r: r.choice(_COMPANIES), "t": lambda r: r.choice(_TOPICS),
    "n": lambda r: r.choice(_NOUNS), "q": lambda r: r.choice(_QUOTES), "q2": lambda r: r.choice(_QUOTES_LONG),
    "person": lambda r: r.choice(_PEOPLE), "role": lambda r: r.choice(_ROLES), "d": lambda r: str(r.randint(1, 28)),
    "p": lambda r: str(r.randint(2, 95)), "p2": lambda r: str(r.randint(10, 900)), "p3": lambda r: str(r.randint(1, 9)),
}


def _fill(template: str, rng: random.Random, **fixed: str) -> str:
    return template.format_map(_Draw(rng, fixed))


def _slug(title: str) -> str:
    # WordPress sanitize_title: punctuation dropped, spaces to hyphens, Korean kept;
    # themes with long Korean titles end up with the slug cut at a word boundary.
    kept = "".join(ch if ch.isalnum() or ch in " -" else " " for ch in title.lower())
    words = kept.split()[:9]
    return "-".join(words)


def _permalink_path(slug: str) -> str:
    return "/" + quote(slug, safe="-").lower() + "/"


def _iso(moment: datetime) -> str:
    return moment.astimezone(KST).isoformat(timespec="seconds")


def _w3c_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


class NewsSite:
    """The generated site: article index 0 is the oldest, ``len(articles) - 1`` the newest.

    Args:
        articles: how many articles the site starts with.
        seed: changes every text, title and date jitter; the same seed gives the same site.
        base_url: the site's real origin as printed in its pages (crawl it with ``--resolve``).
        per_page: articles per listing page.
        sitemap_size: URLs per child sitemap (Yoast's default is 1,000).
        anchor: publication time of the newest initial article.
    """

    def __init__(
        self,
        articles: int,
        *,
        seed: int = 1,
        base_url: str = DEFAULT_BASE_URL,
        per_page: int = PER_PAGE,
        sitemap_size: int = SITEMAP_SIZE,
        anchor: datetime = DEFAULT_ANCHOR,
    ) -> None:
        if articles < 1:
            raise ValueError("a site needs at least one article")
        self.seed = seed
        self.base_url = base_url.rstrip("/")
        self.per_page = per_page
        self.sitemap_size = sitemap_size
        self._first_published = anchor - STEP * (articles - 1)
        self._initial = articles
        self._anchor = anchor
        self.articles: list[ArticleMeta] = []
        self._by_path: dict[str, int] = {}
        self._cache: dict[str, Resource] = {}
        self._chrome = _Chrome(self.base_url, seed)
        self._latest_html = ""
        self._newest = self._first_published - STEP
        self._grow(articles)

    # --- state -----------------------------------------------------------------------
    def add(self, count: int) -> list[ArticleMeta]:
        """Publish ``count`` new articles, newer than every existing one."""
        start = len(self.articles)
        self._grow(count)
        return self.articles[start:]

    def _grow(self, count: int) -> None:
        for index in range(len(self.articles), len(self.articles) + count):
            meta = self._meta(index)
            self.articles.append(meta)
            self._by_path[meta.path] = index
            self._newest = max(self._newest, meta.published, meta.modified)
        self._cache.clear()
        newest = self.articles[::-1][:10]
        self._latest_html = "".join(
            f'<li><a href="{_esc(a.url)}">{_esc(a.title)}</a><span class="post-date">{a.published:%Y.%m.%d}</span></li>'
            for a in newest
        )

    def _meta(self, index: int) -> ArticleMeta:
        rng = _rng(self.seed, index, "meta")
        company, topic = rng.choice(_COMPANIES), rng.choice(_TOPICS)
        title = _fill(rng.choice(_TEMPLATES_TITLE), rng, c=company, t=topic)
        slug = _slug(title)
        path = _permalink_path(slug)
        suffix = 2
        while path in self._by_path:  # WordPress appends -2, -3, … to a taken slug
            path = _permalink_path(f"{slug}-{suffix}")
            suffix += 1
        if index < self._initial:
            published = self._first_published + STEP * index + timedelta(seconds=rng.randint(-600, 600))
            # Corrections happen, but never after the newest publication: the site's
            # Last-Modified must move forward when an article is added.
            edited = published + timedelta(hours=rng.randint(1, 30)) if rng.random() < 0.2 else published
            modified = min(edited, self._anchor)
        else:
            # Published at runtime: after everything the site has shown so far.
            published = self._newest + STEP + timedelta(seconds=rng.randint(0, 600))
            modified = published
        excerpt = " ".join(_fill(rng.choice(_TEMPLATES_SENTENCE), rng, c=company, t=topic) for _ in range(2))
        return ArticleMeta(
            index=index,
            title=title,
            path=path,
            url=self.base_url + path,
            published=published,
            modified=modified,
            category=rng.choice(_CATEGORIES),
            tags=tuple(dict.fromkeys((topic, company, rng.choice(_TOPICS)))),
            reporter=rng.choice(_REPORTERS),
            excerpt=excerpt,
            thumb=f"{self.base_url}/wp-content/uploads/{published:%Y/%m}/news-{index}-1024x576.jpg",
            company=company,
            topic=topic,
        )

    @property
    def newest(self) -> datetime:
        """Last modification of anything on the site (listings and feed change with it)."""
        return self._newest

    def newest_first(self, start: int, count: int) -> list[ArticleMeta]:
        """``count`` articles starting at position ``start`` of the newest-first order."""
        total = len(self.articles)
        return [self.articles[total - 1 - i] for i in range(start, min(start + count, total))]

    @property
    def listing_pages(self) -> int:
        return -(-len(self.articles) // self.per_page)

    @property
    def sitemap_count(self) -> int:
        return -(-len(self.articles) // self.sitemap_size)

    # --- routing ---------------------------------------------------------------------
    def route(self, path: str) -> Resource:
        """The resource at ``path`` (percent-encoded or not; query string ignored)."""
        path = path.split("?", 1)[0].split("#", 1)[0]
        cached = self._cache.get(path)
        if cached is not None:
            return cached
        index = self._by_path.get(path.lower()) if "%" in path else self._by_path.get(_permalink_path(path.strip("/")))
        if index is not None:
            return self._article(index)
        resource = self._other(path)
        if resource.kind in ("robots", "feed", "sitemap_index", "sitemap"):
            self._cache[path] = resource
        return resource

    def _other(self, path: str) -> Resource:
        xml = "application/xml; charset=UTF-8"
        if path == "/robots.txt":
            text = (
                "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n\n"
                f"Sitemap: {self.base_url}/sitemap_index.xml\n"
            )
            return Resource("robots", 200, "text/plain; charset=utf-8", text.encode())
        if path in ("/feed", "/feed/"):
            return self._resource("feed", "application/rss+xml; charset=UTF-8", self.feed(), self.newest)
        if path == "/sitemap_index.xml":
            return self._resource("sitemap_index", xml, self.sitemap_index(), self.newest)
        if path.startswith("/post-sitemap") and path.endswith(".xml"):
            number = path.removeprefix("/post-sitemap").removesuffix(".xml") or "1"
            if number.isdigit() and 1 <= int(number) <= self.sitemap_count:
                body, lastmod = self.sitemap(int(number))
                return self._resource("sitemap", xml, body, lastmod)
        if path == "/category-sitemap.xml":
            return self._resource("sitemap", xml, self.category_sitemap(), self.newest)
        if path == "/":
            return self._resource("listing", "text/html; charset=UTF-8", self.listing(1), self.newest)
        if path.startswith("/page/"):
            number = path.strip("/").split("/")[1]
            if number.isdigit() and 1 <= int(number) <= self.listing_pages:
                return self._resource("listing", "text/html; charset=UTF-8", self.listing(int(number)), self.newest)
        if path.strip("/") in _STATIC_PAGES:
            return self._resource("page", "text/html; charset=UTF-8", self._chrome.static_page(path.strip("/"), self._latest_html),
                                  self._anchor)
        return Resource("other", 404, "text/html; charset=UTF-8", self._chrome.not_found(self._latest_html))

    def _article(self, index: int) -> Resource:
        # Last-Modified but no ETag, like WordPress behind most caches: a crawler that
        # wants to skip known articles must do it without the server's help.
        meta = self.articles[index]
        body = self.article(index).encode("utf-8")
        return Resource("article", 200, "text/html; charset=UTF-8", body, meta.modified)

    @staticmethod
    def _resource(kind: str, content_type: str, text: str, last_modified: datetime) -> Resource:
        body = text.encode("utf-8")
        etag = '"' + hashlib.blake2b(body, digest_size=8).hexdigest() + '"'
        return Resource(kind, 200, content_type, body, last_modified, etag)

    # --- documents -------------------------------------------------------------------
    def article(self, index: int) -> str:
        """The HTML of article ``index``."""
        meta = self.articles[index]
        rng = _rng(self.seed, index, "body")
        paragraphs, figures = _body(meta, rng, self.base_url, self.seed)
        related = [self.articles[j] for j in _related_indexes(index, rng)]
        return self._chrome.article_page(meta, paragraphs, figures, related, self._latest_html, self._popular(index))

    def _popular(self, index: int) -> str:
        rng = _rng(self.seed, index // 500, "popular")
        picks = [self.articles[rng.randrange(len(self.articles))] for _ in range(10)]
        return "".join(f'<li><a href="{_esc(a.url)}">{_esc(a.title)}</a></li>' for a in picks)

    def listing(self, number: int) -> str:
        """Listing page ``number`` (1 is the front page), newest first."""
        items = self.newest_first((number - 1) * self.per_page, self.per_page)
        return self._chrome.listing_page(number, self.listing_pages, items, self._latest_html)

    def feed(self) -> str:
        """RSS 2.0 of the newest 20 articles, full text in ``content:encoded`` as WordPress does."""
        items = []
        for meta in self.newest_first(0, 20):
            rng = _rng(self.seed, meta.index, "body")
            paragraphs, _ = _body(meta, rng, self.base_url, self.seed)
            content = "".join(f"<p>{_esc(p)}</p>" for p in paragraphs)
            categories = "".join(f"<category><![CDATA[{t}]]></category>" for t in (meta.category[1], *meta.tags))
            items.append(
                f"<item><title>{_esc(meta.title)}</title><link>{_esc(meta.url)}</link>"
                f"<dc:creator><![CDATA[{meta.reporter[0]}]]></dc:creator>"
                f"<pubDate>{format_datetime(meta.published.astimezone(UTC), usegmt=True)}</pubDate>{categories}"
                f'<guid isPermaLink="false">{self.base_url}/?p={meta.index + 1000}</guid>'
                f"<description><![CDATA[{meta.excerpt}]]></description>"
                f"<content:encoded><![CDATA[{content}]]></content:encoded></item>"
            )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">'
            f"<channel><title>{SITE_NAME}</title>"
            f'<atom:link href="{self.base_url}/feed/" rel="self" type="application/rss+xml" />'
            f"<link>{self.base_url}</link><description>테크 뉴스</description>"
            f"<lastBuildDate>{format_datetime(self.newest.astimezone(UTC), usegmt=True)}</lastBuildDate>"
            f"<language>ko-KR</language>{''.join(items)}</channel></rss>"
        )

    def sitemap_index(self) -> str:
        """Yoast's ``sitemap_index.xml``: post sitemaps oldest first, each with its lastmod."""
        entries = []
        for number in range(1, self.sitemap_count + 1):
            name = "post-sitemap.xml" if number == 1 else f"post-sitemap{number}.xml"
            _, lastmod = self._sitemap_slice(number)
            entries.append(f"<sitemap><loc>{self.base_url}/{name}</loc><lastmod>{_w3c_utc(lastmod)}</lastmod></sitemap>")
        entries.append(
            f"<sitemap><loc>{self.base_url}/category-sitemap.xml</loc><lastmod>{_w3c_utc(self.newest)}</lastmod></sitemap>"
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + "".join(entries) + "</sitemapindex>"
        )

    def _sitemap_slice(self, number: int) -> tuple[list[ArticleMeta], datetime]:
        chunk = self.articles[(number - 1) * self.sitemap_size : number * self.sitemap_size]
        return chunk, max(max(a.published, a.modified) for a in chunk)

    def sitemap(self, number: int) -> tuple[str, datetime]:
        """Child sitemap ``number`` (1-based) and its newest lastmod; oldest articles first."""
        chunk, lastmod = self._sitemap_slice(number)
        urls = "".join(
            f"<url><loc>{_esc(a.url)}</loc><lastmod>{_w3c_utc(max(a.published, a.modified))}</lastmod>"
            f"<image:image><image:loc>{_esc(a.thumb)}</image:loc></image:image></url>"
            for a in chunk
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<urlset xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xmlns:image="http://www.google.com/schemas/sitemap-image/1.1" '
            'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + urls + "</urlset>",
            lastmod,
        )

    def category_sitemap(self) -> str:
        urls = "".join(
            f"<url><loc>{self.base_url}/category/{slug}/</loc><lastmod>{_w3c_utc(self.newest)}</lastmod></url>"
            for slug, _ in _CATEGORIES
        )
        return '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + urls + "</urlset>"


#: WordPress "pages" the chrome links to: one-segment URLs like articles, but not news.
_STATIC_PAGES = {
    "about": "회사소개", "contact": "제보하기", "ad": "광고문의", "privacy": "개인정보처리방침", "youth": "청소년보호정책",
    "terms": "이용약관", "ethics": "윤리강령", "rss-list": "RSS", "login": "로그인", "join": "회원가입", "newsletter": "뉴스레터 구독",
}


def _related_indexes(index: int, rng: random.Random) -> list[int]:
    if index == 0:
        return []
    return sorted({rng.randrange(max(0, index - 300), index) for _ in range(4)}, reverse=True)


_SENTENCE_POOL: dict[int, list[str]] = {}


def _sentences(seed: int) -> list[str]:
    """4,096 body sentences per seed with the article's company and topic left as
    ``{c}``/``{t}``: drawing whole sentences keeps rendering well under a millisecond."""
    pool = _SENTENCE_POOL.get(seed)
    if pool is None:
        rng = random.Random(f"{seed}:sentences")
        pool = [_fill(rng.choice(_TEMPLATES_SENTENCE), rng, c="{c}", t="{t}") for _ in range(4096)]
        _SENTENCE_POOL[seed] = pool
    return pool


def _body(meta: ArticleMeta, rng: random.Random, base_url: str, seed: int) -> tuple[list[str], list[tuple[int, str, str]]]:
    """Paragraph texts and figures (position, image URL, caption with its credit)."""
    pool = _sentences(seed)
    paragraphs = [
        " ".join(rng.choices(pool, k=rng.randint(3, 5))).replace("{c}", meta.company).replace("{t}", meta.topic)
        for _ in range(rng.randint(14, 24))
    ]
    figures = []
    for number in range(rng.randint(1, 3)):
        position = rng.randrange(1, len(paragraphs))
        credit = rng.choice((meta.company, "연합뉴스", "게티이미지뱅크", SITE_NAME, "셔터스톡"))
        kind = "사진" if rng.random() < 0.8 else "이미지"
        caption = _fill("{c2} {t} {n} 관련 행사 모습.", rng, t=meta.topic) + f" ({kind}={credit})"
        url = f"{base_url}/wp-content/uploads/{meta.published:%Y/%m}/news-{meta.index}-{number + 2}-1024x683.jpg"
        figures.append((position, url, caption))
    return paragraphs, sorted(figures)


class _Chrome:
    """The theme: everything around the article that is the same or nearly the same on
    every page. Built once per site; pages are a few joins of these strings."""

    def __init__(self, base_url: str, seed: int) -> None:
        self.base = base_url
        rng = random.Random(f"{seed}:chrome")
        self.styles = _global_styles(rng)
        self.scripts_head = _head_scripts(base_url)
        self.header = self._header()
        self.footer = self._footer(rng)
        self.comment_form = self._comment_form()

    def _menu(self) -> str:
        items = []
        for slug, name in _CATEGORIES:
            sub = "".join(
                f'<li class="menu-item menu-item-type-taxonomy menu-item-object-post_tag"><a href="{self.base}/tag/{quote(t.replace(" ", "-")).lower()}/">{_esc(t)}</a></li>'
                for t in _TOPICS[: 6 + len(slug) % 5]
            )
            items.append(
                f'<li class="menu-item menu-item-type-taxonomy menu-item-object-category menu-item-has-children">'
                f'<a href="{self.base}/category/{slug}/">{name}</a><ul class="sub-menu">{sub}</ul></li>'
            )
        return '<ul id="primary-menu" class="menu nav-menu" aria-expanded="false">' + "".join(items) + "</ul>"

    def _header(self) -> str:
        return (
            '<a class="skip-link screen-reader-text" href="#primary">본문 바로가기</a>'
            '<header id="masthead" class="site-header"><div class="top-bar"><div class="container">'
            f'<span class="today">테크 저널리즘의 새 기준, {SITE_NAME}</span>'
            f'<ul class="top-links"><li><a href="{self.base}/login/">로그인</a></li><li><a href="{self.base}/join/">회원가입</a></li>'
            f'<li><a href="{self.base}/newsletter/">뉴스레터 구독</a></li><li><a href="{self.base}/feed/">RSS</a></li></ul></div></div>'
            f'<div class="site-branding"><a href="{self.base}/" rel="home"><img src="{self.base}/wp-content/uploads/2022/01/benchnews-logo.png" '
            f'alt="{SITE_NAME}" width="220" height="48" /></a></div>'
            '<nav id="site-navigation" class="main-navigation"><button class="menu-toggle" aria-controls="primary-menu">메뉴</button>'
            + self._menu()
            + f'</nav><form role="search" method="get" class="search-form" action="{self.base}/"><label><span class="screen-reader-text">검색:</span>'
            '<input type="search" class="search-field" placeholder="검색어를 입력하세요" value="" name="s" /></label>'
            '<input type="submit" class="search-submit" value="검색" /></form></header>'
        )

    def _footer(self, rng: random.Random) -> str:
        links = "".join(
            f'<li><a href="{self.base}/{slug}/">{name}</a></li>'
            for slug, name in (("about", "회사소개"), ("contact", "제보하기"), ("ad", "광고문의"), ("privacy", "개인정보처리방침"),
                               ("youth", "청소년보호정책"), ("terms", "이용약관"), ("ethics", "윤리강령"), ("rss-list", "RSS"))
        )
        partners = "".join(
            f'<li><a href="https://partner{i}.example.com/" rel="nofollow noopener" target="_blank">파트너 {i}</a></li>' for i in range(24)
        )
        return (
            '<footer id="colophon" class="site-footer"><div class="footer-widgets"><div class="container">'
            f'<section class="widget"><h2 class="widget-title">{SITE_NAME}</h2><ul class="footer-links">{links}</ul></section>'
            f'<section class="widget"><h2 class="widget-title">파트너</h2><ul class="partners">{partners}</ul></section></div></div>'
            '<div class="site-info">(주)벤치뉴스 | 서울특별시 강남구 테헤란로 123 | 등록번호 서울 아00000 | 등록일 2020.01.01 | '
            '발행·편집인 홍길동 | 청소년보호책임자 홍길동 | 대표전화 02-000-0000</div>'
            f'<div class="site-copy">Copyright © 2026 {SITE_NAME}. All rights reserved. mail to news@benchnews.test</div></footer>'
        )

    def _comment_form(self) -> str:
        return (
            '<div id="comments" class="comments-area"><div id="respond" class="comment-respond">'
            '<h3 id="reply-title" class="comment-reply-title">댓글 남기기 <small><a rel="nofollow" id="cancel-comment-reply-link" href="#respond" style="display:none;">응답 취소</a></small></h3>'
            f'<form action="{self.base}/wp-comments-post.php" method="post" id="commentform" class="comment-form" novalidate>'
            '<p class="comment-notes"><span id="email-notes">이메일 주소는 공개되지 않습니다.</span> 필수 필드는 <span class="required">*</span>로 표시됩니다</p>'
            '<p class="comment-form-comment"><label for="comment">댓글 <span class="required">*</span></label> <textarea id="comment" name="comment" cols="45" rows="8" maxlength="65525" required></textarea></p>'
            '<p class="comment-form-author"><label for="author">이름 <span class="required">*</span></label> <input id="author" name="author" type="text" value="" size="30" maxlength="245" autocomplete="name" required /></p>'
            '<p class="comment-form-email"><label for="email">이메일 <span class="required">*</span></label> <input id="email" name="email" type="email" value="" size="30" maxlength="100" aria-describedby="email-notes" autocomplete="email" required /></p>'
            '<p class="comment-form-url"><label for="url">웹사이트</label> <input id="url" name="url" type="url" value="" size="30" maxlength="200" autocomplete="url" /></p>'
            '<p class="comment-form-cookies-consent"><input id="wp-comment-cookies-consent" name="wp-comment-cookies-consent" type="checkbox" value="yes" /> <label for="wp-comment-cookies-consent">다음 번 댓글 작성을 위해 이 브라우저에 이름, 이메일, 그리고 웹사이트를 저장합니다.</label></p>'
            '<p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="댓글 달기" /></p></form></div></div>'
        )

    def head(self, title: str, extra: str) -> str:
        return (
            '<!DOCTYPE html>\n<html lang="ko-KR">\n<head>\n<meta charset="UTF-8" />\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1" />\n'
            f"<title>{_esc(title)} - {SITE_NAME}</title>\n{extra}"
            f'<link rel="alternate" type="application/rss+xml" title="{SITE_NAME} &raquo; 피드" href="{self.base}/feed/" />\n'
            f"{self.scripts_head}{self.styles}</head>\n"
        )

    def sidebar(self, latest: str, popular: str) -> str:
        ads = "".join(
            f'<div class="ad-slot ad-slot-{i}"><ins class="adsbygoogle" style="display:block" data-ad-client="ca-pub-0000000000000000" '
            f'data-ad-slot="{1000000 + i}" data-ad-format="auto" data-full-width-responsive="true"></ins>'
            "<script>(adsbygoogle = window.adsbygoogle || []).push({});</script></div>"
            for i in range(3)
        )
        return (
            '<aside id="secondary" class="widget-area">'
            f'<section class="widget widget_recent_entries"><h2 class="widget-title">최신 기사</h2><ul>{latest}</ul></section>'
            f'{ads}<section class="widget widget_popular"><h2 class="widget-title">많이 본 기사</h2><ol>{popular}</ol></section>'
            '<section class="widget widget_newsletter"><h2 class="widget-title">뉴스레터</h2><p>매일 아침 테크 뉴스를 받아보세요.</p>'
            f'<form action="{self.base}/newsletter/" method="post"><input type="email" name="email" placeholder="이메일 주소" /><button>구독</button></form></section>'
            "</aside>"
        )

    def tail(self) -> str:
        return (
            f"{self.footer}</div>\n"
            f'<script src="{self.base}/wp-includes/js/jquery/jquery.min.js?ver=3.7.1" id="jquery-core-js"></script>\n'
            f'<script src="{self.base}/wp-content/themes/benchnews/js/navigation.js?ver=1.0.4" id="benchnews-navigation-js"></script>\n'
            f'<script src="{self.base}/wp-includes/js/comment-reply.min.js?ver=6.6.2" id="comment-reply-js" async data-wp-strategy="async"></script>\n'
            "</body>\n</html>\n"
        )

    def article_page(self, meta: ArticleMeta, paragraphs: list[str], figures: list[tuple[int, str, str]],
                     related: list[ArticleMeta], latest: str, popular: str) -> str:
        base, url, title = self.base, _esc(meta.url), _esc(meta.title)
        name, login = meta.reporter
        email = f"{login}@benchnews.test"
        published, modified = _iso(meta.published), _iso(meta.modified)
        description = _esc(meta.excerpt)
        ld = {
            "@context": "https://schema.org",
            "@graph": [
                {"@type": "NewsArticle", "@id": f"{meta.url}#article", "isPartOf": {"@id": meta.url},
                 "author": {"name": name, "@id": f"{base}/#/schema/person/{login}"}, "headline": meta.title,
                 "datePublished": published, "dateModified": modified, "mainEntityOfPage": {"@id": meta.url},
                 "wordCount": sum(len(p.split()) for p in paragraphs), "publisher": {"@id": f"{base}/#organization"},
                 "image": {"@id": f"{meta.url}#primaryimage"}, "thumbnailUrl": meta.thumb,
                 "keywords": list(meta.tags), "articleSection": [meta.category[1]], "inLanguage": "ko-KR"},
                {"@type": "WebPage", "@id": meta.url, "url": meta.url, "name": f"{meta.title} - {SITE_NAME}",
                 "isPartOf": {"@id": f"{base}/#website"}, "datePublished": published, "dateModified": modified,
                 "breadcrumb": {"@id": f"{meta.url}#breadcrumb"}, "inLanguage": "ko-KR"},
                {"@type": "ImageObject", "@id": f"{meta.url}#primaryimage", "url": meta.thumb, "contentUrl": meta.thumb,
                 "width": 1024, "height": 576},
                {"@type": "BreadcrumbList", "@id": f"{meta.url}#breadcrumb", "itemListElement": [
                    {"@type": "ListItem", "position": 1, "name": "홈", "item": f"{base}/"},
                    {"@type": "ListItem", "position": 2, "name": meta.category[1], "item": f"{base}/category/{meta.category[0]}/"},
                    {"@type": "ListItem", "position": 3, "name": meta.title}]},
                {"@type": "WebSite", "@id": f"{base}/#website", "url": f"{base}/", "name": SITE_NAME,
                 "publisher": {"@id": f"{base}/#organization"}, "inLanguage": "ko-KR"},
                {"@type": "Organization", "@id": f"{base}/#organization", "name": SITE_NAME, "url": f"{base}/",
                 "logo": {"@type": "ImageObject", "url": f"{base}/wp-content/uploads/2022/01/benchnews-logo.png"}},
                {"@type": "Person", "@id": f"{base}/#/schema/person/{login}", "name": name, "url": f"{base}/author/{login}/"},
            ],
        }
        meta_tags = (
            '<meta name="robots" content="index, follow, max-image-preview:large" />\n'
            f'<link rel="canonical" href="{url}" />\n'
            '<meta property="og:locale" content="ko_KR" />\n<meta property="og:type" content="article" />\n'
            f'<meta property="og:title" content="{title} - {SITE_NAME}" />\n'
            f'<meta property="og:description" content="{description}" />\n'
            f'<meta property="og:url" content="{url}" />\n<meta property="og:site_name" content="{SITE_NAME}" />\n'
            f'<meta property="article:section" content="{meta.category[1]}" />\n'
            + "".join(f'<meta property="article:tag" content="{_esc(t)}" />\n' for t in meta.tags)
            + f'<meta property="article:published_time" content="{published}" />\n'
            f'<meta property="article:modified_time" content="{modified}" />\n'
            f'<meta property="og:image" content="{_esc(meta.thumb)}" />\n'
            '<meta property="og:image:width" content="1024" />\n<meta property="og:image:height" content="576" />\n'
            f'<meta name="author" content="{name}" />\n<meta name="twitter:card" content="summary_large_image" />\n'
            f'<meta name="twitter:label1" content="글쓴이" />\n<meta name="twitter:data1" content="{name}" />\n'
            '<script type="application/ld+json" class="yoast-schema-graph">'
            + json.dumps(ld, ensure_ascii=False).replace("</", "<\\/")
            + "</script>\n"
        )
        body_parts = []
        fig_at = {position: (src, caption) for position, src, caption in figures}
        for number, text in enumerate(paragraphs):
            if number in fig_at:
                src, caption = fig_at[number]
                body_parts.append(
                    f'<figure class="wp-block-image size-large"><img decoding="async" width="1024" height="683" src="{_esc(src)}" alt="" '
                    f'class="wp-image-{meta.index * 3 + number}" srcset="{_esc(src)} 1024w, {_esc(src.replace("1024x683", "300x200"))} 300w" '
                    f'sizes="(max-width: 1024px) 100vw, 1024px" /><figcaption class="wp-element-caption">{_esc(caption)}</figcaption></figure>\n'
                )
            if number and number % 7 == 0:
                heading = _HEADINGS[(meta.index + number) % len(_HEADINGS)].format(t=meta.topic, c=meta.company)
                body_parts.append(f'<h2 class="wp-block-heading">{_esc(heading)}</h2>\n')
            body_parts.append(f"<p>{_esc(text)}</p>\n")
        tags = "".join(
            f'<a href="{base}/tag/{quote(t.replace(" ", "-")).lower()}/" rel="tag">{_esc(t)}</a>' for t in meta.tags
        )
        related_html = "".join(
            f'<li class="related-item"><a class="thumb" href="{_esc(r.url)}"><img src="{_esc(r.thumb.replace("1024x576", "300x200"))}" alt="" loading="lazy" /></a>'
            f'<div class="related-text"><h4><a href="{_esc(r.url)}">{_esc(r.title)}</a></h4><p>{_esc(r.excerpt)}</p></div></li>'
            for r in related
        )
        share = "".join(
            f'<a class="share-{net}" href="{href}{url}" target="_blank" rel="noopener">{label}</a>'
            for net, href, label in (
                ("facebook", "https://www.facebook.com/sharer/sharer.php?u=", "페이스북"),
                ("twitter", "https://twitter.com/intent/tweet?url=", "X"),
                ("kakao", "https://story.kakao.com/share?url=", "카카오스토리"),
                ("band", "https://band.us/plugin/share?body=", "밴드"),
            )
        )
        summary = f"<p><strong>[요약]</strong> {description}</p>\n" if meta.index % 2 == 0 else ""
        post_id = meta.index + 1000
        return (
            self.head(meta.title, meta_tags)
            + f'<body class="post-template-default single single-post postid-{post_id} single-format-standard">\n<div id="page" class="site">\n'
            + self.header
            + '<div id="content" class="site-content"><main id="primary" class="site-main">\n'
            f'<article id="post-{post_id}" class="post-{post_id} post type-post status-publish format-standard has-post-thumbnail hentry category-{meta.category[0]}">\n'
            '<header class="entry-header">'
            f'<span class="cat-links"><a href="{base}/category/{meta.category[0]}/" rel="category tag">{meta.category[1]}</a></span>'
            f'<h1 class="entry-title">{title}</h1><div class="entry-meta">'
            f'<span class="byline">by <span class="author vcard"><a class="url fn n" href="{base}/author/{login}/">{name} 기자</a></span></span> '
            f'<span class="posted-on"><time class="entry-date published" datetime="{published}">{meta.published.astimezone(KST):%Y년 %m월 %d일 %H:%M}</time>'
            f'<time class="updated" datetime="{modified}">{meta.modified.astimezone(KST):%Y년 %m월 %d일 %H:%M}</time></span></div>'
            f'<div class="entry-share"><span class="share-label">공유하기</span>{share}<button type="button" class="share-copy">URL 복사</button></div></header>\n'
            f'<div class="entry-content">\n{summary}{"".join(body_parts)}</div><!-- .entry-content -->\n'
            '<footer class="entry-footer"><div class="author-box">'
            f'<img alt="" src="{base}/wp-content/uploads/2022/03/{login}-96x96.jpg" class="avatar avatar-96 photo" height="96" width="96" />'
            f'<div class="author-box-text"><p class="author-name"><a href="{base}/author/{login}/" rel="author">{name} 기자</a></p>'
            f'<p class="author-email">{email}</p><a class="author-more" href="{base}/author/{login}/">기자의 다른 기사보기</a></div></div>'
            f'<div class="copyright">저작권자 © {SITE_NAME} 무단전재 및 재배포 금지</div>'
            f'<span class="tags-links">{tags}</span></footer>\n</article>\n'
            '<nav class="navigation post-navigation" aria-label="글"><h2 class="screen-reader-text">글 내비게이션</h2></nav>\n'
            f'<section class="related-posts"><h3 class="related-title">관련 기사</h3><ul>{related_html}</ul></section>\n'
            + self.comment_form
            + "</main>"
            + self.sidebar(latest, popular)
            + "</div>\n"
            + self.tail()
        )

    def listing_page(self, number: int, pages: int, items: list[ArticleMeta], latest: str) -> str:
        base = self.base
        url = f"{base}/" if number == 1 else f"{base}/page/{number}/"
        links = f'<link rel="canonical" href="{url}" />\n'
        if number > 1:
            links += f'<link rel="prev" href="{base}/" />\n' if number == 2 else f'<link rel="prev" href="{base}/page/{number - 1}/" />\n'
        if number < pages:
            links += f'<link rel="next" href="{base}/page/{number + 1}/" />\n'
        cards = "".join(
            f'<article id="post-{a.index + 1000}" class="post-{a.index + 1000} post type-post status-publish hentry category-{a.category[0]}">'
            f'<a class="post-thumbnail" href="{_esc(a.url)}"><img width="300" height="200" src="{_esc(a.thumb.replace("1024x576", "300x200"))}" alt="" loading="lazy" /></a>'
            f'<header class="entry-header"><span class="cat-links"><a href="{base}/category/{a.category[0]}/">{a.category[1]}</a></span>'
            f'<h2 class="entry-title"><a href="{_esc(a.url)}" rel="bookmark">{_esc(a.title)}</a></h2></header>'
            f'<div class="entry-summary"><p>{_esc(a.excerpt)}</p></div>'
            f'<div class="entry-meta"><span class="byline">{a.reporter[0]} 기자</span> <time datetime="{_iso(a.published)}">{a.published.astimezone(KST):%Y.%m.%d %H:%M}</time></div></article>'
            for a in items
        )
        shown = sorted({1, 2, 3, number - 1, number, number + 1, pages} & set(range(1, pages + 1)))
        numbers = "".join(
            f'<span aria-current="page" class="page-numbers current">{n}</span>' if n == number
            else f'<a class="page-numbers" href="{base}/page/{n}/">{n}</a>'
            for n in shown
        )
        nav = (
            '<nav class="navigation pagination" aria-label="글 페이지 매김"><div class="nav-links">'
            + (f'<a class="prev page-numbers" href="{base}/page/{number - 1}/">&laquo; 이전</a>' if number > 1 else "")
            + numbers
            + (f'<a class="next page-numbers" href="{base}/page/{number + 1}/">다음 &raquo;</a>' if number < pages else "")
            + "</div></nav>"
        )
        return (
            self.head(SITE_NAME if number == 1 else f"{SITE_NAME} - {number} 페이지", links)
            + '<body class="home blog hfeed">\n<div id="page" class="site">\n'
            + self.header
            + f'<div id="content" class="site-content"><main id="primary" class="site-main">{cards}{nav}</main>'
            + self.sidebar(latest, "")
            + "</div>\n"
            + self.tail()
        )

    def static_page(self, slug: str, latest: str) -> str:
        title = _STATIC_PAGES[slug]
        text = "".join(f"<p>{SITE_NAME}의 {title} 안내입니다. 문의는 news@benchnews.test 로 보내 주세요.</p>" for _ in range(3))
        return (
            self.head(title, f'<link rel="canonical" href="{self.base}/{slug}/" />\n<meta property="og:type" content="website" />\n')
            + f'<body class="page-template-default page page-id-{len(slug)}">\n<div id="page" class="site">\n'
            + self.header
            + f'<div id="content" class="site-content"><main id="primary" class="site-main"><article class="page type-page status-publish hentry">'
            f'<header class="entry-header"><h1 class="entry-title">{title}</h1></header><div class="entry-content">{text}</div></article></main>'
            + self.sidebar(latest, "")
            + "</div>\n"
            + self.tail()
        )

    def not_found(self, latest: str) -> bytes:
        return (
            self.head("페이지를 찾을 수 없습니다", "")
            + '<body class="error404">\n<div id="page" class="site">\n'
            + '<main id="primary" class="site-main"><h1 class="page-title">페이지를 찾을 수 없습니다.</h1></main>'
            + self.sidebar(latest, "")
            + "</div></body></html>"
        ).encode()


def _global_styles(rng: random.Random) -> str:
    """WordPress's inline ``global-styles`` and a theme customizer block (~40 KB on real sites)."""
    colors = [f"{name}: #{rng.randrange(0x1000000):06x}" for name in (
        "black", "cyan-bluish-gray", "white", "pale-pink", "vivid-red", "luminous-vivid-orange",
        "luminous-vivid-amber", "light-green-cyan", "vivid-green-cyan", "pale-cyan-blue",
        "vivid-cyan-blue", "vivid-purple", "primary", "secondary", "tertiary", "accent",
    )]
    lines = [":root{" + ";".join(f"--wp--preset--color--{c}" for c in colors) + ";}"]
    for color in colors:
        name = color.split(":")[0]
        for prop, selector in (("color", "color"), ("background-color", "background-color"), ("border-color", "border-color")):
            lines.append(f".has-{name}-{selector}{{{prop}: var(--wp--preset--color--{name}) !important;}}")
    for size in ("small", "medium", "large", "x-large", "xx-large"):
        lines.append(f".has-{size}-font-size{{font-size: var(--wp--preset--font-size--{size}) !important;}}")
    for number in range(420):
        selector = f".bn-block-{number:03d} .wp-block-{rng.choice(('group', 'columns', 'cover', 'media-text', 'buttons'))}"
        props = ";".join(
            f"{rng.choice(('margin', 'padding', 'gap', 'line-height', 'letter-spacing', 'border-radius'))}:{rng.randint(0, 48)}px"
            for _ in range(rng.randint(2, 5))
        )
        lines.append(f"{selector}{{{props}}}")
        if number % 20 == 0:
            lines.append(f"@media (max-width: {rng.choice((600, 782, 960, 1200))}px){{{selector}{{display:block;width:100%}}}}")
    css = "\n".join(lines)
    return (
        '<link rel="stylesheet" id="wp-block-library-css" href="/wp-includes/css/dist/block-library/style.min.css?ver=6.6.2" media="all" />\n'
        f"<style id='global-styles-inline-css'>\n{css}\n</style>\n"
    )


def _head_scripts(base_url: str) -> str:
    settings = {
        "baseUrl": "https://s.w.org/images/core/emoji/15.0.3/72x72/", "ext": ".png",
        "svgUrl": "https://s.w.org/images/core/emoji/15.0.3/svg/", "svgExt": ".svg",
        "source": {"concatemoji": f"{base_url}/wp-includes/js/wp-emoji-release.min.js?ver=6.6.2"},
    }
    loader = (
        "/*! This file is auto-generated */\n"
        "!function(i,n){var o,s,e;function c(e){try{var t={supportTests:e,timestamp:(new Date).valueOf()};"
        "sessionStorage.setItem(o,JSON.stringify(t))}catch(e){}}function p(e,t,n){e.clearRect(0,0,e.canvas.width,e.canvas.height),"
        "e.fillText(t,0,0);var t=new Uint32Array(e.getImageData(0,0,e.canvas.width,e.canvas.height).data),"
        "r=(e.clearRect(0,0,e.canvas.width,e.canvas.height),e.fillText(n,0,0),new Uint32Array(e.getImageData(0,0,"
        "e.canvas.width,e.canvas.height).data));return t.every(function(e,t){return e===r[t]})}"
    ) * 6
    analytics = "".join(
        f"gtag('event','page_view',{{'send_to':'G-BENCH{n:04d}','page_section':'{cat}'}});" for n, (_, cat) in enumerate(_CATEGORIES * 4)
    )
    return (
        f"<script>window._wpemojiSettings = {json.dumps(settings)};\n{loader}}}(window,document);</script>\n"
        f'<script async src="https://www.googletagmanager.com/gtag/js?id=G-BENCH0000"></script>\n'
        f"<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments);}}gtag('js',new Date());{analytics}</script>\n"
    )
