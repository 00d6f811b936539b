"""Metadata fields read from the whole page: title, dates, reporters, section, tags, language.

Each function returns the value and the layer that produced it (``selector``,
``family``, ``jsonld``, ``opengraph``, ``meta``, ``microdata``, ``h1``, ``time``,
``text``), which becomes ``Article.provenance``.
"""

from __future__ import annotations

import html
import re
from copy import deepcopy
from functools import cache

from crawler.extract.document import HtmlElement, class_tokens, lines_of, select, text_of, text_of_multiline, text_of_one_line
from crawler.extract.families import Family
from crawler.extract.page import Page
from crawler.items import Reporter
from crawler.normalize.dates import ParsedDate, find_date_text, labelled_dates, parse_date
from crawler.normalize.people import ROLES, Byline, parse_byline
from crawler.normalize.text import clean_line, squash

_TITLE_SEPARATORS = re.compile(r"\s+[-|–—:·•]{1,2}\s+|\s*[|ㅣ｜]\s*|\s+::\s+|\s*::\s*")

PUBLISHED_METAS = (
    "article:published_time", "og:article:published_time", "article:published", "og:published_time",
    "datepublished", "pubdate", "publishdate", "publish-date", "publish_date", "article.published", "date",
    "dc.date", "dc.date.issued", "dcterms.created", "dcterms.issued", "sailthru.date", "parsely-pub-date",
    "cxenseparse:recs:publishtime", "nv:news:published_time", "article_date_original", "originalpublicationdate",
)
MODIFIED_METAS = (
    "article:modified_time", "og:article:modified_time", "og:updated_time", "article:modified", "datemodified",
    "dcterms.modified", "last-modified", "lastmod", "article.updated", "nv:news:modified_time",
)


def _first_text(root: HtmlElement, selectors: tuple[str, ...]) -> tuple[str | None, str | None]:
    for selector in selectors:
        for el in select(root, selector):
            text = text_of(el)
            if text:
                return text, selector
    return None, None


def strip_site_name(title: str, site_names: set[str]) -> str:
    """Remove a trailing/leading site name (``… - 매일경제``, ``…-정치ㅣ한국일보``, ``대전일보 :: …``)."""
    title = clean_line(title)
    names = {squash(n) for n in site_names if n and len(n) >= 2}
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    seps = _TITLE_SEPARATORS.findall(title)
    # Drop leading/trailing parts that are (or contain) the site name.
    start, end = 0, len(parts)
    changed = True
    while changed and end - start > 1:
        changed = False
        last, first = squash(parts[end - 1]), squash(parts[start])
        if any(n and (n in last or last in n) for n in names) or _looks_like_site(parts[end - 1]):
            end -= 1
            changed = True
        elif any(n and (n in first or first in n) for n in names) and len(parts[start]) < 25:
            start += 1
            changed = True
    if (start, end) == (0, len(parts)):
        return title
    out = parts[start]
    for k in range(start + 1, end):
        out += seps[k - 1] + parts[k]
    # "…커졌다-정치" after "ㅣ한국일보" went: a short section name glued on with a bare hyphen.
    out = re.sub(r"-(?:[가-힣]{1,4}|[A-Za-z]{2,10})$", "", out) if end < len(parts) else out
    return out.strip()


def _looks_like_site(part: str) -> bool:
    part = clean_line(part)
    return len(part) <= 25 and bool(re.search(r"(?:일보|신문|뉴스|News|Times|\.com|\.co\.kr|닷컴|방송|미디어|경제)$", part))


def extract_title(page: Page, family: Family) -> tuple[str | None, str | None]:
    """Headline and its layer."""
    selectors = tuple(s for s in (page.profile.selectors.get("title"),) if s)
    text, _ = _first_text(page.root, selectors)
    if text:
        return text, "selector"
    meta_title, layer = None, None
    headline = page.jsonld.get("headline")
    if isinstance(headline, str) and clean_line(headline):
        # CMSs put HTML entities into JSON-LD strings ("&#8211;", "&amp;").
        meta_title, layer = clean_line(html.unescape(headline)), "jsonld"
    elif og := page.meta("og:title", "twitter:title"):
        meta_title, layer = og, "opengraph"
    h1s = [t for t in (text_of(h) for h in page.root.iter("h1")) if t and len(t) <= 300]
    family_text, _ = _first_text(page.root, family.title)
    candidates = ([family_text] if family_text else []) + h1s
    if meta_title:
        target = squash(meta_title)
        for candidate in candidates:
            c = squash(candidate)
            if c and (c == target or (c in target and len(c) >= 0.5 * len(target))
                      or (target.startswith(c) and len(c) >= 0.25 * len(target))):
                return candidate, "family" if candidate == family_text else "h1"
        stripped = strip_site_name(meta_title, page.site_names())
        if stripped:
            return stripped, layer
    if family_text:
        return family_text, "family"
    site = {squash(n) for n in page.site_names()}
    for h1 in h1s:
        if squash(h1) not in site:
            return h1, "h1"
    title_el = page.root.find(".//title")
    if title_el is not None and (t := clean_line(title_el.text_content())):
        return strip_site_name(t, page.site_names()), "title"
    return None, None


_DECK_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6", "p", "div", "strong", "em", "span"})


def extract_deck(
    page: Page, family: Family, body_el: HtmlElement | None, title: str | None
) -> tuple[HtmlElement | None, str | None, str | None]:
    """The deck (sub-headline): (element, text with one line per printed line, layer).

    A deck sits in the article header or at the very top of the body, before its first
    paragraph; a "subtitle"-classed heading further down the body is a section heading.
    """
    from crawler.extract.families import DECK_SELECTORS

    own = tuple(s for s in (page.profile.selectors.get("subtitle"),) if s)
    # Document order and the body's first paragraph are needed only once a candidate is
    # found, which most pages never have: a walk of the whole page saved on those.
    @cache
    def order() -> dict[HtmlElement, int]:
        return {node: i for i, node in enumerate(page.root.iter())}

    @cache
    def first_para() -> HtmlElement | None:
        return next((p for p in body_el.iter("p") if len(text_of(p)) >= 100), None) if body_el is not None else None

    for layer, selectors in (("selector", own), ("family", family.subtitle), ("family", DECK_SELECTORS)):
        for selector in selectors:
            for el in select(page.root, selector):
                if layer != "selector" and (el.tag not in _DECK_TAGS or in_furniture(el)):
                    continue
                text = "\n".join(lines_of(el))
                if not 4 <= len(text) <= 400 or (title and squash(text) == squash(title)):
                    continue
                if body_el is not None and layer != "selector":
                    if el in set(body_el.iterancestors()) or el is body_el:
                        continue
                    inside = body_el in set(el.iterancestors())
                    limit = order().get(first_para() if inside else body_el, 10**9)
                    if order().get(el, 0) > limit:
                        continue
                return el, text, layer
    return None, None, None


def _date_candidates(page: Page, family: Family, kind: str, scope: HtmlElement) -> list[tuple[str, str]]:
    """(raw, layer) candidates for ``published`` or ``modified``, best first."""
    out: list[tuple[str, str]] = []
    sel = page.profile.selectors.get(kind)
    if sel:
        out += [(_date_value(el), "selector") for el in select(page.root, sel)]
    key = "datePublished" if kind == "published" else "dateModified"
    value = page.jsonld.get(key)
    if isinstance(value, str):
        out.append((value, "jsonld"))
    out += [(v, "meta") for v in page.meta_all(*(PUBLISHED_METAS if kind == "published" else MODIFIED_METAS))]
    for selector in family.published if kind == "published" else family.modified:
        for root in (scope, page.root):
            found = select(root, selector)
            if found:
                out += [(_date_value(el), "family") for el in found[:1]]
                break
    for el in page.itemprop(key):
        out.append((page.itemprop_value(el), "microdata"))
    out += [(raw, "attribute") for raw in _attribute_dates(page, kind)]
    return [(raw, layer) for raw, layer in out if raw]


_MODIFIED_ATTR = re.compile(r"modif|updat|re-?deploy|edit|revis", re.I)
_PUBLISHED_ATTR = re.compile(r"publish|deploy|regist|reg-?d|creat|input|pub-?date|article-?date|date-?time|datetime", re.I)


_FOUR_DIGITS = re.compile(r"\d{4}")


def _attribute_dates(page: Page, kind: str) -> list[str]:
    """Dates in ``data-*`` attributes (``data-date-time``, ``data-deploy-dt``), by attribute name."""
    out: list[str] = []
    for attr, value in page.short_data_attributes():
        if not _FOUR_DIGITS.search(value):
            continue
        modified = bool(_MODIFIED_ATTR.search(attr))
        if (kind == "modified") == modified and (modified or _PUBLISHED_ATTR.search(attr)):
            out.append(clean_line(value))
    return out[:5]


def _date_value(el: HtmlElement) -> str:
    for attr in ("datetime", "content", "data-date-time", "data-date", "data-modify-date-time", "title"):
        if el.get(attr) and re.search(r"\d{4}", el.get(attr)):
            return clean_line(el.get(attr))
    return text_of(el)


def _text_dates(page: Page, scope: HtmlElement, title_el: HtmlElement | None) -> dict[str, tuple[str, str]]:
    """Labelled dates (입력/수정/승인) in the article area, then unlabelled ones next to the title."""
    found: dict[str, tuple[str, str]] = {}
    for root in (scope, page.root):
        for kind, raw in labelled_dates(text_of_multiline(root)).items():
            found.setdefault(kind, (raw, "text"))
        if found:
            break
    if "published" not in found and "approved" in found:
        found["published"] = found.pop("approved")
    if "published" not in found:
        for time_el in list(scope.iter("time")) + list(page.root.iter("time")):
            raw = time_el.get("datetime") or text_of(time_el)
            if raw:
                found["published"] = (raw, "time")
                break
    if "published" not in found and title_el is not None:
        node = title_el
        for _ in range(3):
            node = node.getparent()
            if node is None:
                break
            raw = find_date_text(text_of(node).replace(text_of(title_el), " "))
            if raw:
                found["published"] = (raw, "text")
                break
    return found


def _pick_date(cands: list[tuple[str, str]], page: Page) -> tuple[ParsedDate | None, str | None]:
    fallback: tuple[ParsedDate | None, str | None] = (None, None)
    for raw, layer in cands:
        parsed = parse_date(raw, page.profile.timezone, now=page.now)
        if parsed is None:
            continue
        if parsed.has_time:
            return parsed, layer
        if fallback[0] is None:
            fallback = (parsed, layer)
    return fallback


def _has_time(picked: tuple[ParsedDate | None, str | None]) -> bool:
    return picked[0] is not None and picked[0].has_time


def _htmldate(page: Page) -> str | None:
    """htmldate's publication day, the last resort (it reads dates in text, URLs and scripts)."""
    try:
        from htmldate import find_date
    except ImportError:  # pragma: no cover - installed with trafilatura
        return None
    try:
        # htmldate cleans the tree it is given; it gets a copy.
        return find_date(deepcopy(page.root), original_date=True, url=page.url, max_date=page.now.strftime("%Y-%m-%d"))
    except Exception:  # noqa: BLE001 - a heuristic fallback must never fail the extraction
        return None


Picked = tuple[ParsedDate | None, str | None]


def extract_dates(
    page: Page, family: Family, scope: HtmlElement, title_el: HtmlElement | None, *, guess: bool = True
) -> tuple[Picked, Picked]:
    """((published, layer), (modified, layer)).

    ``guess=False`` leaves out htmldate's guess (see :func:`guess_published`), so that a
    caller can refuse a non-article before paying for it.
    """
    pub_cands = _date_candidates(page, family, "published", scope)
    mod_cands = _date_candidates(page, family, "modified", scope)
    published = _pick_date(pub_cands, page)
    modified = _pick_date(mod_cands, page)
    # Text dates come last in each list, so they can only matter when the structured
    # candidates gave no time of day; reading the article's text is skipped otherwise.
    if not _has_time(published) or not _has_time(modified):
        text_found = _text_dates(page, scope, title_el)
        if "published" in text_found:
            pub_cands.append(text_found["published"])
            published = _pick_date(pub_cands, page)
        if "modified" in text_found:
            mod_cands.append(text_found["modified"])
            modified = _pick_date(mod_cands, page)
    if guess:
        return guess_published(page, published, modified)
    return _consistent(published, modified)


def guess_published(page: Page, published: Picked, modified: Picked) -> tuple[Picked, Picked]:
    """When no publication time was found: htmldate's guess, the last resort (slow)."""
    if published[0] is None and (found := _htmldate(page)):
        published = _pick_date([(found, "htmldate")], page)
    return _consistent(published, modified)


def _consistent(published: Picked, modified: Picked) -> tuple[Picked, Picked]:
    if published[0] and modified[0] and modified[0].value < published[0].value:
        modified = (None, None)
    return published, modified


def _outlet_names(page: Page, family: Family) -> set[str]:
    """Names of the outlet and its host platform, squashed: never reporters."""
    names = set(page.site_names())
    for raw in page.meta_all("og:article:author", "article:publisher", "twitter:site"):
        names.update(part for part in re.split(r"\s*[|ㅣ｜]\s*", raw) if part and not part.startswith("http"))
    for selector in family.publisher:
        for el in select(page.root, selector):
            names.update(v for v in (el.get("alt"), el.get("title"), text_of(el)) if v)
    return {squash(n) for n in names if n}


def _structured_names(page: Page, family: Family, scope: HtmlElement) -> list[tuple[Byline, str]]:
    site = _outlet_names(page, family)
    out: list[tuple[Byline, str]] = []

    def add(people: list[Byline], layer: str) -> None:
        for person in people:
            # A Korean "name" equal to the outlet's name is the outlet; a Latin one may be a personal blog.
            if squash(person.name) in site and re.search(r"[가-힣]", person.name):
                continue
            if all(p.name != person.name for p, _ in out):
                out.append((person, layer))

    sel = page.profile.selectors.get("byline")
    if sel:
        for el in select(page.root, sel):
            add(parse_byline(text_of_multiline(el).replace("\n", " / "), structured=True), "selector")
        if out:
            return out
    for name, email, job, is_person in page.jsonld.authors():
        if is_person:
            people = parse_byline(name, structured=True)
            if len(people) == 1:
                role = people[0].role or (clean_line(job) if job and clean_line(job) in ROLES else None)
                people = [Byline(people[0].name, email.lower() if email else None, role)]
            add(people, "jsonld")
    if out:
        return out
    for selector in family.byline:
        els = select(scope, selector) or select(page.root, selector)
        for el in els[:6]:
            add(parse_byline(text_of(el), structured=selector.startswith(_NAME_ONLY_SELECTORS)), "family")
        if out:
            return out
    labelled = [page.meta(f"twitter:data{n}") for n in (1, 2) if (page.meta(f"twitter:label{n}") or "").lower() in _AUTHOR_LABELS]
    for raw in [*page.meta_all("author", "article:author", "dable:author", "byl", "sailthru.author", "parsely-author"), *filter(None, labelled)]:
        if raw.startswith(("http://", "https://", "@")):
            continue
        add(parse_byline(raw, structured=True), "meta")
    return out


# Selectors whose element holds just a name (no role word, no "By").
_NAME_ONLY_SELECTORS = ("a[rel", "[itemprop", "[class*=author-name]", "[class*=author_name]", "[class*=authorName]",
                        ".author a", ".wp-block-post-author")
_AUTHOR_LABELS = {"written by", "글쓴이", "작성자", "author", "by", "기자"}


def _email_near(page_text: str, name: str) -> str | None:
    roles = "|".join(ROLES)
    m = re.search(
        rf"{re.escape(name)}\s*(?:{roles})?[\s()\[\]<>:=/|·,]{{0,12}}([A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{{2,}})",
        page_text,
    )
    return m.group(1).lower() if m else None


def extract_reporters(
    page: Page, family: Family, scope: HtmlElement, body_bylines: list[Byline]
) -> tuple[list[Reporter], str | None]:
    """Reporters: structured names (JSON-LD, rel=author, meta) enriched with emails from bylines.

    Byline lines inside the body carry the email and role; when the structured sources
    name nobody, the body bylines are the reporters.
    """
    structured = _structured_names(page, family, scope)
    body_people = [b for b in body_bylines if b.name]
    if structured:
        people = [p for p, _ in structured]
        layer = structured[0][1]
        names = {p.name for p in people}
        # A body byline naming someone the metadata missed is a co-author.
        people += [b for b in body_people if b.name not in names and layer != "selector"]
    elif body_people:
        people, layer = body_people, "text"
    else:
        return [], None
    by_name = {b.name: b for b in body_people}
    page_text: str | None = None
    reporters: list[Reporter] = []
    for person in people:
        email, role = person.email, person.role
        if person.name in by_name:
            email = email or by_name[person.name].email
            role = role or by_name[person.name].role
        if email is None:
            if page_text is None:
                page_text = text_of_one_line(page.root)
            email = _email_near(page_text, person.name)
        if role is None and page_text is not None:
            m = re.search(rf"{re.escape(person.name)}\s?({'|'.join(ROLES)})(?![가-힣])", page_text)
            role = m.group(1) if m else None
        reporters.append(Reporter(name=person.name, email=email, role=role))
    return reporters, layer


def extract_section(page: Page, family: Family, scope: HtmlElement) -> tuple[str | None, str | None]:
    """Section/category name and its layer."""
    if sel := page.profile.selectors.get("section"):
        text, _ = _first_text(page.root, (sel,))
        if text:
            return text, "selector"
    value = page.jsonld.get("articleSection")
    values = value if isinstance(value, list) else [value]
    for v in values:
        if isinstance(v, str) and clean_line(v):
            return clean_line(v), "jsonld"
    if meta := page.meta("article:section", "og:article:section", "section", "category"):
        return meta, "meta"
    for selector in family.section:
        for root in (scope, page.root):
            for el in select(root, selector):
                text = text_of(el)
                if text and len(text) <= 30 and not in_furniture(el):
                    return text, "family"
    return None, None


def extract_tags(page: Page, family: Family, scope: HtmlElement) -> tuple[list[str], str | None]:
    """Tags/keywords in page order, de-duplicated, and their layer."""
    def unique(values: list[str]) -> list[str]:
        seen: list[str] = []
        for v in values:
            v = clean_line(v).lstrip("#").strip()
            if v and len(v) <= 40 and v not in seen:
                seen.append(v)
        return seen

    if sel := page.profile.selectors.get("tags"):
        if found := unique([text_of(el) for el in select(page.root, sel)]):
            return found, "selector"
    if found := unique(page.meta_all("article:tag", "og:article:tag")):
        return found, "meta"
    keywords = page.jsonld.get("keywords")
    if isinstance(keywords, str):
        keywords = re.split(r"\s*,\s*", keywords)
    if isinstance(keywords, list) and (found := unique([k for k in keywords if isinstance(k, str)])):
        return found, "jsonld"
    for selector in family.tags:
        for root in (scope, page.root):
            els = [el for el in select(root, selector) if not _in_category(el) and not in_furniture(el)]
            if found := unique([text_of(el) for el in els]):
                return found, "family"
    if news := page.meta("news_keywords"):
        return unique(re.split(r"\s*,\s*", news)), "meta"
    return [], None


_CATEGORY_BOXES = frozenset({"cat-links", "categories", "category", "post-categories", "entry-categories", "td-category", "entry-category"})
_FURNITURE_PARTS = frozenset({"menu", "nav", "navigation", "gnb", "lnb", "snb", "sidebar", "widget", "breadcrumb", "breadcrumbs", "crumbs"})
_FURNITURE_WHOLE = frozenset({"header", "site-header", "masthead", "topbar", "top", "footer", "site-footer", "global-footer"})


def _in_category(el: HtmlElement) -> bool:
    if "/category/" in (el.get("href") or "") or "category" in (el.get("rel") or ""):
        return True
    for depth, node in enumerate(el.iterancestors()):
        if depth >= 3:
            break
        if any(t in _CATEGORY_BOXES or t.startswith("taxonomy-categ") for t in class_tokens(node)):
            return True
    return False


def in_furniture(el: HtmlElement) -> bool:
    """True inside site navigation, menus, sidebars, footers (not the article's own header)."""
    ancestors = list(el.iterancestors())
    in_article = any(node.tag == "article" for node in ancestors)
    for node in ancestors:
        if node.tag == "article":
            return False
        if node.tag in ("nav", "aside") or (node.tag == "footer" and not in_article):
            # An <article>'s own <footer> carries its tags; the page's footer does not.
            return True
        for token in class_tokens(node):
            if token in _FURNITURE_WHOLE or any(part in _FURNITURE_PARTS for part in re.split(r"[-_]", token)):
                return True
    return False


def extract_language(page: Page, body_text: str) -> tuple[str | None, str | None]:
    """Primary language subtag (``ko``, ``en``) and its layer."""
    html = page.root
    lang = html.get("lang") or html.get("xml:lang")
    layer = "html"
    if not lang:
        lang, layer = page.meta("content-language", "og:locale", "language", "dc.language"), "meta"
    if lang:
        primary = re.split(r"[-_]", lang.strip())[0].lower()
        if re.fullmatch(r"[a-z]{2,3}", primary):
            return primary, layer
    if page.profile.language:
        return page.profile.language, "profile"
    letters = re.findall(r"[A-Za-z가-힣]", body_text[:3000])
    if letters:
        hangul = sum(1 for ch in letters if "가" <= ch <= "힣")
        return ("ko" if hangul / len(letters) > 0.3 else None), "text"
    return None, None


def extract_canonical(page: Page) -> str | None:
    """``<link rel=canonical>`` or og:url, when it points at this site."""
    for link in page.root.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            url = page.absolute(link.get("href"))
            if url and page.same_site(url):
                return url
    og = page.absolute(page.meta("og:url"))
    if og and page.same_site(og):
        return og
    return None
