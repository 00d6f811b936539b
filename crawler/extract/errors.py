"""Errors raised by :func:`crawler.extract.extract_article`."""

from __future__ import annotations


class ExtractionError(Exception):
    """The page could not be turned into an article."""


class NotAnArticle(ExtractionError):
    """The page is not an article (section front, tag page, gallery, video-only, …).

    ``reason`` is a short stable slug (``no-title``, ``listing-page``, ``no-body``,
    ``gallery``, ``video-only``, ``empty-page``) suitable for counting drops.
    """

    def __init__(self, reason: str, detail: str | None = None) -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(reason if detail is None else f"{reason}: {detail}")
