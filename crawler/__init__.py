"""newscrawl's crawler: Scrapy spiders, extractors and pipelines."""
