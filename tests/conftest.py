import os

# Scrapy's cookie middleware would download the public-suffix list through tldextract;
# the crawler disables cookies, and this keeps any stray import offline too.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

pytest_plugins = ["tests.db_fixtures"]
