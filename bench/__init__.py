"""Benchmarks (not timed tests): one command each, results tabled in ``bench/README.md``.

* ``python -m bench.siteserver``  - the generated loopback news site (used by the others)
* ``python -m bench.extraction``  - extractor pages/s against trafilatura on the same pages
* ``python -m bench.e2e``         - ``newscrawl crawl`` over the generated site against a
  fetch-only Scrapy spider (the framework's ceiling)
* ``python -m bench.storage``     - dedupe-insert rate and query latency at 1,000,000 articles
"""
