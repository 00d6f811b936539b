"""Drop articles that lack what every stored article must have."""

from __future__ import annotations

from crawler.exceptions import MissingFields
from crawler.items import Article

REQUIRED = ("title", "body")


class ValidatePipeline:
    async def process_item(self, item: Article) -> Article:
        missing = [name for name in REQUIRED if not getattr(item, name)]
        if missing:
            raise MissingFields(f"{item.url}: missing {', '.join(missing)}")
        return item
