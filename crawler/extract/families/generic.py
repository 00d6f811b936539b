"""The generic family: no CMS-specific selectors; metadata and body density do the work."""

from __future__ import annotations

from crawler.extract.families import Family

GENERIC = Family(
    name="generic",
    body=("[itemprop~=articleBody]",),
    byline=(
        "[itemprop~=author] [itemprop~=name]", "[itemprop~=author]", "a[rel~=author]", "[class*=author-name]",
        "[class*=author_name]", "[class*=authorName]", "[class~=byline]", "[class*=byline]", ".author a",
    ),
    published=("[itemprop~=datePublished]",),
    modified=("[itemprop~=dateModified]",),
    section=("[itemprop~=articleSection]",),
    tags=("a[rel~=tag]:not([rel~=category])",),
)
