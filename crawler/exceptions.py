"""Reasons an item is dropped. Scrapy counts drops per exception class
(``item_dropped_reasons_count/<Class>``), so each reason is its own class."""

from scrapy.exceptions import DropItem


class MissingFields(DropItem):
    """Raised by ValidatePipeline when an article lacks a required field (title, body)."""
