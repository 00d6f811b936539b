"""Article extraction: HTML page → :class:`crawler.items.Article`.

Imports neither Scrapy nor SQLAlchemy; the spider hands bytes in, gets an article out.
"""

from crawler.extract.article import extract_article
from crawler.extract.charset import decode_html
from crawler.extract.errors import ExtractionError, NotAnArticle
from crawler.extract.profile import ExtractProfile

__all__ = ["ExtractProfile", "ExtractionError", "NotAnArticle", "decode_html", "extract_article"]
