"""A site's config as the extractor sees it: the one place SiteConfig becomes an
ExtractProfile, for crawls and for ``newscrawl extract`` alike."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crawler.extract.profile import ExtractProfile

if TYPE_CHECKING:
    from config.schema import SiteConfig


def extract_profile(site: SiteConfig) -> ExtractProfile:
    return ExtractProfile(
        site=site.id,
        family=site.extract.family,
        timezone=site.timezone,
        language=site.language,
        domains=tuple(site.domains),
        selectors=dict(site.extract.selectors),
        remove=tuple(site.extract.remove),
    )
