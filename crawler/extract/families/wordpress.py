"""WordPress: core markup and the conventions of common themes and plugins.

URL shapes: ``/<slug>/`` (Korean slugs percent-encoded), ``/?p=N``, ``/YYYY/MM/DD/<slug>/``.
Fingerprint: ``/wp-content/`` or ``/wp-includes/`` assets, the WordPress generator meta, or
``postid-N`` body classes. Body: ``.entry-content`` (core and most classic themes),
``.wp-block-post-content`` (block themes), ``.td-post-content`` (tagDiv Newspaper).
Captions: ``figure.wp-block-image > figcaption.wp-element-caption`` and the classic
``div.wp-caption > p.wp-caption-text``. Share, related-post and ad plugins (Jetpack
sharedaddy/related posts, YARPP, AddToAny, Ad Inserter) render inside the content and are removed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crawler.extract.families import Family

if TYPE_CHECKING:
    from crawler.extract.page import Page


def _is_wordpress(page: Page) -> bool:
    if any("wordpress" in g.lower() for g in page.meta_all("generator")):
        return True
    body = page.root.find("body")
    if body is not None and "postid-" in (body.get("class") or ""):
        return True
    for el in page.root.iter("link", "script", "img"):
        ref = el.get("href") or el.get("src") or ""
        if "/wp-content/" in ref or "/wp-includes/" in ref or "/wp-json/" in ref:
            return True
    return False


WORDPRESS = Family(
    name="wordpress",
    detect=_is_wordpress,
    title=("h1.entry-title", "h1.wp-block-post-title", "h1.post-title", "h1.single-post-title", ".td-post-title h1"),
    subtitle=("h2.subtitle", "h2[class*=subtitle]", "p[class*=subtitle]", ".td-post-sub-title", "[class*=sub-title]"),
    body=(
        ".entry-content", ".wp-block-post-content", ".td-post-content", ".post-content", ".single-content",
        ".article-content", ".content-inner", ".post-entry", ".entry-body", "[itemprop~=articleBody]",
    ),
    remove=(
        ".sharedaddy", ".jp-relatedposts", "#jp-relatedposts", ".yarpp-related", ".yarpp", ".addtoany_share_save_container",
        ".a2a_kit", ".heateor_sss_sharing_container", ".code-block", ".wpcnt", ".post-views", ".td-a-rec",
        ".wp-block-buttons", ".ez-toc-container", ".saboxplugin-wrap", ".wp-block-post-author",
    ),
    byline=(
        "a[rel~=author]", ".byline .author", ".author.vcard .fn", ".author.vcard a", ".td-post-author-name a",
        ".wp-block-post-author__name", ".wp-block-post-author-name", ".author-name", ".byline",
    ),
    published=(
        "time.entry-date.published[datetime]", "time.published[datetime]", "time.entry-date[datetime]",
        ".wp-block-post-date time[datetime]", ".posted-on time[datetime]",
    ),
    modified=(".wp-block-post-date__modified-date time[datetime]",),
    section=(
        "a[rel~=category]", ".cat-links a", ".taxonomy-category a", ".td-category a", ".entry-category a",
        "a[href*='/category/']",
    ),
    tags=(
        "a[rel~=tag]:not([rel~=category])", ".tags-links a", ".taxonomy-post_tag a", ".td-tags a", ".post-tags a",
        "a[href*='/tag/']",
    ),
    related=(".jp-relatedposts", ".yarpp-related", ".crp_related", ".related-posts", ".wp-block-jetpack-related-posts"),
)
