"""The extraction pipeline: bytes → parsed page → fields by layer → :class:`Article`.

Layers, cheapest and most reliable first: the site's CSS selectors, the CMS family's
selectors, structured metadata (JSON-LD incl. Yoast ``@graph``, OpenGraph, ``article:*``
metas, microdata, ``<time datetime>``), then the body: located by selector or text
density, walked into lines, and cleaned with Korean text conventions; trafilatura is
the body fallback for generic pages where our walk finds too little.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from crawler.extract.bodyfinder import find_body
from crawler.extract.charset import decode_html
from crawler.extract.bodytext import extract_body
from crawler.extract.document import HtmlElement, class_tokens, lines_of, parse_html, select, text_of
from crawler.extract.errors import ExtractionError
from crawler.extract.families import Family, resolve
from crawler.extract.fields import (
    extract_canonical,
    extract_dates,
    extract_deck,
    extract_language,
    extract_reporters,
    extract_section,
    extract_tags,
    extract_title,
    guess_published,
)
from crawler.extract.gate import check_article
from crawler.extract.page import Page, host_of
from crawler.extract.profile import ExtractProfile
from crawler.extract.related import find_related
from crawler.items import Article, Image
from crawler.normalize.text import squash

def _in_zone(value: datetime, zone: str) -> datetime:
    """The same instant expressed in the site's zone, so stored times read like the page."""
    return value.astimezone(ZoneInfo(zone))


def _header(headers: Mapping[str, str] | None, name: str) -> str | None:
    if not headers:
        return None
    for key, value in headers.items():
        if key.lower() == name:
            return value.decode("latin-1") if isinstance(value, bytes) else str(value)
    return None


def _scope(body_el: HtmlElement | None, root: HtmlElement) -> HtmlElement:
    """The article area around the body (``<article>``, ``.hentry``, Article microdata)."""
    if body_el is None:
        return root
    for node in [body_el, *body_el.iterancestors()]:
        if node.tag == "article" or "hentry" in class_tokens(node) or "article" in (node.get("itemtype") or "").lower():
            return node
        if node.tag in ("body", "html"):
            break
    return root


def _title_element(root: HtmlElement, title: str | None) -> HtmlElement | None:
    if not title:
        return None
    target = squash(title)
    for tag in ("h1", "h2", "h3"):
        for el in root.iter(tag):
            if squash(text_of(el)) == target:
                return el
    return None


def _first_selected(page: Page, selectors: tuple[str, ...], scope: HtmlElement, title: str | None) -> str | None:
    for selector in selectors:
        for root in (scope, page.root):
            for el in select(root, selector):
                text = "\n".join(lines_of(el))
                if 4 <= len(text) <= 600 and (not title or squash(text) != squash(title)):
                    return text
    return None


def build_article(html: str, url: str, profile: ExtractProfile, now: datetime, *, gate: bool = True) -> Article:
    """Extract an :class:`Article` from decoded HTML (see :func:`extract_article`).

    ``gate=False`` skips the article / not-an-article check (benchmarks score the body
    and the gate separately).
    """
    root = parse_html(html)
    page = Page(root, url, profile, now)
    family = resolve(profile.family, page)
    provenance: dict[str, str] = {}

    related_selectors = tuple(s for s in (profile.selectors.get("related"),) if s) + family.related
    found = find_body(root, tuple(s for s in (profile.selectors.get("body"),) if s) + family.body)
    body_el = found[0]
    related = find_related(page, related_selectors, body_el)
    title, layer = extract_title(page, family)
    if layer:
        provenance["title"] = layer
    deck_el, subtitle, deck_layer = extract_deck(page, family, body_el, title)
    consumed = set(related.nodes) | ({deck_el} if deck_el is not None else set())
    body = extract_body(page, family, consumed, title, found)
    cleaned, body_el, body_text = body.cleaned, body.element, body.text
    provenance["body"] = body.layer

    scope = _scope(body_el, root)
    # htmldate's guess is left until the page has passed the gate: the gate scores a guessed
    # date as no date, and guessing costs more than the rest of a refused page.
    (published, pub_layer), (modified, mod_layer) = extract_dates(page, family, scope, _title_element(root, title),
                                                                  guess=not gate)
    reporters, rep_layer = extract_reporters(page, family, scope, cleaned.bylines)
    section, sec_layer = extract_section(page, family, scope)
    tags, tag_layer = extract_tags(page, family, scope)
    language, lang_layer = extract_language(page, body_text)

    summary = None
    if sel := profile.selectors.get("summary"):
        summary = _first_selected(page, (sel,), scope, title)
        provenance["summary"] = "selector"
    if summary is None and (summary := cleaned.summary):
        provenance["summary"] = "text"
    if summary is None and (summary := _first_selected(page, family.summary, scope, title)):
        provenance["summary"] = "family"
    if subtitle and summary and squash(subtitle) == squash(summary):
        subtitle = None
    if subtitle and deck_layer:
        provenance["subtitle"] = deck_layer

    images = cleaned.images
    if images:
        provenance["images"] = "body"
    elif og_image := page.absolute(page.meta("og:image", "twitter:image")):
        images = [Image(url=og_image)]
        provenance["images"] = "opengraph"
    related_links = related.links + [r for r in cleaned.related if all(r.url != x.url for x in related.links)]
    if related_links:
        provenance["related_links"] = "dom" if related.links else "text"

    if gate:
        check_article(page, title=title, body=body_text, body_el=body_el, date_layer=pub_layer if published else None,
                      has_author=rep_layer not in (None, "text"), image_count=len(images), body_layer=body.layer)
        if published is None:
            (published, pub_layer), (modified, mod_layer) = guess_published(
                page, (published, pub_layer), (modified, mod_layer)
            )
    for name, value in (("published_at", pub_layer), ("modified_at", mod_layer), ("reporters", rep_layer),
                        ("section", sec_layer), ("tags", tag_layer), ("language", lang_layer)):
        if value:
            provenance[name] = value
    canonical = extract_canonical(page)
    if canonical:
        provenance["canonical_url"] = "link"

    extractor = family.name + ("+trafilatura" if body.layer == "trafilatura" else "")
    return Article(
        url=url,
        site=profile.site,
        title=title,
        canonical_url=canonical,
        subtitle=subtitle,
        summary=summary,
        body=body_text or None,
        reporters=reporters,
        published_at=_in_zone(published.value, profile.timezone) if published else None,
        published_raw=published.raw if published else None,
        modified_at=_in_zone(modified.value, profile.timezone) if modified else None,
        modified_raw=modified.raw if modified else None,
        section=section,
        tags=tags,
        images=images,
        related_links=related_links,
        language=language,
        fetched_at=now,
        extractor=extractor,
        provenance=provenance,
    )


def extract_article(
    body: bytes | str,
    url: str,
    *,
    profile: ExtractProfile | None = None,
    headers: Mapping[str, str] | None = None,
    fetched_at: datetime | None = None,
) -> Article:
    """Extract one article from a fetched page.

    Args:
        body: the response body (bytes are decoded with :func:`decode_html`).
        url: the URL the page was fetched from (after redirects).
        profile: the site's extraction settings; defaults to a generic profile named
            after the URL's host.
        headers: response headers (``Content-Type`` charset is used for decoding).
        fetched_at: when the page was fetched; the reference for relative dates and
            for refusing future dates. Defaults to now (UTC).

    Raises:
        NotAnArticle: the page is not an article (``reason`` says why).
        ExtractionError: the input cannot be processed (e.g. an invalid selector).
    """
    profile = profile or ExtractProfile(site=host_of(url) or "unknown")
    now = fetched_at or datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    try:
        html = body if isinstance(body, str) else decode_html(body, _header(headers, "content-type"))
        return build_article(html, url, profile, now)
    except ExtractionError:
        raise
    except Exception as exc:  # noqa: BLE001 - the contract: only ExtractionError leaves this function
        raise ExtractionError(f"extraction failed: {type(exc).__name__}: {exc}") from exc
